import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { GENERATED_ON, startJoinery, type TestJoinery } from '../../test/joinery.js';
import { Rng } from '../platform/random/seeded.js';
import { NhsNumbers } from './nhs-numbers.js';
import { KEPT_FOR_LATER, numberAdults } from './family-access.js';

/**
 * The demo ICS's families (issue 16), as a person trying the demo would look
 * for them: parents with one child and with several, a looked-after child
 * with the local authority as corporate parent, a 14-year-old with their own
 * access and a letter kept from their parents, a 15-year-old whose review is
 * due next week, a proxy paused at 16, and five years of feedback on every
 * service for the dashboards.
 */
describe('the demo ICS’s families', () => {
  let j: TestJoinery;
  // The demo's today: the day it was generated as of.
  const today = GENERATED_ON;
  const q = <T>(query: ReturnType<typeof sql>) => rows<T>(j.db.owner, query);

  beforeAll(async () => {
    j = await startJoinery('pglite', 600);
  }, 300_000);
  afterAll(() => j?.close());

  it('has parents with proxy access to one child and parents with access to several', async () => {
    const counts = await q<{ children: number }>(sql`SELECT count(DISTINCT child_id)::int AS children FROM family_access_grant
      WHERE ics_id = ${j.ics.icsId}::uuid AND kind = 'proxy' AND status = 'active' AND basis = 'birth-certificate' GROUP BY nhs_number`);
    expect(counts.some((c) => c.children === 1)).toBe(true);
    expect(counts.some((c) => c.children > 1)).toBe(true);
  });

  it('gives every parent with proxy access the NHS number and date of birth NHS login is matched against', async () => {
    const unmatched = await q<{ id: string }>(sql`SELECT g.id FROM family_access_grant g
      JOIN related_person rp ON rp.ics_id = g.ics_id AND rp.id = g.related_person_id
      WHERE g.ics_id = ${j.ics.icsId}::uuid AND g.kind = 'proxy' AND (rp.nhs_number IS DISTINCT FROM g.nhs_number OR rp.date_of_birth IS DISTINCT FROM g.date_of_birth)`);
    const [{ proxies }] = await q<{ proxies: number }>(sql`SELECT count(*)::int AS proxies FROM family_access_grant WHERE ics_id = ${j.ics.icsId}::uuid AND kind = 'proxy'`);
    expect(proxies).toBeGreaterThan(10);
    expect(unmatched).toEqual([]);
  });

  it('has a looked-after child whose local authority is their corporate parent, granted by their social worker', async () => {
    const [la] = await q<{ granted_by_role: string; relationship: string | null }>(sql`SELECT p.role AS granted_by_role, crp.relationship FROM family_access_grant g
      JOIN professional p ON p.ics_id = g.ics_id AND p.id = g.granted_by
      LEFT JOIN child_related_person crp ON crp.ics_id = g.ics_id AND crp.child_id = g.child_id AND crp.related_person_id = g.related_person_id
      JOIN child_flag f ON f.ics_id = g.ics_id AND f.child_id = g.child_id AND f.kind = 'looked-after'
      WHERE g.ics_id = ${j.ics.icsId}::uuid AND g.basis = 'corporate-parent' AND g.status = 'active' LIMIT 1`);
    expect(la?.granted_by_role).toBe('social-worker');
  });

  it('has a 14-year-old with their own access, judged competent, who keeps a letter from their parents', async () => {
    const [teen] = await q<{ age: number; competent: boolean; hidden: number; parents: number }>(sql`SELECT date_part('year', age(${today}::date, c.date_of_birth))::int AS age,
        EXISTS (SELECT 1 FROM competence_assessment a WHERE a.child_id = c.id AND a.decision = 'own-access' AND a.outcome = 'competent') AS competent,
        (SELECT count(*)::int FROM family_hidden_item h WHERE h.child_id = c.id AND h.item_kind = 'letter') AS hidden,
        (SELECT count(*)::int FROM family_access_grant p WHERE p.child_id = c.id AND p.kind = 'proxy' AND p.status = 'active') AS parents
      FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
      WHERE g.ics_id = ${j.ics.icsId}::uuid AND g.kind = 'own-access' AND g.status = 'active' ORDER BY g.granted_at LIMIT 1`);
    expect(teen).toEqual({ age: 14, competent: true, hidden: 1, parents: expect.any(Number) });
    expect(teen.parents).toBeGreaterThan(0);
  });

  it('has a 15-year-old whose parent’s proxy comes up for review at 16 within the next week', async () => {
    const due = await q<{ days: number }>(sql`SELECT ((c.date_of_birth + interval '16 years')::date - ${today}::date) AS days FROM family_access_grant g
      JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
      WHERE g.ics_id = ${j.ics.icsId}::uuid AND g.kind = 'proxy' AND g.status = 'active'
        AND (c.date_of_birth + interval '16 years')::date BETWEEN ${today}::date + 1 AND ${today}::date + 7`);
    expect(due.length).toBeGreaterThan(0);
  });

  it('has a proxy paused at 16 until the young person agrees, kept in the grant’s history', async () => {
    const [paused] = await q<{ age: number; reason: string; changes: string[] }>(sql`SELECT date_part('year', age(${today}::date, c.date_of_birth))::int AS age, g.status_reason AS reason,
        ARRAY(SELECT e.change FROM family_access_event e WHERE e.ics_id = g.ics_id AND e.grant_id = g.id ORDER BY e.at) AS changes
      FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
      WHERE g.ics_id = ${j.ics.icsId}::uuid AND g.kind = 'proxy' AND g.status = 'suspended' ORDER BY g.granted_at LIMIT 1`);
    expect(paused).toEqual({ age: 16, reason: 'Turned 16: paused until the young person agrees to it', changes: ['granted', 'suspended'] });
  });

  it('has five years of Friends and Family Test answers for every service the families are asked about', async () => {
    const found = await q<{ service_kind: string; months: number }>(sql`SELECT service_kind, count(DISTINCT date_trunc('month', event_date))::int AS months
      FROM feedback_response WHERE ics_id = ${j.ics.icsId}::uuid GROUP BY service_kind ORDER BY service_kind`);
    expect(found).toEqual(['advice', 'care-at-home', 'hub-clinic', 'mdt-outcome'].map((service_kind) => ({ service_kind, months: 60 })));
  });
});

describe('parents’ NHS numbers when the 999 range runs short (a 500,000-child ICS)', () => {
  it('gives every adult given access a number first, then others in order while the range lasts, keeping some back for corporate parents', () => {
    const nhs = new NhsNumbers(new Rng(12));
    while (nhs.left > KEPT_FOR_LATER + 4) nhs.next();
    const adults = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id, nhs: null as string | null, dob: '1985-01-01' }));
    numberAdults(adults, new Set(['c', 'f']), nhs);
    const numbered = adults.filter((a) => a.nhs).map((a) => a.id);
    // c and f (given access) took two, a and b the two spare; d and e have none recorded.
    expect(numbered).toEqual(['a', 'b', 'c', 'f']);
    expect(nhs.left).toBe(KEPT_FOR_LATER);
    expect(new Set(adults.map((a) => a.nhs).filter(Boolean)).size).toBe(4);
    // Too few left for everyone given access: said plainly, before any number is taken.
    const tooFew = adults.map((a) => ({ ...a, nhs: null }));
    expect(() => numberAdults(tooFew, new Set(['a', 'b', 'c']), nhs)).toThrow(/too few for the 3 parents given access/);
    expect(nhs.left).toBe(KEPT_FOR_LATER);
  });
});
