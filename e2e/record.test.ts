import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { screenshot, textOf, JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow } from './steps/sign-in.js';
import { alertOf, headingOf, openFirstLink, openLink, tableOf } from './steps/pages.js';
import { londonToday } from './steps/dates.js';
import { openChildSummary } from './steps/finding-a-child.js';
import { useEmergencyAccess } from './steps/emergency-access.js';
import { addAnAllergy, filterTimeline, openSharedRecord, recordAContact } from './steps/shared-record.js';
import { markAsDone, markAsDoneButtons, openWorklist } from './steps/worklist.js';

type Child = { id: string; given_name: string; family_name: string; registered_practice_id: string };

/** The shared record in a real browser: every page visited is scanned for accessibility. */
describe('shared record journeys', JOURNEY, () => {
  let joinery: Joinery;
  let mine: Child;
  let flagged: Child;

  beforeAll(async () => {
    joinery = await startJoineryAndBrowser();
    const gpOrg = sql`(SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')`;
    [mine] = await rows<Child>(joinery.db.owner, sql`SELECT id, given_name, family_name, registered_practice_id FROM child
      WHERE registered_practice_id = ${gpOrg} ORDER BY id LIMIT 1`);
    [flagged] = await rows<Child>(joinery.db.owner, sql`SELECT c.id, c.given_name, c.family_name, c.registered_practice_id FROM child c
      JOIN care_team_member m ON m.child_id = c.id AND m.ended_at IS NULL
      JOIN child_flag f ON f.child_id = c.id AND f.kind = 'child-protection-plan' AND f.ended_on IS NULL
      WHERE m.professional_id = (SELECT id FROM professional WHERE email = 'social-worker@demo.joinery.test') ORDER BY c.id LIMIT 1`);
    // Something on the timeline to filter: two kinds of contact.
    for (const [type, reason, days] of [['gp', 'Earache review', 20], ['outpatient', 'Asthma clinic', 60]] as const) {
      await joinery.db.owner.execute(sql`INSERT INTO contact (ics_id, id, child_id, type, started_at, reason_display, organisation_id, recording_organisation_id)
        VALUES (${joinery.ics.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${mine.id}::uuid, ${type}, now() - make_interval(days => ${days}), ${reason},
                ${mine.registered_practice_id}::uuid, ${mine.registered_practice_id}::uuid)`);
    }
  });
  afterAll(() => joinery?.close());

  it('a GP opens a record, filters the timeline, adds an allergy after an error, and reads its history', async () => {
    const gp = await signInInANewWindow(joinery, 'gp');
    await openChildSummary(gp, mine.id);
    await checkPageIsAccessible(gp, 'child summary');
    await openLink(gp, 'Open the shared record');
    expect(await headingOf(gp)).toContain(mine.given_name);
    await gp.getByRole('heading', { name: 'Timeline of contacts' }).waitFor();
    await checkPageIsAccessible(gp, 'shared record');
    await screenshot(gp, 'record');

    await filterTimeline(gp, 'Outpatient appointment');
    const timeline = await textOf(gp.locator('table', { hasText: 'Asthma clinic' }));
    expect(timeline).toContain('Asthma clinic');
    expect(await gp.getByText('Earache review').count()).toBe(0);
    await checkPageIsAccessible(gp, 'filtered timeline');

    await openLink(gp, 'Add an allergy or adverse reaction');
    await checkPageIsAccessible(gp, 'new allergy');
    await addAnAllergy(gp, { reaction: 'Hives and lip swelling' });
    expect(await alertOf(gp)).toContain('Enter the substance or allergy');
    expect(await gp.getByLabel('Reaction (optional)').inputValue()).toBe('Hives and lip swelling');
    await checkPageIsAccessible(gp, 'new allergy with errors');
    await screenshot(gp, 'allergy-error');

    await addAnAllergy(gp, { substance: 'Allergy to cashew nut', severity: 'Severe', category: 'Food' });
    expect(await alertOf(gp)).toContain('The entry has been saved.');
    expect(await textOf(gp.locator('.nhsuk-card--warning', { hasText: 'Allergies and adverse reactions' }))).toContain('Allergy to cashew nut (severe)');
    await checkPageIsAccessible(gp, 'record after saving');

    await openLink(gp, 'History of Allergy to cashew nut');
    expect(await headingOf(gp)).toBe('Allergy to cashew nut');
    expect(await tableOf(gp)).toContain('Hives and lip swelling');
    await checkPageIsAccessible(gp, 'entry history');
    await screenshot(gp, 'entry-history');

    await openLink(gp, 'Change this entry');
    await checkPageIsAccessible(gp, 'change an entry');
    await gp.goto(`/children/${mine.id}/record/reveal`);
    await checkPageIsAccessible(gp, 'show sensitive entries');
    await gp.goto(`/children/${mine.id}/record/entries/new`);
    await checkPageIsAccessible(gp, 'choose what to add');
    await closeTheWindow(gp);
  });

  it('an ED attendance of a child on a protection plan reaches the social worker’s worklist (no JavaScript)', async () => {
    const gp = await signInInANewWindow(joinery, 'gp', { javaScript: false });
    await openSharedRecord(gp, flagged.id);
    if ((await headingOf(gp)).includes('do not have access')) {
      await checkPageIsAccessible(gp, 'no access to the record');
      await useEmergencyAccess(gp, 'Brought to the emergency department with a scald');
      await checkPageIsAccessible(gp, 'child summary by emergency access');
      await openSharedRecord(gp, flagged.id);
    }
    expect(await textOf(gp.locator('.nhsuk-card--warning').first())).toContain('Child protection plan');
    await checkPageIsAccessible(gp, 'record with CP-IS banner');
    await screenshot(gp, 'record-cp-is');
    await openLink(gp, 'Record a contact');
    await checkPageIsAccessible(gp, 'record a contact');
    await recordAContact(gp, {});
    expect(await alertOf(gp)).toContain('Select the type of contact');
    await checkPageIsAccessible(gp, 'record a contact with errors');
    await recordAContact(gp, { type: 'Emergency department', startedOn: londonToday(), at: '00:01', reason: 'Scald to the left hand' });
    expect(await alertOf(gp)).toContain('The contact has been recorded.');
    await checkPageIsAccessible(gp, 'record after recording a contact');
    await closeTheWindow(gp);

    const sw = await signInInANewWindow(joinery, 'social-worker', { javaScript: false });
    await openFirstLink(sw, 'Worklist');
    expect(await tableOf(sw)).toContain('Attended an emergency department');
    await checkPageIsAccessible(sw, 'worklist');
    await screenshot(sw, 'worklist');
    await openFirstLink(sw, /Attended an emergency department/);
    await sw.locator('table', { hasText: 'Scald to the left hand' }).last().waitFor();
    await checkPageIsAccessible(sw, 'record from the worklist');

    await filterTimeline(sw, 'Emergency department');
    expect(await textOf(sw.locator('table', { hasText: 'Scald to the left hand' }).last())).toContain('Emergency department');
    await checkPageIsAccessible(sw, 'record filtered without JavaScript');

    await openLink(sw, 'Freeze this record');
    await checkPageIsAccessible(sw, 'freeze a record');

    await openWorklist(sw);
    const before = await markAsDoneButtons(sw).count();
    await markAsDone(sw, /Mark as done.*emergency department/);
    expect(await alertOf(sw)).toContain('The item has been marked as done.');
    expect(await markAsDoneButtons(sw).count()).toBe(before - 1);
    await checkPageIsAccessible(sw, 'worklist after done');
    await closeTheWindow(sw);
  });
});
