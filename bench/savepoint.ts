/**
 * What the refusal savepoint costs every tenant transaction (decision record
 * 0008): `npx tsx bench/savepoint.ts`. Times a one-statement transaction as
 * joinery_app without the savepoint and through Database.tenant (with it), on
 * in-memory PGlite and on the test PostgreSQL server.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { connectEmbedded, connectServer } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import { asApp, type Database, type Tx } from '../src/platform/db/client.js';

const SERVER = process.env.JOINERY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = 1500;

async function measure(db: Database, label: string) {
  const ics = crypto.randomUUID();
  const without = () => db.owner.transaction((tx) => asApp(tx as unknown as Tx, ics, (t) => t.execute(sql`SELECT 1`)));
  const withSavepoint = () => db.tenant(ics, (t) => t.execute(sql`SELECT 1`));
  for (let i = 0; i < 200; i++) {
    await without();
    await withSavepoint();
  }
  const times: Record<'without' | 'with', number[]> = { without: [], with: [] };
  // Rounds alternate, so a busy machine slows both alike.
  for (let round = 0; round < 5; round++) {
    for (const [name, fn] of [['without', without], ['with', withSavepoint]] as const) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) await fn();
      times[name].push(Number(process.hrtime.bigint() - t0) / 1e3 / N);
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[2];
  const [a, b] = [median(times.without), median(times.with)];
  console.log(`${label}: ${a.toFixed(0)} µs per transaction without the savepoint, ${b.toFixed(0)} µs with it (+${(b - a).toFixed(0)} µs), median of 5 rounds of ${N}`);
}

const lite = await connectEmbedded(undefined);
await migrate(lite);
await measure(lite, 'PGlite');
await lite.close();

const admin = new pg.Client({ connectionString: SERVER });
await admin.connect();
const name = `joinery_savepoint_${crypto.randomBytes(4).toString('hex')}`;
await admin.query(`CREATE DATABASE ${name}`);
try {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const server = await connectServer(url.toString(), 2);
  await migrate(server);
  await measure(server, 'PostgreSQL');
  await server.close();
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
