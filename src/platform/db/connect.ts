import fs from 'node:fs';
import type { Config } from '../config.js';
import { makeDatabase, type Database, type Tx } from './client.js';
import { lockDataFolder } from './data-folder-lock.js';

/**
 * Where a command finds its database: the configuration, or (for a command the
 * running server carries out for the command line) the server's own open one.
 */
export type DatabaseConfig = Pick<Config, 'databaseUrl' | 'dataDir'> & { serving?: Database; command?: string };

/** Opens the configured database: a PostgreSQL server when DATABASE_URL is set, otherwise embedded PGlite. */
export async function connect(config: DatabaseConfig, opts: { memory?: boolean; command?: string } = {}): Promise<Database> {
  // The server's database stays open when the command is done with it.
  if (config.serving) return { ...config.serving, close: async () => undefined };
  if (config.databaseUrl) return connectServer(config.databaseUrl);
  return connectEmbedded(opts.memory ? undefined : config.dataDir, opts.command ?? config.command);
}

export async function connectServer(url: string, poolSize = 10): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  // Dates stay as strings: a date of birth has no time zone.
  pg.types.setTypeParser(1082, (v: string) => v);
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined);
  const orm = drizzle(pool) as unknown as Tx;
  return makeDatabase('postgres', orm, () => pool.end());
}

/** Opens PGlite in memory, or in dataDir once this process holds the folder's lock (released on close). */
export async function connectEmbedded(dataDir: string | undefined, command = 'command'): Promise<Database> {
  const { PGlite, types } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const lock = dataDir ? await lockDataFolder(dataDir, command) : undefined;
  try {
    const client = new PGlite(dataDir, { parsers: { [types.DATE]: (v: string) => v } });
    await client.waitReady;
    const orm = drizzle(client) as unknown as Tx;
    const db = makeDatabase('pglite', orm, async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    });
    return { ...db, lock };
  } catch (e) {
    lock?.release();
    throw e;
  }
}
