import fs from 'node:fs';
import type { Config } from '../config.js';
import { makeDatabase, type Database, type Tx } from './client.js';
import * as schema from './schema.js';

/** Opens the configured database: a PostgreSQL server when DATABASE_URL is set, otherwise embedded PGlite. */
export async function connect(config: Pick<Config, 'databaseUrl' | 'dataDir'>, opts: { memory?: boolean } = {}): Promise<Database> {
  if (config.databaseUrl) return connectServer(config.databaseUrl);
  return connectEmbedded(opts.memory ? undefined : config.dataDir);
}

export async function connectServer(url: string, poolSize = 10): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  // Dates stay as strings: a date of birth has no time zone.
  pg.types.setTypeParser(1082, (v: string) => v);
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined);
  const orm = drizzle(pool, { schema }) as unknown as Tx;
  return makeDatabase('postgres', orm, () => pool.end());
}

export async function connectEmbedded(dataDir: string | undefined): Promise<Database> {
  const { PGlite, types } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir, { parsers: { [types.DATE]: (v: string) => v } });
  await client.waitReady;
  const orm = drizzle(client, { schema }) as unknown as Tx;
  return makeDatabase('pglite', orm, () => client.close());
}
