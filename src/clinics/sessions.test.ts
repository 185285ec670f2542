import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { longDate } from '../platform/time/calendar-days.js';
import { bankHolidaysBetween, isWorkingDay } from '../platform/time/working-days.js';
import { bookReferral } from './booking.js';
import { addDays, demoHub, inIcs, one, sessionIn, waitingReferrals, type Hub } from './test-fixtures.js';

const kinds = await databaseKinds();

/** Setting up clinic sessions and reading one, as the hub lead, the administrator and people who may not. */
describe.each(kinds)('clinic sessions (%s)', (kind) => {
  let j: TestJoinery;
  let hub: Hub;
  const today = londonToday();
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
  const boxes = (iso: string) => {
    const [y, m, d] = iso.split('-');
    return { 'date-day': String(Number(d)), 'date-month': String(Number(m)), 'date-year': y };
  };

  // Two weeks on (or the next working day after), clear of the demo's own clinics for these clinicians at 13:00.
  let workingDay = addDays(today, 14);
  while (!isWorkingDay(workingDay)) workingDay = addDays(workingDay, 1);

  beforeAll(async () => {
    j = await startJoinery(kind);
    hub = await demoHub(j);
    await j.db.owner.execute(sql`UPDATE clinic_session SET cancelled_at = now() WHERE starts_at::date BETWEEN ${workingDay}::date - 1 AND ${workingDay}::date + 1
      AND (paediatrician_id = ${hub.leadId}::uuid OR gp_id = ${hub.gpId}::uuid) AND cancelled_at IS NULL`);
  }, 300_000);
  afterAll(() => j?.close());

  it('refuses a past date, a venue outside the hub, odd slot lengths and a joint clinic with no paediatrician, each with its field error', async () => {
    const lead = await signIn('paediatrician');
    const form = await lead.get('/clinics/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="${hub.clusterId}"`);
    const good = { clusterId: hub.clusterId, venueId: hub.venueId, time: '09:30', slotMinutes: '20', slotCount: '6', format: 'joint', paediatricianId: hub.leadId, gpId: hub.gpId };

    const past = await lead.post('/clinics/new', { ...good, ...boxes(addDays(today, -1)) });
    expect(past.statusCode).toBe(400);
    expect(pageText(past.body)).toContain('The clinic date must be today or in the future');

    const elsewhere = await lead.post('/clinics/new', { ...good, venueId: hub.otherHubVenueId, ...boxes(addDays(today, 7)) });
    expect(elsewhere.statusCode).toBe(400);
    expect(pageText(elsewhere.body)).toMatch(/Select a practice from the list|is not in/);

    const odd = await lead.post('/clinics/new', { ...good, slotMinutes: '5', slotCount: '30', paediatricianId: '', ...boxes(addDays(today, 7)) });
    expect(odd.statusCode).toBe(400);
    const text = pageText(odd.body);
    expect(text).toContain('Minutes for each child must be a whole number from 10 to 60');
    expect(text).toContain('The number of appointments must be a whole number from 1 to 24');

    const noPaed = await lead.post('/clinics/new', { ...good, paediatricianId: '', ...boxes(addDays(today, 7)) });
    expect(pageText(noPaed.body)).toContain('a joint clinic needs one');
    const badDate = await lead.post('/clinics/new', { ...good, 'date-day': '31', 'date-month': '2', 'date-year': '2027' });
    expect(pageText(badDate.body)).toContain('The clinic date must be a real date');
    expect((await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM clinic_session WHERE created_by = ${hub.leadId}::uuid`)).n).toBe(0);
  });

  it('refuses a venue of another hub when the administrator (who sees every practice) picks one', async () => {
    const admin = await signIn('hub-admin');
    await admin.get('/clinics/new');
    const res = await admin.post('/clinics/new', {
      clusterId: hub.clusterId, venueId: hub.otherHubVenueId, time: '09:30', slotMinutes: '20', slotCount: '6', format: 'gpwsi', gpId: hub.gpId, ...boxes(addDays(today, 7)),
    });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain(`is not in ${hub.clusterName}`);
  });

  it('sets up a session with its slots, and lists it with booked and free counts', async () => {
    const lead = await signIn('paediatrician');
    await lead.get('/clinics/new');
    const res = await lead.post('/clinics/new', {
      clusterId: hub.clusterId, venueId: hub.venueId, time: '13:00', slotMinutes: '30', slotCount: '6', format: 'joint', paediatricianId: hub.leadId, gpId: hub.gpId, ...boxes(workingDay),
    });
    expect(res.statusCode).toBe(303);
    const id = /\/clinics\/([0-9a-f-]+)/.exec(res.headers.location as string)![1];
    const slots = await rows<{ starts_at: Date }>(j.db.owner, sql`SELECT starts_at FROM clinic_slot WHERE session_id = ${id}::uuid ORDER BY starts_at`);
    expect(slots).toHaveLength(6);
    expect((new Date(slots[1].starts_at).getTime() - new Date(slots[0].starts_at).getTime()) / 60_000).toBe(30);
    const list = pageText((await lead.get('/clinics')).body);
    expect(list).toContain(hub.clusterName);
    expect(list).toContain('0 booked, 6 free');
    expect(pageText((await lead.get(`/clinics/${id}`)).body)).toContain('6 of 30 minutes: 0 booked, 6 free');
  });

  it('warns of a weekend, a bank holiday and a clinician’s other clinic at that time, and sets the clinic up only once the warnings are confirmed', async () => {
    const lead = await signIn('paediatrician');
    await lead.get('/clinics/new');
    const form = { clusterId: hub.clusterId, venueId: hub.venueId, time: '13:00', slotMinutes: '30', slotCount: '6', format: 'joint', paediatricianId: hub.leadId, gpId: hub.gpId };
    const sessionsNow = async () => (await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM clinic_session WHERE created_by = ${hub.leadId}::uuid`)).n;
    const before = await sessionsNow();
    const confirmationOn = (html: string) => /name="confirm" type="checkbox" value="([^"]+)"/.exec(html)![1];

    let sunday = addDays(today, 7);
    while (new Date(`${sunday}T00:00:00Z`).getUTCDay() !== 0) sunday = addDays(sunday, 1);
    const onSunday = await lead.post('/clinics/new', { ...form, ...boxes(sunday) });
    expect(onSunday.statusCode).toBe(400);
    expect(pageText(onSunday.body)).toContain('Before you set up this clinic');
    expect(pageText(onSunday.body)).toContain(`${longDate(sunday)} is a Sunday.`);
    expect(await sessionsNow()).toBe(before);

    const [holiday] = bankHolidaysBetween(addDays(today, 1), addDays(today, 400)).filter((h) => ![0, 6].includes(new Date(`${h.date}T00:00:00Z`).getUTCDay()));
    const onHoliday = await lead.post('/clinics/new', { ...form, ...boxes(holiday.date) });
    expect(pageText(onHoliday.body)).toContain(`${longDate(holiday.date)} is a bank holiday (${holiday.title}).`);

    // The lead's clinic of the last test, that afternoon: the same lead and GP an hour later overlap it.
    const lead2 = await one<{ name: string }>(j, sql`SELECT name FROM professional WHERE id = ${hub.leadId}::uuid`);
    const gp = await one<{ name: string }>(j, sql`SELECT name FROM professional WHERE id = ${hub.gpId}::uuid`);
    const overlapping = await lead.post('/clinics/new', { ...form, time: '14:00', ...boxes(workingDay) });
    expect(overlapping.statusCode).toBe(400);
    expect(pageText(overlapping.body)).toContain(`${lead2.name} and ${gp.name} already have a clinic from 13:00 to 16:00 on ${longDate(workingDay)}`);
    // A confirmation of other warnings (the Sunday's) does not answer these.
    expect((await lead.post('/clinics/new', { ...form, time: '14:00', ...boxes(workingDay), confirm: confirmationOn(onSunday.body) })).statusCode).toBe(400);
    expect(await sessionsNow()).toBe(before);

    const confirmed = await lead.post('/clinics/new', { ...form, ...boxes(sunday), confirm: confirmationOn(onSunday.body) });
    expect(confirmed.statusCode).toBe(303);
    expect(await sessionsNow()).toBe(before + 1);
  });

  it('shows who is booked into each slot, auditing each child shown; refuses people who do not run or lead it', async () => {
    const admin = await actorFor(j.db, 'hub-admin@demo.joinery.test');
    const s = await sessionIn(j, admin, hub);
    const [r] = await waitingReferrals(j, 1, 'urgent');
    await inIcs(j, (tx) => bookReferral(tx, admin, r.id, { slotId: s.slots[1] }));
    const child = await one<{ given_name: string; nhs_number: string }>(j, sql`SELECT given_name, nhs_number FROM child WHERE id = ${r.childId}::uuid`);
    const lead = await signIn('paediatrician');
    const page = pageText((await lead.get(`/clinics/${s.id}`)).body);
    expect(page).toContain(child.given_name);
    expect(page).toContain('Urgent');
    const audit = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${r.childId}::uuid AND action = 'clinic.list' AND professional_id = ${hub.leadId}::uuid`);
    expect(audit.n).toBe(1);

    for (const role of ['senco', 'ics-analyst', 'social-worker']) expect((await (await signIn(role)).get('/clinics')).statusCode).toBe(403);
    const otherGp = await one<{ email: string }>(j, sql`SELECT p.email FROM professional p WHERE p.role = 'gp' AND p.id <> ${hub.gpId}::uuid AND p.ics_id = ${j.ics.icsId}::uuid ORDER BY p.id LIMIT 1`);
    await j.db.owner.execute(sql`UPDATE professional SET password_hash = (SELECT password_hash FROM professional WHERE email = 'gp@demo.joinery.test') WHERE email = ${otherGp.email}`);
    const stranger = await TestClient.signIn(j.app, otherGp.email);
    expect((await stranger.get(`/clinics/${s.id}`)).statusCode).toBe(403);
    expect((await stranger.get('/clinics/new')).statusCode).toBe(403);
    expect((await (await signIn('gp')).get(`/clinics/${s.id}`)).statusCode).toBe(200);
    expect((await (await signIn('senco')).get(`/clinics/${s.id}`)).statusCode).toBe(403);
  });

  it('cancels a session only when no child is booked into it', async () => {
    const admin = await actorFor(j.db, 'hub-admin@demo.joinery.test');
    const booked = await sessionIn(j, admin, hub);
    const [r] = await waitingReferrals(j, 1);
    await inIcs(j, (tx) => bookReferral(tx, admin, r.id, { slotId: booked.slots[0] }));
    const empty = await sessionIn(j, admin, hub, { time: '14:00' });
    const client = await signIn('hub-admin');
    await client.get(`/clinics/${booked.id}`);
    const refused = await client.post(`/clinics/${booked.id}/cancel`, {});
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('1 child is still booked into this clinic');
    expect((await one<{ cancelled_at: Date | null }>(j, sql`SELECT cancelled_at FROM clinic_session WHERE id = ${booked.id}::uuid`)).cancelled_at).toBeNull();
    expect((await client.post(`/clinics/${empty.id}/cancel`, {})).statusCode).toBe(303);
    expect(pageText((await client.get(`/clinics/${empty.id}`)).body)).toContain('This clinic is cancelled');
  });
});
