import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { demoFamilies } from '../src/cli/nhs-sign-in.js';
import { PAUSED } from '../src/platform/access/family-policy.js';
import { grantProxy } from '../src/family/service.js';
import { bookReferral } from '../src/clinics/booking.js';
import { demoHub, sessionIn, waitingReferrals } from '../src/clinics/test-fixtures.js';
import { actorFor } from '../test/actors.js';
import { adultWithParentalResponsibility } from '../test/family.js';
import { inIcs, one } from '../test/in-ics.js';
import { follow, JOURNEY, screenshot, textOf } from './browser.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { signInWithNhsLogin } from './steps/sign-in.js';
import { startJoineryWithNhsLogin, type Joinery } from './server.js';

/**
 * The family pages the main journey does not reach, in Chromium without
 * JavaScript at a phone's width, each scanned by axe: the demo parent asks
 * to change a hub clinic appointment (forgetting the reason first), and
 * meets the neutral refusal when their proxy access is paused: for a child
 * who turned 16 without agreeing to it, and for a child on a child
 * protection plan. The refusal says nothing of the child or why.
 */
describe('a family asks to change an appointment and meets a paused proxy, without JavaScript', JOURNEY, () => {
  let j: Joinery;
  let parent: Awaited<ReturnType<typeof demoFamilies>>[number];
  let booked: { id: string; name: string; bookingId: string; day: string; time: string; venue: string };
  let sixteen: { id: string; name: string };

  /** The demo parent, as the child's record names them with parental responsibility, given proxy access by the child's GP. */
  async function parentsProxy(childId: string): Promise<void> {
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    const adult = await adultWithParentalResponsibility(j, gp.icsId, childId, { relationship: 'mother', givenName: parent.givenName, nhsNumber: parent.nhsNumber });
    await j.db.owner.execute(sql`UPDATE related_person SET family_name = ${parent.familyName}, date_of_birth = ${parent.birthdate}::date WHERE id = ${adult.relatedPersonId}::uuid`);
    await inIcs(j, (tx) => grantProxy(tx, gp, childId, { relatedPersonId: adult.relatedPersonId, basis: 'birth-certificate', evidenceNote: 'Birth certificate seen', maySee: ['appointments', 'plan', 'letters'] }));
  }

  beforeAll(async () => {
    j = await startJoineryWithNhsLogin();
    [parent] = await demoFamilies(j.db);
    // A six-year-old booked into next week's hub clinic, as the clinic tests book one.
    const admin = await actorFor(j.db, 'hub-admin@demo.joinery.test');
    const hub = await demoHub(j);
    const [referral] = await waitingReferrals(j, 1);
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = current_date - interval '6 years 2 months' WHERE id = ${referral.childId}::uuid`);
    const clinic = await sessionIn(j, admin, hub, { time: '10:00' });
    const bookingId = await inIcs(j, (tx) => bookReferral(tx, admin, referral.id, { slotId: clinic.slots[1] }));
    await parentsProxy(referral.childId);
    const when = await one<{ name: string; day: string; time: string; venue: string }>(j, sql`SELECT c.given_name || ' ' || c.family_name AS name,
        to_char(sl.starts_at AT TIME ZONE 'Europe/London', 'FMDD FMMonth YYYY') AS day, to_char(sl.starts_at AT TIME ZONE 'Europe/London', 'HH24:MI') AS time, o.name AS venue
      FROM clinic_slot sl JOIN clinic_session s ON s.ics_id = sl.ics_id AND s.id = sl.session_id JOIN organisation o ON o.ics_id = s.ics_id AND o.id = s.venue_id
      JOIN child c ON c.ics_id = s.ics_id AND c.id = ${referral.childId}::uuid WHERE sl.id = ${clinic.slots[1]}::uuid`);
    booked = { id: referral.childId, bookingId, ...when };

    // A brother who turned 16 last month: his parent's proxy was paused then, and he has not agreed to it going on.
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    sixteen = await one<{ id: string; name: string }>(j, sql`SELECT c.id, c.given_name || ' ' || c.family_name AS name FROM child c
      WHERE c.registered_practice_id = ${gp.organisationId}::uuid AND c.id <> ${booked.id}::uuid
        AND NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.child_id = c.id) ORDER BY c.id LIMIT 1`);
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = current_date - interval '16 years 1 month' WHERE id = ${sixteen.id}::uuid`);
    await parentsProxy(sixteen.id);
    await j.db.owner.execute(sql`UPDATE family_access_grant SET status = 'suspended', status_reason = 'Turned 16: paused until the young person agrees to it', version = version + 1
      WHERE child_id = ${sixteen.id}::uuid`);
  });
  afterAll(() => j?.close());

  it('the parent sees which appointment they are asking about, is told when the reason is missing, and sees the request sent', async () => {
    const mum = await signInWithNhsLogin(j, parent);
    await follow(mum, mum.getByRole('link', { name: booked.name }));
    await follow(mum, mum.getByRole('link', { name: new RegExp(`Ask to change this appointment on ${booked.day} at ${booked.time}`) }));
    const asking = await textOf(mum.locator('main'));
    expect(asking).toContain('Ask to change an appointment');
    expect(asking).toMatch(new RegExp(`When\\s+${booked.day} at ${booked.time}\\s+Where\\s+${booked.venue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await checkPageIsAccessible(mum, 'family ask to change an appointment');
    await screenshot(mum, 'family-change-appointment-390');

    await follow(mum, mum.getByRole('button', { name: 'Send request' }));
    expect(await textOf(mum.locator('.nhsuk-error-summary'))).toContain('Tell the hub why you need to change it');
    // The page still says which appointment it is about.
    expect(await textOf(mum.locator('main'))).toContain(`${booked.day} at ${booked.time}`);
    await checkPageIsAccessible(mum, 'family ask to change an appointment with an error');

    await mum.getByLabel('Why do you need to change it?').fill('We are away that week');
    await follow(mum, mum.getByRole('button', { name: 'Send request' }));
    expect(await textOf(mum.locator('main'))).toContain('Your request has been sent to the clinic team. They will contact you about a new time.');
    await checkPageIsAccessible(mum, 'family child page after asking to change');
    await mum.context().close();
  });

  it('a proxy paused at 16, and one paused by a child protection plan, shows the same neutral words and nothing of the child', async () => {
    const mum = await signInWithNhsLogin(j, parent);
    // Her son turned 16 and has not agreed: the home page says so only in the neutral words.
    expect(await textOf(mum.locator('main'))).toContain(PAUSED);
    await mum.goto(`/family/children/${sixteen.id}`);
    const refused = await textOf(mum.locator('main'));
    expect(refused).toContain(PAUSED);
    expect(refused).not.toContain(sixteen.name);
    expect(refused).not.toMatch(/16|agree|Care plan|Appointments|The people looking after/);
    await checkPageIsAccessible(mum, 'family refusal (paused at 16)');
    await screenshot(mum, 'family-paused-390');

    // Her daughter is put on a child protection plan: the same words, on her page and on the appointment she could change before.
    await j.db.owner.execute(sql`INSERT INTO child_flag (ics_id, id, child_id, kind, started_on)
      SELECT ics_id, gen_random_uuid(), id, 'child-protection-plan', current_date FROM child WHERE id = ${booked.id}::uuid`);
    for (const path of [`/family/children/${booked.id}`, `/family/children/${booked.id}/appointments/${booked.bookingId}/change`]) {
      await mum.goto(path);
      const words = await textOf(mum.locator('main'));
      expect(words).toContain(PAUSED);
      for (const detail of [booked.name, booked.venue, `${booked.day} at ${booked.time}`, 'protection', 'safeguarding', 'Why do you need to change it?']) {
        expect({ path, detail, shown: words.includes(detail) }).toEqual({ path, detail, shown: false });
      }
      await checkPageIsAccessible(mum, `family refusal (child protection plan) ${path.endsWith('/change') ? 'asking to change' : 'child page'}`);
    }
    await mum.context().close();
  });
});
