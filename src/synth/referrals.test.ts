import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, freshDatabase } from '../../test/database.js';
import { rows, type Database, type DatabaseKind } from '../platform/db/client.js';
import { addWorkingDays } from '../platform/time/working-days.js';
import { REFERRAL_MOVES, type ReferralState } from '../referrals/state-machine.js';
import { generateIcs, type SynthResult } from './generate.js';
import { REFERRAL_TABLES } from './referrals.js';

const TODAY = '2026-11-23';
const CHILDREN = 4000;
const options = { children: CHILDREN, seed: 4242, today: TODAY, demoPasswordHash: '$argon2id$test' };
const kinds = await databaseKinds();

/** One hash per table over its rows as JSON, in a stable order. */
async function fingerprint(db: Database, icsId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of REFERRAL_TABLES) {
    const [r] = await rows<{ h: string; n: number }>(
      db.owner,
      sql`SELECT md5(coalesce(string_agg(j, '|' ORDER BY j), '')) AS h, count(*)::int AS n
            FROM (SELECT to_jsonb(t)::text AS j FROM ${sql.raw(table)} t WHERE t.ics_id = ${icsId}::uuid) s`,
    );
    out[table] = `${r.n}:${r.h}`;
  }
  return out;
}

const iso = (v: unknown) => new Date(v as string).toISOString();
const day = (v: unknown) => iso(v).slice(0, 10);

describe('synthetic referrals, advice and hub clinics', { timeout: 300_000 }, () => {
  const generated = new Map<DatabaseKind, { db: Database; result: SynthResult }>();

  beforeAll(async () => {
    for (const kind of kinds) {
      const db = await freshDatabase(kind);
      generated.set(kind, { db, result: await generateIcs(db, options) });
    }
  });
  afterAll(async () => {
    for (const { db } of generated.values()) await db.close();
  });

  it('gives the same rows for the same seed (on each database kind)', async () => {
    const first = generated.get('pglite')!;
    let other = generated.get('postgres');
    const fresh = other ? null : await freshDatabase('pglite');
    try {
      other ??= { db: fresh!, result: await generateIcs(fresh!, options) };
      expect(other.result.icsId).toBe(first.result.icsId);
      expect(await fingerprint(other.db, other.result.icsId)).toEqual(await fingerprint(first.db, first.result.icsId));
    } finally {
      await fresh?.close();
    }
  });

  describe.each(kinds)('on %s', (kind) => {
    const q = <T>(query: ReturnType<typeof sql>) => rows<T>(generated.get(kind)!.db.owner, query);
    const ics = () => sql`${generated.get(kind)!.result.icsId}::uuid`;

    it('reports a count for every table it writes', async () => {
      const { counts } = generated.get(kind)!.result;
      for (const table of REFERRAL_TABLES) {
        const [{ n }] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE ics_id = ${ics()}`);
        expect(counts[table], table).toBe(n);
        expect(n, table).toBeGreaterThan(0);
      }
    });

    it('records every referral as a legal chain of moves ending in its state, with milestones to match', async () => {
      type R = { id: string; kind: string; state: ReferralState; version: number; created_at: string; updated_at: string; due_on: string; triaged_at: string | null;
        triage_outcome: string | null; first_seen_at: string | null; seen_in: string | null; converted_at: string | null };
      type E = { referral_id: string; from_state: ReferralState | null; to_state: ReferralState; note: string | null; changed_at: string };
      const referrals = await q<R>(sql`SELECT id, kind, state, version, created_at, updated_at, due_on::text, triaged_at, triage_outcome, first_seen_at, seen_in, converted_at
        FROM referral WHERE ics_id = ${ics()}`);
      const events = await q<E>(sql`SELECT referral_id, from_state, to_state, note, changed_at FROM referral_event WHERE ics_id = ${ics()} ORDER BY referral_id, changed_at, id`);
      const byReferral = new Map<string, E[]>();
      for (const e of events) byReferral.set(e.referral_id, [...(byReferral.get(e.referral_id) ?? []), e]);
      expect(referrals.length).toBeGreaterThan(300);
      for (const r of referrals) {
        const chain = byReferral.get(r.id) ?? [];
        expect(chain[0]).toMatchObject({ from_state: null, to_state: 'awaiting-triage' });
        expect(iso(chain[0].changed_at)).toBe(iso(r.created_at));
        for (let i = 1; i < chain.length; i++) {
          const [prev, e] = [chain[i - 1], chain[i]];
          expect(e.from_state, r.id).toBe(prev.to_state);
          const move = REFERRAL_MOVES[e.from_state!].find((m) => m.to === e.to_state);
          expect(move, `${e.from_state} → ${e.to_state}`).toBeDefined();
          if (move!.needs) expect(e.note, `${e.from_state} → ${e.to_state} needs ${move!.needs}`).toBeTruthy();
          expect(iso(e.changed_at) > iso(prev.changed_at)).toBe(true);
        }
        const last = chain.at(-1)!;
        expect(last.to_state).toBe(r.state);
        expect(day(last.changed_at) <= TODAY).toBe(true);
        expect(iso(r.updated_at)).toBe(iso(last.changed_at));
        expect(r.version).toBe(chain.length);

        const triage = chain.find((e) => e.from_state === 'awaiting-triage' && e.to_state !== 'withdrawn');
        expect(r.triaged_at && iso(r.triaged_at)).toBe(triage ? iso(triage.changed_at) : null);
        expect(r.triage_outcome).toBe(triage?.to_state ?? null);
        const seen = chain.find((e) => e.to_state === 'seen');
        expect(r.first_seen_at && iso(r.first_seen_at)).toBe(seen ? iso(seen.changed_at) : null);
        const where = chain.find((e) => e.to_state === 'seen' || e.to_state === 'referred-on');
        expect(r.seen_in).toBe(where ? (where.to_state === 'seen' ? 'community' : 'hospital') : null);
        const conversion = chain.find((e) => e.from_state === 'advice-given' && e.to_state === 'awaiting-triage');
        expect(r.converted_at && iso(r.converted_at)).toBe(conversion ? iso(conversion.changed_at) : null);
        if (conversion) expect(r.kind).toBe('referral');
        // Due in working days: from creation, or for converted advice from the conversion.
        const dueFrom = r.converted_at ? day(r.converted_at) : day(r.created_at);
        expect(r.due_on, r.id).toBe(addWorkingDays(dueFrom, r.kind === 'advice' ? 1 : 2));
      }
    });

    it('never double-books a slot, and every booked referral holds one live booking in its own hub’s future clinic', async () => {
      const [taken] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM (SELECT slot_id FROM clinic_booking WHERE ics_id = ${ics()}
        AND state NOT IN ('moved', 'cancelled') GROUP BY slot_id HAVING count(*) > 1) s`);
      expect(taken.n).toBe(0);
      const bad = await q<{ id: string; state: string; live: number; own: number }>(sql`
        SELECT r.id, r.state,
               (SELECT count(*)::int FROM clinic_booking b WHERE b.ics_id = ${ics()} AND b.ics_id = r.ics_id AND b.referral_id = r.id AND b.state = 'booked') AS live,
               (SELECT count(*)::int FROM clinic_booking b JOIN clinic_slot s ON s.ics_id = b.ics_id AND s.id = b.slot_id
                 JOIN clinic_session cs ON cs.ics_id = s.ics_id AND cs.id = s.session_id
                 WHERE b.ics_id = ${ics()} AND s.ics_id = ${ics()} AND cs.ics_id = ${ics()} AND b.ics_id = r.ics_id AND b.referral_id = r.id AND b.state = 'booked' AND cs.cluster_id = r.cluster_id AND s.starts_at::date >= ${TODAY}::date) AS own
          FROM referral r WHERE r.ics_id = ${ics()}`);
      for (const r of bad) {
        expect(r.live, `${r.id} ${r.state}`).toBe(r.state === 'booked' ? 1 : 0);
        expect(r.own).toBe(r.live);
      }
      // A visit, a no-show or a move happened in a clinic already held, and is an event on the referral.
      const [mismatch] = await q<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM referral r WHERE r.ics_id = ${ics()} AND (
          (SELECT count(*) FROM clinic_booking b WHERE b.ics_id = ${ics()} AND b.ics_id = r.ics_id AND b.referral_id = r.id AND b.state = 'seen')
            <> (SELECT count(*) FROM referral_event e WHERE e.ics_id = ${ics()} AND e.ics_id = r.ics_id AND e.referral_id = r.id AND e.to_state = 'seen')
          OR (SELECT count(*) FROM clinic_booking b WHERE b.ics_id = ${ics()} AND b.ics_id = r.ics_id AND b.referral_id = r.id)
            <> (SELECT count(*) FROM referral_event e WHERE e.ics_id = ${ics()} AND e.ics_id = r.ics_id AND e.referral_id = r.id AND e.to_state = 'booked'))`);
      expect(mismatch.n).toBe(0);
      const [held] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM clinic_booking b JOIN clinic_slot s ON s.ics_id = b.ics_id AND s.id = b.slot_id
        WHERE b.ics_id = ${ics()} AND s.ics_id = ${ics()} AND b.state IN ('seen', 'did-not-attend') AND s.starts_at::date >= ${TODAY}::date`);
      expect(held.n).toBe(0);
    });

    it('runs monthly joint clinics in every hub, 12 slots of 20 minutes, for five years and three months ahead', async () => {
      const hubs = await q<{ months: number; first: string; last: string; bad: number }>(sql`
        SELECT count(DISTINCT date_trunc('month', cs.starts_at))::int AS months, min(cs.starts_at)::date::text AS first, max(cs.starts_at)::date::text AS last,
               count(*) FILTER (WHERE cs.slot_count <> 12 OR cs.slot_minutes <> 20 OR cs.format <> 'joint' OR cs.paediatrician_id <> cl.lead_paediatrician_id
                 OR NOT EXISTS (SELECT 1 FROM cluster_practice cp WHERE cp.ics_id = ${ics()} AND cp.ics_id = cl.ics_id AND cp.cluster_id = cl.id AND cp.practice_id = cs.venue_id)
                 OR NOT EXISTS (SELECT 1 FROM professional g JOIN cluster_practice cp ON cp.ics_id = g.ics_id AND cp.practice_id = g.organisation_id
                                 WHERE cp.ics_id = ${ics()} AND cp.ics_id = cl.ics_id AND g.id = cs.gp_id AND cp.cluster_id = cl.id AND g.role = 'gp')
                 OR (SELECT count(*) FROM clinic_slot s WHERE s.ics_id = ${ics()} AND s.ics_id = cs.ics_id AND s.session_id = cs.id) <> 12)::int AS bad
          FROM clinic_session cs JOIN cluster cl ON cl.ics_id = cs.ics_id AND cl.id = cs.cluster_id WHERE cs.ics_id = ${ics()} AND cl.ics_id = ${ics()} GROUP BY cl.id`);
      for (const h of hubs) {
        expect(h.bad).toBe(0);
        expect(h.months).toBeGreaterThanOrEqual(62);
        expect(h.first < '2021-12-31').toBe(true);
        expect(h.last > '2027-02-01').toBe(true);
      }
    });

    it('refers at about the published rates, more from the most deprived quintile', async () => {
      const [r] = await q<{ years: number; referrals: number; advice: number }>(sql`
        SELECT (SELECT sum(${TODAY}::date - greatest(date_of_birth + 7, ${TODAY}::date - 1825)) / 365.0 FROM child WHERE ics_id = ${ics()} AND date_of_birth + 7 < ${TODAY}::date)::float AS years,
               count(*) FILTER (WHERE kind = 'referral' AND converted_at IS NULL)::int AS referrals,
               count(*) FILTER (WHERE kind = 'advice' OR converted_at IS NOT NULL)::int AS advice
          FROM referral WHERE ics_id = ${ics()}`);
      const perThousand = (n: number) => (1000 * n) / r.years;
      expect(perThousand(r.referrals)).toBeGreaterThan(22);
      expect(perThousand(r.referrals)).toBeLessThan(35);
      expect(perThousand(r.advice)).toBeGreaterThan(14);
      expect(perThousand(r.advice)).toBeLessThan(26);

      const quintiles = await q<{ quintile: number; years: number; referrals: number; all: number }>(sql`
        SELECT (c.imd_decile + 1) / 2 AS quintile, sum(${TODAY}::date - greatest(c.date_of_birth + 7, ${TODAY}::date - 1825)) / 365.0 AS years,
               sum((SELECT count(*) FROM referral r WHERE r.ics_id = ${ics()} AND r.ics_id = c.ics_id AND r.child_id = c.id AND r.kind = 'referral' AND r.converted_at IS NULL))::int AS referrals,
               sum((SELECT count(*) FROM referral r WHERE r.ics_id = ${ics()} AND r.ics_id = c.ics_id AND r.child_id = c.id))::int AS all
          FROM child c WHERE c.ics_id = ${ics()} AND c.date_of_birth + 7 < ${TODAY}::date GROUP BY 1 ORDER BY 1`);
      const rate = (quintile: number, key: 'referrals' | 'all') => {
        const found = quintiles.find((x) => x.quintile === quintile)!;
        return found[key] / Number(found.years);
      };
      expect(rate(1, 'referrals')).toBeGreaterThan(rate(5, 'referrals'));
      expect(rate(1, 'all') / rate(5, 'all')).toBeGreaterThan(1.25);
    });

    it('triages about 26% to advice, 50% to the hub clinic and 24% elsewhere, mostly within the promise', async () => {
      const shares = await q<{ outcome: string; share: number }>(sql`
        SELECT CASE WHEN triage_outcome IN ('advice-given', 'awaiting-booking') THEN triage_outcome ELSE 'elsewhere' END AS outcome,
               (count(*)::float / sum(count(*)) OVER ())::float AS share
          FROM referral WHERE ics_id = ${ics()} AND kind = 'referral' AND converted_at IS NULL AND triage_outcome IS NOT NULL GROUP BY 1`);
      const share = Object.fromEntries(shares.map((s) => [s.outcome, s.share]));
      expect(share['advice-given']).toBeCloseTo(0.26, 1);
      expect(share['awaiting-booking']).toBeCloseTo(0.5, 1);
      expect(share.elsewhere).toBeCloseTo(0.24, 1);
      const [t] = await q<{ on_time: number; median_wait: number }>(sql`
        SELECT avg((triaged_at::date <= due_on)::int)::float AS on_time,
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY first_seen_at::date - created_at::date) FROM referral
                 WHERE ics_id = ${ics()} AND seen_in = 'community' AND converted_at IS NULL)::float AS median_wait
          FROM referral WHERE ics_id = ${ics()} AND triaged_at IS NOT NULL AND converted_at IS NULL`);
      expect(t.on_time).toBeGreaterThan(0.7);
      expect(t.median_wait).toBeGreaterThan(10);
      expect(t.median_wait).toBeLessThan(36);
    });

    it('threads every advice request: the GP’s question, then the answer', async () => {
      const threads = await q<{ id: string; state: string; authors: string[] | null; referrer: string; lead: string }>(sql`
        SELECT r.id, r.state, r.referrer_id AS referrer, r.decision_maker_id AS lead,
               (SELECT array_agg(m.author_id::text ORDER BY m.sent_at, m.id) FROM referral_message m
                 WHERE m.ics_id = ${ics()} AND m.ics_id = r.ics_id AND m.referral_id = r.id) AS authors
          FROM referral r WHERE r.ics_id = ${ics()} AND (r.kind = 'advice' OR r.converted_at IS NOT NULL)`);
      for (const t of threads) {
        const answered = t.state !== 'awaiting-triage' || t.authors!.length > 1;
        expect(t.authors, t.id).toEqual(answered ? [t.referrer, t.lead] : [t.referrer]);
      }
    });

    it('leaves today’s work open for the demo paediatrician, the demo GP and every hub', async () => {
      const perHub = await q<{ triage: number; late: number; advice: number; booking: number; booked: number; worklist: number }>(sql`
        SELECT count(*) FILTER (WHERE r.state = 'awaiting-triage' AND r.kind = 'referral')::int AS triage,
               count(*) FILTER (WHERE r.state = 'awaiting-triage' AND r.due_on < ${TODAY}::date)::int AS late,
               count(*) FILTER (WHERE r.state = 'awaiting-triage' AND r.kind = 'advice')::int AS advice,
               count(*) FILTER (WHERE r.state = 'awaiting-booking')::int AS booking,
               count(*) FILTER (WHERE r.state = 'booked')::int AS booked,
               count(*) FILTER (WHERE r.state = 'awaiting-triage' AND EXISTS (SELECT 1 FROM worklist_item w WHERE w.ics_id = ${ics()} AND w.ics_id = r.ics_id
                 AND w.professional_id = r.decision_maker_id AND w.link = '/referrals/' || r.id AND w.done_at IS NULL))::int AS worklist
          FROM cluster cl JOIN referral r ON r.ics_id = cl.ics_id AND r.cluster_id = cl.id WHERE cl.ics_id = ${ics()} AND r.ics_id = ${ics()} GROUP BY cl.id`);
      expect(perHub.length).toBeGreaterThan(0);
      for (const h of perHub) {
        expect(h.triage).toBeGreaterThanOrEqual(3);
        expect(h.late).toBeGreaterThanOrEqual(2);
        expect(h.advice).toBeGreaterThanOrEqual(2);
        expect(h.booking).toBeGreaterThanOrEqual(2);
        expect(h.booked).toBeGreaterThanOrEqual(2);
        expect(h.worklist).toBe(h.triage + h.advice);
      }
      // The demo people first: a correlated subquery on a distributed table under a reference table does not run on Citus.
      const [{ p, g }] = await q<{ p: string; g: string }>(sql`SELECT p.id AS p, g.id AS g FROM professional p, professional g
        WHERE p.email = 'paediatrician@demo.joinery.test' AND g.email = 'gp@demo.joinery.test'`);
      const [demo] = await q<{ to_triage: number; late: number; sent: number; sent_open: number }>(sql`
        SELECT (SELECT count(*)::int FROM referral r WHERE r.ics_id = ${ics()} AND r.decision_maker_id = ${p}::uuid AND r.state = 'awaiting-triage') AS to_triage,
               (SELECT count(*)::int FROM referral r WHERE r.ics_id = ${ics()} AND r.decision_maker_id = ${p}::uuid AND r.state = 'awaiting-triage' AND r.due_on < ${TODAY}::date) AS late,
               (SELECT count(*)::int FROM referral r WHERE r.ics_id = ${ics()} AND r.referrer_id = ${g}::uuid) AS sent,
               (SELECT count(*)::int FROM referral r WHERE r.ics_id = ${ics()} AND r.referrer_id = ${g}::uuid AND r.state NOT IN ('closed', 'withdrawn')) AS sent_open`);
      expect(demo.to_triage).toBeGreaterThanOrEqual(5);
      expect(demo.late).toBeGreaterThan(0);
      expect(demo.sent).toBeGreaterThan(demo.sent_open);
      expect(demo.sent_open).toBeGreaterThanOrEqual(8);
    });
  });
});
