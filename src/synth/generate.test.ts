import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTestRangeNhsNumber } from '../platform/identity/nhs-number.js';
import { ROLE_IDS } from '../platform/access/roles.js';
import { rows, type Database } from '../platform/db/client.js';
import { connectEmbedded } from '../platform/db/connect.js';
import { migrate } from '../platform/db/migrate.js';
import { isSnomedConceptId, medicine, medicinesInGroup, observation } from '../record/code-lists.js';
import { ENTRY_CODE_SYSTEM, ENTRY_DETAILS, ENTRY_STATUSES } from '../record/entries.js';
import { immunisationStatus } from '../record/immunisation-schedule.js';
import { ENTRY_KINDS, type EntryKind } from '../record/schema.js';
import { DIABETES_TECHNOLOGY } from '../population/index.js';
import { codesInGroup, conditionCode } from './conditions.js';
import { generateIcs, type SynthResult } from './generate.js';

const TODAY = '2026-11-23';
const CHILDREN = 2000;
const options = { children: CHILDREN, seed: 20261123, today: TODAY, demoPasswordHash: '$argon2id$test' };

const TABLES = [
  'place', 'organisation', 'site', 'professional', 'cluster', 'cluster_practice', 'child', 'related_person',
  'child_related_person', 'child_flag', 'record_entry', 'contact', 'care_team_member', 'consent_record',
  'care_plan', 'care_plan_goal', 'care_plan_version', 'task', 'task_event', 'mdt_meeting', 'mdt_member', 'mdt_case', 'record_letter', 'feedback_response',
];

async function freshDb(): Promise<Database> {
  const db = await connectEmbedded(undefined);
  await migrate(db);
  return db;
}

/** One hash per table over its rows as JSON (the clock times rows were written aside: created_at, and updated_at of versioned rows), in a stable order. */
async function fingerprint(db: Database, icsId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const [r] = await rows<{ h: string; n: number }>(
      db.owner,
      sql`SELECT md5(coalesce(string_agg(j, '|' ORDER BY j), '')) AS h, count(*)::int AS n
            FROM (SELECT (to_jsonb(t) - 'created_at' - 'updated_at')::text AS j FROM ${sql.raw(table)} t WHERE t.ics_id = ${icsId}::uuid) s`,
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
      share(sql`SELECT count(DISTINCT child_id)::int AS n FROM record_entry WHERE ics_id = ${ics()} AND kind = 'problem' AND code = ${code}`);

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
    const youngT2 = await share(sql`SELECT count(*)::int AS n FROM record_entry cc JOIN child c ON c.id = cc.child_id
      WHERE cc.ics_id = ${ics()} AND cc.kind = 'problem' AND cc.code = ${conditionCode('type-2-diabetes').snomedCode} AND c.date_of_birth > ${TODAY}::date - interval '12 years'`);
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
      'ics-analyst': 'ics-body', 'privacy-officer': 'ics-body', admin: 'ics-body', 'hub-admin': 'community-provider', 'clinical-lead': 'ics-body',
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
    expect(allOk(await caseload('senco', sql`c.school_id = p.organisation_id AND EXISTS (SELECT 1 FROM record_entry cc WHERE cc.child_id = c.id AND cc.kind = 'problem' AND cc.code = ${conditionCode('ehc-plan').snomedCode})`))).toBe(true);
    expect(allOk(await caseload('social-worker', sql`m.role_in_team LIKE '%child in need%' OR EXISTS (SELECT 1 FROM child_flag f WHERE f.child_id = c.id AND f.kind IN ('looked-after', 'child-protection-plan') AND f.ended_on IS NULL)`))).toBe(true);
    const complexCodes = [...codesInGroup('complexity'), ...codesInGroup('epilepsy'), ...codesInGroup('diabetes')];
    const paed = await caseload('paediatrician', sql`EXISTS (SELECT 1 FROM record_entry cc WHERE cc.child_id = c.id AND cc.kind = 'problem' AND cc.code IN (${sql.join(complexCodes.map((x) => sql`${x}`), sql`, `)}))`);
    expect(paed.filter((r) => r.ok).length).toBeGreaterThan(0);
  });

  it("puts about 15 children on today's virtual ward, each at home with observations and a visit due, beside years of finished stays with their discharge summaries", async () => {
    const live = await q<{ state: string; n: number; observed: boolean; visit_due: boolean; escalation: boolean }>(sql`
      SELECT e.state, count(*)::int AS n,
             bool_and(EXISTS (SELECT 1 FROM ward_observation o WHERE o.ics_id = e.ics_id AND o.episode_id = e.id)) AS observed,
             bool_and(EXISTS (SELECT 1 FROM ward_visit v WHERE v.ics_id = e.ics_id AND v.episode_id = e.id AND v.due_at > ${`${TODAY}T08:00:00Z`}::timestamptz)) AS visit_due,
             bool_and(EXISTS (SELECT 1 FROM ward_escalation x WHERE x.ics_id = e.ics_id AND x.episode_id = e.id AND x.acknowledged_at IS NULL)) AS escalation
        FROM ward_episode e WHERE e.ics_id = ${ics()} AND e.state <> 'discharged' AND e.state <> 'declined' GROUP BY e.state`);
    const byState = Object.fromEntries(live.map((r) => [r.state, r]));
    expect(live.reduce((n, r) => n + r.n, 0)).toBe(15);
    expect(byState.referred.n).toBe(2);
    expect(byState.accepted.n).toBe(1);
    // Children at home are watched: observations so far and a visit still to come today; an escalated child's escalation is waiting for a nurse.
    for (const state of ['on-ward', 'escalated']) expect(byState[state]).toMatchObject({ observed: true, visit_due: true });
    expect(byState.escalated.escalation).toBe(true);

    const finished = await q<{ n: number; with_outcome: number; first: string }>(sql`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE outcome IS NOT NULL AND discharged_at > admitted_at)::int AS with_outcome, min(admitted_at)::date::text AS first
        FROM ward_episode WHERE ics_id = ${ics()} AND state = 'discharged'`);
    expect(finished[0].n).toBeGreaterThan(15);
    expect(finished[0].with_outcome).toBe(finished[0].n);
    expect(finished[0].first < '2022-12-01').toBe(true);
    // Each finished stay filed its discharge summary to the GP, most within the standard's 24 hours, none after today.
    const [letters] = await q<{ stays: number; filed: number; in_24h: number; future: number }>(sql`
      SELECT count(*)::int AS stays, count(l.id)::int AS filed,
             count(*) FILTER (WHERE l.filed_at <= e.discharged_at + interval '24 hours')::int AS in_24h,
             count(*) FILTER (WHERE l.filed_at > ${`${TODAY}T23:59:59Z`}::timestamptz)::int AS future
        FROM ward_episode e LEFT JOIN record_letter l ON l.ics_id = e.ics_id AND l.source = 'virtual-ward-discharge' AND l.source_id = e.id AND l.child_id = e.child_id
       WHERE e.ics_id = ${ics()} AND e.state = 'discharged'`);
    expect(letters.filed).toBe(letters.stays);
    expect(letters.in_24h / letters.stays).toBeGreaterThan(0.8);
    expect(letters.in_24h).toBeLessThan(letters.stays);
    expect(letters.future).toBe(0);
  });

  // ---- the shared record ------------------------------------------------------

  type EntryRow = {
    id: string; child_id: string; kind: EntryKind; code_system: string | null; code: string | null; display: string; status: string;
    started_on: string | null; ended_on: string | null; details: Record<string, unknown>; sensitive_category: string | null;
    recorded_by: string | null; recorded_by_name: string | null; recording_organisation_id: string | null;
  };
  const entries = () => q<EntryRow>(sql`SELECT id, child_id, kind, code_system, code, display, status, started_on, ended_on, details, sensitive_category,
    recorded_by, recorded_by_name, recording_organisation_id FROM record_entry WHERE ics_id = ${ics()}`);
  const childrenWith = async (code: string) =>
    (await q<{ child_id: string }>(sql`SELECT DISTINCT child_id FROM record_entry WHERE ics_id = ${ics()} AND kind = 'problem' AND code = ${code}`)).map((r) => r.child_id);
  const activeMedicines = async (childIds: string[], keys: string[]) => {
    const codes = keys.map((k) => medicine(k).code ?? medicine(k).name);
    const found = await q<{ child_id: string }>(sql`SELECT DISTINCT child_id FROM record_entry WHERE ics_id = ${ics()} AND kind = 'medication'
      AND status = 'active' AND details->>'course' = 'repeat' AND coalesce(code, display) IN (${sql.join(codes.map((c) => sql`${c}`), sql`, `)})`);
    const have = new Set(found.map((r) => r.child_id));
    return childIds.filter((c) => !have.has(c));
  };
  const uuids = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;
  const groupKeys = (...groups: string[]) => groups.flatMap((g) => medicinesInGroup(g).map((m) => m.key));

  it('writes every entry with a kind, status, code system and details its schema accepts', async () => {
    const all = await entries();
    expect(all.length).toBeGreaterThan(CHILDREN * 10);
    const kinds = new Set(all.map((e) => e.kind));
    expect([...kinds].sort()).toEqual([...ENTRY_KINDS].sort());
    const strict = new Map(ENTRY_KINDS.map((k) => [k, ENTRY_DETAILS[k].strict()]));
    const problems: string[] = [];
    for (const e of all) {
      const what = `${e.kind} ${e.display} ${e.status} ${JSON.stringify(e.details)}`;
      if (!ENTRY_STATUSES[e.kind].includes(e.status)) problems.push(`status: ${what}`);
      if (!strict.get(e.kind)!.safeParse(e.details).success) problems.push(`details: ${what}`);
      // Diabetes technology is coded locally (population/measures.ts), every other code in the kind's own system.
      const local = e.kind === 'procedure' && e.code_system === DIABETES_TECHNOLOGY.system && (DIABETES_TECHNOLOGY.codes as readonly string[]).includes(e.code ?? '');
      if (e.code !== null && !local && (e.code_system !== ENTRY_CODE_SYSTEM[e.kind] || !isSnomedConceptId(e.code))) problems.push(`code: ${e.code_system} ${e.code} ${what}`);
      if (e.code === null && e.code_system !== null) problems.push(`code system without a code: ${what}`);
      if (e.ended_on !== null && (e.started_on === null || e.ended_on < e.started_on)) problems.push(`ends before it starts: ${what}`);
      if (e.started_on !== null && e.started_on > TODAY) problems.push(`in the future: ${what}`);
      if (!e.recorded_by || !e.recorded_by_name) problems.push(`no recorder: ${what}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('records every entry and contact against an existing child, by a professional of the recording organisation', async () => {
    const [r] = await q<{ orphan_entries: number; orphan_contacts: number; wrong_recorder: number; wrong_contact_recorder: number; names: number }>(sql`
      SELECT (SELECT count(*)::int FROM record_entry e WHERE e.ics_id = ${ics()} AND NOT EXISTS (SELECT 1 FROM child c WHERE c.ics_id = e.ics_id AND c.id = e.child_id)) AS orphan_entries,
             (SELECT count(*)::int FROM contact e WHERE e.ics_id = ${ics()} AND NOT EXISTS (SELECT 1 FROM child c WHERE c.ics_id = e.ics_id AND c.id = e.child_id)) AS orphan_contacts,
             (SELECT count(*)::int FROM record_entry e WHERE e.ics_id = ${ics()} AND NOT EXISTS (
                SELECT 1 FROM professional p WHERE p.ics_id = e.ics_id AND p.id = e.recorded_by AND p.organisation_id = e.recording_organisation_id)) AS wrong_recorder,
             (SELECT count(*)::int FROM contact e WHERE e.ics_id = ${ics()} AND e.recorded_by IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM professional p WHERE p.ics_id = e.ics_id AND p.id = e.recorded_by)) AS wrong_contact_recorder,
             (SELECT count(*)::int FROM record_entry e JOIN professional p ON p.id = e.recorded_by WHERE e.ics_id = ${ics()} AND p.name <> e.recorded_by_name) AS names`);
    expect(r).toEqual({ orphan_entries: 0, orphan_contacts: 0, wrong_recorder: 0, wrong_contact_recorder: 0, names: 0 });
  });

  it('gives every asthmatic a reliever, most a preventer, some attacks, with many over-reliant on relievers', async () => {
    const asthmatic = await childrenWith(conditionCode('asthma').snomedCode);
    expect(asthmatic.length).toBeGreaterThan(100);
    expect(await activeMedicines(asthmatic, groupKeys('asthma-reliever', 'asthma-mart'))).toEqual([]);
    const noPreventer = await activeMedicines(asthmatic, groupKeys('asthma-preventer', 'asthma-mart'));
    expect(noPreventer.length / asthmatic.length).toBeLessThan(0.35);
    const saba = medicine('salbutamol_mdi').code!;
    const issues = await q<{ n: number }>(sql`SELECT count(e.id)::int AS n FROM unnest(${uuids(asthmatic)}) a(child_id)
      LEFT JOIN record_entry e ON e.child_id = a.child_id AND e.kind = 'medication' AND e.status = 'completed' AND e.code = ${saba}
        AND e.started_on > ${TODAY}::date - 365 GROUP BY a.child_id`);
    const counts = issues.map((i) => i.n).sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)];
    expect(median).toBeGreaterThanOrEqual(2);
    expect(median).toBeLessThanOrEqual(4);
    expect(counts.filter((n) => n >= 3).length / counts.length).toBeGreaterThan(0.4);
    const [{ courses, peak }] = await q<{ courses: number; peak: number }>(sql`
      SELECT count(*) FILTER (WHERE kind = 'medication' AND details->>'reason' = 'Asthma attack')::int AS courses,
             count(*) FILTER (WHERE kind = 'observation' AND code = ${observation('peak_flow').code})::int AS peak
        FROM record_entry WHERE ics_id = ${ics()} AND child_id = ANY(${uuids(asthmatic)})`);
    expect(courses).toBeGreaterThan(asthmatic.length * 0.1);
    expect(peak).toBeGreaterThan(asthmatic.length * 0.5);
  });

  it('gives every epileptic an anti-seizure medicine, buccal midazolam and a seizure plan', async () => {
    const epileptic = await childrenWith(conditionCode('epilepsy').snomedCode);
    expect(epileptic.length).toBeGreaterThan(0);
    expect(await activeMedicines(epileptic, groupKeys('anti-seizure'))).toEqual([]);
    expect(await activeMedicines(epileptic, ['buccal_midazolam'])).toEqual([]);
    const plans = await q<{ child_id: string; text: string }>(sql`SELECT child_id, details->>'text' AS text FROM record_entry
      WHERE ics_id = ${ics()} AND kind = 'anticipatory-care' AND status = 'active' AND child_id = ANY(${uuids(epileptic)})`);
    expect(new Set(plans.map((p) => p.child_id)).size).toBe(epileptic.length);
    expect(plans.every((p) => /buccal midazolam \d/.test(p.text))).toBe(true);
    // No valproate for girls of 10 or more.
    const [{ n }] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM record_entry e JOIN child c ON c.id = e.child_id
      WHERE e.ics_id = ${ics()} AND e.kind = 'medication' AND e.display ILIKE '%valproate%' AND c.sex = 'female'
        AND c.date_of_birth <= ${TODAY}::date - interval '10 years'`);
    expect(n).toBe(0);
  });

  it('gives children with type 1 diabetes insulin and HbA1c results, and complex children care plans', async () => {
    const t1 = await childrenWith(conditionCode('type-1-diabetes').snomedCode);
    expect(await activeMedicines(t1, groupKeys('insulin-rapid'))).toEqual([]);
    expect(await activeMedicines(t1, groupKeys('insulin-basal'))).toEqual([]);
    const hba1c = await q<{ child_id: string; v: number }>(sql`SELECT child_id, (details->>'value')::float AS v FROM record_entry
      WHERE ics_id = ${ics()} AND kind = 'observation' AND code = ${observation('hba1c').code} AND child_id = ANY(${uuids(t1)})`);
    expect(hba1c.every((h) => h.v >= 30 && h.v <= 150)).toBe(true);
    const complex = await childrenWith(codesInGroup('complexity')[0]);
    const autistic = await childrenWith(conditionCode('autism').snomedCode);
    const needs = await q<{ child_id: string; kind: string; adjustment: string | null }>(sql`SELECT child_id, kind, details->>'adjustment' AS adjustment FROM record_entry
      WHERE ics_id = ${ics()} AND kind IN ('anticipatory-care', 'communication-need') AND sensitive_category IS NULL`);
    const has = (kind: string, ids: string[]) => ids.filter((id) => !needs.some((n) => n.child_id === id && n.kind === kind));
    expect(has('anticipatory-care', complex)).toEqual([]);
    expect(has('communication-need', autistic)).toEqual([]);
    expect(needs.filter((n) => n.kind === 'communication-need' && autistic.includes(n.child_id)).every((n) => n.adjustment)).toBe(true);
  });

  it('gives children with long-term conditions and complex needs care plans, kept by a key worker in their care team', async () => {
    const [p] = await q<{ plans: number; complex: number; complex_with: number; keyworker_in_team: number; versions_ok: number; agreed: number }>(sql`
      SELECT count(*)::int AS plans,
             (SELECT count(DISTINCT e.child_id)::int FROM record_entry e WHERE e.ics_id = ${ics()} AND e.kind = 'problem' AND e.code IN (${sql.join(codesInGroup('complexity').map((c) => sql`${c}`), sql`, `)})) AS complex,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM record_entry e WHERE e.child_id = p.child_id AND e.kind = 'problem'
               AND e.code IN (${sql.join(codesInGroup('complexity').map((c) => sql`${c}`), sql`, `)})))::int AS complex_with,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM care_team_member m WHERE m.child_id = p.child_id AND m.professional_id = p.key_worker_id AND m.ended_at IS NULL))::int AS keyworker_in_team,
             count(*) FILTER (WHERE (SELECT count(*) FROM care_plan_version v WHERE v.plan_id = p.id) = p.version
               AND (SELECT change FROM care_plan_version v WHERE v.plan_id = p.id AND v.version = 1) = 'Plan started')::int AS versions_ok,
             count(*) FILTER (WHERE p.status = 'agreed' AND p.agreed_version = p.version)::int AS agreed
        FROM care_plan p WHERE p.ics_id = ${ics()}`);
    expect(p.plans).toBeGreaterThan(10);
    expect(p.complex_with / p.complex).toBeGreaterThan(0.6);
    expect(p.keyworker_in_team).toBe(p.plans);
    expect(p.versions_ok).toBe(p.plans);
    expect(p.agreed / p.plans).toBeGreaterThan(0.5);
    expect(p.agreed / p.plans).toBeLessThan(0.95);
    const [g] = await q<{ goals: number; unmeasured: number }>(sql`SELECT count(*)::int AS goals, count(*) FILTER (WHERE measure = '')::int AS unmeasured
      FROM care_plan_goal WHERE ics_id = ${ics()}`);
    expect(g.goals).toBeGreaterThanOrEqual(p.plans * 2);
    expect(g.unmeasured).toBe(0);
  });

  it('gives plans actions with one owner each, some done with an outcome and some overdue', async () => {
    const [t] = await q<{ tasks: number; one_owner: number; overdue: number; done_with_outcome: number; done: number; events_ok: number }>(sql`
      SELECT count(*)::int AS tasks,
             count(*) FILTER (WHERE (owner_professional_id IS NULL) <> (owner_organisation_id IS NULL))::int AS one_owner,
             count(*) FILTER (WHERE status IN ('ready', 'in-progress') AND due_on < ${TODAY}::date)::int AS overdue,
             count(*) FILTER (WHERE status = 'done' AND outcome IS NOT NULL)::int AS done_with_outcome,
             count(*) FILTER (WHERE status = 'done')::int AS done,
             count(*) FILTER (WHERE (SELECT array_agg(e.to_status ORDER BY e.changed_at) FROM task_event e WHERE e.task_id = t.id)
               = CASE WHEN t.status = 'ready' THEN ARRAY['ready'] ELSE ARRAY['ready', t.status] END)::int AS events_ok
        FROM task t WHERE ics_id = ${ics()}`);
    expect(t.tasks).toBeGreaterThan(20);
    expect(t.one_owner).toBe(t.tasks);
    expect(t.overdue).toBeGreaterThan(0);
    expect(t.done).toBeGreaterThan(0);
    expect(t.done_with_outcome).toBe(t.done);
    expect(t.events_ok).toBe(t.tasks);
  });

  it('gives every hub MDT meetings every 4 weeks, past ones discussed with letters and actions, future ones with children listed', async () => {
    const [m] = await q<{ hubs: number; hubs_with: number; over_full: number; past_undiscussed: number; past_cases: number; future_cases: number; letters: number; mdt_tasks: number; accountable_ok: number }>(sql`
      SELECT (SELECT count(*)::int FROM cluster WHERE ics_id = ${ics()}) AS hubs,
             (SELECT count(DISTINCT cluster_id)::int FROM mdt_meeting WHERE ics_id = ${ics()}) AS hubs_with,
             (SELECT count(*)::int FROM mdt_meeting mm WHERE mm.ics_id = ${ics()} AND (SELECT count(*) FROM mdt_case c WHERE c.meeting_id = mm.id) > mm.max_cases) AS over_full,
             (SELECT count(*)::int FROM mdt_case c JOIN mdt_meeting mm ON mm.id = c.meeting_id WHERE c.ics_id = ${ics()} AND mm.starts_at < ${TODAY}::date AND c.status <> 'discussed') AS past_undiscussed,
             (SELECT count(*)::int FROM mdt_case c JOIN mdt_meeting mm ON mm.id = c.meeting_id WHERE c.ics_id = ${ics()} AND mm.starts_at < ${TODAY}::date) AS past_cases,
             (SELECT count(*)::int FROM mdt_case c JOIN mdt_meeting mm ON mm.id = c.meeting_id WHERE c.ics_id = ${ics()} AND mm.starts_at > ${TODAY}::date) AS future_cases,
             (SELECT count(*)::int FROM mdt_case c WHERE c.ics_id = ${ics()} AND c.letter LIKE '%What we decided%'
                AND EXISTS (SELECT 1 FROM record_letter l WHERE l.source_id = c.id AND l.child_id = c.child_id)) AS letters,
             (SELECT count(*)::int FROM task t WHERE t.ics_id = ${ics()} AND t.source = 'mdt') AS mdt_tasks,
             (SELECT count(*)::int FROM task t JOIN mdt_case c ON c.id = t.source_id WHERE t.ics_id = ${ics()} AND t.accountable_professional_id = c.brought_by) AS accountable_ok`);
    expect(m.hubs_with).toBe(m.hubs);
    expect(m.over_full).toBe(0);
    expect(m.past_undiscussed).toBe(0);
    expect(m.past_cases).toBeGreaterThan(5);
    expect(m.future_cases).toBeGreaterThan(0);
    expect(m.letters).toBe(m.past_cases);
    expect(m.mdt_tasks).toBeGreaterThan(0);
    expect(m.accountable_ok).toBe(m.mdt_tasks);
  });

  it('has allergies in about 6% of children, acute medicines in the last year, and repeats stopped in the last 6 months', async () => {
    const [r] = await q<{ allergic: number; acute: number; acute_old: number; stopped: number; stopped_bad: number; procedures: number }>(sql`
      SELECT count(DISTINCT child_id) FILTER (WHERE kind = 'allergy')::int AS allergic,
             count(*) FILTER (WHERE kind = 'medication' AND details->>'course' = 'acute')::int AS acute,
             count(*) FILTER (WHERE kind = 'medication' AND details->>'course' = 'acute' AND started_on <= ${TODAY}::date - 365)::int AS acute_old,
             count(*) FILTER (WHERE kind = 'medication' AND status = 'stopped')::int AS stopped,
             count(*) FILTER (WHERE kind = 'medication' AND status = 'stopped' AND (ended_on < ${TODAY}::date - 183 OR details->>'stopReason' IS NULL))::int AS stopped_bad,
             count(*) FILTER (WHERE kind = 'procedure')::int AS procedures
        FROM record_entry WHERE ics_id = ${ics()}`);
    expect(r.allergic / CHILDREN).toBeGreaterThan(0.035);
    expect(r.allergic / CHILDREN).toBeLessThan(0.09);
    expect(r.acute).toBeGreaterThan(CHILDREN * 0.1);
    expect(r.acute_old).toBe(0);
    expect(r.stopped).toBeGreaterThan(0);
    expect(r.stopped_bad).toBe(0);
    expect(r.procedures).toBeGreaterThan(0);
  });

  it('keeps sensitive entries rare, for young people of 12 or more, recorded by their practice or the school nursing service', async () => {
    const rows = await q<{ age: number; kind: string; org_kind: string }>(sql`
      SELECT date_part('year', age(e.started_on, c.date_of_birth))::int AS age, e.kind, o.kind AS org_kind
        FROM record_entry e JOIN child c ON c.id = e.child_id JOIN organisation o ON o.id = e.recording_organisation_id
       WHERE e.ics_id = ${ics()} AND e.sensitive_category IS NOT NULL`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length / CHILDREN).toBeLessThan(0.01);
    for (const r of rows) {
      expect(r.age).toBeGreaterThanOrEqual(12);
      expect(['gp-practice', 'community-provider']).toContain(r.org_kind);
    }
  });

  it('follows the immunisation schedule for age, with more gaps in deprived areas', async () => {
    const kids = await q<{ id: string; dob: string; decile: number }>(sql`SELECT id, date_of_birth AS dob, imd_decile AS decile FROM child WHERE ics_id = ${ics()}`);
    const imms = await q<{ child_id: string; code: string; started_on: string | null; status: string }>(sql`
      SELECT child_id, code, started_on, status FROM record_entry WHERE ics_id = ${ics()} AND kind = 'immunisation'`);
    const byChild = new Map<string, { code: string; startedOn: string | null; status: string }[]>();
    for (const i of imms) {
      const list = byChild.get(i.child_id) ?? [];
      list.push({ code: i.code, startedOn: i.started_on, status: i.status });
      byChild.set(i.child_id, list);
    }
    const tally = { deprived: [0, 0], affluent: [0, 0] };
    const problems: string[] = [];
    for (const k of kids) {
      const given = byChild.get(k.id) ?? [];
      for (const g of given) if (g.startedOn && g.startedOn < k.dob) problems.push(`${k.id}: given before birth`);
      const states = immunisationStatus(k.dob, given, TODAY);
      // Nothing is recorded as given before it is due, and every given entry is one of the child's scheduled doses.
      for (const s of states) if (s.status === 'given' && s.givenOn && s.givenOn < s.dueOn) problems.push(`${k.id}: ${s.key} given ${s.givenOn}, due ${s.dueOn}`);
      if (states.filter((s) => s.status === 'given').length !== given.filter((g) => g.status === 'completed').length) problems.push(`${k.id}: unmatched doses`);
      if (k.dob > '2026-09-28' && states.some((s) => s.status !== 'not-yet-due')) problems.push(`${k.id}: a newborn with a dose due`);
      const dueLongAgo = states.filter((s) => s.dueOn < '2026-05-01');
      const bucket = k.decile <= 2 ? tally.deprived : k.decile >= 9 ? tally.affluent : null;
      if (bucket) {
        bucket[0] += dueLongAgo.filter((s) => s.status === 'given').length;
        bucket[1] += dueLongAgo.length;
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    const deprived = tally.deprived[0] / tally.deprived[1];
    const affluent = tally.affluent[0] / tally.affluent[1];
    expect(affluent).toBeGreaterThan(0.82);
    expect(affluent).toBeLessThan(0.97);
    expect(deprived).toBeLessThan(affluent - 0.02);
    expect(deprived).toBeGreaterThan(0.65);
  });

  it('has contacts only from the first of the month a year ago to today, at the right kind of organisation, at about the spec rates', async () => {
    const [range] = await q<{ first: string; last: string; ended_before_start: number; open_not_admission: number }>(sql`
      SELECT min(started_at)::text AS first, max(started_at)::text AS last,
             count(*) FILTER (WHERE ended_at < started_at)::int AS ended_before_start,
             count(*) FILTER (WHERE ended_at IS NULL AND type NOT IN ('admission', 'ed'))::int AS open_not_admission
        FROM contact WHERE ics_id = ${ics()}`);
    // From the first of the month a year ago, so any 12-month count finds every contact of its window.
    expect(range.first >= '2025-11-01').toBe(true);
    expect(range.last < '2026-11-23').toBe(true);
    expect(range.ended_before_start).toBe(0);
    expect(range.open_not_admission).toBe(0);
    const kinds = await q<{ type: string; kind: string; practice_ok: boolean; n: number }>(sql`
      SELECT e.type, o.kind, bool_and(e.type <> 'gp' OR e.organisation_id = c.registered_practice_id) AS practice_ok, count(*)::int AS n
        FROM contact e JOIN organisation o ON o.id = e.organisation_id JOIN child c ON c.id = e.child_id
       WHERE e.ics_id = ${ics()} GROUP BY 1, 2 ORDER BY 1, 2`);
    const where: Record<string, string[]> = {
      ed: ['acute-trust'], 'urgent-care': ['acute-trust'], admission: ['acute-trust'], outpatient: ['acute-trust'], gp: ['gp-practice'],
      community: ['community-provider'], 'out-of-hours': ['community-provider'], 'mental-health': ['mental-health-trust'], 'social-care': ['childrens-social-care'],
    };
    for (const k of kinds) {
      expect(where[k.type], k.type).toContain(k.kind);
      expect(k.practice_ok).toBe(true);
    }
    const per1000 = (type: string) => (kinds.filter((k) => k.type === type).reduce((a, k) => a + k.n, 0) * 1000) / CHILDREN;
    expect(per1000('ed')).toBeGreaterThan(280);
    expect(per1000('ed')).toBeLessThan(500);
    expect(per1000('admission')).toBeGreaterThan(45);
    expect(per1000('admission')).toBeLessThan(120);
    expect(per1000('gp')).toBeGreaterThan(2200);
    expect(per1000('gp')).toBeLessThan(3500);
    expect(per1000('outpatient')).toBeGreaterThan(15);
    expect(per1000('mental-health')).toBeGreaterThan(40);
    // Social care contacts only for children with a looked-after or child-protection flag.
    const [{ unflagged }] = await q<{ unflagged: number }>(sql`SELECT count(*)::int AS unflagged FROM contact e WHERE e.ics_id = ${ics()} AND e.type = 'social-care'
      AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.child_id = e.child_id AND f.kind IN ('looked-after', 'child-protection-plan'))`);
    expect(unflagged).toBe(0);
  });

  it('holds the record’s contacts and the population’s events as one set of facts: each counted contact has its one event, each recent event its contact', async () => {
    const [r] = await q<{ contacts: number; unlinked_contacts: number; unlinked_events: number; mismatched: number; ed_children_differ: number }>(sql`
      SELECT (SELECT count(*)::int FROM contact WHERE ics_id = ${ics()} AND type IN ('ed', 'admission', 'outpatient', 'gp', 'community', 'mental-health')) AS contacts,
             (SELECT count(*)::int FROM contact c WHERE c.ics_id = ${ics()} AND c.type IN ('ed', 'admission', 'outpatient', 'gp', 'community', 'mental-health')
                AND NOT EXISTS (SELECT 1 FROM activity_event e WHERE e.ics_id = c.ics_id AND e.contact_id = c.id)) AS unlinked_contacts,
             (SELECT count(*)::int FROM activity_event e WHERE e.ics_id = ${ics()} AND e.type <> 'prescription' AND e.contact_id IS NULL
                AND e.occurred_at >= (SELECT min(started_at) FROM contact WHERE ics_id = ${ics()})) AS unlinked_events,
             (SELECT count(*)::int FROM activity_event e JOIN contact c ON c.ics_id = e.ics_id AND c.id = e.contact_id
               WHERE e.ics_id = ${ics()} AND (c.child_id <> e.child_id OR c.type <> e.type OR c.started_at <> e.occurred_at)) AS mismatched,
             (SELECT count(*)::int FROM (
                SELECT child_id, count(*) FROM contact WHERE ics_id = ${ics()} AND type = 'ed' AND started_at >= ${TODAY}::date - interval '12 months' GROUP BY 1
                EXCEPT
                SELECT child_id, count(*) FROM activity_event WHERE ics_id = ${ics()} AND type = 'ed' AND occurred_at >= ${TODAY}::date - interval '12 months' GROUP BY 1) d) AS ed_children_differ`);
    expect(r.contacts).toBeGreaterThan(CHILDREN);
    expect(r).toMatchObject({ unlinked_contacts: 0, unlinked_events: 0, mismatched: 0, ed_children_differ: 0 });
  });

  it('dates nothing about a child before their birth', async () => {
    const before = await q<{ what: string; n: number }>(sql`
      SELECT 'contact' AS what, count(*)::int AS n FROM contact e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
       WHERE e.ics_id = ${ics()} AND (e.started_at AT TIME ZONE 'Europe/London')::date < c.date_of_birth
      UNION ALL SELECT 'record entry', count(*)::int FROM record_entry e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
       WHERE e.ics_id = ${ics()} AND (e.started_on < c.date_of_birth OR e.ended_on < c.date_of_birth)
      UNION ALL SELECT 'activity event', count(*)::int FROM activity_event e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
       WHERE e.ics_id = ${ics()} AND (e.occurred_at AT TIME ZONE 'Europe/London')::date < c.date_of_birth
      UNION ALL SELECT 'referral', count(*)::int FROM referral e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
       WHERE e.ics_id = ${ics()} AND (e.created_at AT TIME ZONE 'Europe/London')::date < c.date_of_birth
      UNION ALL SELECT 'flag', count(*)::int FROM child_flag e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
       WHERE e.ics_id = ${ics()} AND e.started_on < c.date_of_birth
      UNION ALL SELECT 'care team', count(*)::int FROM care_team_member e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
       WHERE e.ics_id = ${ics()} AND (e.started_at AT TIME ZONE 'Europe/London')::date < c.date_of_birth
      UNION ALL SELECT 'letter', count(*)::int FROM record_letter e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
       WHERE e.ics_id = ${ics()} AND (e.filed_at AT TIME ZONE 'Europe/London')::date < c.date_of_birth
      UNION ALL SELECT 'MDT case', count(*)::int FROM mdt_case e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
        JOIN mdt_meeting m ON m.ics_id = e.ics_id AND m.id = e.meeting_id
       WHERE e.ics_id = ${ics()} AND (m.starts_at AT TIME ZONE 'Europe/London')::date < c.date_of_birth`);
    expect(Object.fromEntries(before.map((b) => [b.what, b.n]))).toEqual({
      contact: 0, 'record entry': 0, 'activity event': 0, referral: 0, flag: 0, 'care team': 0, letter: 0, 'MDT case': 0,
    });
  });

  it('gives every closed referral its letter in the child’s record: the referral letter, the advice letter or the clinic’s', async () => {
    const [r] = await q<{ closed: number; without: number }>(sql`
      SELECT count(*)::int AS closed,
             count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM record_letter l WHERE l.ics_id = f.ics_id AND l.child_id = f.child_id
               AND ((l.source IN ('referral', 'advice') AND l.source_id = f.id)
                 OR (l.source = 'clinic-outcome' AND l.source_id IN (SELECT b.id FROM clinic_booking b WHERE b.ics_id = f.ics_id AND b.referral_id = f.id)))))::int AS without
        FROM referral f WHERE f.ics_id = ${ics()} AND f.state = 'closed'`);
    expect(r.closed).toBeGreaterThan(50);
    expect(r.without).toBe(0);
  });

  it('links referrals decided “discuss at the hub MDT” to their case: one still to come waits, one discussed has moved on', async () => {
    const [r] = await q<{ linked: number; wrong: number; waiting_wrong: number; discussed_wrong: number }>(sql`
      SELECT count(*)::int AS linked,
             count(*) FILTER (WHERE k.child_id <> f.child_id OR k.source <> 'triage' OR f.triage_outcome IS DISTINCT FROM 'mdt' AND NOT EXISTS (
               SELECT 1 FROM referral_event e WHERE e.referral_id = f.id AND e.to_state = 'mdt'))::int AS wrong,
             count(*) FILTER (WHERE k.status = 'listed' AND f.state <> 'mdt')::int AS waiting_wrong,
             count(*) FILTER (WHERE k.status = 'discussed' AND f.state = 'mdt')::int AS discussed_wrong
        FROM referral f JOIN mdt_case k ON k.ics_id = f.ics_id AND k.id = f.mdt_case_id
       WHERE f.ics_id = ${ics()}`);
    expect(r.linked).toBeGreaterThan(0);
    expect(r).toMatchObject({ wrong: 0, waiting_wrong: 0, discussed_wrong: 0 });
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
