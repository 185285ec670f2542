/**
 * The shared record's figures: FHIR NDJSON bulk import (resources/s, and its
 * ratio to a raw COPY of the same rows), FHIR read and search, $everything,
 * and the record page under load.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { FastifyInstance } from 'fastify';
import { rows, type Database } from '../src/platform/db/client.js';
import { importFhir } from '../src/cli/import-fhir.js';
import { addClient, issueToken } from '../src/fhir/clients.js';
import { TestClient } from '../test/http.js';
import { summarise, trackPeakMemory, timeEach } from './stats.js';
import { copyRatioWords, dataSize, underLoad } from './load.js';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

/**
 * Body weight observations for sampled children, one NDJSON line each, referring to the patient by NHS number.
 * Identifiers carry `run`, so a reused bench database still sees new observations.
 */
function writeObservations(file: string, children: { nhs_number: string }[], count: number, run: string) {
  const out = fs.openSync(file, 'w');
  for (let i = 0; i < count; i++) {
    const child = children[i % children.length];
    const day = new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86_400_000).toISOString().slice(0, 10);
    fs.writeSync(out, JSON.stringify({
      resourceType: 'Observation', status: 'final',
      identifier: [{ system: 'https://bench.example/observation', value: `obs-${run}-${i}` }],
      code: { coding: [{ system: 'http://snomed.info/sct', code: '27113001', display: 'Body weight' }] },
      subject: { reference: `Patient?identifier=${NHS}|${child.nhs_number}` },
      effectiveDateTime: day,
      valueQuantity: { value: 20 + (i % 40), unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    }) + '\n');
  }
  fs.closeSync(out);
}

/**
 * The same rows written as fast as PostgreSQL takes them: COPY into logged
 * scratch copies of record_entry and record_entry_history (the two tables the
 * import writes the observations into) with the same indexes.
 */
async function rawCopy(url: string, icsId: string, children: { id: string }[], count: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const tables = ['bench_entry_copy', 'bench_entry_history_copy'];
  try {
    for (const t of tables) await client.query(`DROP TABLE IF EXISTS ${t}`);
    await client.query('CREATE TABLE bench_entry_copy (LIKE record_entry INCLUDING DEFAULTS INCLUDING INDEXES)');
    await client.query('CREATE TABLE bench_entry_history_copy (LIKE record_entry_history INCLUDING INDEXES)');
    const ids = Array.from({ length: count }, () => crypto.randomUUID());
    const details = (i: number) => JSON.stringify({ value: 20 + (i % 40), unit: 'kg' }).replace(/\\/g, '\\\\');
    const entries = function* () {
      for (let i = 0; i < count; i++) {
        yield `${icsId}\t${ids[i]}\t${children[i % children.length].id}\tobservation\thttp://snomed.info/sct\t27113001\tBody weight\tfinal\t2026-01-01\t${details(i)}\thttps://bench.example/observation\tobs-${i}\n`;
      }
    };
    const history = function* () {
      for (let i = 0; i < count; i++) yield `${icsId}\t${i + 1}\t${ids[i]}\t1\t${icsId}\tBench import\t2026-01-01T00:00:00Z\t${details(i)}\n`;
    };
    const t0 = performance.now();
    await pipeline(Readable.from(entries()),
      client.query(copyFrom('COPY bench_entry_copy (ics_id, id, child_id, kind, code_system, code, display, status, started_on, details, source_system, source_id) FROM STDIN')));
    await pipeline(Readable.from(history()),
      client.query(copyFrom('COPY bench_entry_history_copy (ics_id, id, entry_id, version, changed_by, changed_by_name, changed_at, snapshot) FROM STDIN')));
    return (performance.now() - t0) / 1000;
  } finally {
    for (const t of tables) await client.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    await client.end();
  }
}

/** FHIR NDJSON bulk import of Observations against a raw COPY of the same rows; then the same file again. */
export async function fhirImportBench(db: Database, opts: { url: string; icsId: string }) {
  const resources = Number(process.env.JOINERY_BENCH_IMPORT ?? 50_000);
  const sample = await rows<{ id: string; nhs_number: string }>(db.owner, sql`
    SELECT id, nhs_number FROM child WHERE ics_id = ${opts.icsId}::uuid AND nhs_number IS NOT NULL ORDER BY md5(id::text) LIMIT 1000`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-bench-'));
  const file = path.join(dir, 'observations.ndjson');
  writeObservations(file, sample, resources, Date.now().toString(36));
  const megabytes = fs.statSync(file).size / 1024 / 1024;

  const stopMemory = trackPeakMemory();
  const imported = await importFhir(db, opts.icsId, file, { source: 'https://bench.example' });
  const importSeconds = imported.seconds;
  const peak = stopMemory();
  const copySeconds = await rawCopy(opts.url, opts.icsId, sample, resources);
  // The same file again: every line found, compared and left as it was.
  const again = await importFhir(db, opts.icsId, file, { source: 'https://bench.example' });
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`\nFHIR NDJSON bulk import: ${resources.toLocaleString('en-GB')} Observations (${megabytes.toFixed(1)} MB) in ${importSeconds.toFixed(1)} s = ` +
    `${Math.round(resources / importSeconds).toLocaleString('en-GB')} resources/s (created ${imported.created}, rejected ${imported.rejected.length}), ` +
    `peak RSS ${peak} MiB; raw COPY of the same rows (record_entry and its history) ${copySeconds.toFixed(2)} s = ${Math.round(resources / copySeconds).toLocaleString('en-GB')} rows/s; ` +
    copyRatioWords(importSeconds, copySeconds));
  console.log(`FHIR NDJSON re-import of the same file: ${again.seconds.toFixed(1)} s = ${Math.round(resources / again.seconds).toLocaleString('en-GB')} resources/s ` +
    `(unchanged ${again.unchanged}, created ${again.created}, updated ${again.updated}, rejected ${again.rejected.length})`);
}

export async function recordBench(db: Database, app: FastifyInstance, opts: { url: string; baseUrl: string; icsId: string; gpEmail: string; password: string; loadSeconds: number }) {
  await fhirImportBench(db, opts);
  // About a thousand children: 1% of the pages of a large ICS, every page of a small one (where 1% may be no page at all).
  const [{ n: children }] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM child`);
  const samplePercent = Math.min(100, Math.max(1, 200_000 / children));
  const sample = await rows<{ id: string; nhs_number: string }>(db.owner, sql`SELECT id, nhs_number FROM child TABLESAMPLE SYSTEM (${sql.raw(String(samplePercent))}) WHERE ics_id = ${opts.icsId}::uuid LIMIT 1000`);
  const token = await db.tenant(opts.icsId, async (tx) => addClient(tx, opts.icsId, { name: `Bench ${Date.now()}`, scopes: 'system/*.rs', organisationId: null }))
    .then(async (c) => issueToken(db, c.clientId, c.clientSecret!, undefined));
  if (!('access_token' in token)) throw new Error(`no token: ${token.description}`);
  const headers = { authorization: `Bearer ${token.access_token}`, accept: 'application/fhir+json' };
  const fhir = async (url: string) => {
    const res = await app.inject({ method: 'GET', url, headers });
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  };
  console.log(summarise('FHIR read Patient by id', await timeEach(1000, (i) => fhir(`/fhir/R4/Patient/${sample[i % sample.length].id}`))));
  console.log(summarise('FHIR Patient search by NHS number', await timeEach(1000, (i) => fhir(`/fhir/R4/Patient?identifier=${encodeURIComponent(`${NHS}|${sample[i % sample.length].nhs_number}`)}`))));
  const [big] = await rows<{ child_id: string; n: number }>(db.owner, sql`SELECT child_id, count(*)::int AS n FROM record_entry WHERE ics_id = ${opts.icsId}::uuid GROUP BY child_id ORDER BY 2 DESC LIMIT 1`);
  const [contacts] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM contact WHERE ics_id = ${opts.icsId}::uuid AND child_id = ${big.child_id}::uuid`);
  console.log(summarise(`FHIR $everything (${big.n} entries, ${contacts.n} contacts)`, await timeEach(200, () => fhir(`/fhir/R4/Patient/${big.child_id}/$everything`))));

  // The record page under load, as a GP opening their own patients' records.
  const client = await new TestClient(app).signIn(opts.gpEmail, opts.password);
  const patients = await rows<{ id: string }>(db.owner, sql`SELECT c.id FROM child c JOIN professional p ON p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id
    WHERE c.ics_id = ${opts.icsId}::uuid AND p.email = ${opts.gpEmail}`);
  let i = 0;
  await underLoad(`record page (${patients.length} patients)`, { db, target: { perSecond: 200, p95: 100 }, data: await dataSize(db), baseUrl: opts.baseUrl, client, seconds: opts.loadSeconds, paths: () => `/children/${patients[i++ % patients.length].id}/record` });
}
