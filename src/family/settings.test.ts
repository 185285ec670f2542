import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { demoParent } from '../../test/family.js';
import { one } from '../../test/in-ics.js';
import { ROLE_IDS } from '../platform/access/roles.js';
import { person } from '../platform/access/test-actors.js';
import { familySettingsPolicy } from './settings.js';
import * as family from './service.js';

/**
 * The ICS's settings for families' pages, over HTTP as an administrator
 * sets them: the working days the care team has to answer a family, the
 * proxy review age, and whether young people see staff names. Bad input is
 * refused with the reason and saves nothing; a change reaches the family's
 * pages at once.
 */
describe('settings for families’ pages', () => {
  let j: TestJoinery;
  let admin: TestClient;
  const saved = () => one<{ response_working_days: number; review_age: number; hide_staff_names: boolean }>(j, sql`SELECT response_working_days, review_age, hide_staff_names
    FROM family_setting WHERE ics_id = ${j.ics.icsId}::uuid`);

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    admin = await TestClient.signIn(j.app, 'admin@demo.joinery.test');
  }, 300_000);
  afterAll(() => j?.close());

  it('shows the defaults: 2 working days, review at 13, staff named', async () => {
    const page = await admin.get('/admin/family-settings');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/id="responseWorkingDays" name="responseWorkingDays"[^>]*value="2"/);
    expect(page.body).toMatch(/value="13" checked/);
    expect(page.body).toMatch(/value="no" checked/);
    expect(pageText((await admin.get('/')).body)).toContain('Families’ pages');
  });

  it('refuses a number of days or a review age out of range, saying so, and saves nothing', async () => {
    const before = await saved();
    for (const [days, age, message] of [
      ['0', '12', 'Enter the number of working days as a whole number from 1 to 10'],
      ['11', '12', 'Enter the number of working days as a whole number from 1 to 10'],
      ['two', '12', 'Enter the number of working days as a whole number from 1 to 10'],
      ['', '12', 'Enter the number of working days'],
      ['3', '14', 'Enter the review age as a whole number from 11 to 13'],
      ['3', '10', 'Enter the review age as a whole number from 11 to 13'],
    ]) {
      const res = await admin.post('/admin/family-settings', { responseWorkingDays: days, reviewAge: age, hideStaffNames: 'yes' });
      expect(res.statusCode, `${days}/${age}`).toBe(400);
      expect(pageText(res.body)).toContain(`There is a problem ${message}`);
    }
    const noChoice = await admin.post('/admin/family-settings', { responseWorkingDays: '3', reviewAge: '12' });
    expect(pageText(noChoice.body)).toContain('Choose whether young people see the names of staff who looked at their record');
    expect(await saved()).toEqual(before);
  });

  it('saves a change, audited, and the family is told the new answer time when they ask a question', async () => {
    const res = await admin.post('/admin/family-settings', { responseWorkingDays: '5', reviewAge: '12', hideStaffNames: 'yes' });
    expect(res.statusCode).toBe(303);
    expect(pageText((await admin.get(res.headers.location as string)).body)).toContain('Settings saved.');
    expect(await saved()).toEqual({ response_working_days: 5, review_age: 12, hide_staff_names: true });
    expect(await one(j, sql`SELECT what FROM audit_event WHERE action = 'admin.family-settings-changed' ORDER BY at DESC LIMIT 1`))
      .toEqual({ what: 'Families’ pages: answer within 5 working days, review at 12, staff names hidden' });

    const parent = await demoParent(j);
    const { child_id } = await one<{ child_id: string }>(j, sql`SELECT child_id FROM family_access_grant WHERE nhs_number = ${parent.nhsNumber} AND kind = 'proxy' AND status = 'active'
      AND 'messages' = ANY(may_see) ORDER BY child_id LIMIT 1`);
    expect(await family.questionForm(j.db, parent, child_id)).toBe(5);
  });

  it('lets only an administrator see or change them', async () => {
    for (const role of ROLE_IDS) expect(familySettingsPolicy.changeFamilySettings(person(role)).allowed, role).toBe(role === 'admin');
    const gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    expect((await gp.get('/admin/family-settings')).statusCode).toBe(403);
    const before = await saved();
    expect((await gp.post('/admin/family-settings', { responseWorkingDays: '1', reviewAge: '11', hideStaffNames: 'no' })).statusCode).toBe(403);
    expect(await saved()).toEqual(before);
  });
});
