import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Condition, Observation, Patient, Reference, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { importFhir } from '../cli/import-fhir.js';
import { processBundle } from './bundle.js';
import { clientActor, commandLineClient } from './clients.js';
import { NHS_NUMBER_SYSTEM } from './codes.js';
import { testNhsNumbers } from '../platform/identity/nhs-number.js';
import { recordBundle, sensitiveCondition } from './test-fixtures.js';

const kinds = await databaseKinds();
const SENDER = 'https://gp-system.example/Id/record';

/** Record entries are written many at a time from NDJSON (importEntries): these check they come out as one at a time would. */
describe.each(kinds)('NDJSON record entries, written many at a time, on %s', (kind) => {
  let j: TestJoinery;
  let engine: Actor;
  let dir: string;
  let children: { id: string; nhs_number: string }[];
  /** A valid test-range NHS number no child in the database has. */
  let nobody: string;

  beforeAll(async () => {
    j = await startJoinery(kind, 150);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-ndjson-'));
    children = await rows(j.db.owner, sql`SELECT id, nhs_number FROM child WHERE ics_id = ${j.ics.icsId}::uuid AND nhs_number IS NOT NULL
      AND date_of_birth < '2017-01-01' ORDER BY id LIMIT 4`);
    const used = new Set((await rows<{ n: string }>(j.db.owner, sql`SELECT nhs_number AS n FROM child WHERE nhs_number IS NOT NULL`)).map((r) => r.n));
    nobody = [...testNhsNumbers(990_000)].find((n) => !used.has(n))!;
    engine = await j.db.tenant(j.ics.icsId, async (tx) => (await clientActor(tx, j.ics.icsId, await commandLineClient(tx, j.ics.icsId), ['system/*.cruds']))!);
  });
  afterAll(async () => {
    await j?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, lines: (Resource | string)[]) => {
    const f = path.join(dir, `${name}.ndjson`);
    fs.writeFileSync(f, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    return f;
  };
  const byNhs = (c: { nhs_number: string }): Reference<Patient> => ({ reference: `Patient?identifier=${NHS_NUMBER_SYSTEM}|${c.nhs_number}` });
  /** The fixture record's contact and entries (not its patient, carer or flag) for an existing child. */
  const recordOf = (tag: string, subject: Reference<Patient>): Resource[] =>
    recordBundle({ tag, nhsNumber: '9990000018', practiceOds: 'X', localAuthorityOds: 'X' }).entry!.slice(3).map((e) => {
      const r = { ...e.resource } as Resource & { subject?: Reference<Patient>; patient?: Reference<Patient> };
      if (r.resourceType === 'Immunization' || r.resourceType === 'AllergyIntolerance') r.patient = subject;
      else r.subject = subject;
      return r;
    });
  const observation = (id: string, subject: Reference<Patient>, value = 31.4): Observation => ({
    resourceType: 'Observation', identifier: [{ system: SENDER, value: id }], status: 'final',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '27113001', display: 'Body weight' }] }, subject, effectiveDateTime: '2026-09-01',
    valueQuantity: { value, unit: 'kg' },
  });
  /** What the rows say about the entries with these source-id prefixes, without what differs between two saves (ids, times, the prefix). */
  const written = async (...tags: string[]) => {
    const key = sql`regexp_replace(e.source_id, '^[^-]*-', '')`;
    const inTags = sql`e.source_system = ${SENDER} AND split_part(e.source_id, '-', 1) IN (${sql.join(tags.map((t) => sql`${t}`), sql`, `)})`;
    return {
      entries: await rows(j.db.owner, sql`SELECT e.child_id, ${key} AS key, e.kind, e.code_system, e.code, e.display, e.status, e.started_on, e.ended_on, e.details,
        e.sensitive_category, e.recorded_by, e.recorded_by_name, e.recording_organisation_id, e.version FROM record_entry e WHERE ${inTags} ORDER BY 1, 2`),
      history: await rows(j.db.owner, sql`SELECT e.child_id, ${key} AS key, h.version, h.changed_by, h.changed_by_name, h.snapshot - 'id' - 'recorded_at' - 'source_id' - 'as_sent' AS snapshot
        FROM record_entry_history h JOIN record_entry e ON e.ics_id = h.ics_id AND e.id = h.entry_id WHERE ${inTags} ORDER BY 1, 2, 3`),
      audit: await rows(j.db.owner, sql`SELECT e.child_id, ${key} AS key, a.professional_id, a.role, a.actor_name, a.organisation_id, a.action, a.what, a.why,
        a.details - 'entryId' AS details FROM audit_event a JOIN record_entry e ON e.ics_id = a.ics_id AND e.id::text = a.details->>'entryId' WHERE ${inTags} ORDER BY 1, 2, a.id`),
    };
  };
  const where = (s: { rejected: { where: string; reasons: string[] }[] }) => s.rejected.map((r) => [r.where.replace(`${dir}/`, ''), r.reasons.join('; ')]);

  it('writes the rows, history and audit that importing one resource at a time writes, sensitive entries kept sensitive', async () => {
    const [a, b] = children;
    const many = [...recordOf('na', byNhs(a)), ...recordOf('nb', { reference: `Patient/${b.id}` }), sensitiveCondition('na', `Patient/${a.id}`)];
    const summary = await importFhir(j.db, j.ics.icsId, file('record', many));
    expect(summary).toMatchObject({ created: 17, updated: 0, unchanged: 0, rejected: [] });

    const one = [...recordOf('sa', byNhs(a)), ...recordOf('sb', { reference: `Patient/${b.id}` }), sensitiveCondition('sa', `Patient/${a.id}`)];
    const batch = { resourceType: 'Bundle', type: 'batch', entry: one.map((resource) => ({ resource, request: { method: 'POST', url: resource.resourceType } })) };
    const single = await processBundle(j.db, engine, batch, { base: 'urn:joinery:import', namespace: 'urn:test' });
    expect(single.summary).toMatchObject({ created: 17, rejected: [] });

    const [bulk, alone] = [await written('na', 'nb'), await written('sa', 'sb')];
    expect(bulk.entries).toHaveLength(15);
    expect(bulk).toEqual(alone);
    expect(bulk.entries).toContainEqual(expect.objectContaining({ key: 'sensitive', sensitive_category: 'sexual-health' }));
    expect(bulk.audit).toContainEqual(expect.objectContaining({ key: 'sensitive', what: 'problem: Chlamydial infection (sensitive)', action: 'record.create-entry' }));
    const [contacts] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM contact WHERE source_id IN ('na-ed', 'nb-ed')`);
    expect(contacts.n).toBe(2);
  });

  it('writes every line of a large chunk (copied through a staging table): each entry, its first version and its audit row, none dropped', async () => {
    const lines = Array.from({ length: 700 }, (_, i) => observation(`big-${i}`, byNhs(children[i % 2]), 20 + (i % 30)));
    expect(await importFhir(j.db, j.ics.icsId, file('big', lines), { parallel: false })).toMatchObject({ created: 700, rejected: [] });
    const big = await written('big');
    expect(big.entries).toHaveLength(700);
    expect(big.history.map((h) => (h as { version: number }).version)).toEqual(Array(700).fill(1));
    expect(new Set(big.audit.map((a) => (a as { key: string; action: string }).action))).toEqual(new Set(['record.create-entry']));
    expect(big.audit).toHaveLength(700);
    expect(big.entries).toContainEqual(expect.objectContaining({ key: '699', child_id: children[1].id, details: { value: 29, unit: 'kg' } }));
  });

  it('writes chunks in file order while the next is read: a line sent again in a later chunk updates what an earlier chunk created', async () => {
    // More lines than one transaction's chunk (2,000): the last sends the first again with a new weight.
    const lines = Array.from({ length: 2050 }, (_, i) => observation(`ord-${i}`, byNhs(children[i % 2]), 20 + (i % 30)));
    lines.push(observation('ord-0', byNhs(children[0]), 45));
    expect(await importFhir(j.db, j.ics.icsId, file('ord', lines), { parallel: false })).toMatchObject({ created: 2050, updated: 1, rejected: [] });
    const ord = await written('ord');
    expect(ord.entries).toHaveLength(2050);
    expect(ord.entries).toContainEqual(expect.objectContaining({ key: '0', version: 2, details: { value: 45, unit: 'kg' } }));
    expect(ord.history.filter((h) => (h as { key: string }).key === '0').map((h) => (h as { version: number }).version)).toEqual([1, 2]);
    expect(ord.audit).toHaveLength(2051);
  });

  it('a line whose first resourceType is not the one JSON reads (it names two) is written once, in the pass its first names, and not lost', async () => {
    const observed = JSON.stringify(observation('twice-1', byNhs(children[0])));
    const naming = (first: string) => `{"resourceType":"${first}",${observed.slice(1)}`;
    // JSON takes the last resourceType: both lines are Observations, one sorted with the patients and one with the carers.
    const f = file('twice', [naming('Patient'), naming('RelatedPerson').replace('twice-1', 'twice-2'), observation('twice-3', byNhs(children[1]))]);
    expect(await importFhir(j.db, j.ics.icsId, f, { parallel: false })).toMatchObject({ created: 3, updated: 0, unchanged: 0, rejected: [] });
    expect((await written('twice')).entries.map((e) => (e as { key: string }).key).sort()).toEqual(['1', '2', '3']);
    expect(await importFhir(j.db, j.ics.icsId, f, { parallel: false })).toMatchObject({ created: 0, unchanged: 3, rejected: [] });
  });

  it('imports the same file again as all unchanged, writing nothing; a changed line is updated with a new version', async () => {
    const f = file('again', [observation('ag-1', byNhs(children[0])), observation('ag-2', byNhs(children[1])), observation('ag-3', byNhs(children[1]))]);
    expect(await importFhir(j.db, j.ics.icsId, f)).toMatchObject({ created: 3, rejected: [] });
    const before = await written('ag');
    expect(await importFhir(j.db, j.ics.icsId, f)).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejected: [] });
    expect(await written('ag')).toEqual(before);

    file('again', [observation('ag-1', byNhs(children[0])), observation('ag-2', byNhs(children[1]), 33), observation('ag-3', byNhs(children[1]))]);
    expect(await importFhir(j.db, j.ics.icsId, f)).toMatchObject({ created: 0, updated: 1, unchanged: 2, rejected: [] });
    const after = await written('ag');
    expect(after.entries).toContainEqual(expect.objectContaining({ key: '2', version: 2, details: { value: 33, unit: 'kg' } }));
    expect(after.history.filter((h) => (h as { key: string }).key === '2').map((h) => (h as { version: number }).version)).toEqual([1, 2]);
    expect(after.audit.filter((h) => (h as { key: string }).key === '2').map((h) => (h as { action: string }).action)).toEqual(['record.create-entry', 'record.update-entry']);
  });

  it('a Medication line is kept inside each course in the files that names it (Medication/<id>), by dm+d code; one nothing names is warned about, not saved', async () => {
    const child = byNhs(children[2]);
    // A Bulk Data export's folder: one file per type.
    const bulk = path.join(dir, 'bulk');
    fs.mkdirSync(bulk);
    const file = (name: string, lines: Resource[]) => fs.writeFileSync(path.join(bulk, `${name}.ndjson`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const salbutamol = { coding: [{ system: 'https://dmd.nhs.uk', code: '39113611000001102', display: 'Salbutamol 100micrograms/dose inhaler' }] };
    file('Medication', [
      { resourceType: 'Medication', id: 'med-salbutamol', code: salbutamol, form: { text: 'Inhaler' } } as Resource,
      { resourceType: 'Medication', id: 'med-unused', code: { text: 'Nothing names this' } } as Resource,
    ]);
    file('MedicationStatement', [{
      resourceType: 'MedicationStatement', identifier: [{ system: SENDER, value: 'md-statement' }], status: 'active', subject: child,
      medicationReference: { reference: 'Medication/med-salbutamol' }, effectiveDateTime: '2025-11-03', dosage: [{ text: 'Two puffs when needed' }],
    } as Resource]);
    file('MedicationRequest', [{
      resourceType: 'MedicationRequest', identifier: [{ system: SENDER, value: 'md-request' }], status: 'active', intent: 'order', subject: child,
      medicationReference: { reference: 'Medication/med-salbutamol' }, authoredOn: '2025-11-03',
    } as Resource]);
    const summary = await importFhir(j.db, j.ics.icsId, bulk);
    expect(where(summary)).toEqual([]);
    expect(summary).toMatchObject({ created: 2, contained: 1 });
    expect(summary.warned.filter((w) => w.where.endsWith('Medication.ndjson:2'))).toEqual([
      { where: expect.any(String), warnings: [expect.stringContaining('none in these files does: it was not saved')] },
    ]);
    const courses = await rows<{ source_id: string; code: string; display: string; as_sent: { contained?: unknown[]; medicationReference?: unknown } }>(j.db.owner,
      sql`SELECT source_id, code, display, as_sent FROM record_entry WHERE ics_id = ${j.ics.icsId}::uuid AND source_system = ${SENDER} AND source_id IN ('md-statement', 'md-request') ORDER BY source_id`);
    expect(courses.map((c) => [c.source_id, c.code, c.display])).toEqual([
      ['md-request', '39113611000001102', 'Salbutamol 100micrograms/dose inhaler'],
      ['md-statement', '39113611000001102', 'Salbutamol 100micrograms/dose inhaler'],
    ]);
    for (const c of courses) {
      expect(c.as_sent.contained).toEqual([{ resourceType: 'Medication', id: 'med-salbutamol', code: salbutamol, form: { text: 'Inhaler' } }]);
      expect(c.as_sent.medicationReference).toEqual({ reference: '#med-salbutamol' });
    }
  });

  it('refuses only the bad lines of a chunk, by line number and element path, the same with structure checked in worker threads', async () => {
    const [a, b, , frozen] = children;
    await j.db.owner.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id)
      SELECT ics_id, gen_random_uuid(), ${frozen.id}::uuid, 'Section 47 enquiry', id, organisation_id FROM professional WHERE email = 'social-worker@demo.joinery.test'`);
    const partial = { ...observation('bad-partial', byNhs(a)), effectiveDateTime: '2025' };
    const f = file('mixed', [
      observation('bad-1', byNhs(a)),
      partial,
      'this is not json',
      observation('bad-nobody', { reference: `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nobody}` }),
      { ...observation('bad-shape', byNhs(a)), valueQuantity: { value: 'heavy' } } as unknown as Resource,
      { ...observation('bad-code', byNhs(a)), code: { coding: [{ system: 'http://snomed.info/sct', code: '1'.repeat(60), display: 'Long' }] } },
      observation('bad-frozen', byNhs(frozen)),
      { ...(recordOf('x', byNhs(a))[1] as Condition), identifier: [{ system: SENDER, value: 'bad-1' }] },
      observation('bad-2', { reference: `Patient/${b.id}` }, 40),
      observation('bad-2', { reference: `Patient/${b.id}` }, 41),
      recordOf('bad', byNhs(b))[0],
      { resourceType: 'Basic', code: { text: 'Something' } },
    ]);
    const first = await importFhir(j.db, j.ics.icsId, f, { parallel: false });
    // A partial date (line 2) is taken, kept as sent (accept.test.ts).
    expect(first).toMatchObject({ created: 4, updated: 1, unchanged: 0 });
    expect(where(first)).toEqual([
      ['mixed.ndjson:3', 'Not JSON: each line must be one FHIR resource.'],
      ['mixed.ndjson:4', `Observation.subject.reference: Patient?identifier=${NHS_NUMBER_SYSTEM}|${nobody} does not resolve to a Patient in this Bundle or in Joinery.`],
      ['mixed.ndjson:5', 'Observation.value[x].value: Invalid JSON type: expected number, but got string'],
      ['mixed.ndjson:6', 'Observation.code.coding.code: Code must be 50 characters or fewer'],
      ['mixed.ndjson:7', 'Observation: This record is frozen during a safeguarding investigation: no system can change it until the freeze is lifted, only the people of the team that froze it.'],
      ['mixed.ndjson:8', 'Condition: An entry cannot change its kind.'],
      ['mixed.ndjson:12', 'Basic.resourceType: Joinery does not accept Basic resources.'],
    ]);
    expect((await written('bad')).entries).toEqual([
      expect.objectContaining({ child_id: a.id, key: '1', version: 1, details: { value: 31.4, unit: 'kg' } }),
      expect.objectContaining({ child_id: a.id, key: 'partial', started_on: '2025-01-01', details: { value: 31.4, unit: 'kg', startedAs: '2025' } }),
      expect.objectContaining({ child_id: b.id, key: '2', version: 2, details: { value: 41, unit: 'kg' } }),
    ]);

    const parallel = await importFhir(j.db, j.ics.icsId, f, { parallel: true });
    expect(where(parallel)).toEqual(where(first));
    // Line 9 puts back the value line 10 changed, and line 10 changes it again.
    expect(parallel).toMatchObject({ created: 0, updated: 2, unchanged: 3 });
  });

  it('rolls a chunk back on a database error and imports it line by line, so only the bad line is lost', async () => {
    await j.db.owner.execute(sql`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.source_id = 'boom-2' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`);
    await j.db.owner.execute(sql`CREATE TRIGGER refuse_boom BEFORE INSERT ON record_entry FOR EACH ROW EXECUTE FUNCTION refuse_boom()`);
    try {
      const f = file('boom', [1, 2, 3].map((n) => observation(`boom-${n}`, byNhs(children[0]))));
      const summary = await importFhir(j.db, j.ics.icsId, f);
      expect(summary).toMatchObject({ created: 2 });
      expect(where(summary)).toEqual([['boom.ndjson:2', 'Observation: Something went wrong. Nothing was saved.']]);
      expect((await written('boom')).entries.map((e) => (e as { key: string }).key)).toEqual(['1', '3']);
    } finally {
      await j.db.owner.execute(sql`DROP TRIGGER refuse_boom ON record_entry`);
      await j.db.owner.execute(sql`DROP FUNCTION refuse_boom()`);
    }
  });
});
