import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';
import { importFhir } from '../cli/import-fhir.js';
import { main } from '../main.js';
import { runCli } from '../../test/run-cli.js';

const kinds = await databaseKinds();

describe.each(kinds)('joinery import fhir on %s', (kind) => {
  let t: FhirTest;
  let dir: string;

  beforeAll(async () => {
    t = await startFhirTest(kind, 150);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-fhir-'));
    const nhsNumber = await freshNhsNumber(t);
    const b = recordBundle({ tag: 'cli', nhsNumber, practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') });
    fs.writeFileSync(path.join(dir, 'record.json'), JSON.stringify(b));
    // Bulk Data: one resource a line, bare ids that refer to each other, the patient after what refers to it.
    const nhs2 = await freshNhsNumber(t, 1);
    const lines = [
      { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '35489007', display: 'Depressive disorder' }] }, onsetDateTime: '2025-02-01' },
      { resourceType: 'Condition', id: 'c2', subject: { reference: 'Patient/p1' }, code: { text: 'No date problem' }, onsetDateTime: '2025' },
      'this is not json',
      { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhs2 }], name: [{ family: 'Bell', given: ['Tom'] }], gender: 'male', birthDate: '2010-01-02' },
      { resourceType: 'Observation', id: 'o1', status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: '8302-2', display: 'Body height' }] }, effectiveDateTime: '2026-01-05', valueQuantity: { value: 151, unit: 'cm' } },
      { resourceType: 'Patient', id: 'old', identifier: [{ system: 'https://trust.example/Id/mrn', value: 'OLD1' }], name: [{ family: 'Grey', given: ['Ann'] }], birthDate: '1980-01-01' },
    ];
    fs.mkdirSync(path.join(dir, 'bulk'));
    fs.writeFileSync(path.join(dir, 'bulk', 'export.ndjson'), lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n\n');
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports Bundles and NDJSON, reporting rejects by line, and changes nothing the second time', async () => {
    const progress: number[] = [];
    const first = await importFhir(t.j.db, t.j.ics.icsId, dir, { onProgress: (done) => progress.push(done) });
    // The problem with only a year for its onset is kept as sent (as NHS systems send it), not refused.
    expect(first).toMatchObject({ files: 2, created: 11 + 4, updated: 0, unchanged: 0 });
    expect(first.rejected.map((r) => r.where.replace(dir, ''))).toEqual(['/bulk/export.ndjson:6', '/bulk/export.ndjson:3']);
    expect(first.rejected[0].reasons[0]).toMatch(/^Patient\.birthDate: Out of scope/);
    expect(first.rejected[1].reasons[0]).toMatch(/Not JSON/);
    expect(progress.at(-1)).toBe(7);
    const bell = await rows<{ display: string }>(t.j.db.owner, sql`SELECT e.display FROM record_entry e JOIN child c ON c.id = e.child_id WHERE c.family_name = 'Bell' ORDER BY e.display`);
    // Bell's two entries from before, and now the problem with only a year for its onset.
    expect(bell).toHaveLength(3);
    expect(bell.map((e) => e.display)).toEqual(expect.arrayContaining(['Body height', 'No date problem']));

    const second = await importFhir(t.j.db, t.j.ics.icsId, dir);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 15 });
    expect(second.rejected).toHaveLength(2);
  });

  it('refuses bad command lines before touching a database', async () => {
    const out: string[] = [];
    const keep = (l: string) => void out.push(l);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['import', 'fhir'], { out: keep, err: keep })).toBe(2);
      expect(out.join('\n')).toMatch(/Give a file or folder/);
      expect(await main(['import', 'csv', 'x'], { out: keep, err: keep })).toBe(2);
      expect(await main(['client', 'add', '--name', 'X', '--scopes', 'everything'], { out: keep, err: keep })).toBe(2);
      expect(out.join('\n')).toMatch(/--scopes must be SMART system scopes/);
      expect(await main(['import', 'fhir', path.join(dir, 'missing')], { out: keep, err: keep })).toBe(2);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('joinery import fhir and client add against the configured database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-fhir-cli-'));
  const env = { ...process.env };
  afterAll(() => {
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const run = runCli;

  it('registers a client that prints its credentials as JSON, and imports a file with a summary', async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    expect((await run(['synth', '--children', '100', '--seed', '3', '--ics', 'Cli ICS'])).code).toBe(0);
    const engine = await run(['client', 'add', '--name', 'ICS engine', '--scopes', 'system/*.rs system/*.cud']);
    expect(engine.code).toBe(0);
    expect(JSON.parse(engine.output)).toEqual({ client_id: expect.stringMatching(/^[0-9a-f-]{36}$/), client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect((await run(['client', 'add', '--name', 'ICS engine', '--scopes', 'system/*.rs'])).output).toMatch(/already exists/);
    expect((await run(['client', 'add', '--name', 'GP', '--scopes', 'system/*.rs', '--org', 'ZZZ999'])).output).toMatch(/No organisation in CLI-ICS has the ODS code ZZZ999/);
    expect((await run(['client', 'add', '--name', 'GP', '--scopes', 'system/*.rs', '--ics', 'NOPE'])).output).toMatch(/No ICS has the code NOPE/);

    const file = path.join(dataDir, 'one.json');
    fs.writeFileSync(file, JSON.stringify({ resourceType: 'Patient', identifier: [{ system: 'https://trust.example/Id/mrn', value: 'CLI-1' }], name: [{ family: 'Stone', given: ['Eve'] }], birthDate: '2019-03-04' }));
    const imported = await run(['import', 'fhir', file]);
    expect(imported).toMatchObject({ code: 0, output: expect.stringMatching(/Imported 1 resources from 1 file into CLI-ICS .*\n {2}created {4}1\n {2}updated {4}0\n {2}unchanged {2}0\n {2}rejected {3}0/) });
    expect((await run(['import', 'fhir', file])).output).toMatch(/unchanged {2}1/);
  });
});
