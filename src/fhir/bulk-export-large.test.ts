import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { serverReachable } from '../../test/database.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { exportWithKit } from './bulk-export-kit.js';

/**
 * FHIR Bulk Data Patient/$export of a 20,000-child ICS, driven by
 * fhir-kit-client from kick-off to the manifest, with every NDJSON file
 * downloaded and its lines counted by type against the database. The ICS is
 * generated once for this file (on the PostgreSQL server when there is one:
 * it generates several times faster than PGlite).
 */
const CHILDREN = 20_000;

describe('FHIR Bulk Data export of a 20,000-child ICS', { timeout: 3_600_000 }, () => {
  let t: FhirTest;
  let engine: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    t = await startFhirTest((await serverReachable()) ? 'postgres' : 'pglite', CHILDREN);
    engine = await t.register({ scopes: 'system/*.rs', name: 'ICS integration engine (whole-ICS export)' });
  }, 3_600_000);
  afterAll(() => t?.close());

  it('fhir-kit-client polls the export to completion and every type’s NDJSON count matches the database, with no sensitive entry and every child audited once', async () => {
    const token = await t.tokenFor(engine);
    // Up to an hour of polls: generous for a loaded machine.
    const manifest = await exportWithKit(t.client(token), 'Patient/$export', 36_000);
    expect(manifest.error).toEqual([]);

    const counts = new Map<string, number>();
    const patients = new Set<string>();
    const entryIds = new Set<string>();
    for (const file of manifest.output) {
      const lines = (await (await fetch(file.url, { headers: { authorization: `Bearer ${token}` } })).text()).split('\n').filter(Boolean);
      expect(lines.length, file.url).toBe(file.count);
      counts.set(file.type, (counts.get(file.type) ?? 0) + lines.length);
      for (const line of lines) {
        const { id } = JSON.parse(line) as { id: string };
        if (file.type === 'Patient') patients.add(id);
        else entryIds.add(id);
      }
    }

    const ics = t.j.ics.icsId;
    const [db] = await t.all<Record<string, number>>(sql`SELECT
      (SELECT count(*)::int FROM child WHERE ics_id = ${ics}::uuid) AS "Patient",
      (SELECT count(*)::int FROM child_related_person WHERE ics_id = ${ics}::uuid) AS "RelatedPerson",
      (SELECT count(*)::int FROM child_flag WHERE ics_id = ${ics}::uuid) + (SELECT count(*)::int FROM ward_escalation WHERE ics_id = ${ics}::uuid) AS "Flag",
      (SELECT count(*)::int FROM contact WHERE ics_id = ${ics}::uuid AND sensitive_category IS NULL)
        + (SELECT count(*)::int FROM ward_visit WHERE ics_id = ${ics}::uuid) AS "Encounter",
      (SELECT count(*)::int FROM ward_episode WHERE ics_id = ${ics}::uuid) AS "EpisodeOfCare",
      (SELECT count(*)::int FROM care_plan WHERE ics_id = ${ics}::uuid) AS "CarePlan",
      (SELECT count(*)::int FROM care_plan_goal WHERE ics_id = ${ics}::uuid) AS "Goal",
      (SELECT count(*)::int FROM referral WHERE ics_id = ${ics}::uuid) AS "ServiceRequest",
      (SELECT count(*)::int FROM clinic_booking WHERE ics_id = ${ics}::uuid) AS "Appointment",
      (SELECT count(*)::int FROM referral_message WHERE ics_id = ${ics}::uuid) AS "Communication"`);
    // The record's entries a system may be served: never a sensitive one, never one entered in error.
    const entries = await t.all<{ kind: string; n: number }>(sql`SELECT kind, count(*)::int AS n FROM record_entry
      WHERE ics_id = ${ics}::uuid AND sensitive_category IS NULL AND status <> 'entered-in-error' GROUP BY kind`);
    const ofKind = (kind: string) => entries.find((e) => e.kind === kind)?.n ?? 0;
    const expected = {
      ...db, Condition: ofKind('problem'), AllergyIntolerance: ofKind('allergy'), Immunization: ofKind('immunisation'),
      Procedure: ofKind('procedure'), MedicationRequest: ofKind('medication'), MedicationStatement: ofKind('medication'),
    };
    const got = Object.fromEntries(Object.keys(expected).map((type) => [type, counts.get(type) ?? 0]));
    expect(got).toEqual(expected);
    expect(db.Patient).toBe(CHILDREN);
    expect(ofKind('immunisation')).toBeGreaterThan(CHILDREN);

    // Every child of this ICS and no other; no sensitive entry or contact left through.
    const children = await t.all<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${ics}::uuid`);
    expect(patients).toEqual(new Set(children.map((c) => c.id)));
    const sensitive = await t.all<{ id: string }>(sql`SELECT id FROM record_entry WHERE ics_id = ${ics}::uuid AND sensitive_category IS NOT NULL
      UNION ALL SELECT id FROM contact WHERE ics_id = ${ics}::uuid AND sensitive_category IS NOT NULL`);
    expect(sensitive.length).toBeGreaterThan(0);
    expect(sensitive.filter((s) => entryIds.has(s.id))).toEqual([]);

    // One audit row for each child exported, written as the chunk that read them.
    const [audit] = await t.all<{ rows: number; children: number }>(sql`SELECT count(*)::int AS rows, count(DISTINCT child_id)::int AS children
      FROM audit_event WHERE ics_id = ${ics}::uuid AND professional_id = ${engine.clientId}::uuid AND action = 'fhir.export'`);
    expect(audit).toEqual({ rows: CHILDREN, children: CHILDREN });
  });
});
