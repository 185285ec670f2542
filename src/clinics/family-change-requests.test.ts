import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Actor } from '../platform/access/actor.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { adultWithParentalResponsibility, familyClient } from '../../test/family.js';
import { grantProxy } from '../family/service.js';
import { bookReferral } from './booking.js';
import { demoHub, inIcs, one, sessionIn, waitingReferrals } from './test-fixtures.js';

/**
 * A family's "ask to change" on the hub administrator's booking list, over
 * HTTP as each of them uses it: the parent asks on the family pages; the
 * administrator sees who asked, for which child and appointment, and why,
 * even with hundreds of older items of other kinds waiting; once the
 * booking is moved the request leaves the list.
 */
describe('families asking to change an appointment, on the booking list', () => {
  let j: TestJoinery;
  let admin: Actor;
  let gp: Actor;

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    admin = await actorFor(j.db, 'hub-admin@demo.joinery.test');
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
  }, 300_000);
  afterAll(() => j?.close());

  it('the administrator sees who asked, which child and appointment and why; after moving the booking the request is gone', async () => {
    const hub = await demoHub(j);
    const [referral] = await waitingReferrals(j, 1);
    // A six-year-old, so the parent's proxy access needs no review for the child's age.
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = current_date - interval '6 years 2 months' WHERE id = ${referral.childId}::uuid`);
    const child = await one<{ name: string }>(j, sql`SELECT given_name || ' ' || family_name AS name FROM child WHERE id = ${referral.childId}::uuid`);
    const clinic = await sessionIn(j, admin, hub, { time: '10:00' });
    const bookingId = await inIcs(j, (tx) => bookReferral(tx, admin, referral.id, { slotId: clinic.slots[0] }));
    const mother = await adultWithParentalResponsibility(j, gp.icsId, referral.childId, { relationship: 'mother', givenName: 'Rhian', nhsNumber: '9990003101' });
    await inIcs(j, (tx) => grantProxy(tx, gp, referral.childId, { relatedPersonId: mother.relatedPersonId, basis: 'birth-certificate', evidenceNote: 'BC seen', maySee: ['appointments'] }));
    // The administrator's older items of other kinds, more than a page of the worklist: the request must not fall off behind them.
    await j.db.owner.execute(sql`INSERT INTO worklist_item (ics_id, id, professional_id, kind, title, created_at)
      SELECT ${admin.icsId}::uuid, gen_random_uuid(), ${admin.professionalId}::uuid, 'clinic-reminder', 'Check the room booking ' || n, now() - interval '2 days' + make_interval(secs => n)
        FROM generate_series(1, 250) AS n`);

    const parent = await familyClient(j, mother);
    // The family's page lists the booking with its place and time (London), and the way to ask to change it.
    const when = await one<{ day: string; time: string; venue: string }>(j, sql`SELECT to_char(sl.starts_at AT TIME ZONE 'Europe/London', 'FMDD FMMonth YYYY') AS day,
        to_char(sl.starts_at AT TIME ZONE 'Europe/London', 'HH24:MI') AS time, o.name AS venue
      FROM clinic_slot sl JOIN clinic_session s ON s.ics_id = sl.ics_id AND s.id = sl.session_id JOIN organisation o ON o.ics_id = s.ics_id AND o.id = s.venue_id
      WHERE sl.id = ${clinic.slots[0]}::uuid`);
    const familyPage = await parent.get(`/family/children/${referral.childId}`);
    expect(pageText(familyPage.body).split('Appointments')[1]).toMatch(new RegExp(`^\\s*${when.day} at ${when.time}\\s+${when.venue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+Ask to change this appointment`));
    expect(familyPage.body).toContain(`href="/family/children/${referral.childId}/appointments/${bookingId}/change"`);
    // The form says which appointment it is about.
    expect(pageText((await parent.get(`/family/children/${referral.childId}/appointments/${bookingId}/change`)).body)).toContain(`When ${when.day} at ${when.time} Where ${when.venue}`);
    const asked = await parent.post(`/family/children/${referral.childId}/appointments/${bookingId}/change`, { reason: 'Her grandmother’s funeral is that morning' });
    expect(asked.statusCode).toBe(303);

    const hubAdmin = await TestClient.signIn(j.app, 'hub-admin@demo.joinery.test');
    const list = await hubAdmin.get('/clinics/booking');
    expect(list.statusCode).toBe(200);
    const requests = pageText(list.body).split('Families asking to change an appointment')[1]?.split('Waiting for a clinic')[0] ?? '';
    const slot = await one<{ day: string; time: string }>(j, sql`SELECT to_char(starts_at AT TIME ZONE 'Europe/London', 'FMDD FMMonth YYYY') AS day,
        to_char(starts_at AT TIME ZONE 'Europe/London', 'HH24:MI') AS time FROM clinic_slot WHERE id = ${clinic.slots[0]}::uuid`);
    expect(requests).toContain(child.name);
    expect(requests).toContain(`Rhian Testparent (the child’s mother) asks to change the appointment on ${slot.day} at ${slot.time}`);
    expect(requests).toContain('Her grandmother’s funeral is that morning');
    expect(list.body).toContain(`href="/clinics/bookings/${bookingId}/reschedule"`);
    const named = await one<{ professional_id: string; why: string }>(j, sql`SELECT professional_id, why FROM audit_event
      WHERE action = 'clinic.change-request-list' AND child_id = ${referral.childId}::uuid`);
    expect(named).toEqual({ professional_id: admin.professionalId, why: 'hub clinic administrator' });

    await hubAdmin.get(`/clinics/bookings/${bookingId}/reschedule`);
    expect((await hubAdmin.post(`/clinics/bookings/${bookingId}/reschedule`, { slotId: clinic.slots[2], reason: 'The family asked', version: '3' })).statusCode).toBe(303);
    const after = pageText((await hubAdmin.get('/clinics/booking')).body);
    expect(after).not.toContain('Families asking to change an appointment');
    expect(after).not.toContain('Her grandmother’s funeral');
  });

  it('a family cannot ask about an appointment that is not their child’s: nothing reaches the list', async () => {
    const [referral] = await waitingReferrals(j, 1);
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = current_date - interval '7 years' WHERE id = ${referral.childId}::uuid`);
    const father = await adultWithParentalResponsibility(j, gp.icsId, referral.childId, { relationship: 'father', givenName: 'Owain', nhsNumber: '9990003102' });
    await inIcs(j, (tx) => grantProxy(tx, gp, referral.childId, { relatedPersonId: father.relatedPersonId, basis: 'birth-certificate', evidenceNote: 'BC seen', maySee: ['appointments'] }));
    const parent = await familyClient(j, father);
    const elsewhere = crypto.randomUUID();
    expect((await parent.get(`/family/children/${referral.childId}/appointments/${elsewhere}/change`)).statusCode).toBe(404);
    const refused = await parent.post(`/family/children/${referral.childId}/appointments/${elsewhere}/change`, { reason: 'Clash with school trip' });
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toContain('Choose one of the upcoming appointments');
    const items = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM worklist_item WHERE kind = 'family-change-request' AND title LIKE '%school trip%'`);
    expect(items.n).toBe(0);
  });
});
