import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { rows, type Database } from './client.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

type Journal = { entries: { idx: number; tag: string }[] };

function journal(): Journal {
  return JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as Journal;
}

/** Applies the committed SQL migrations (same files on PGlite and the server). */
export async function migrate(db: Database): Promise<string> {
  if (db.kind === 'pglite') {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(db.owner as never, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
    // Two processes starting at once must not both migrate.
    await db.owner.execute(sql`SELECT pg_advisory_lock(4242001)`);
    try {
      await run(db.owner as never, { migrationsFolder: MIGRATIONS_DIR });
    } finally {
      await db.owner.execute(sql`SELECT pg_advisory_unlock(4242001)`);
    }
  }
  return migrationVersion(db);
}

/** The tag of the last applied migration, e.g. "0001_tenancy", or "none". */
export async function migrationVersion(db: Database): Promise<string> {
  const applied = await rows<{ n: number }>(
    db.owner,
    sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
  ).catch(() => [{ n: 0 }]);
  const n = applied[0]?.n ?? 0;
  return n === 0 ? 'none' : (journal().entries[n - 1]?.tag ?? `unknown-${n}`);
}
