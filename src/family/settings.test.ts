import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { one } from '../../test/in-ics.js';
import { adultWithParentalResponsibility, demoParent, familyClient } from '../../test/family.js';
import * as family from './service.js';
import { PAUSED } from '../platform/access/family-policy.js';

/**
 * The ICS's family access settings over HTTP (issue 16: the review age is
 * 13 unless the ICS chooses 11 or 12): only an administrator changes them,
 * every field is checked, the change is audited, and the door follows the
 * new review age at once.
 */
describe('family access settings', () => {
  let j: TestJoinery;
  let admin: TestClient;

  const saved = async () => one<{ review_age: number; response_working_days: number; hide_staff_names: boolean } | undefined>(j,
    sql`SELECT review_age, response_working_days, hide_staff_names FROM family_setting WHERE ics_id = ${j.ics.icsId}::uuid`);

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    admin = await TestClient.signIn(j.app, 'admin@demo.joinery.test');
  }, 240_000);
  afterAll(() => j?.close());

  it('shows the review age of 13 until the ICS chooses another', async () => {
    expect(await saved()).toBeUndefined();
    const page = await admin.get('/admin/family-settings');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/name="reviewAge"[^>]*value="13"/);
    expect(page.body).toMatch(/name="responseWorkingDays"[^>]*value="2"/);
  });

  it('refuses a review age outside 11 to 13, and any other bad answer, saving nothing', async () => {
    for (const [form, message] of [
      [{ reviewAge: '10', responseWorkingDays: '2', hideStaffNames: 'no' }, 'The review age must be from 11 to 13'],
      [{ reviewAge: '14', responseWorkingDays: '2', hideStaffNames: 'no' }, 'The review age must be from 11 to 13'],
      [{ reviewAge: '12.5', responseWorkingDays: '2', hideStaffNames: 'no' }, 'Enter the review age as a whole number'],
      [{ reviewAge: 'twelve', responseWorkingDays: '2', hideStaffNames: 'no' }, 'Enter the review age as a whole number'],
      [{ reviewAge: '', responseWorkingDays: '2', hideStaffNames: 'no' }, 'Enter the review age as a whole number'],
      [{ reviewAge: '12', responseWorkingDays: '0', hideStaffNames: 'no' }, 'The working days to answer must be from 1 to 10'],
      [{ reviewAge: '12', responseWorkingDays: '2', hideStaffNames: 'maybe' }, 'Choose whether young people see staff names'],
    ] as const) {
      const res = await admin.post('/admin/family-settings', form);
      expect({ form, status: res.statusCode }).toEqual({ form, status: 400 });
      expect(pageText(res.body)).toContain(`There is a problem ${message}`);
    }
    expect(await saved()).toBeUndefined();
  });

  it('is for administrators only: a GP is refused the page and the change', async () => {
    const gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    expect((await gp.get('/admin/family-settings')).statusCode).toBe(403);
    expect((await gp.post('/admin/family-settings', { reviewAge: '11', responseWorkingDays: '2', hideStaffNames: 'no' })).statusCode).toBe(403);
    expect(await saved()).toBeUndefined();
  });

  it('saves a review age of 11, audited with what it was, and the door pauses an 11-year-old’s unreviewed proxy at once', async () => {
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    const child = await one<{ id: string }>(j, sql`SELECT c.id FROM child c WHERE c.ics_id = ${j.ics.icsId}::uuid AND c.nhs_number IS NOT NULL
      AND c.registered_practice_id = ${gp.organisationId}::uuid AND NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.child_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.child_id = c.id) ORDER BY c.id LIMIT 1`);
    // Eleven and a half, and granted at 8.
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = current_date - interval '11 years 6 months' WHERE id = ${child.id}::uuid`);
    const father = await adultWithParentalResponsibility(j, j.ics.icsId, child.id, { relationship: 'father', givenName: 'Fergus', nhsNumber: '9990005001' });
    await j.db.owner.execute(sql`INSERT INTO family_access_grant (ics_id, id, child_id, kind, related_person_id, nhs_number, date_of_birth, basis, evidence_note,
        may_see, granted_by, granted_by_name, granted_at)
      VALUES (${j.ics.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${child.id}::uuid, 'proxy', ${father.relatedPersonId}::uuid, ${father.nhsNumber}, ${father.birthdate}::date,
        'birth-certificate', 'Seen', ARRAY['plan','letters'], ${gp.professionalId}::uuid, ${gp.name}, now() - interval '3 years 6 months')`);
    const family = await familyClient(j, father);
    expect((await family.get(`/family/children/${child.id}`)).statusCode).toBe(200);

    const res = await admin.post('/admin/family-settings', { reviewAge: '11', responseWorkingDays: '3', hideStaffNames: 'yes' });
    expect(res.statusCode).toBe(303);
    expect(pageText((await admin.get(res.headers.location as string)).body)).toContain('Family access settings saved.');
    expect(await saved()).toEqual({ review_age: 11, response_working_days: 3, hide_staff_names: true });
    const [audit] = await rows<{ action: string; details: unknown }>(j.db.owner, sql`SELECT action, details FROM audit_event
      WHERE ics_id = ${j.ics.icsId}::uuid AND action = 'family.settings'`);
    expect(audit).toEqual({ action: 'family.settings', details: {
      before: { reviewAge: 13, responseWorkingDays: 2, hideStaffNames: false }, after: { reviewAge: 11, responseWorkingDays: 3, hideStaffNames: true },
    } });

    const paused = await family.get(`/family/children/${child.id}`);
    expect(paused.statusCode).toBe(403);
    expect(pageText(paused.body)).toContain(PAUSED);
  });

  it('tells a family asking a question the answer time the ICS set', async () => {
    expect((await admin.post('/admin/family-settings', { reviewAge: '13', responseWorkingDays: '4', hideStaffNames: 'no' })).statusCode).toBe(303);
    const parent = await demoParent(j);
    const { child_id } = await one<{ child_id: string }>(j, sql`SELECT child_id FROM family_access_grant WHERE nhs_number = ${parent.nhsNumber} AND kind = 'proxy'
      AND status = 'active' AND 'messages' = ANY(may_see) ORDER BY child_id LIMIT 1`);
    expect(await family.questionForm(j.db, parent, child_id)).toBe(4);
  });
});
