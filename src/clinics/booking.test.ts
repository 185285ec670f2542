import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import crypto from 'node:crypto';
import { databaseError, rows } from '../platform/db/client.js';
import { ConflictError } from '../platform/http/errors.js';
import type { Actor } from '../platform/access/actor.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { bookReferral, SLOT_TAKEN, slotChoices } from './booking.js';
import { insertBooking } from './store.js';
import { cancelSession } from './sessions.js';
import { demoHub, holdSession, inIcs, one, sessionIn, submittedReferrals, waitingReferrals, type Hub } from './test-fixtures.js';

const kinds = await databaseKinds();

/** The hub clinic administrator's day: who is waiting, booking, refusals, moving, did not attend, and two people booking at once. */
describe.each(kinds)('clinic booking (%s)', (kind) => {
  let j: TestJoinery;
  let hub: Hub;
  let admin: Actor;
  const state = async (referralId: string) => (await one<{ state: string; version: number }>(j, sql`SELECT state, version FROM referral WHERE id = ${referralId}::uuid`));
  const bookings = (referralId: string) => rows<{ id: string; state: string; slot_id: string; end_note: string | null }>(j.db.owner,
    sql`SELECT id, state, slot_id, end_note FROM clinic_booking WHERE referral_id = ${referralId}::uuid ORDER BY booked_at`);

  beforeAll(async () => {
    j = await startJoinery(kind);
    hub = await demoHub(j);
    admin = await actorFor(j.db, 'hub-admin@demo.joinery.test');
  }, 300_000);
  afterAll(() => j?.close());

  it('lists who is waiting, most urgent first, to the administrator only, auditing each child shown', async () => {
    const [routine] = await waitingReferrals(j, 1, 'routine');
    const [urgent] = await waitingReferrals(j, 1, 'urgent');
    const client = await TestClient.signIn(j.app, 'hub-admin@demo.joinery.test');
    const page = await client.get('/clinics/booking');
    expect(page.statusCode).toBe(200);
    expect(page.body.indexOf(`/clinics/referrals/${urgent.id}/book`)).toBeLessThan(page.body.indexOf(`/clinics/referrals/${routine.id}/book`));
    const audited = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'clinic.waiting-list' AND child_id IN (${routine.childId}::uuid, ${urgent.childId}::uuid)`);
    expect(audited.n).toBe(2);
    const shown = await rows(j.db.owner, sql`SELECT child_id, professional_id, why, what, details->>'referralId' AS referral FROM audit_event
      WHERE action = 'clinic.waiting-list' AND child_id IN (${routine.childId}::uuid, ${urgent.childId}::uuid) ORDER BY child_id`);
    expect(shown).toEqual([routine, urgent].sort((a, b) => (a.childId < b.childId ? -1 : 1)).map((r) => ({
      child_id: r.childId, professional_id: admin.professionalId, why: 'hub clinic administrator', what: `Waiting for a ${hub.clusterName} clinic`, referral: r.id,
    })));
    for (const role of ['gp', 'paediatrician', 'senco', 'ics-analyst']) {
      const other = await TestClient.signIn(j.app, `${role}@demo.joinery.test`);
      expect((await other.get('/clinics/booking')).statusCode).toBe(403);
      expect((await other.get(`/clinics/referrals/${urgent.id}/book`)).statusCode).toBe(403);
    }
  });

  it('pages a long waiting list, so no child waiting is left off it', async () => {
    const added = await waitingReferrals(j, 55, 'routine');
    const client = await TestClient.signIn(j.app, 'hub-admin@demo.joinery.test');
    const waiting = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM referral WHERE ics_id = ${j.ics.icsId}::uuid AND state IN ('awaiting-booking', 'did-not-attend')`);
    const first = pageText((await client.get('/clinics/booking')).body);
    expect(first).toContain(`Waiting for a clinic: ${waiting.n} children, page 1 of ${Math.ceil(waiting.n / 50)}`);
    const last = await client.get(`/clinics/booking?page=${Math.ceil(waiting.n / 50)}`);
    expect(last.body.match(/\/clinics\/referrals\/[0-9a-f-]{36}\/book"/g)).toHaveLength(waiting.n % 50 || 50);
    expect(pageText((await client.get('/clinics/booking?page=99')).body)).toContain(`There are ${waiting.n} children waiting, fewer than this page would show`);
    // Off the list again, so the later tests find their own children on the first page.
    await j.db.owner.execute(sql`UPDATE referral SET state = 'withdrawn' WHERE id IN (${sql.join(added.map((r) => sql`${r.id}::uuid`), sql`, `)})`);
  });

  it('refuses to choose a slot for a referral not waiting for a clinic (409), without showing or auditing the child', async () => {
    const [r] = await submittedReferrals(j, 1);
    const client = await TestClient.signIn(j.app, 'hub-admin@demo.joinery.test');
    const page = await client.get(`/clinics/referrals/${r.id}/book`);
    expect(page.statusCode).toBe(409);
    expect(pageText(page.body)).toContain('Waiting for the paediatrician');
    const child = await one<{ given_name: string; family_name: string }>(j, sql`SELECT given_name, family_name FROM child WHERE id = ${r.childId}::uuid`);
    expect(pageText(page.body)).not.toContain(`${child.given_name} ${child.family_name}`);
    const audited = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'clinic.choose-slot' AND child_id = ${r.childId}::uuid`);
    expect(audited.n).toBe(0);
    await expect(inIcs(j, (tx) => slotChoices(tx, admin, r.id))).rejects.toBeInstanceOf(ConflictError);
    // Withdrawn, so later tests do not meet it.
    await j.db.owner.execute(sql`UPDATE referral SET state = 'withdrawn' WHERE id = ${r.id}::uuid`);
  });

  it('books a slot: the referral is booked and the GP and clinicians have it on their worklists', async () => {
    const s = await sessionIn(j, admin, hub);
    const [r] = await waitingReferrals(j, 1);
    const client = await TestClient.signIn(j.app, 'hub-admin@demo.joinery.test');
    const choose = await client.get(`/clinics/referrals/${r.id}/book`);
    expect(choose.body).toContain(`value="${s.slots[0]}"`);
    // The appointments are grouped by day: one legend per day, naming the day, each day's times beneath it.
    const [first] = await rows<{ starts_at: string }>(j.db.owner, sql`SELECT starts_at FROM clinic_slot WHERE id = ${s.slots[0]}::uuid`);
    const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(first.starts_at)).replace(',', '');
    const legends = [...choose.body.matchAll(/<legend[^>]*>\s*([^<]+?)\s*<\/legend>/g)].map((m) => m[1]);
    expect(legends).toContain(day);
    expect(new Set(legends).size).toBe(legends.length);
    // Fewer headings than appointments: a day's appointments share its heading.
    const radios = choose.body.match(/name="slotId" type="radio"/g) ?? [];
    expect(legends.length).toBeGreaterThan(0);
    expect(legends.length).toBeLessThan(radios.length);
    expect(legends.every((l) => /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} [A-Z][a-z]+ \d{4}$/.test(l))).toBe(true);
    expect(choose.body).toContain('id="slotId"');
    const none = await client.post(`/clinics/referrals/${r.id}/book`, { version: '2' });
    expect(none.statusCode).toBe(400);
    expect(pageText(none.body)).toContain('Select an appointment');
    const res = await client.post(`/clinics/referrals/${r.id}/book`, { slotId: s.slots[0], version: '2' });
    expect(res.statusCode).toBe(303);
    expect(await state(r.id)).toEqual({ state: 'booked', version: 3 });
    const items = await rows<{ professional_id: string }>(j.db.owner, sql`SELECT professional_id FROM worklist_item WHERE child_id = ${r.childId}::uuid AND kind = 'clinic-booking'`);
    expect(items.map((i) => i.professional_id).sort()).toEqual([hub.gpId, hub.leadId].sort());
    expect((await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'clinic.book' AND child_id = ${r.childId}::uuid`)).n).toBe(1);
    expect(await one(j, sql`SELECT professional_id, why, details->>'referralId' AS referral FROM audit_event WHERE action = 'clinic.book' AND child_id = ${r.childId}::uuid`))
      .toEqual({ professional_id: admin.professionalId, why: 'hub clinic administrator', referral: r.id });
  });

  it('refuses a taken slot (409), a slot of another hub, a cancelled clinic and a past slot, saving nothing', async () => {
    const s = await sessionIn(j, admin, hub, { time: '11:00' });
    const [first, r] = await waitingReferrals(j, 2);
    await inIcs(j, (tx) => bookReferral(tx, admin, first.id, { slotId: s.slots[0] }));
    const client = await TestClient.signIn(j.app, 'hub-admin@demo.joinery.test');
    await client.get(`/clinics/referrals/${r.id}/book`);
    const taken = await client.post(`/clinics/referrals/${r.id}/book`, { slotId: s.slots[0], version: '2' });
    expect(taken.statusCode).toBe(409);
    expect(pageText(taken.body)).toContain('That slot was just taken');

    const faraway = await one<{ cluster_id: string }>(j, sql`SELECT cluster_id FROM cluster_practice WHERE practice_id = ${hub.otherHubVenueId}::uuid`);
    // Set up directly: the other hub has no GPs of its own in the demo ICS.
    const elsewhere = crypto.randomUUID();
    const elsewhereSlot = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO clinic_session (ics_id, id, cluster_id, venue_id, starts_at, slot_minutes, slot_count, format, gp_id, created_by)
      VALUES (${j.ics.icsId}::uuid, ${elsewhere}::uuid, ${faraway.cluster_id}::uuid, ${hub.otherHubVenueId}::uuid, now() + interval '3 days', 20, 1, 'gpwsi', ${hub.gpId}::uuid, ${admin.professionalId}::uuid)`);
    await j.db.owner.execute(sql`INSERT INTO clinic_slot (ics_id, id, session_id, starts_at) VALUES (${j.ics.icsId}::uuid, ${elsewhereSlot}::uuid, ${elsewhere}::uuid, now() + interval '3 days')`);
    const wrongHub = await client.post(`/clinics/referrals/${r.id}/book`, { slotId: elsewhereSlot, version: '2' });
    expect(wrongHub.statusCode).toBe(400);
    expect(pageText(wrongHub.body)).toContain('Faraway Hub clinic, but this child’s referral is to another hub');

    await j.db.owner.execute(sql`UPDATE clinic_session SET cancelled_at = now() WHERE id = ${s.id}::uuid`);
    const cancelled = await client.post(`/clinics/referrals/${r.id}/book`, { slotId: s.slots[1], version: '2' });
    expect(pageText(cancelled.body)).toContain('That clinic has been cancelled');

    const past = await sessionIn(j, admin, hub, { time: '15:00' });
    await holdSession(j, past.id);
    const gone = await client.post(`/clinics/referrals/${r.id}/book`, { slotId: past.slots[0], version: '2' });
    expect(pageText(gone.body)).toContain('That appointment time has already passed');
    expect(await state(r.id)).toEqual({ state: 'awaiting-booking', version: 2 });
    expect(await bookings(r.id)).toEqual([]);
  });

  it('moves an appointment with a reason, then records did not attend and offers another appointment', async () => {
    const s = await sessionIn(j, admin, hub, { time: '16:00' });
    const [r] = await waitingReferrals(j, 1);
    const first = await inIcs(j, (tx) => bookReferral(tx, admin, r.id, { slotId: s.slots[0] }));
    const client = await TestClient.signIn(j.app, 'hub-admin@demo.joinery.test');
    await client.get(`/clinics/bookings/${first}/reschedule`);
    const noReason = await client.post(`/clinics/bookings/${first}/reschedule`, { slotId: s.slots[2], version: '3' });
    expect(noReason.statusCode).toBe(400);
    expect(pageText(noReason.body)).toContain('Enter the reason for moving the appointment');
    expect((await client.post(`/clinics/bookings/${first}/reschedule`, { slotId: s.slots[2], reason: 'Family on holiday', version: '3' })).statusCode).toBe(303);
    const [old, moved] = await bookings(r.id);
    expect(old).toMatchObject({ state: 'moved', end_note: 'Family on holiday' });
    expect(moved).toMatchObject({ state: 'booked', slot_id: s.slots[2] });
    const event = await one<{ from_state: string; note: string }>(j, sql`SELECT from_state, note FROM referral_event WHERE referral_id = ${r.id}::uuid ORDER BY changed_at DESC LIMIT 1`);
    expect(event).toEqual({ from_state: 'booked', note: 'Family on holiday' });

    await client.get(`/clinics/${s.id}`);
    const early = await client.post(`/clinics/bookings/${moved.id}/did-not-attend`, { version: '4' });
    expect(early.statusCode).toBe(409);
    expect(pageText(early.body)).toContain('has not begun yet');
    await holdSession(j, s.id);
    expect((await client.post(`/clinics/bookings/${moved.id}/did-not-attend`, { version: '4' })).statusCode).toBe(303);
    expect((await bookings(r.id))[1].state).toBe('did-not-attend');
    expect((await state(r.id)).state).toBe('did-not-attend');
    const gpItem = await one<{ title: string }>(j, sql`SELECT title FROM worklist_item WHERE professional_id = ${hub.gpId}::uuid AND child_id = ${r.childId}::uuid AND title LIKE 'Did not attend%'`);
    expect(gpItem.title).toContain(hub.clusterName);
    expect(pageText((await client.get('/clinics/booking')).body)).toContain('Did not attend: offer another appointment');

    const next = await sessionIn(j, admin, hub, { time: '17:00' });
    await client.get(`/clinics/referrals/${r.id}/book`);
    expect((await client.post(`/clinics/referrals/${r.id}/book`, { slotId: next.slots[0], version: '5' })).statusCode).toBe(303);
    const moves = await rows<{ to_state: string }>(j.db.owner, sql`SELECT to_state FROM referral_event WHERE referral_id = ${r.id}::uuid ORDER BY changed_at`);
    expect(moves.map((m) => m.to_state).slice(-3)).toEqual(['did-not-attend', 'awaiting-booking', 'booked']);
  });

  it('surfaces the partial unique index as PostgreSQL error 23505 through the driver', async () => {
    const s = await sessionIn(j, admin, hub, { time: '18:00' });
    const [a, b] = await waitingReferrals(j, 2);
    const error = await inIcs(j, async (tx) => {
      await insertBooking(tx, admin, { id: crypto.randomUUID(), slotId: s.slots[0], referralId: a.id, childId: a.childId });
      return insertBooking(tx, admin, { id: crypto.randomUUID(), slotId: s.slots[0], referralId: b.id, childId: b.childId });
    }).catch((e: unknown) => e);
    expect(databaseError(error).code).toBe('23505');
    expect(await bookings(a.id)).toEqual([]);
  });

  // PGlite runs one transaction at a time, so only the server can race.
  if (kind === 'postgres') {
    it('lets exactly one of 20 simultaneous bookings into one slot land', async () => {
      const s = await sessionIn(j, admin, hub, { time: '08:00', slotCount: '1' }, 8);
      const referrals = await waitingReferrals(j, 20);
      const results = await Promise.allSettled(referrals.map((r) => inIcs(j, (tx) => bookReferral(tx, admin, r.id, { slotId: s.slots[0] }))));
      expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
      const refused = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
      expect(refused.every((x) => x.reason instanceof ConflictError && x.reason.message === SLOT_TAKEN)).toBe(true);
      const held = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM clinic_booking WHERE slot_id = ${s.slots[0]}::uuid`);
      expect(held.n).toBe(1);
      const booked = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM referral WHERE id IN (${sql.join(referrals.map((r) => sql`${r.id}::uuid`), sql`, `)}) AND state = 'booked'`);
      expect(booked.n).toBe(1);
    });

    it('makes a cancellation wait for a booking in flight, then refuses it: a cancelled clinic never gains a booking', async () => {
      const s = await sessionIn(j, admin, hub, { time: '12:00' }, 10);
      const [r] = await waitingReferrals(j, 1);
      let cancelling: Promise<unknown> = Promise.resolve();
      await inIcs(j, async (tx) => {
        await bookReferral(tx, admin, r.id, { slotId: s.slots[0] });
        // The booking holds the session FOR SHARE until it commits: the cancellation must wait for it.
        cancelling = inIcs(j, (other) => cancelSession(other, admin, s.id)).catch((e: unknown) => e);
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      const refused = await cancelling;
      expect(refused).toBeInstanceOf(ConflictError);
      expect((refused as Error).message).toContain('still booked into this clinic');
      expect(await one<{ cancelled: boolean }>(j, sql`SELECT cancelled_at IS NOT NULL AS cancelled FROM clinic_session WHERE id = ${s.id}::uuid`)).toEqual({ cancelled: false });
      expect((await bookings(r.id)).map((b) => b.state)).toEqual(['booked']);
    });

    it('lets exactly one of two simultaneous bookings of the same child land', async () => {
      const s = await sessionIn(j, admin, hub, { time: '08:00' }, 9);
      const [r] = await waitingReferrals(j, 1);
      const results = await Promise.allSettled(s.slots.slice(0, 2).map((slotId) => inIcs(j, (tx) => bookReferral(tx, admin, r.id, { slotId, version: 2 }))));
      expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((x): x is PromiseRejectedResult => x.status === 'rejected')!.reason).toBeInstanceOf(ConflictError);
      expect(await bookings(r.id)).toHaveLength(1);
      expect(await state(r.id)).toEqual({ state: 'booked', version: 3 });
    });
  }
});
