import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTestRangeNhsNumber } from '../children/nhs-number.js';
import { ROLE_IDS } from '../platform/access/roles.js';
import { rows, type Database } from '../platform/db/client.js';
import { connectEmbedded } from '../platform/db/connect.js';
import { migrate } from '../platform/db/migrate.js';
import { codesInGroup, conditionCode } from './conditions.js';
import { generateIcs, type SynthResult } from './generate.js';

const TODAY = '2026-11-23';
const CHILDREN = 2000;
const options = { children: CHILDREN, seed: 20261123, today: TODAY, demoPasswordHash: '$argon2id$test' };

const TABLES = [
  'place', 'organisation', 'site', 'professional', 'cluster', 'cluster_practice', 'child', 'related_person',
  'child_related_person', 'child_flag', 'child_condition', 'care_team_member', 'consent_record',
];

async function freshDb(): Promise<Database> {
  const db = await connectEmbedded(undefined);
  await migrate(db);
  return db;
}

/** One hash per table over its rows as JSON (creation times aside), in a stable order. */
async function fingerprint(db: Database, icsId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const [r] = await rows<{ h: string; n: number }>(
      db.owner,
      sql`SELECT md5(coalesce(string_agg(j, '|' ORDER BY j), '')) AS h, count(*)::int AS n
            FROM (SELECT (to_jsonb(t) - 'created_at')::text AS j FROM ${sql.raw(table)} t WHERE t.ics_id = ${icsId}::uuid) s`,
    );
    out[table] = `${r.n}:${r.h}`;
  }
  return out;
}

describe('generateIcs', { timeout: 120_000 }, () => {
  let db: Database;
  let result: SynthResult;
  const progress: [number, number, string][] = [];

  beforeAll(async () => {
    db = await freshDb();
    result = await generateIcs(db, { ...options, onProgress: (d, t, s) => progress.push([d, t, s]) });
  });
  afterAll(async () => {
    await db?.close();
  });

  const q = <T>(query: ReturnType<typeof sql>) => rows<T>(db.owner, query);
  const ics = () => sql`${result.icsId}::uuid`;

  it('gives the same ICS for the same seed in a fresh database', async () => {
    const other = await freshDb();
    try {
      const again = await generateIcs(other, options);
      expect(again.icsId).toBe(result.icsId);
      expect(again.counts).toEqual(result.counts);
      expect(await fingerprint(other, again.icsId)).toEqual(await fingerprint(db, result.icsId));
    } finally {
      await other.close();
    }
  });

  it('reports counts and progress', async () => {
    expect(result.icsCode).toBe('DEMO-ICS');
    expect(result.counts.child).toBe(CHILDREN);
    const [{ n }] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM related_person WHERE ics_id = ${ics()}`);
    expect(result.counts.related_person).toBe(n);
    expect(progress.at(-1)).toEqual([CHILDREN, CHILDREN, 'done']);
    expect(progress.some(([, , stage]) => stage === 'children')).toBe(true);
  });

  it('gives every child a valid, unique test-range NHS number', async () => {
    const found = await q<{ nhs_number: string }>(sql`SELECT nhs_number FROM child WHERE ics_id = ${ics()}`);
    expect(found).toHaveLength(CHILDREN);
    expect(found.every((c) => isTestRangeNhsNumber(c.nhs_number))).toBe(true);
    expect(new Set(found.map((c) => c.nhs_number)).size).toBe(CHILDREN);
  });

  it('spreads ages 0–17 about evenly, with ~51% boys', async () => {
    const ages = await q<{ age: number; n: number }>(
      sql`SELECT date_part('year', age(${TODAY}::date, date_of_birth))::int AS age, count(*)::int AS n
            FROM child WHERE ics_id = ${ics()} GROUP BY 1 ORDER BY 1`,
    );
    expect(ages.map((a) => a.age)).toEqual(Array.from({ length: 18 }, (_, i) => i));
    for (const a of ages) {
      expect(a.n / CHILDREN).toBeGreaterThan(0.035);
      expect(a.n / CHILDREN).toBeLessThan(0.075);
    }
    const [{ male }] = await q<{ male: number }>(sql`SELECT avg((sex = 'male')::int)::float AS male FROM child WHERE ics_id = ${ics()}`);
    expect(male).toBeGreaterThan(0.47);
    expect(male).toBeLessThan(0.55);
  });

  it('has flags, conditions and deprivation at about the spec prevalence', async () => {
    const share = async (query: ReturnType<typeof sql>) => (await q<{ n: number }>(query))[0].n / CHILDREN;
    const flag = (kind: string) =>
      share(sql`SELECT count(DISTINCT child_id)::int AS n FROM child_flag WHERE ics_id = ${ics()} AND kind = ${kind} AND ended_on IS NULL`);
    const condition = (code: string) =>
      share(sql`SELECT count(DISTINCT child_id)::int AS n FROM child_condition WHERE ics_id = ${ics()} AND snomed_code = ${code}`);

    const lookedAfter = await flag('looked-after');
    expect(lookedAfter).toBeGreaterThan(0.0015);
    expect(lookedAfter).toBeLessThan(0.016);
    const plan = await flag('child-protection-plan');
    expect(plan).toBeGreaterThan(0.0005);
    expect(plan).toBeLessThan(0.011);
    const asthma = await condition(conditionCode('asthma').snomedCode);
    expect(asthma).toBeGreaterThan(0.065);
    expect(asthma).toBeLessThan(0.115);
    const ehc = await condition(conditionCode('ehc-plan').snomedCode);
    expect(ehc).toBeGreaterThan(0.025);
    expect(ehc).toBeLessThan(0.055);
    const core20 = await share(sql`SELECT count(*)::int AS n FROM child WHERE ics_id = ${ics()} AND imd_decile <= 2`);
    expect(core20).toBeGreaterThan(0.15);
    expect(core20).toBeLessThan(0.25);
    // Type 2 diabetes only in teenagers.
    const youngT2 = await share(sql`SELECT count(*)::int AS n FROM child_condition cc JOIN child c ON c.id = cc.child_id
      WHERE cc.ics_id = ${ics()} AND cc.snomed_code = ${conditionCode('type-2-diabetes').snomedCode} AND c.date_of_birth > ${TODAY}::date - interval '12 years'`);
    expect(youngT2).toBe(0);
  });

  it('sends school-age children to school and links every child to a parent with responsibility', async () => {
    const [r] = await q<{ bad_school: number; no_parent: number }>(sql`
      SELECT count(*) FILTER (WHERE (date_part('year', age(${TODAY}::date, c.date_of_birth)) >= 4) <> (c.school_id IS NOT NULL))::int AS bad_school,
             count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM child_related_person r WHERE r.child_id = c.id AND r.parental_responsibility))::int AS no_parent
        FROM child c WHERE c.ics_id = ${ics()}`);
    expect(r).toEqual({ bad_school: 0, no_parent: 0 });
    const phones = await q<{ phone: string }>(sql`SELECT DISTINCT phone FROM related_person WHERE ics_id = ${ics()} AND phone IS NOT NULL`);
    expect(phones.every((p) => /^07700 900\d{3}$/.test(p.phone))).toBe(true);
  });

  it('groups 4–6 practices per hub, each hub with a lead paediatrician', async () => {
    const hubs = await q<{ practices: number; lead_role: string | null; lead_org_kind: string | null }>(sql`
      SELECT (SELECT count(*)::int FROM cluster_practice cp WHERE cp.cluster_id = cl.id) AS practices,
             p.role AS lead_role, o.kind AS lead_org_kind
        FROM cluster cl
        LEFT JOIN professional p ON p.id = cl.lead_paediatrician_id
        LEFT JOIN organisation o ON o.id = p.organisation_id
       WHERE cl.ics_id = ${ics()}`);
    expect(hubs.length).toBeGreaterThan(0);
    for (const h of hubs) {
      expect(h.practices).toBeGreaterThanOrEqual(4);
      expect(h.practices).toBeLessThanOrEqual(6);
      expect(h).toMatchObject({ lead_role: 'paediatrician', lead_org_kind: 'acute-trust' });
    }
    const kinds = await q<{ kind: string }>(sql`SELECT DISTINCT kind FROM organisation WHERE ics_id = ${ics()}`);
    expect(kinds.map((k) => k.kind).sort()).toEqual([
      'acute-trust', 'childrens-social-care', 'community-provider', 'gp-practice', 'ics-body',
      'mental-health-trust', 'school', 'voluntary-sector', 'youth-justice',
    ]);
  });

  it('has one demo user per role, at the right kind of organisation, with work to show', async () => {
    const where: Record<string, string> = {
      gp: 'gp-practice', 'practice-nurse': 'gp-practice', paediatrician: 'acute-trust', 'care-coordinator': 'community-provider',
      'health-visitor': 'community-provider', 'school-nurse': 'community-provider', 'camhs-clinician': 'mental-health-trust',
      'social-worker': 'childrens-social-care', senco: 'school', 'youth-justice-worker': 'youth-justice',
      'ics-analyst': 'ics-body', 'privacy-officer': 'ics-body', admin: 'ics-body',
    };
    expect(result.demoUsers.map((u) => u.role)).toEqual(ROLE_IDS);
    const demo = await q<{ role: string; email: string; kind: string; org: string; password_hash: string | null; team: number; leads: number; registered: number }>(sql`
      SELECT p.role, p.email, o.kind, p.organisation_id AS org, p.password_hash,
             (SELECT count(*)::int FROM care_team_member m WHERE m.professional_id = p.id AND m.ended_at IS NULL) AS team,
             (SELECT count(*)::int FROM cluster cl WHERE cl.lead_paediatrician_id = p.id) AS leads,
             (SELECT count(*)::int FROM child c WHERE c.registered_practice_id = p.organisation_id) AS registered
        FROM professional p JOIN organisation o ON o.id = p.organisation_id
       WHERE p.ics_id = ${ics()} AND p.password_hash IS NOT NULL`);
    expect(demo).toHaveLength(ROLE_IDS.length);
    const by = new Map(demo.map((d) => [d.role, d]));
    for (const role of ROLE_IDS) {
      const d = by.get(role)!;
      expect(d.email).toBe(`${role}@demo.joinery.test`);
      expect(d.kind).toBe(where[role]);
      expect(d.password_hash).toBe(options.demoPasswordHash);
    }
    expect(by.get('gp')!.registered).toBeGreaterThan(0);
    expect(by.get('practice-nurse')!.org).toBe(by.get('gp')!.org);
    expect(by.get('paediatrician')!.leads).toBe(1);
    for (const role of ['paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician', 'social-worker', 'senco', 'youth-justice-worker']) {
      expect(by.get(role)!.team, role).toBeGreaterThan(0);
    }
    for (const role of ['ics-analyst', 'privacy-officer', 'admin', 'gp', 'practice-nurse']) expect(by.get(role)!.team, role).toBe(0);

    const [{ others }] = await q<{ others: number }>(sql`SELECT count(*)::int AS others FROM professional WHERE ics_id = ${ics()} AND password_hash IS NULL AND email NOT LIKE '%.%.%@%'`);
    expect(others).toBe(0);
  });

  it("fills demo caseloads with the right children", async () => {
    const caseload = (role: string, extra: ReturnType<typeof sql>) =>
      q<{ ok: boolean }>(sql`
        SELECT ${extra} AS ok FROM care_team_member m
          JOIN professional p ON p.id = m.professional_id JOIN child c ON c.id = m.child_id
         WHERE p.email = ${`${role}@demo.joinery.test`} AND m.ended_at IS NULL`);
    const allOk = (found: { ok: boolean }[]) => found.length > 0 && found.every((r) => r.ok);

    expect(allOk(await caseload('health-visitor', sql`c.date_of_birth > ${TODAY}::date - interval '5 years'`))).toBe(true);
    expect(allOk(await caseload('senco', sql`c.school_id = p.organisation_id AND EXISTS (SELECT 1 FROM child_condition cc WHERE cc.child_id = c.id AND cc.snomed_code = ${conditionCode('ehc-plan').snomedCode})`))).toBe(true);
    expect(allOk(await caseload('social-worker', sql`m.role_in_team LIKE '%child in need%' OR EXISTS (SELECT 1 FROM child_flag f WHERE f.child_id = c.id AND f.kind IN ('looked-after', 'child-protection-plan') AND f.ended_on IS NULL)`))).toBe(true);
    const complexCodes = [...codesInGroup('complexity'), ...codesInGroup('epilepsy'), ...codesInGroup('diabetes')];
    const paed = await caseload('paediatrician', sql`EXISTS (SELECT 1 FROM child_condition cc WHERE cc.child_id = c.id AND cc.snomed_code IN (${sql.join(complexCodes.map((x) => sql`${x}`), sql`, `)}))`);
    expect(paed.filter((r) => r.ok).length).toBeGreaterThan(0);
  });

  it('keeps a second ICS apart in the same database and refuses clashes', async () => {
    await expect(generateIcs(db, { ...options, children: 200 })).rejects.toThrow(/already exists/);
    await expect(generateIcs(db, { ...options, children: 200, icsName: 'Other ICS' })).rejects.toThrow(/demoEmailDomain/);
    // A failure part-way leaves nothing behind.
    await expect(
      generateIcs(db, {
        ...options, children: 3000, icsName: 'Broken ICS', demoEmailDomain: 'broken.joinery.test',
        onProgress: (done, _t, stage) => {
          if (stage === 'children' && done > 0) throw new Error('stop here');
        },
      }),
    ).rejects.toThrow('stop here');
    const [{ n: broken }] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM professional WHERE email LIKE '%@broken.joinery.test'`);
    expect(broken).toBe(0);

    const second = await generateIcs(db, { ...options, children: 300, icsName: 'Second Test ICS', demoEmailDomain: 'second.joinery.test' });
    expect(second.icsId).not.toBe(result.icsId);
    expect(second.icsCode).toBe('SECOND-TEST-ICS');
    const counts = await q<{ ics_id: string; n: number }>(sql`SELECT ics_id, count(*)::int AS n FROM child GROUP BY 1`);
    expect(new Map(counts.map((c) => [c.ics_id, c.n]))).toEqual(new Map([[result.icsId, CHILDREN], [second.icsId, 300]]));
    const [{ shared }] = await q<{ shared: number }>(sql`
      SELECT count(*)::int AS shared FROM child a JOIN child b ON a.id = b.id AND a.ics_id <> b.ics_id`);
    expect(shared).toBe(0);
    // Every reference stays inside its own ICS.
    const [{ crossing }] = await q<{ crossing: number }>(sql`
      SELECT (SELECT count(*) FROM care_team_member m JOIN professional p ON p.id = m.professional_id WHERE p.ics_id <> m.ics_id)
           + (SELECT count(*) FROM child c JOIN organisation o ON o.id = c.registered_practice_id WHERE o.ics_id <> c.ics_id) AS crossing`);
    expect(Number(crossing)).toBe(0);
  });
});
