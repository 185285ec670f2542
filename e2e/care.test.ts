import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { screenshot, textOf, JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow } from './steps/sign-in.js';
import { alertOf, downloadAsPdf, headingOf, mainOf, openFirstLink, openLink, press } from './steps/pages.js';
import { addMonths, londonToday } from './steps/dates.js';
import { openChildSummary } from './steps/finding-a-child.js';
import { openLetterInRecord, openSharedRecord } from './steps/shared-record.js';
import { openWorklist } from './steps/worklist.js';
import { addCaseToMdt, inviteToMeeting, recordAttendance, recordTheDiscussion, scheduleMdtMeetings } from './steps/mdt.js';
import { openTasks, recordTaskDone } from './steps/tasks.js';
import { addAGoal, openCarePlan, saveCarePlan, signOffCarePlan } from './steps/care-plans.js';
import { recordTheFamilysConsent } from './steps/consent.js';

/**
 * Multi-agency care in a real browser: a hub MDT from scheduling to the
 * letter, a care plan from start to the family's printout, tasks, and what
 * education may see. Every page visited is scanned for accessibility.
 */
describe('MDT meetings, care plans and tasks', JOURNEY, () => {
  let joinery: Joinery;
  let child: { id: string; nhs_number: string; given_name: string; family_name: string };
  let frequent: { id: string; given_name: string; family_name: string };
  const pros: Record<string, { id: string; name: string }> = {};
  const today = londonToday();

  beforeAll(async () => {
    joinery = await startJoineryAndBrowser();
    for (const role of ['gp', 'paediatrician', 'social-worker', 'senco', 'care-coordinator']) {
      [pros[role]] = await rows<{ id: string; name: string }>(joinery.db.owner, sql`SELECT id, name FROM professional WHERE email = ${`${role}@demo.joinery.test`}`);
    }
    [child] = await rows(joinery.db.owner, sql`SELECT c.id, c.nhs_number, c.given_name, c.family_name FROM child c
      WHERE c.registered_practice_id = (SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')
        AND c.school_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM care_plan p WHERE p.child_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.child_id = c.id AND m.professional_id IN (${pros['social-worker'].id}::uuid, ${pros.senco.id}::uuid))
      ORDER BY c.id LIMIT 1`);
    // A child of the lead's hub with 3 ED attendances this year: on the risk list the chair is offered.
    [frequent] = await rows(joinery.db.owner, sql`SELECT c.id, c.given_name, c.family_name FROM child c
      JOIN cluster_practice cp ON cp.practice_id = c.registered_practice_id JOIN cluster cl ON cl.id = cp.cluster_id
      WHERE cl.lead_paediatrician_id = ${pros.paediatrician.id}::uuid AND c.id <> ${child.id}::uuid ORDER BY c.id LIMIT 1`);
    for (const days of [15, 45, 120]) {
      await joinery.db.owner.execute(sql`INSERT INTO contact (ics_id, id, child_id, type, started_at, reason_display)
        VALUES (${joinery.ics.icsId}::uuid, gen_random_uuid(), ${frequent.id}::uuid, 'ed', now() - make_interval(days => ${days}), 'Wheeze')`);
    }
  });

  afterAll(() => joinery?.close());

  it('the hub lead schedules MDTs; the GP brings a child; the meeting records actions for a social worker and a SENCO; the GP reads the letter', async () => {
    const lead = await signInInANewWindow(joinery, 'paediatrician');
    await lead.goto('/mdt');
    await checkPageIsAccessible(lead, 'MDT meetings');
    await press(lead, 'Schedule MDT meetings');
    await checkPageIsAccessible(lead, 'schedule MDTs');
    await scheduleMdtMeetings(lead, { title: 'Journey hub MDT', firstDate: addMonths(today, 1), where: '' });
    expect(await alertOf(lead)).toContain('Enter where the meeting is held');
    await checkPageIsAccessible(lead, 'schedule MDTs with errors');
    await scheduleMdtMeetings(lead, { where: 'Willowbrook Surgery, meeting room 2' });
    await openFirstLink(lead, 'Journey hub MDT');
    await checkPageIsAccessible(lead, 'MDT meeting');
    const meetingUrl = lead.url();
    for (const role of ['gp', 'social-worker', 'senco']) await inviteToMeeting(lead, pros[role].id);
    await screenshot(lead, 'mdt-meeting');

    // The GP brings a child: without JavaScript, as some practices browse.
    const gp = await signInInANewWindow(joinery, 'gp', { javaScript: false });
    await gp.goto(meetingUrl);
    await openLink(gp, 'Bring a child to this meeting');
    await checkPageIsAccessible(gp, 'bring a case');
    await addCaseToMdt(gp, child.nhs_number, 'Wheeze at night and missed school: what support at home and school?');
    expect(await textOf(gp.locator('table'))).toContain(child.family_name.toUpperCase());

    // The chair adds a child from the risk list.
    await lead.reload();
    await press(lead, `Add ${frequent.given_name} ${frequent.family_name} to the case list`);
    expect(await textOf(lead.locator('#cases ~ table').first())).toContain(frequent.family_name.toUpperCase());
    await checkPageIsAccessible(lead, 'MDT meeting with the risk list');

    // A social worker reads the brief before the meeting.
    const sw = await signInInANewWindow(joinery, 'social-worker');
    await sw.goto(meetingUrl);
    await openLink(sw, 'Read every brief');
    expect(await textOf(sw.getByRole('heading', { level: 2 }).first())).toContain(child.family_name.toUpperCase());
    await checkPageIsAccessible(sw, 'MDT briefs');

    // Before the meeting the chair is told why there is nothing to record yet; then the meeting's time comes.
    await lead.reload();
    expect(await mainOf(lead)).toContain('This meeting has not happened yet');
    await joinery.db.owner.execute(sql`UPDATE mdt_meeting SET starts_at = now() - interval '1 hour' WHERE id = ${meetingUrl.split('/').pop()}::uuid`);

    // The meeting: attendance, then the discussion and actions.
    await lead.reload();
    await recordAttendance(lead, ['paediatrician', 'gp', 'social-worker', 'senco'].map((role) => pros[role].name));
    await openLink(lead, `Record the discussion of ${child.given_name} ${child.family_name}`);
    await checkPageIsAccessible(lead, 'record the discussion');
    await recordTheDiscussion(lead, {
      summary: 'We heard about wheeze at night, damp at home and days off school.',
      decided: 'Asthma review in the hub clinic; a school health care plan; housing support.',
      actions: [
        { description: 'Talk with the family about damp and housing support', ownerId: pros['social-worker'].id, dueOn: addMonths(today, 2) },
        { description: 'Write an individual health care plan for school', ownerId: pros.senco.id },
      ],
      themes: ['Asthma and wheeze'],
    });
    expect(await alertOf(lead)).toContain('Enter the date it is due by');
    await checkPageIsAccessible(lead, 'record the discussion with errors');
    // The second action's missing due date, and nothing else changed.
    await recordTheDiscussion(lead, { actions: [{}, { dueOn: addMonths(today, 2) }] });
    expect(await headingOf(lead)).toContain('Outcome of the');
    await checkPageIsAccessible(lead, 'outcome letter');
    await screenshot(lead, 'mdt-letter');

    for (const [role, action] of [['social-worker', 'Talk with the family about damp and housing support'], ['senco', 'Write an individual health care plan for school']] as const) {
      const owner = await signInInANewWindow(joinery, role);
      await openTasks(owner);
      await checkPageIsAccessible(owner, `tasks of ${role}`);
      await openLink(owner, action);
      await checkPageIsAccessible(owner, `task of ${role}`);
      await recordTaskDone(owner, 'Done on the visit.');
      expect(await textOf(owner.getByRole('table').or(owner.locator('dl')).first())).toContain('Done');
      await closeTheWindow(owner);
    }

    await openWorklist(gp);
    await openFirstLink(gp, /MDT outcome letter/);
    expect(await mainOf(gp)).toContain('Asthma review in the hub clinic');
    await checkPageIsAccessible(gp, 'outcome letter as the GP');
    const pdf = await downloadAsPdf(gp);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    await openSharedRecord(gp, child.id);
    await openLetterInRecord(gp);
    expect(await mainOf(gp)).toContain('This is the letter exactly as sent');
    await checkPageIsAccessible(gp, 'letter filed in the record');
    for (const window of [gp, sw, lead]) await closeTheWindow(window);
  });

  it('the GP starts a care plan; two people edit it at once; the key worker signs it off; the family version prints; education sees only its part', async () => {
    const gp = await signInInANewWindow(joinery, 'gp');
    await openChildSummary(gp, child.id);
    await openLink(gp, 'Care plan', { exact: true });
    await checkPageIsAccessible(gp, 'no care plan yet');
    await press(gp, 'Start a care plan');
    await checkPageIsAccessible(gp, 'start a care plan');
    await saveCarePlan(gp, {
      title: 'Asthma and school plan',
      whatMatters: 'Playing football with my friends.',
      strengths: 'Uses the spacer well.',
      needs: 'Preventer twice a day; night cough.',
      atSchool: 'Reliever in the classroom and on trips.',
      whatToDo: 'Sit up; 1 puff of reliever every 30 to 60 seconds, up to 10.',
      whoToCall: 'Parent; 999 if no better.',
      keyWorkerId: pros['care-coordinator'].id,
    });
    expect(await alertOf(gp)).toContain('Enter the review date');
    await checkPageIsAccessible(gp, 'start a care plan with errors');
    await saveCarePlan(gp, { reviewOn: addMonths(today, 6) });
    expect(await alertOf(gp)).toContain('The care plan has been started');
    await checkPageIsAccessible(gp, 'care plan');
    // The family agrees to share the plan with school: their consent, recorded on the child's page, which the plan reads.
    await recordTheFamilysConsent(gp, child.id, 'Education', 'Given');
    expect(await alertOf(gp)).toContain('Consent given recorded');
    await openCarePlan(gp, child.id);
    await openLink(gp, 'Add a goal');
    await checkPageIsAccessible(gp, 'add a goal');
    await addAGoal(gp, { goal: 'Take part in PE every week', measure: 'PE lessons attended each half term', sharedWith: ['Education'] });
    await openLink(gp, 'Add an action', { exact: true });
    await checkPageIsAccessible(gp, 'add an action');

    // Two people open the plan to change it; the second to save is told, and loses nothing silently.
    const kw = await signInInANewWindow(joinery, 'care-coordinator');
    await openCarePlan(kw, child.id, '/edit');
    await checkPageIsAccessible(kw, 'change a care plan');
    await openCarePlan(gp, child.id, '/edit');
    await saveCarePlan(gp, { strengths: 'Uses the spacer well and tells an adult when wheezy.' });
    await saveCarePlan(kw, { strengths: 'Loves football.' });
    expect(await mainOf(kw)).toContain('Someone else changed this care plan after you opened it');
    expect(await kw.getByLabel('Strengths').inputValue()).toBe('Loves football.');
    await checkPageIsAccessible(kw, 'care plan conflict');

    await openCarePlan(kw, child.id);
    expect(await mainOf(kw)).toContain('tells an adult when wheezy');
    await openLink(kw, 'Sign off the plan with the family');
    await checkPageIsAccessible(kw, 'sign off a care plan');
    await signOffCarePlan(kw, 'Agreed with Mum at home visit');
    expect(await alertOf(kw)).toContain('signed off');
    await openLink(kw, 'See every version');
    await checkPageIsAccessible(kw, 'care plan versions');
    await openLink(kw, 'Version 1');
    await checkPageIsAccessible(kw, 'care plan version');
    await openCarePlan(kw, child.id, '/print');
    expect(await mainOf(kw)).toContain('What we are working towards');
    await checkPageIsAccessible(kw, 'family version of the plan');
    await screenshot(kw, 'care-plan-print');
    await kw.goto('/care-plans/reviews');
    await checkPageIsAccessible(kw, 'plan reviews');

    // Education (the SENCO, a member of the MDT that discussed the child) sees the school parts only.
    const senco = await signInInANewWindow(joinery, 'senco', { javaScript: false });
    await openCarePlan(senco, child.id);
    const seen = await mainOf(senco);
    expect(seen).toContain('Reliever in the classroom and on trips.');
    expect(seen).toContain('Take part in PE every week');
    expect(seen).not.toContain('Preventer twice a day');
    await checkPageIsAccessible(senco, 'care plan as education');
    await screenshot(senco, 'care-plan-education');
    for (const window of [gp, kw, senco]) await closeTheWindow(window);
  });
});
