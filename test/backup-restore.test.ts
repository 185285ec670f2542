import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { connectEmbedded, connectServer } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import { rows, type Database } from '../src/platform/db/client.js';
import { serverReachable, TEST_SERVER_URL } from './database.js';
import { runCli } from './run-cli.js';

/**
 * `joinery backup` and `joinery restore` as an operator uses them: a backup of
 * an embedded folder restores into a fresh folder, a fresh server database, and
 * through psql, with the same rows in every table.
 */

/** Row count and a checksum of every table: what a restore must reproduce exactly. */
async function fingerprint(db: Database): Promise<Record<string, string>> {
  const tables = await rows<{ name: string }>(db.owner, sql`SELECT relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY relname`);
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const [r] = await rows<{ n: number; sum: string }>(db.owner, sql.raw(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY md5(t::text)), '')) AS sum FROM public."${name}" t`));
    result[name] = `${r.n} ${r.sum}`;
  }
  return result;
}

async function folderFingerprint(dataDir: string) {
  const db = await connectEmbedded(dataDir);
  try {
    return await fingerprint(db);
  } finally {
    await db.close();
  }
}

/** A new empty database on the test server, dropped at the end. */
const made: string[] = [];
async function serverDatabase(): Promise<string> {
  const name = `joinery_backup_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  made.push(name);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

describe('joinery backup and restore', { timeout: 600_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-backup-'));
  const source = path.join(tmp, 'source');
  const file = path.join(tmp, 'joinery.sql');
  const env = { ...process.env };
  let original: Record<string, string>;
  const useFolder = (dir: string) => {
    process.env.JOINERY_DATA_DIR = dir;
    delete process.env.DATABASE_URL;
  };

  beforeAll(async () => {
    useFolder(source);
    expect((await runCli(['synth', '--children', '100', '--seed', '7', '--ics', 'Backup ICS'])).code).toBe(0);
    expect((await runCli(['client', 'add', '--name', 'Riverside feed', '--scopes', 'system/*.rs'])).code).toBe(0);
    // Text that COPY's format must escape, and JSON, survive the trip.
    const db = await connectEmbedded(source);
    await db.owner.execute(sql`INSERT INTO audit_event (ics_id, action, what, details)
      SELECT id, 'test.escaping', ${'tab\there, new\nline, back\\slash \\N, quote \' and "Zoë"'}, ${JSON.stringify({ note: 'line\nbreak', n: 1.5 })}::jsonb FROM ics`);
    original = await fingerprint(db);
    await db.close();
  });
  afterAll(async () => {
    process.env = env;
    fs.rmSync(tmp, { recursive: true, force: true });
    if (made.length) {
      const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
      await admin.connect();
      for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('backs up an embedded folder and restores it into a fresh folder with every table the same', async () => {
    const made = await runCli(['backup', file]);
    expect(made).toMatchObject({ code: 0, output: expect.stringMatching(/^Backed up [\d,]+ rows from \d+ tables \(pglite, migration \d{4}_/) });
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^-- Joinery backup, format 1\n-- Migration: \d{4}_/);
    expect(await runCli(['backup', file])).toMatchObject({ code: 2, output: expect.stringContaining('already exists') });

    const copy = path.join(tmp, 'copy');
    useFolder(copy);
    expect(await runCli(['restore', file])).toMatchObject({ code: 0, output: expect.stringContaining('Restored') });
    const restored = await folderFingerprint(copy);
    expect(Object.keys(restored).length).toBeGreaterThan(20);
    expect(restored).toEqual(original);
    expect(Number(restored.child.split(' ')[0])).toBe(100);
  });

  it('refuses to restore over data unless told to replace it, and then replaces it', async () => {
    const copy = path.join(tmp, 'copy');
    useFolder(copy);
    const db = await connectEmbedded(copy);
    await db.owner.execute(sql`DELETE FROM fhir_token`);
    await db.owner.execute(sql`UPDATE fhir_client SET name = 'Changed after the backup'`);
    await db.close();
    expect(await runCli(['restore', file])).toMatchObject({ code: 1, output: expect.stringContaining('already holds data') });
    expect((await folderFingerprint(copy)).fhir_client).not.toEqual(original.fhir_client);
    expect((await runCli(['restore', file, '--replace'])).code).toBe(0);
    expect(await folderFingerprint(copy)).toEqual(original);
  });

  it('refuses a file that is not a backup, or is cut short, and changes nothing', async () => {
    useFolder(path.join(tmp, 'copy'));
    const notBackup = path.join(tmp, 'notes.sql');
    fs.writeFileSync(notBackup, 'DROP TABLE child;\n');
    expect(await runCli(['restore', notBackup, '--replace'])).toMatchObject({ code: 1, output: expect.stringContaining('is not a Joinery backup') });
    const cut = path.join(tmp, 'cut.sql');
    const text = fs.readFileSync(file, 'utf8');
    const inChild = text.indexOf('COPY public."child"') + 400;
    fs.writeFileSync(cut, text.slice(0, text.lastIndexOf('\n', inChild) + 1));
    const betweenTables = path.join(tmp, 'cut-between.sql');
    fs.writeFileSync(betweenTables, text.slice(0, text.indexOf('COPY public."child"')));
    expect(await runCli(['restore', cut, '--replace'])).toMatchObject({ code: 1, output: expect.stringContaining('cut short') });
    expect(await runCli(['restore', betweenTables, '--replace'])).toMatchObject({ code: 1, output: expect.stringContaining('cut short') });
    expect(await folderFingerprint(path.join(tmp, 'copy'))).toEqual(original);
  });

  it('restores the same backup into a fresh PostgreSQL server database, and psql restores it too', async () => {
    if (!(await serverReachable())) return;
    process.env.DATABASE_URL = await serverDatabase();
    expect((await runCli(['restore', file])).code).toBe(0);
    const server = await connectServer(process.env.DATABASE_URL);
    expect(await fingerprint(server)).toEqual(original);
    await server.close();

    // By hand: migrate an empty database, then psql.
    const byHand = await serverDatabase();
    const db = await connectServer(byHand);
    await migrate(db);
    execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', byHand, '-f', file], { stdio: 'pipe' });
    expect(await fingerprint(db)).toEqual(original);
    await db.close();

    // And the server's own backup restores into a fresh folder.
    const serverFile = path.join(tmp, 'server.sql');
    expect((await runCli(['backup', serverFile])).output).toContain('(postgres, migration');
    useFolder(path.join(tmp, 'from-server'));
    expect((await runCli(['restore', serverFile])).code).toBe(0);
    expect(await folderFingerprint(path.join(tmp, 'from-server'))).toEqual(original);
  });
});
