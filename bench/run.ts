/**
 * npm run bench: the platform spine's figures on the PostgreSQL server.
 * Generates (or reuses) a large synthetic ICS, then times find-a-child and the
 * child summary page under load. Prints figures with the data size.
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

const CHILDREN = Number(process.env.JOINERY_BENCH_CHILDREN ?? 500_000);
const SEED = 500;
const PASSWORD = 'bench-password-1';
const SERVER = process.env.JOINERY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LOAD_SECONDS = Number(process.env.JOINERY_BENCH_SECONDS ?? 30);
/** Some of the benches only (e.g. JOINERY_BENCH_ONLY=referrals,activity on a reused database): spine, record, care, activity, referrals, population, import, evaluation, pews, ward, fhir (the API under autocannon), fhir-import (NDJSON import against raw COPY), fhir-export (Bulk Data Patient/$export of the whole ICS, polled to the end). */
const ONLY = process.env.JOINERY_BENCH_ONLY?.split(',').map((s) => s.trim());
const wanted = (part: string) => !ONLY || ONLY.includes(part);

async function benchDatabase(): Promise<{ db: Database; fresh: boolean; url: string }> {
  // JOINERY_BENCH_DATABASE: another name, e.g. a copy (CREATE DATABASE … TEMPLATE) for a branch whose migrations the shared one must not get.
  const name = process.env.JOINERY_BENCH_DATABASE ?? `joinery_bench_${CHILDREN}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('JOINERY_BENCH_DATABASE is a plain lower-case name.');
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  const reuse = exists && process.env.JOINERY_BENCH_REUSE === '1';
  if (exists && !reuse) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  if (!reuse) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  // JOINERY_BENCH_POOL: the app's connections, to compare pool sizes (the app's default otherwise).
  const db = await connectServer(url.toString(), process.env.JOINERY_BENCH_POOL ? Number(process.env.JOINERY_BENCH_POOL) : undefined);
  await migrate(db);
  return { db, fresh: !reuse, url: url.toString() };
}

async function main() {
  console.log(`Joinery benchmark: ${CHILDREN.toLocaleString('en-GB')} children on PostgreSQL server (${new URL(SERVER).host})\n`);
  const { db, fresh, url } = await benchDatabase();

  if (fresh) {
    const stopMemory = trackPeakMemory();
    const result = await generateIcs(db, {
      children: CHILDREN, seed: SEED, icsName: 'Bench ICS', demoEmailDomain: 'bench.joinery.test',
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
    for (const [table, n] of Object.entries(result.counts)) console.log(`  ${table.padEnd(24)} ${n.toLocaleString('en-GB')}`);
    // As autovacuum would after a bulk load: statistics, and the visibility map that index-only scans need.
    await db.owner.execute(sql`VACUUM ANALYZE`);
  } else {
    console.log('Generation: reused the existing bench database (JOINERY_BENCH_REUSE=1)');
  }

  const [gp] = await rows<{ ics_id: string; id: string; name: string; email: string; organisation_id: string; organisation_name: string }>(
    db.owner,
    sql`SELECT p.ics_id, p.id, p.name, p.email, p.organisation_id, o.name AS organisation_name FROM professional p
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id WHERE p.email = 'gp@bench.joinery.test'`,
  );
  const actor: Actor = { icsId: gp.ics_id, professionalId: gp.id, name: gp.name, email: gp.email, role: 'gp', organisationId: gp.organisation_id, organisationName: gp.organisation_name };
  const sample = await rows<{ id: string; nhs_number: string; family_name: string }>(
    db.owner, sql`SELECT id, nhs_number, family_name FROM child TABLESAMPLE SYSTEM (1) LIMIT 1000`,
  );
  const [{ n: childCount }] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM child`);
  console.log(`\nData: ${childCount.toLocaleString('en-GB')} children in the database\n`);

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
    const patients = await rows<{ id: string }>(db.owner, sql`SELECT id FROM child WHERE registered_practice_id = ${actor.organisationId}::uuid`);
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
  await app.close();
  await db.close();
}

await main();
