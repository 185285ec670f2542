import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { londonToday } from '../src/platform/time/form-dates.js';
import { launchChromium, expectAccessible, screenshot, textOf, follow, signedIn as signInAs, JOURNEY } from './browser.js';
import { startServer } from './server.js';

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
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let child: { id: string; given_name: string; family_name: string };
  let hub: { id: string; name: string; practice_id: string };
  let paediatrician: { id: string; name: string };
  let sessionGp: { id: string; name: string };
  // The journey's people and what it carries from one step to the next.
  let gp: Awaited<ReturnType<typeof signInAs>>;
  let lead: Awaited<ReturnType<typeof signInAs>>;
  let referralPath: string;
  let sessionId: string;
  let who: string;
  let listed: string;
  const question = 'Is this functional abdominal pain, or should the hub see the child?';
  const message = 'Thank you. Does the pain wake them at night, and is there any weight loss?';
  const plan = 'Functional abdominal pain. A regular breakfast and toilet routine; review with the GP in 8 weeks if no better.';
  const tomorrow = new Date(Date.parse(`${londonToday()}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    [paediatrician] = await rows(server.db.owner, sql`SELECT id, name FROM professional WHERE email = 'paediatrician@demo.joinery.test'`);
    // The GP's hub, led by the demo paediatrician, and a practice of it for the clinic.
    [hub] = await rows(server.db.owner, sql`SELECT cl.id, cl.name, cp.practice_id FROM professional p
      JOIN cluster_practice cp ON cp.ics_id = p.ics_id AND cp.practice_id = p.organisation_id
      JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
      WHERE p.email = 'gp@demo.joinery.test' AND cl.lead_paediatrician_id = ${paediatrician.id}::uuid`);
    // The clinic's GP: another GP of the hub, so the referring GP reads the letter as the referrer.
    [sessionGp] = await rows(server.db.owner, sql`SELECT p.id, p.name FROM professional p
      JOIN cluster_practice cp ON cp.ics_id = p.ics_id AND cp.practice_id = p.organisation_id
      WHERE cp.cluster_id = ${hub.id}::uuid AND p.role = 'gp' AND p.active AND p.email <> 'gp@demo.joinery.test' ORDER BY p.id LIMIT 1`);
    // A child of the GP's practice with no referral, open or closed, and no clinic history.
    [child] = await rows(server.db.owner, sql`SELECT c.id, c.given_name, c.family_name FROM child c
      WHERE c.registered_practice_id = (SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')
        AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.child_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM clinic_booking b WHERE b.child_id = c.id)
      ORDER BY c.id LIMIT 1`);
    who = `${child.given_name} ${child.family_name}`;
    listed = `${child.family_name.toUpperCase()}, ${child.given_name}`;
  });

  afterAll(async () => {
    await gp?.context.close();
    await lead?.context.close();
    await browser?.close();
    await server?.close();
  });

  const signedIn = (email: string, opts: { javaScript?: boolean } = {}) => signInAs(browser, server.baseUrl, email, opts);
  const url = (path: string) => `${server.baseUrl}${path}`;
  /** Submits or follows something that loads a page, and gives that page's HTTP status. */
  const statusAfter = async (page: Page, locator: Locator) => {
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
    return response?.status();
  };

  it('the GP asks for advice without JavaScript, and is told when the question is missing', async () => {
    // The GP asks from the child's page, without JavaScript, as some practices browse.
    gp = await signedIn('gp@demo.joinery.test', { javaScript: false });
    await gp.page.goto(url(`/children/${child.id}`));
    await expectAccessible(gp.page, 'child summary');
    await follow(gp.page, gp.page.getByRole('link', { name: 'Ask for advice or refer' }));
    expect(await textOf(gp.page.locator('main'))).toContain(`This goes to the senior paediatrician deciding for ${hub.name} today.`);
    await expectAccessible(gp.page, 'ask for advice or refer');
    await gp.page.getByLabel('Advice request').check();
    await gp.page.getByLabel('Soon').check();
    await gp.page.getByLabel('Reason', { exact: true }).fill('Recurrent abdominal pain for 3 months, worse before school; growth normal.');
    await gp.page.getByLabel('What has been tried (optional)').fill('Laxatives for 6 weeks, a food diary; coeliac screen negative.');
    // Forgetting the question: the form comes back with what was typed and says what is missing.
    expect(await statusAfter(gp.page, gp.page.getByRole('button', { name: 'Send' }))).toBe(400);
    expect(await textOf(gp.page.getByRole('alert'))).toContain('Enter the question you want answered');
    expect(await gp.page.getByLabel('Reason', { exact: true }).inputValue()).toContain('Recurrent abdominal pain');
    await expectAccessible(gp.page, 'ask for advice or refer with errors');
    await gp.page.getByLabel('Your question').fill(question);
    await follow(gp.page, gp.page.getByRole('button', { name: 'Send' }));
    expect(await textOf(gp.page.getByRole('heading', { level: 1 }))).toBe(`Advice request to ${hub.name}`);
    expect(await textOf(gp.page.locator('main'))).toContain('Sent to the hub');
    await expectAccessible(gp.page, 'advice request as sent');
    referralPath = new URL(gp.page.url()).pathname;
  });

  it('the paediatrician replies in the thread and books the hub clinic; a second decision on the same version is refused', async () => {
    // The hub's paediatrician finds it on the triage list and opens it.
    lead = await signedIn('paediatrician@demo.joinery.test');
    await lead.page.goto(url('/referrals/triage'));
    await expectAccessible(lead.page, 'triage list');
    await screenshot(lead.page, 'referrals-triage');
    await follow(lead.page, lead.page.getByRole('link', { name: listed }));
    expect(lead.page.url()).toBe(url(referralPath));
    expect(await textOf(lead.page.locator('main'))).toContain(question);
    await expectAccessible(lead.page, 'advice request to triage');

    // A reply in the thread, which the GP sees.
    await lead.page.getByLabel('Write a message').fill(message);
    await follow(lead.page, lead.page.getByRole('button', { name: 'Send message' }));
    expect(await textOf(lead.page.locator('#messages ~ .nhsuk-card').first())).toContain(message);
    await expectAccessible(lead.page, 'advice request with a message');

    // The same paediatrician has it open in a second window too.
    const { context: second, page: other } = await signedIn('paediatrician@demo.joinery.test');
    await other.goto(url(referralPath));
    await expectAccessible(other, 'advice request in a second window');

    // The decision: the hub clinic. The advice request becomes a referral as it stands, not retyped.
    await lead.page.getByLabel('Book the hub or cluster clinic').check();
    await lead.page.getByLabel('Notes or reason').fill('Needs examining: joint clinic with the GP.');
    await follow(lead.page, lead.page.getByRole('button', { name: 'Save decision' }));
    expect(await textOf(lead.page.getByRole('heading', { level: 1 }))).toBe(`Referral to ${hub.name}`);
    const decided = await textOf(lead.page.locator('main'));
    expect(decided).toContain('Decision saved');
    expect(decided).toContain('Waiting for a clinic appointment');
    expect(decided).toContain(question);
    await expectAccessible(lead.page, 'referral after the decision');

    // The second window decides on what it read: nothing of it lands, and it says so.
    await other.getByLabel('Advice back to the GP').check();
    await other.getByLabel('Notes or reason').fill('Functional abdominal pain: reassure, and a diary.');
    expect(await statusAfter(other, other.getByRole('button', { name: 'Save decision' }))).toBe(409);
    expect(await textOf(other.getByRole('heading', { level: 1 }))).toBe('Someone else decided first');
    await expectAccessible(other, 'referral decision conflict');
    await follow(other, other.getByRole('link', { name: 'Open the referral again to see what was decided' }));
    expect(await textOf(other.locator('main'))).toContain('Waiting for a clinic appointment');
    await second.close();
  });

  it('the hub clinic administrator sets up a joint clinic and books the child; the clinic’s paediatrician records the outcome', async () => {
    // The hub clinic administrator sets up a joint clinic tomorrow and books the child into it.
    const admin = await signedIn('hub-admin@demo.joinery.test');
    await admin.page.goto(url('/clinics'));
    await expectAccessible(admin.page, 'hub clinics');
    await follow(admin.page, admin.page.getByRole('button', { name: 'Set up a clinic' }));
    await expectAccessible(admin.page, 'set up a clinic');
    await admin.page.getByLabel('Hub or cluster').selectOption(hub.id);
    await admin.page.getByLabel('Practice where the clinic is held').selectOption(hub.practice_id);
    const [y, m, d] = tomorrow.split('-');
    await admin.page.locator('#date-day').fill(String(Number(d)));
    await admin.page.locator('#date-month').fill(String(Number(m)));
    await admin.page.locator('#date-year').fill(y);
    await admin.page.getByLabel('Start time').fill('09:30');
    await admin.page.getByLabel('Minutes for each child').fill('20');
    await admin.page.getByLabel('Number of appointments').fill('6');
    await admin.page.getByLabel('Joint (paediatrician and GP)').check();
    await admin.page.getByLabel('Paediatrician', { exact: true }).selectOption(paediatrician.id);
    await admin.page.getByLabel('GP', { exact: true }).selectOption(sessionGp.id);
    await follow(admin.page, admin.page.getByRole('button', { name: 'Set up the clinic' }));
    expect(await textOf(admin.page.locator('main'))).toContain('The clinic has been set up');
    await expectAccessible(admin.page, 'clinic session');
    sessionId = new URL(admin.page.url()).pathname.split('/').pop()!;
    const [firstSlot] = await rows<{ id: string }>(server.db.owner, sql`SELECT id FROM clinic_slot WHERE session_id = ${sessionId}::uuid ORDER BY starts_at LIMIT 1`);

    await admin.page.goto(url('/clinics/booking'));
    expect(await textOf(admin.page.getByRole('table'))).toContain(who);
    await expectAccessible(admin.page, 'clinic booking list');
    await screenshot(admin.page, 'clinic-booking');
    await follow(admin.page, admin.page.getByRole('link', { name: `Choose a slot for ${who}` }));
    await expectAccessible(admin.page, 'choose a slot');
    await admin.page.locator(`input[name="slotId"][value="${firstSlot.id}"]`).check();
    await follow(admin.page, admin.page.getByRole('button', { name: 'Book this appointment' }));
    expect(await textOf(admin.page.locator('main'))).toContain('The child has been booked');
    await expectAccessible(admin.page, 'clinic booking list after booking');
    await admin.context.close();

    // The GP sees the booking among their referrals.
    await gp.page.goto(url('/referrals'));
    expect(await textOf(gp.page.getByRole('row').filter({ hasText: listed }))).toContain('Booked into a clinic');
    await expectAccessible(gp.page, 'your referrals and questions, booked');

    // The day of the clinic comes (the test cannot wait for it): the session is moved to have begun 5 minutes ago.
    await server.db.owner.execute(sql`WITH shift AS (SELECT starts_at - (now() - interval '5 minutes') AS by FROM clinic_session WHERE id = ${sessionId}::uuid)
      UPDATE clinic_slot SET starts_at = starts_at - (SELECT by FROM shift) WHERE session_id = ${sessionId}::uuid`);
    await server.db.owner.execute(sql`UPDATE clinic_session SET starts_at = now() - interval '5 minutes' WHERE id = ${sessionId}::uuid`);

    // The session's paediatrician records the outcome: seen jointly, the plan, discharged to the GP.
    await lead.page.goto(url('/clinics'));
    await expectAccessible(lead.page, 'hub clinics as the paediatrician');
    await follow(lead.page, lead.page.locator(`a[href="/clinics/${sessionId}"]`));
    expect(await textOf(lead.page.getByRole('table'))).toContain(who);
    await expectAccessible(lead.page, 'clinic session as the paediatrician');
    await follow(lead.page, lead.page.getByRole('link', { name: `Record outcome for ${who}` }));
    expect(await textOf(lead.page.locator('main'))).toContain(`The GP asked: ${question}`);
    await expectAccessible(lead.page, 'record the clinic outcome');
    await lead.page.getByLabel('Yes, together').check();
    await lead.page.getByLabel('The plan').fill(plan);
    await lead.page.getByLabel('Discharged to the GP').check();
    await follow(lead.page, lead.page.getByRole('button', { name: 'Save and send the outcome letter' }));
    const sent = await textOf(lead.page.locator('main'));
    expect(sent).toContain('The outcome has been saved');
    expect(sent).toContain(plan);
    await expectAccessible(lead.page, 'clinic outcome letter as sent');
  });

  it('the GP sees where it is, reads the outcome letter (page, PDF and record) and the referral’s timeline', async () => {
    // The GP: the state in their referrals, the letter from the worklist and the record, and the timeline.
    await gp.page.goto(url('/referrals'));
    const row = gp.page.getByRole('row').filter({ hasText: listed });
    expect(await textOf(row)).toContain('Closed');
    await expectAccessible(gp.page, 'your referrals and questions');

    await gp.page.goto(url('/worklist'));
    await expectAccessible(gp.page, 'worklist of the GP');
    await follow(gp.page, gp.page.getByRole('link', { name: `Clinic letter for ${who}` }));
    const letter = await textOf(gp.page.locator('main'));
    expect(letter).toContain(plan);
    expect(letter).toContain('This is the letter exactly as sent');
    await expectAccessible(gp.page, 'clinic outcome letter as the GP');
    await screenshot(gp.page, 'clinic-letter');
    const pdf = await gp.page.request.get(url(`${new URL(gp.page.url()).pathname}.pdf`));
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');

    await gp.page.goto(url(`/children/${child.id}/record`));
    await expectAccessible(gp.page, 'shared record with the letters');
    await follow(gp.page, gp.page.locator('#letters ~ ul a', { hasText: 'appointment at the' }).first());
    expect(await textOf(gp.page.locator('main'))).toContain(plan);
    await expectAccessible(gp.page, 'clinic letter filed in the record');

    await gp.page.goto(url('/referrals'));
    await follow(gp.page, gp.page.getByRole('link', { name: listed }));
    expect(gp.page.url()).toBe(url(referralPath));
    expect(await textOf(gp.page.getByRole('heading', { level: 1 }))).toBe(`Referral to ${hub.name}`);
    const timeline = await textOf(gp.page.locator('#timeline + ol'));
    for (const step of [
      'sent it',
      'from “Waiting for the paediatrician” to “Waiting for a clinic appointment”. Needs examining',
      'from “Waiting for a clinic appointment” to “Booked into a clinic”',
      'from “Booked into a clinic” to “Seen in clinic”',
      'from “Seen in clinic” to “Closed”',
    ]) expect(timeline).toContain(step);
    expect(await textOf(gp.page.locator('#messages ~ .nhsuk-card').first())).toContain(message);
    await expectAccessible(gp.page, 'referral with its timeline');
    await screenshot(gp.page, 'referral');
  });
});
