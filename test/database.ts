import crypto from 'node:crypto';
import pg from 'pg';
import { connectEmbedded, connectServer } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import { registerChildAccess } from '../src/relationships.js';
import { distribute } from '../src/platform/db/distribute.js';
import { CITUS_WORKERS, copyCitusTemplate, dropCitusDatabase } from './citus.js';
import type { Database, DatabaseKind } from '../src/platform/db/client.js';

/** The PostgreSQL server tests use when it is reachable (CI and this machine have one). */
export const TEST_SERVER_URL = process.env.JOINERY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;

export function serverReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      console.warn(`[joinery tests] No PostgreSQL server at ${TEST_SERVER_URL.replace(/\/\/[^@]*@/, '//')}: running on embedded PGlite only.`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/** The database kinds this run covers: always PGlite, and the server when reachable. */
export async function databaseKinds(): Promise<DatabaseKind[]> {
  return (await serverReachable()) ? ['pglite', 'postgres'] : ['pglite'];
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database of the given kind: in-memory PGlite, or a new
 * database on the server that is dropped on close, so test files never share state.
 */
export async function freshDatabase(kind: DatabaseKind): Promise<Database> {
  // Services opened on this database find children and relationships as the app does.
  registerChildAccess();
  if (kind === 'pglite') {
    const db = await connectEmbedded(undefined);
    await migrate(db);
    return db;
  }
  const name = `joinery_test_${crypto.randomBytes(6).toString('hex')}`;
  if (CITUS_WORKERS.length) await copyCitusTemplate(TEST_SERVER_URL, name, migratedAndDistributed);
  else await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  const db = await connectServer(url.toString());
  await migrate(db);
  // On a cluster the copy is already placed; a second distribute changes nothing, unless a table is new.
  if (CITUS_WORKERS.length) await distribute(db);
  const close = db.close;
  db.close = async () => {
    await close();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    if (CITUS_WORKERS.length) await dropCitusDatabase(TEST_SERVER_URL, name);
  };
  return db;
}

/** The Citus template's contents: every migration, then every table placed (decision 0029). */
async function migratedAndDistributed(url: string): Promise<void> {
  const db = await connectServer(url);
  try {
    await migrate(db);
    await distribute(db);
  } finally {
    await db.close();
  }
}
