/**
 * Referrals: a paediatrician's triage list with 2,000 open referrals (serially
 * and under load), and concurrent clinic booking with no double bookings.
 * Works on a reused bench database: open referrals are topped up to exactly
 * 2,000, and each run books into fresh clinic sessions of its own.
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rows, type Database } from '../src/platform/db/client.js';
import { bulkInsert } from '../src/platform/db/bulk.js';
import type { Actor } from '../src/platform/access/actor.js';
import { addWorkingDays } from '../src/platform/time/working-days.js';
import { londonToday } from '../src/platform/time/form-dates.js';
import { ConflictError } from '../src/platform/http/errors.js';
import { setUpSession } from '../src/clinics/sessions.js';
import { bookReferral } from '../src/clinics/booking.js';
import { TestClient } from '../test/http.js';
import { actorFor } from '../test/actors.js';
import { summarise, timeEach } from './stats.js';
import { page, underLoad } from './load.js';

export type ReferralBenchOptions = { baseUrl: string; icsId: string; password: string; loadSeconds: number; domain?: string };

const OPEN_REFERRALS = 2_000;
const URGENCY = ['routine', 'routine', 'routine', 'soon', 'urgent'] as const;

const openCount = async (db: Database, lead: Actor) =>
  (await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM referral WHERE ics_id = ${lead.icsId}::uuid AND decision_maker_id = ${lead.professionalId}::uuid AND state = 'awaiting-triage'`))[0].n;

/**
 * Tops the lead's triage list up to exactly OPEN_REFERRALS: referrals from a
 * GP of each child's own practice in the hub they lead, sent over the last
 * 20 working days so some are late.
 */
async function giveOpenReferrals(db: Database, lead: Actor, today: string): Promise<number> {
  const needed = OPEN_REFERRALS - (await openCount(db, lead));
  if (needed < 0) throw new Error(`${lead.email} already has more than ${OPEN_REFERRALS} referrals to triage`);
  if (needed === 0) return 0;
  const children = await rows<{ child_id: string; practice_id: string; cluster_id: string; gp_id: string; gp_name: string }>(
    db.owner,
    sql`SELECT c.id AS child_id, c.registered_practice_id AS practice_id, cl.id AS cluster_id, gp.id AS gp_id, gp.name AS gp_name
          FROM cluster cl JOIN cluster_practice cp ON cp.ics_id = cl.ics_id AND cp.cluster_id = cl.id
          JOIN child c ON c.ics_id = cp.ics_id AND c.registered_practice_id = cp.practice_id
          JOIN LATERAL (SELECT p.id, p.name FROM professional p WHERE p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id AND p.role = 'gp' ORDER BY p.id LIMIT 1) gp ON true
         WHERE cl.lead_paediatrician_id = ${lead.professionalId}::uuid ORDER BY c.id LIMIT ${needed}`,
  );
  const made = Array.from({ length: needed }, (_, k) => {
    const c = children[k % children.length];
    const sentOn = addWorkingDays(today, -Math.floor((k * 20) / needed));
    return { id: crypto.randomUUID(), c, sentOn, urgency: URGENCY[k % URGENCY.length] };
  });
  await bulkInsert(db.owner, 'referral', made.map((r, k) => ({
    ics_id: lead.icsId, id: r.id, child_id: r.c.child_id, kind: 'referral', referrer_id: r.c.gp_id, referring_practice_id: r.c.practice_id,
    cluster_id: r.c.cluster_id, decision_maker_id: lead.professionalId, urgency: r.urgency, reason: `Bench referral ${k + 1}: recurrent abdominal pain`,
    question: 'Is any investigation needed before a trial of treatment?', tried: 'Simple analgesia and a food diary', state: 'awaiting-triage',
    due_on: addWorkingDays(r.sentOn, 2), version: 1, created_at: `${r.sentOn}T09:00:00Z`, updated_at: `${r.sentOn}T09:00:00Z`,
  })));
  await bulkInsert(db.owner, 'referral_event', made.map((r) => ({
    ics_id: lead.icsId, id: crypto.randomUUID(), referral_id: r.id, from_state: null, to_state: 'awaiting-triage', note: null,
    changed_by: r.c.gp_id, changed_by_name: r.c.gp_name, changed_at: `${r.sentOn}T09:00:00Z`,
  })));
  await db.owner.execute(sql`ANALYZE referral`);
  return needed;
}

async function triageListBench(db: Database, app: FastifyInstance, opts: ReferralBenchOptions, domain: string) {
  const email = `paediatrician@${domain}`;
  const lead = await actorFor(db, email);
  const today = londonToday();
  const added = await giveOpenReferrals(db, lead, today);
  const open = await openCount(db, lead);
  const [{ n: all }] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM referral`);
  console.log(`\nTriage list: ${email} with ${open.toLocaleString('en-GB')} referrals to triage (${added} added this run), ${all.toLocaleString('en-GB')} referrals and advice requests in the database`);
  const client = await new TestClient(app).signIn(email, opts.password);
  await page(client, '/referrals/triage');
  console.log(summarise(`triage list (${open} open referrals)`, await timeEach(200, () => page(client, '/referrals/triage'))));
  console.log(summarise(`triage list, page 10 (${open} open referrals)`, await timeEach(200, () => page(client, '/referrals/triage?page=10'))));
  await underLoad(`triage list (${open} open referrals)`, { db, baseUrl: opts.baseUrl, client, seconds: opts.loadSeconds, paths: () => '/referrals/triage' });
}

const BOOKING_SESSIONS = 10;
const SLOTS_PER_SESSION = 24;
const WAITING = 400;
const BOOKERS = 20;

/**
 * Concurrent booking: 20 administrators at once book 400 waiting referrals
 * into 240 fresh slots, each choosing a random slot it believes free, so they
 * collide often. Prints bookings per second and collisions, then checks that
 * no slot holds two children and every success is one holding booking.
 */
async function bookingBench(db: Database, domain: string) {
  const lead = await actorFor(db, `paediatrician@${domain}`);
  const admin = await actorFor(db, `hub-admin@${domain}`);
  const [hub] = await rows<{ cluster_id: string; venue_id: string; gp_id: string }>(
    db.owner,
    sql`SELECT cl.id AS cluster_id, cp.practice_id AS venue_id, gp.id AS gp_id FROM cluster cl
          JOIN cluster_practice cp ON cp.ics_id = cl.ics_id AND cp.cluster_id = cl.id
          JOIN professional gp ON gp.ics_id = cp.ics_id AND gp.organisation_id = cp.practice_id AND gp.role = 'gp'
         WHERE cl.ics_id = ${lead.icsId}::uuid AND cl.lead_paediatrician_id = ${lead.professionalId}::uuid ORDER BY cp.practice_id, gp.id LIMIT 1`,
  );
  // Sessions on weekdays a year or more ahead, after any earlier run's, made through the service.
  const [{ last }] = await rows<{ last: string | null }>(db.owner, sql`SELECT max(starts_at)::date::text AS last FROM clinic_session WHERE ics_id = ${admin.icsId}::uuid AND cluster_id = ${hub.cluster_id}::uuid`);
  let day = addWorkingDays(last && last > addWorkingDays(londonToday(), 250) ? last : addWorkingDays(londonToday(), 250), 1);
  const sessions: string[] = [];
  for (let k = 0; k < BOOKING_SESSIONS; k++, day = addWorkingDays(day, 1)) {
    sessions.push(await db.tenant(admin.icsId, (tx) => setUpSession(tx, admin, {
      clusterId: hub.cluster_id, venueId: hub.venue_id, date: day, time: '09:00', slotMinutes: '15', slotCount: String(SLOTS_PER_SESSION),
      format: 'joint', paediatricianId: lead.professionalId, gpId: hub.gp_id,
    })));
  }
  const slots = (await rows<{ id: string }>(db.owner, sql`SELECT id FROM clinic_slot WHERE ics_id = ${admin.icsId}::uuid AND session_id IN (${sql.join(sessions.map((id) => sql`${id}::uuid`), sql`, `)})`)).map((r) => r.id);
  const waiting = await waitingReferrals(db, lead, hub.cluster_id);

  const free = new Set(slots);
  const queue = [...waiting];
  let booked = 0;
  let collisions = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: BOOKERS }, async () => {
    for (let referral = queue.pop(); referral && free.size; ) {
      const slotId = [...free][Math.floor(Math.random() * free.size)];
      const t = performance.now();
      try {
        await db.tenant(admin.icsId, (tx) => bookReferral(tx, admin, referral!, { slotId }));
        booked++;
        referral = queue.pop();
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        collisions++;
      }
      latencies.push(performance.now() - t);
      free.delete(slotId);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const [check] = await rows<{ holding: number; doubled: number }>(
    db.owner,
    sql`SELECT count(*)::int AS holding, count(*) FILTER (WHERE n > 1)::int AS doubled FROM
          (SELECT slot_id, count(*) AS n FROM clinic_booking WHERE ics_id = ${admin.icsId}::uuid AND slot_id IN (${sql.join(slots.map((id) => sql`${id}::uuid`), sql`, `)})
             AND state NOT IN ('moved', 'cancelled') GROUP BY slot_id) s`,
  );
  if (check.doubled !== 0 || check.holding !== booked) throw new Error(`double booking: ${check.doubled} slots doubled, ${check.holding} held for ${booked} bookings`);
  console.log(`\nClinic booking: ${BOOKERS} administrators at once, ${waiting.length} waiting referrals, ${slots.length} slots in ${sessions.length} sessions`);
  console.log(summarise('book a referral into a slot (under contention)', latencies));
  console.log(`  ${booked} booked in ${seconds.toFixed(2)} s = ${(booked / seconds).toFixed(0)} bookings/s; ${collisions} collisions refused (409); ` +
    `${check.doubled} slots double-booked`);
}

/** WAITING referrals awaiting booking in the hub, made for this run (a GP of each child's practice referring). */
async function waitingReferrals(db: Database, lead: Actor, clusterId: string): Promise<string[]> {
  const children = await rows<{ child_id: string; practice_id: string; gp_id: string }>(
    db.owner,
    sql`SELECT c.id AS child_id, c.registered_practice_id AS practice_id, gp.id AS gp_id FROM cluster_practice cp
          JOIN child c ON c.ics_id = cp.ics_id AND c.registered_practice_id = cp.practice_id
          JOIN LATERAL (SELECT p.id FROM professional p WHERE p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id AND p.role = 'gp' ORDER BY p.id LIMIT 1) gp ON true
         WHERE cp.ics_id = ${lead.icsId}::uuid AND c.ics_id = ${lead.icsId}::uuid AND cp.cluster_id = ${clusterId}::uuid ORDER BY random() LIMIT ${WAITING}`,
  );
  const today = londonToday();
  const made = children.map((c) => ({ id: crypto.randomUUID(), ...c }));
  await bulkInsert(db.owner, 'referral', made.map((r) => ({
    ics_id: lead.icsId, id: r.id, child_id: r.child_id, kind: 'referral', referrer_id: r.gp_id, referring_practice_id: r.practice_id, cluster_id: clusterId,
    decision_maker_id: lead.professionalId, urgency: 'routine', reason: 'Bench referral: constipation not settling', question: 'Would a clinic review help?', tried: '',
    state: 'awaiting-booking', due_on: today, triaged_at: `${today}T10:00:00Z`, triage_outcome: 'awaiting-booking', version: 2,
    created_at: `${today}T09:00:00Z`, updated_at: `${today}T10:00:00Z`,
  })));
  return made.map((r) => r.id);
}

export async function referralBench(db: Database, app: FastifyInstance, opts: ReferralBenchOptions): Promise<void> {
  const domain = opts.domain ?? 'bench.joinery.test';
  await triageListBench(db, app, opts, domain);
  await bookingBench(db, domain);
}
