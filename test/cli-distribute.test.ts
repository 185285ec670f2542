import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { freshDatabase, serverReachable, TEST_SERVER_URL } from './database.js';
import { inDataFolder, runCli } from './run-cli.js';

/** What distribute would change, read back to show a refusal changed nothing: foreign keys and whether the app role may log in. */
async function schemaFacts(db: Database) {
  return rows<{ foreign_keys: number; app_login: boolean }>(db.owner, sql`
    SELECT (SELECT count(*)::int FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype = 'f') AS foreign_keys,
           (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'joinery_app') AS app_login`);
}

/**
 * `joinery distribute` as an operator runs it on a database that is not a
 * Citus coordinator (CI has no Citus): it says why, exits 1 and changes
 * nothing. Its work on a real cluster is in test/citus-cluster.test.ts.
 */
describe('joinery distribute off Citus', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-distribute-'));
  const env = { ...process.env };
  beforeAll(() => inDataFolder(dataDir, (db) => migrate(db)));
  afterAll(() => {
    process.env = env;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes no arguments (exit 2)', async () => {
    expect(await runCli(['distribute', '--shards', '64'])).toMatchObject({ code: 2, output: expect.stringContaining('joinery distribute takes no arguments') });
  });

  it('refuses the embedded database, saying it cannot be distributed', async () => {
    process.env.JOINERY_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    const before = await inDataFolder(dataDir, schemaFacts);
    const { code, output } = await runCli(['distribute']);
    expect(code).toBe(1);
    expect(output).toContain('joinery distribute needs a Citus coordinator: this is the embedded database (PGlite)');
    expect(await inDataFolder(dataDir, schemaFacts)).toEqual(before);
  });

  it('refuses a plain PostgreSQL server, naming its version and what to do, and changes nothing', async () => {
    if (!(await serverReachable())) return;
    const db = await freshDatabase('postgres');
    try {
      const [{ name }] = await rows<{ name: string }>(db.owner, sql`SELECT current_database() AS name`);
      const url = new URL(TEST_SERVER_URL);
      url.pathname = `/${name}`;
      process.env.DATABASE_URL = url.toString();
      const before = await schemaFacts(db);
      expect(before[0].foreign_keys).toBeGreaterThan(50);
      const { code, output } = await runCli(['distribute']);
      expect(code).toBe(1);
      expect(output).toMatch(/this database \(PostgreSQL 1\d\.\d+.*\) has no citus extension\. Nothing was changed\./);
      expect(output).toContain('CREATE EXTENSION citus');
      expect(await schemaFacts(db)).toEqual(before);
    } finally {
      await db.close();
    }
  });
});
