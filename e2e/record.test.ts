import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { londonToday } from '../src/platform/time/form-dates.js';
import { launchChromium, expectAccessible, screenshot, textOf, follow, signedIn as signInAs, JOURNEY } from './browser.js';
import { startServer } from './server.js';

type Child = { id: string; given_name: string; family_name: string; registered_practice_id: string };

/** The shared record in a real browser: every page visited is scanned for accessibility. */
describe('shared record journeys', JOURNEY, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let mine: Child;
  let flagged: Child;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    const gpOrg = sql`(SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')`;
    [mine] = await rows<Child>(server.db.owner, sql`SELECT id, given_name, family_name, registered_practice_id FROM child
      WHERE registered_practice_id = ${gpOrg} ORDER BY id LIMIT 1`);
    [flagged] = await rows<Child>(server.db.owner, sql`SELECT c.id, c.given_name, c.family_name, c.registered_practice_id FROM child c
      JOIN care_team_member m ON m.child_id = c.id AND m.ended_at IS NULL
      JOIN child_flag f ON f.child_id = c.id AND f.kind = 'child-protection-plan' AND f.ended_on IS NULL
      WHERE m.professional_id = (SELECT id FROM professional WHERE email = 'social-worker@demo.joinery.test') ORDER BY c.id LIMIT 1`);
    // Something on the timeline to filter: two kinds of contact.
    for (const [type, reason, days] of [['gp', 'Earache review', 20], ['outpatient', 'Asthma clinic', 60]] as const) {
      await server.db.owner.execute(sql`INSERT INTO contact (ics_id, id, child_id, type, started_at, reason_display, organisation_id, recording_organisation_id)
        VALUES (${server.ics.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${mine.id}::uuid, ${type}, now() - make_interval(days => ${days}), ${reason},
                ${mine.registered_practice_id}::uuid, ${mine.registered_practice_id}::uuid)`);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = (email: string, opts: { javaScript?: boolean } = {}) => signInAs(browser, server.baseUrl, email, opts);

  it('a GP opens a record, filters the timeline, adds an allergy after an error, and reads its history', async () => {
    const { context, page } = await signedIn('gp@demo.joinery.test');
    await page.goto(`${server.baseUrl}/children/${mine.id}`);
    await expectAccessible(page, 'child summary');
    await follow(page, page.getByRole('link', { name: 'Open the shared record' }));
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain(mine.given_name);
    await page.getByRole('heading', { name: 'Timeline of contacts' }).waitFor();
    await expectAccessible(page, 'shared record');
    await screenshot(page, 'record');

    await page.getByLabel('Outpatient appointment').check();
    await follow(page, page.getByRole('button', { name: 'Filter the timeline' }));
    const timeline = await textOf(page.locator('table', { hasText: 'Asthma clinic' }));
    expect(timeline).toContain('Asthma clinic');
    expect(await page.getByText('Earache review').count()).toBe(0);
    await expectAccessible(page, 'filtered timeline');

    await follow(page, page.getByRole('link', { name: 'Add an allergy or adverse reaction' }));
    await expectAccessible(page, 'new allergy');
    await page.getByLabel('Reaction (optional)').fill('Hives and lip swelling');
    await follow(page, page.getByRole('button', { name: 'Save' }));
    const problem = await textOf(page.getByRole('alert'));
    expect(problem).toContain('Enter the substance or allergy');
    expect(await page.getByLabel('Reaction (optional)').inputValue()).toBe('Hives and lip swelling');
    await expectAccessible(page, 'new allergy with errors');
    await screenshot(page, 'allergy-error');

    await page.getByLabel('Substance or allergy').fill('Allergy to cashew nut');
    await page.getByLabel('Severe').check();
    await page.getByLabel('Food').check();
    await follow(page, page.getByRole('button', { name: 'Save' }));
    expect(await textOf(page.getByRole('alert'))).toContain('The entry has been saved.');
    expect(await textOf(page.locator('.nhsuk-card--warning', { hasText: 'Allergies and adverse reactions' }))).toContain('Allergy to cashew nut (severe)');
    await expectAccessible(page, 'record after saving');

    await follow(page, page.getByRole('link', { name: 'History of Allergy to cashew nut' }));
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Allergy to cashew nut');
    expect(await textOf(page.getByRole('table'))).toContain('Hives and lip swelling');
    await expectAccessible(page, 'entry history');
    await screenshot(page, 'entry-history');

    await follow(page, page.getByRole('link', { name: 'Change this entry' }));
    await expectAccessible(page, 'change an entry');
    await page.goto(`${server.baseUrl}/children/${mine.id}/record/reveal`);
    await expectAccessible(page, 'show sensitive entries');
    await page.goto(`${server.baseUrl}/children/${mine.id}/record/entries/new`);
    await expectAccessible(page, 'choose what to add');
    await context.close();
  });

  it('an ED attendance of a child on a protection plan reaches the social worker’s worklist (no JavaScript)', async () => {
    const gp = await signedIn('gp@demo.joinery.test', { javaScript: false });
    await gp.page.goto(`${server.baseUrl}/children/${flagged.id}/record`);
    if ((await textOf(gp.page.getByRole('heading', { level: 1 }))).includes('do not have access')) {
      await expectAccessible(gp.page, 'no access to the record');
      await gp.page.getByLabel('Why do you need emergency access?').fill('Brought to the emergency department with a scald');
      await follow(gp.page, gp.page.getByRole('button', { name: 'Use emergency access' }));
      await expectAccessible(gp.page, 'child summary by emergency access');
      await gp.page.goto(`${server.baseUrl}/children/${flagged.id}/record`);
    }
    expect(await textOf(gp.page.locator('.nhsuk-card--warning').first())).toContain('Child protection plan');
    await expectAccessible(gp.page, 'record with CP-IS banner');
    await screenshot(gp.page, 'record-cp-is');
    await follow(gp.page, gp.page.getByRole('link', { name: 'Record a contact' }));
    await expectAccessible(gp.page, 'record a contact');
    await follow(gp.page, gp.page.getByRole('button', { name: 'Record the contact' }));
    expect(await textOf(gp.page.getByRole('alert'))).toContain('Select the type of contact');
    await expectAccessible(gp.page, 'record a contact with errors');
    const [y, m, d] = londonToday().split('-');
    await gp.page.getByLabel('Emergency department').check();
    const started = gp.page.getByRole('group', { name: 'When it started' });
    await started.getByLabel('Day').fill(d);
    await started.getByLabel('Month').fill(m);
    await started.getByLabel('Year').fill(y);
    await gp.page.getByLabel('Time it started').fill('00:01');
    await gp.page.getByLabel('Reason (optional)').fill('Scald to the left hand');
    await follow(gp.page, gp.page.getByRole('button', { name: 'Record the contact' }));
    expect(await textOf(gp.page.getByRole('alert'))).toContain('The contact has been recorded.');
    await expectAccessible(gp.page, 'record after recording a contact');
    await gp.context.close();

    const sw = await signedIn('social-worker@demo.joinery.test', { javaScript: false });
    await follow(sw.page, sw.page.getByRole('link', { name: 'Worklist' }).first());
    expect(await textOf(sw.page.getByRole('table'))).toContain('Attended an emergency department');
    await expectAccessible(sw.page, 'worklist');
    await screenshot(sw.page, 'worklist');
    await follow(sw.page, sw.page.getByRole('link', { name: /Attended an emergency department/ }).first());
    await sw.page.locator('table', { hasText: 'Scald to the left hand' }).last().waitFor();
    await expectAccessible(sw.page, 'record from the worklist');

    await sw.page.getByLabel('Emergency department').check();
    await follow(sw.page, sw.page.getByRole('button', { name: 'Filter the timeline' }));
    expect(await textOf(sw.page.locator('table', { hasText: 'Scald to the left hand' }).last())).toContain('Emergency department');
    await expectAccessible(sw.page, 'record filtered without JavaScript');

    await follow(sw.page, sw.page.getByRole('link', { name: 'Freeze this record' }));
    await expectAccessible(sw.page, 'freeze a record');

    await sw.page.goto(`${server.baseUrl}/worklist`);
    const before = await sw.page.getByRole('button', { name: /Mark as done/ }).count();
    await follow(sw.page, sw.page.getByRole('button', { name: /Mark as done.*emergency department/ }).last());
    expect(await textOf(sw.page.getByRole('alert'))).toContain('The item has been marked as done.');
    expect(await sw.page.getByRole('button', { name: /Mark as done/ }).count()).toBe(before - 1);
    await expectAccessible(sw.page, 'worklist after done');
    await sw.context.close();
  });
});
