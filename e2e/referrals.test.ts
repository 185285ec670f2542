import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { screenshot, textOf, JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow } from './steps/sign-in.js';
import { alertOf, downloadAsPdf, headingOf, mainOf, openLink, press, tableOf } from './steps/pages.js';
import { tomorrow } from './steps/dates.js';
import { openChildSummary } from './steps/finding-a-child.js';
import { openLetterInRecord, openSharedRecord } from './steps/shared-record.js';
import { openWorklist } from './steps/worklist.js';
import { askTheHubForAdvice, decideOnReferral, openMyReferrals, referralRowFor, sendAMessage } from './steps/referrals.js';
import { bookIntoClinic, openClinicSession, recordClinicOutcome, setUpAJointClinic, confirmTheClinicWarnings } from './steps/clinics.js';

/**
 * Advice and referral in a real browser, from the GP's question to the
 * clinic's outcome letter: the GP asks (without JavaScript), the hub's
 * paediatrician answers in the thread and books the hub clinic, the clinic
 * administrator sets up a clinic and books the child, the clinician records
 * the outcome, and the GP reads the letter and the referral’s timeline. Two
 * paediatricians deciding at once: the second is told. Every page visited is
 * scanned for accessibility.
 */
describe('advice requests, referrals and hub clinics', JOURNEY, () => {
  let joinery: Joinery;
  let child: { id: string; given_name: string; family_name: string };
  let hub: { id: string; name: string; practice_id: string };
  let paediatrician: { id: string; name: string };
  let sessionGp: { id: string; name: string };
  // The journey's people and what it carries from one step to the next.
  let gp: Page;
  let lead: Page;
  let referralPath: string;
  let sessionId: string;
  let who: string;
  let listed: string;
  const question = 'Is this functional abdominal pain, or should the hub see the child?';
  const message = 'Thank you. Does the pain wake them at night, and is there any weight loss?';
  const plan = 'Functional abdominal pain. A regular breakfast and toilet routine; review with the GP in 8 weeks if no better.';

  beforeAll(async () => {
    joinery = await startJoineryAndBrowser();
    [paediatrician] = await rows(joinery.db.owner, sql`SELECT id, name FROM professional WHERE email = 'paediatrician@demo.joinery.test'`);
    // The GP's hub, led by the demo paediatrician, and a practice of it for the clinic.
    [hub] = await rows(joinery.db.owner, sql`SELECT cl.id, cl.name, cp.practice_id FROM professional p
      JOIN cluster_practice cp ON cp.ics_id = p.ics_id AND cp.practice_id = p.organisation_id
      JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
      WHERE p.email = 'gp@demo.joinery.test' AND cl.lead_paediatrician_id = ${paediatrician.id}::uuid`);
    // The clinic's GP: another GP of the hub, so the referring GP reads the letter as the referrer.
    [sessionGp] = await rows(joinery.db.owner, sql`SELECT p.id, p.name FROM professional p
      JOIN cluster_practice cp ON cp.ics_id = p.ics_id AND cp.practice_id = p.organisation_id
      WHERE cp.cluster_id = ${hub.id}::uuid AND p.role = 'gp' AND p.active AND p.email <> 'gp@demo.joinery.test' ORDER BY p.id LIMIT 1`);
    // A child of the GP's practice with no referral, open or closed, and no clinic history.
    [child] = await rows(joinery.db.owner, sql`SELECT c.id, c.given_name, c.family_name FROM child c
      WHERE c.registered_practice_id = (SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')
        AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.child_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM clinic_booking b WHERE b.child_id = c.id)
      ORDER BY c.id LIMIT 1`);
    who = `${child.given_name} ${child.family_name}`;
    listed = `${child.family_name.toUpperCase()}, ${child.given_name}`;
  });

  afterAll(async () => {
    for (const window of [gp, lead]) if (window) await closeTheWindow(window);
    await joinery?.close();
  });

  const url = (path: string) => `${joinery.baseUrl}${path}`;

  it('the GP asks for advice without JavaScript, and is told when the question is missing', async () => {
    // The GP asks from the child's page, without JavaScript, as some practices browse.
    gp = await signInInANewWindow(joinery, 'gp', { javaScript: false });
    await openChildSummary(gp, child.id);
    await checkPageIsAccessible(gp, 'child summary');
    await openLink(gp, 'Ask for advice or refer');
    expect(await mainOf(gp)).toContain(`This goes to the senior paediatrician deciding for ${hub.name} today.`);
    await checkPageIsAccessible(gp, 'ask for advice or refer');
    // Forgetting the question: the form comes back with what was typed and says what is missing.
    expect(await askTheHubForAdvice(gp, {
      kind: 'Advice request',
      urgency: 'Soon',
      reason: 'Recurrent abdominal pain for 3 months, worse before school; growth normal.',
      tried: 'Laxatives for 6 weeks, a food diary; coeliac screen negative.',
    })).toBe(400);
    expect(await alertOf(gp)).toContain('Enter the question you want answered');
    expect(await gp.getByLabel('Reason', { exact: true }).inputValue()).toContain('Recurrent abdominal pain');
    await checkPageIsAccessible(gp, 'ask for advice or refer with errors');
    await askTheHubForAdvice(gp, { question });
    expect(await headingOf(gp)).toBe(`Advice request to ${hub.name}`);
    expect(await mainOf(gp)).toContain('Sent to the hub');
    await checkPageIsAccessible(gp, 'advice request as sent');
    referralPath = new URL(gp.url()).pathname;
  });

  it('the paediatrician replies in the thread and books the hub clinic; a second decision on the same version is refused', async () => {
    // The hub's paediatrician finds it on the triage list and opens it.
    lead = await signInInANewWindow(joinery, 'paediatrician');
    await lead.goto('/referrals/triage');
    await checkPageIsAccessible(lead, 'triage list');
    await screenshot(lead, 'referrals-triage');
    await openLink(lead, listed);
    expect(lead.url()).toBe(url(referralPath));
    expect(await mainOf(lead)).toContain(question);
    await checkPageIsAccessible(lead, 'advice request to triage');

    // A reply in the thread, which the GP sees.
    await sendAMessage(lead, message);
    expect(await textOf(lead.locator('#messages ~ .nhsuk-card').first())).toContain(message);
    await checkPageIsAccessible(lead, 'advice request with a message');

    // The same paediatrician has it open in a second window too.
    const other = await signInInANewWindow(joinery, 'paediatrician');
    await other.goto(referralPath);
    await checkPageIsAccessible(other, 'advice request in a second window');

    // The decision: the hub clinic. The advice request becomes a referral as it stands, not retyped.
    await decideOnReferral(lead, 'Book the hub or cluster clinic', 'Needs examining: joint clinic with the GP.');
    expect(await headingOf(lead)).toBe(`Referral to ${hub.name}`);
    const decided = await mainOf(lead);
    expect(decided).toContain('Decision saved');
    expect(decided).toContain('Waiting for a clinic appointment');
    expect(decided).toContain(question);
    await checkPageIsAccessible(lead, 'referral after the decision');

    // The second window decides on what it read: nothing of it lands; the page shows what was decided, and the note typed is kept.
    expect(await decideOnReferral(other, 'Advice back to the GP', 'Functional abdominal pain: reassure, and a diary.')).toBe(409);
    const conflict = await mainOf(other);
    expect(conflict).toContain('What you typed is kept below, not saved yet');
    expect(conflict).toContain('Functional abdominal pain: reassure, and a diary.');
    expect(conflict).toContain('Waiting for a clinic appointment');
    await checkPageIsAccessible(other, 'referral decision conflict');
    await closeTheWindow(other);
  });

  it('the hub clinic administrator sets up a joint clinic and books the child; the clinic’s paediatrician records the outcome', async () => {
    // The hub clinic administrator sets up a joint clinic tomorrow and books the child into it.
    const admin = await signInInANewWindow(joinery, 'hub-admin');
    await admin.goto('/clinics');
    await checkPageIsAccessible(admin, 'hub clinics');
    await press(admin, 'Set up a clinic');
    await checkPageIsAccessible(admin, 'set up a clinic');
    await setUpAJointClinic(admin, {
      hubId: hub.id, practiceId: hub.practice_id, date: tomorrow(), startTime: '09:30', minutesEach: 20, appointments: 6,
      paediatricianId: paediatrician.id, gpId: sessionGp.id,
    });
    // Tomorrow may be a weekend, a bank holiday or a time these clinicians already have a clinic: the form warns, and asks before going on.
    if (await admin.getByText('Before you set up this clinic').count()) {
      await checkPageIsAccessible(admin, 'set up a clinic, with warnings');
      await confirmTheClinicWarnings(admin);
    }
    expect(await mainOf(admin)).toContain('The clinic has been set up');
    await checkPageIsAccessible(admin, 'clinic session');
    sessionId = new URL(admin.url()).pathname.split('/').pop()!;
    const [firstSlot] = await rows<{ id: string }>(joinery.db.owner, sql`SELECT id FROM clinic_slot WHERE session_id = ${sessionId}::uuid ORDER BY starts_at LIMIT 1`);

    await admin.goto('/clinics/booking');
    expect(await tableOf(admin)).toContain(who);
    await checkPageIsAccessible(admin, 'clinic booking list');
    await screenshot(admin, 'clinic-booking');
    await openLink(admin, `Choose a slot for ${who}`);
    await checkPageIsAccessible(admin, 'choose a slot');
    await bookIntoClinic(admin, firstSlot.id);
    expect(await mainOf(admin)).toContain('The child has been booked');
    await checkPageIsAccessible(admin, 'clinic booking list after booking');
    await closeTheWindow(admin);

    // The GP sees the booking among their referrals.
    await openMyReferrals(gp);
    expect(await textOf(referralRowFor(gp, listed))).toContain('Booked into a clinic');
    await checkPageIsAccessible(gp, 'your referrals and questions, booked');

    // The day of the clinic comes (the test cannot wait for it): the session is moved to have begun 5 minutes ago.
    await joinery.db.owner.execute(sql`WITH shift AS (SELECT starts_at - (now() - interval '5 minutes') AS by FROM clinic_session WHERE id = ${sessionId}::uuid)
      UPDATE clinic_slot SET starts_at = starts_at - (SELECT by FROM shift) WHERE session_id = ${sessionId}::uuid`);
    await joinery.db.owner.execute(sql`UPDATE clinic_session SET starts_at = now() - interval '5 minutes' WHERE id = ${sessionId}::uuid`);

    // The session's paediatrician records the outcome: seen jointly, the plan, discharged to the GP.
    await lead.goto('/clinics');
    await checkPageIsAccessible(lead, 'hub clinics as the paediatrician');
    await openClinicSession(lead, sessionId);
    expect(await tableOf(lead)).toContain(who);
    await checkPageIsAccessible(lead, 'clinic session as the paediatrician');
    await openLink(lead, `Record outcome for ${who}`);
    expect(await mainOf(lead)).toContain(`The GP asked: ${question}`);
    await checkPageIsAccessible(lead, 'record the clinic outcome');
    await recordClinicOutcome(lead, { seenTogether: 'Yes, together', plan, next: 'Discharged to the GP' });
    const sent = await mainOf(lead);
    expect(sent).toContain('The outcome has been saved');
    expect(sent).toContain(plan);
    await checkPageIsAccessible(lead, 'clinic outcome letter as sent');
  });

  it('the GP sees where it is, reads the outcome letter (page, PDF and record) and the referral’s timeline', async () => {
    // The GP: the state in their referrals, the letter from the worklist and the record, and the timeline.
    await openMyReferrals(gp);
    expect(await textOf(referralRowFor(gp, listed))).toContain('Closed');
    await checkPageIsAccessible(gp, 'your referrals and questions');

    await openWorklist(gp);
    await checkPageIsAccessible(gp, 'worklist of the GP');
    await openLink(gp, `Clinic letter for ${who}`);
    const letter = await mainOf(gp);
    expect(letter).toContain(plan);
    expect(letter).toContain('This is the letter exactly as sent');
    await checkPageIsAccessible(gp, 'clinic outcome letter as the GP');
    await screenshot(gp, 'clinic-letter');
    const pdf = await downloadAsPdf(gp);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');

    await openSharedRecord(gp, child.id);
    await checkPageIsAccessible(gp, 'shared record with the letters');
    await openLetterInRecord(gp, 'appointment at the');
    expect(await mainOf(gp)).toContain(plan);
    await checkPageIsAccessible(gp, 'clinic letter filed in the record');
    // A random token sometimes has no hyphen or underscore to break at: give the filed letter
    // such a feedback address and it must still wrap on a phone, not scroll sideways.
    const unbroken = 'Q'.repeat(43);
    const changed = await rows(joinery.db.owner, sql`UPDATE record_letter
      SET body = regexp_replace(body::text, '/feedback/[A-Za-z0-9_-]+', '/feedback/' || ${unbroken}, 'g')::jsonb
      WHERE child_id = ${child.id} AND body::text LIKE '%/feedback/%' RETURNING id`);
    expect(changed).toHaveLength(1);
    await gp.reload();
    expect(await mainOf(gp)).toContain(`/feedback/${unbroken}`);
    await checkPageIsAccessible(gp, 'clinic letter with an unbroken feedback address');

    await openMyReferrals(gp);
    await openLink(gp, listed);
    expect(gp.url()).toBe(url(referralPath));
    expect(await headingOf(gp)).toBe(`Referral to ${hub.name}`);
    const timeline = await textOf(gp.locator('#timeline + ol'));
    for (const step of [
      'sent it',
      'from “Waiting for the paediatrician” to “Waiting for a clinic appointment”. Needs examining',
      'from “Waiting for a clinic appointment” to “Booked into a clinic”',
      'from “Booked into a clinic” to “Seen in clinic”',
      'from “Seen in clinic” to “Closed”',
    ]) expect(timeline).toContain(step);
    expect(await textOf(gp.locator('#messages ~ .nhsuk-card').first())).toContain(message);
    await checkPageIsAccessible(gp, 'referral with its timeline');
    await screenshot(gp, 'referral');
  });
});
