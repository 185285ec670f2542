/**
 * npm run bench: the platform spine's figures on the PostgreSQL server.
 * Generates (or reuses) a large synthetic ICS, then times find-a-child and the
 * child summary page under load. Prints figures with the data size.
 * At a Citus coordinator (decision 0029) the database is made on every node
 * and distributed, JOINERY_BENCH_ICSS ICSs of JOINERY_BENCH_CHILDREN each can
 * share it, and the share of queries run on one shard is printed.
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { connectServer } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import { rows, type Database } from '../src/platform/db/client.js';
import { loadConfig } from '../src/platform/config.js';
import { hashPassword } from '../src/platform/auth/passwords.js';
import { generateIcs } from '../src/synth/generate.js';
import { buildJoinery } from '../src/app.js';
import { findChildren } from '../src/children/service.js';
import type { Actor } from '../src/platform/access/actor.js';
import type { ChildCriteria } from '../src/children/store.js';
import { progressBar } from '../src/cli/progress.js';
import { TestClient } from '../test/http.js';
import { summarise, timeEach, trackPeakMemory } from './stats.js';
import { dataSize, measureLoad, underLoad } from './load.js';
import { recordBench } from './record.js';
import { carePlanBench } from './care.js';
import { referralBench } from './referrals.js';
import { activityBench } from './activity.js';
import { populationBench } from './population.js';
import { activityImportBench } from './activity-import.js';
import { evaluationBench } from './evaluation.js';
import { pewsBench } from './pews.js';
import { virtualWardBench } from './virtual-ward.js';
import { fhirLoadBench } from './fhir.js';
import { fhirImportBench } from './record.js';
import { fhirExportBench } from './fhir-export.js';
import { DEFAULT_EFFECTS, DEFAULT_RAMP_MONTHS, clusterCountFor } from '../src/synth/intervention.js';
import { distribute } from '../src/platform/db/distribute.js';
import { dropCitusDatabase, makeCitusDatabase } from '../test/citus.js';
import { benchCitusWorkers, shardCounts, shardShareWords, vacuumAnalyze } from './citus.js';

const CHILDREN = Number(process.env.JOINERY_BENCH_CHILDREN ?? 500_000);
const SEED = 500;
const PASSWORD = 'bench-password-1';
const SERVER = process.env.JOINERY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** ICSs of CHILDREN children each in the database (the first is the one measured; the others share its servers, as a region's would). */
const ICSS = Number(process.env.JOINERY_BENCH_ICSS ?? 1);
const LOAD_SECONDS = Number(process.env.JOINERY_BENCH_SECONDS ?? 30);
/** Some of the benches only (e.g. JOINERY_BENCH_ONLY=referrals,activity on a reused database): spine, record, care, activity, referrals, population, import, evaluation, pews, ward, fhir (the API under autocannon), fhir-import (NDJSON import against raw COPY), fhir-export (Bulk Data Patient/$export of the whole ICS, polled to the end). */
const ONLY = process.env.JOINERY_BENCH_ONLY?.split(',').map((s) => s.trim());
const wanted = (part: string) => !ONLY || ONLY.includes(part);

async function benchDatabase(): Promise<{ db: Database; fresh: boolean; url: string; citus: boolean }> {
  // JOINERY_BENCH_DATABASE: another name, e.g. a copy (CREATE DATABASE … TEMPLATE) for a branch whose migrations the shared one must not get.
  const name = process.env.JOINERY_BENCH_DATABASE ?? `joinery_bench_${CHILDREN}${ICSS > 1 ? `_x${ICSS}` : ''}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('JOINERY_BENCH_DATABASE is a plain lower-case name.');
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  const reuse = exists && process.env.JOINERY_BENCH_REUSE === '1';
  const workers = await benchCitusWorkers(admin);
  if (exists && !reuse) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  if (!reuse) {
    if (workers.length) await dropCitusDatabase(SERVER, name, workers);
    await admin.query(`CREATE DATABASE ${name}`);
    if (workers.length) await makeCitusDatabase(SERVER, name, workers);
  }
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  // JOINERY_BENCH_POOL: the app's connections, to compare pool sizes (the app's default otherwise).
  const db = await connectServer(url.toString(), process.env.JOINERY_BENCH_POOL ? Number(process.env.JOINERY_BENCH_POOL) : undefined);
  await migrate(db);
  // A reused database has its tables placed already, and a second run changes nothing.
  if (workers.length) console.log(`Citus: ${workers.length} workers; ${(await distribute(db)).tenantTables} tables distributed by ics_id\n`);
  return { db, fresh: !reuse, url: url.toString(), citus: workers.length > 0 };
}

async function main() {
  console.log(`Joinery benchmark: ${ICSS > 1 ? `${ICSS} ICSs of ` : ''}${CHILDREN.toLocaleString('en-GB')} children on PostgreSQL server (${new URL(SERVER).host})\n`);
  const { db, fresh, url, citus } = await benchDatabase();
  const atStart = await shardCounts(db);

  // The measured ICS is the first; each other is generated as it is, with its own seed, name and sign-ins.
  for (let k = 1; fresh && k <= ICSS; k++) {
    const stopMemory = trackPeakMemory();
    const result = await generateIcs(db, {
      children: CHILDREN, seed: SEED + k - 1, icsName: k === 1 ? 'Bench ICS' : `Bench ICS ${k}`, demoEmailDomain: k === 1 ? 'bench.joinery.test' : `bench-${k}.joinery.test`,
      demoPasswordHash: await hashPassword(PASSWORD), onProgress: progressBar('Generating'),
      // A child health hub in a fifth of the hubs from April 2023, so the evaluation has something true to find.
      // (A small ICS has one cluster, which must stay the comparator: no model then.)
      intervention: clusterCountFor(CHILDREN) < 2 ? undefined
        : { model: 'child-health-hub', clusters: Math.max(1, Math.round(clusterCountFor(CHILDREN) / 5)), start: '2023-04', rampMonths: DEFAULT_RAMP_MONTHS, effects: { ...DEFAULT_EFFECTS } },
    });
    const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
    console.log(`Generation: ${result.seconds.toFixed(1)} s, ${total.toLocaleString('en-GB')} rows, ` +
      `${Math.round(total / result.seconds).toLocaleString('en-GB')} rows/s, ${Math.round(CHILDREN / result.seconds).toLocaleString('en-GB')} children/s, peak RSS ${stopMemory()} MiB` +
      ` (rollups ${result.rollupSeconds.toFixed(1)} s of it)`);
    if (k === 1) for (const [table, n] of Object.entries(result.counts)) console.log(`  ${table.padEnd(24)} ${n.toLocaleString('en-GB')}`);
    // Where the time went: the children's writes overlap their generation, so their lines add up to more than the phase.
    if (k === 1) for (const [phase, seconds] of Object.entries(result.phases)) if (seconds >= 0.05) console.log(`  ${phase.padEnd(40)} ${seconds.toFixed(1)} s`);
  }
  if (fresh) {
    // As autovacuum would after a bulk load: statistics, and the visibility map that index-only scans need.
    await vacuumAnalyze(db, citus);
  } else {
    console.log('Generation: reused the existing bench database (JOINERY_BENCH_REUSE=1)');
  }

  const [gp] = await rows<{ ics_id: string; id: string; name: string; email: string; organisation_id: string; organisation_name: string }>(
    db.owner,
    sql`SELECT p.ics_id, p.id, p.name, p.email, p.organisation_id, o.name AS organisation_name FROM professional p
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id WHERE p.email = 'gp@bench.joinery.test'`,
  );
  const actor: Actor = { icsId: gp.ics_id, professionalId: gp.id, name: gp.name, email: gp.email, role: 'gp', organisationId: gp.organisation_id, organisationName: gp.organisation_name };
  // About a thousand of the ICS's children: 1% of the pages of a large one, every page of a small one.
  const samplePercent = Math.min(100, Math.max(1, 200_000 / CHILDREN));
  const sample = await rows<{ id: string; nhs_number: string; family_name: string }>(
    db.owner, sql`SELECT id, nhs_number, family_name FROM child TABLESAMPLE SYSTEM (${sql.raw(String(samplePercent))}) WHERE ics_id = ${actor.icsId}::uuid LIMIT 1000`,
  );
  const [{ n: childCount }] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM child`);
  console.log(`\nData: ${childCount.toLocaleString('en-GB')} children in the database\n`);
  const measured = await shardCounts(db);
  if (atStart && measured && fresh) console.log(`${shardShareWords('Citus: generating the ICSs', atStart, measured)}\n`);

  const time = (criteria: ChildCriteria[]) => timeEach(criteria.length, (i) => db.tenant(actor.icsId, (tx) => findChildren(tx, actor, criteria[i])));
  const config = loadConfig({ JOINERY_DEMO_PASSWORD: PASSWORD, JOINERY_SESSION_IDLE_MINUTES: '60' });
  const app = await buildJoinery({ db, config });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  if (wanted('spine')) {
    const byNhs = await time(sample.map((c) => ({ by: 'nhs-number', nhsNumber: c.nhs_number })));
    const byName = await time(sample.map((c) => ({ by: 'name', words: [c.family_name.slice(0, 3)] })));
    console.log(summarise('find a child by NHS number (service + audit)', byNhs));
    console.log(summarise('find a child by surname prefix (3 letters)', byName));

    // The summary page under load, through HTTP, as the GP looking at their own patients.
    const client = await new TestClient(app).signIn('gp@bench.joinery.test', PASSWORD);
    const patients = await rows<{ id: string }>(db.owner, sql`SELECT id FROM child WHERE ics_id = ${actor.icsId}::uuid AND registered_practice_id = ${actor.organisationId}::uuid`);
    let i = 0;
    // Warm up as the FHIR lines do (each pooled connection prepares and plans its statements), so the figure is the steady state.
    await measureLoad(db, 'warm-up', { baseUrl, headers: { cookie: client.cookieHeader }, connections: 20, seconds: 2, paths: () => `/children/${patients[i++ % patients.length].id}` });
    await underLoad(`child summary page (${patients.length} patients)`, { db, target: { perSecond: 300, p95: 100 }, data: await dataSize(db), baseUrl, client, seconds: LOAD_SECONDS, paths: () => `/children/${patients[i++ % patients.length].id}` });
  }
  if (wanted('fhir')) await fhirLoadBench(db, { baseUrl, icsId: actor.icsId, seconds: LOAD_SECONDS });
  if (wanted('fhir-import')) await fhirImportBench(db, { url, icsId: actor.icsId });
  if (wanted('fhir-export')) await fhirExportBench(db, { baseUrl, icsId: actor.icsId });
  if (wanted('record')) await recordBench(db, app, { url, baseUrl, icsId: actor.icsId, gpEmail: 'gp@bench.joinery.test', password: PASSWORD, loadSeconds: LOAD_SECONDS });
  if (wanted('care')) await carePlanBench(db, app, { baseUrl, icsId: actor.icsId, password: PASSWORD, loadSeconds: LOAD_SECONDS });
  if (wanted('activity')) await activityBench(db, app, { icsId: actor.icsId, password: PASSWORD });
  if (wanted('referrals')) await referralBench(db, app, { baseUrl, icsId: actor.icsId, password: PASSWORD, loadSeconds: LOAD_SECONDS });
  if (wanted('population')) await populationBench(db, app, { icsId: actor.icsId, password: PASSWORD });
  if (wanted('import')) await activityImportBench({ url, icsId: actor.icsId, rows: Math.min(1_000_000, CHILDREN * 2) });
  if (wanted('evaluation')) await evaluationBench();
  if (wanted('pews')) await pewsBench();
  if (wanted('ward')) await virtualWardBench(db, actor.icsId);
  const atEnd = await shardCounts(db);
  if (measured && atEnd) console.log(`\n${shardShareWords('Citus: the benches above', measured, atEnd)}`);
  await app.close();
  await db.close();
}

await main();
