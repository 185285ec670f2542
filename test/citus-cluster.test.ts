import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import { connectServer } from '../src/platform/db/connect.js';
import { migrate } from '../src/platform/db/migrate.js';
import { COLOCATION_ANCHOR, DIRECTORY_TABLES, LOCAL_TABLES, REFERENCE_PLACED } from '../src/platform/db/citus-placement.js';
import { generateIcs } from '../src/synth/generate.js';
import { runCli } from './run-cli.js';

/**
 * Joinery on a real Citus cluster (decision 0029). CI has no Citus, so this
 * file runs only when JOINERY_CITUS_URL names a database on a Citus
 * coordinator with its workers added; everywhere else it is skipped, and the
 * same behaviour off Citus is covered by test/cli-distribute.test.ts,
 * test/tenancy.test.ts and src/platform/db/transactions.test.ts.
 */
const CITUS_URL = process.env.JOINERY_CITUS_URL;

describe.skipIf(!CITUS_URL)('on a Citus cluster (only when JOINERY_CITUS_URL is set)', { timeout: 600_000 }, () => {
  let db: Database;
  const env = { ...process.env };
  const run = crypto.randomBytes(3).toString('hex');
  const icsIds: string[] = [];

  beforeAll(async () => {
    db = await connectServer(CITUS_URL!);
    await migrate(db);
    process.env.DATABASE_URL = CITUS_URL;
  });
  afterAll(async () => {
    process.env = env;
    await db?.close();
  });

  it('joinery distribute places every tenant table by ics_id colocated with child, the national tables and the sign-in directory as reference tables, keeps every foreign key, and a second run changes nothing', async () => {
    // The tables' own keys: with the coordinator among the nodes, it holds the reference tables' shards, whose keys are Citus's copies.
    const foreignKeys = () => rows<{ name: string }>(db.owner, sql`SELECT conname AS name FROM pg_constraint c WHERE contype = 'f' AND connamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_dist_shard s WHERE c.conrelid::regclass::text = s.logicalrelid::regclass::text || '_' || s.shardid) ORDER BY 1`);
    const before = await foreignKeys();
    const first = await runCli(['distribute']);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/^Citus 13\.2-\d+, 2 workers: \d+ tables distributed by ics_id, 5 reference tables\./);
    expect(await foreignKeys()).toEqual(before);
    const again = await runCli(['distribute']);
    expect(again).toMatchObject({ code: 0, output: expect.stringContaining('Already distributed: nothing changed.') });

    const placed = await rows<{ table: string; method: string; colocated: boolean; tenant: boolean }>(db.owner, sql`
      SELECT c.relname AS table, p.partmethod AS method,
             p.colocationid = (SELECT colocationid FROM pg_dist_partition WHERE logicalrelid = ${COLOCATION_ANCHOR}::regclass) AS colocated,
             EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'ics_id') AS tenant
        FROM pg_class c LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`);
    const reference = placed.filter((p) => REFERENCE_PLACED.includes(p.table));
    expect(reference.map((p) => [p.table, p.method]).sort()).toEqual([['ics', 'n'], ['organisation', 'n'], ['place', 'n'], ['professional', 'n'], ['sign_in_directory', 'n']]);
    const tenant = placed.filter((p) => p.tenant && !REFERENCE_PLACED.includes(p.table) && !(p.table in LOCAL_TABLES));
    expect(tenant.length).toBeGreaterThan(40);
    expect(tenant.filter((p) => p.method !== 'h' || !p.colocated).map((p) => p.table)).toEqual([]);
    // Sessions and FHIR tokens are the ICS's own rows, found by the ICS their token names (decision 0034).
    expect(tenant.map((p) => p.table)).toEqual(expect.arrayContaining(['session', 'fhir_token']));
    // Each directory's table points at it on every node.
    for (const { of } of Object.values(DIRECTORY_TABLES)) expect(placed.find((p) => p.table === of)?.method).toMatch(/^[hn]$/);
    // The sign-in attempts, CIS2 and NHS login hand-overs, family sessions and scheduled-job tables stay on the coordinator, outside Citus's metadata.
    expect(placed.filter((p) => p.table in LOCAL_TABLES && p.method !== null).map((p) => p.table)).toEqual([]);
  });

  it('generates two ICSs through the coordinator: the reference tables are written after statements on many shards in one transaction', async () => {
    for (const seed of [1, 2]) {
      const made = await generateIcs(db, { children: 100, seed, icsName: `Citus ${run} ${seed}`, demoEmailDomain: `citus-${run}-${seed}.joinery.test`, demoPasswordHash: 'unused', today: '2026-11-23' });
      icsIds.push(made.icsId);
      expect(made.counts.child).toBe(100);
    }
  });

  it('each ICS sees only its own children through the coordinator (the tenant reaches the workers), and no tenant sees none', async () => {
    for (const icsId of icsIds) {
      const seen = await db.tenant(icsId, (tx) => rows<{ ics_id: string; n: number }>(tx, sql`SELECT ics_id, count(*)::int AS n FROM child GROUP BY ics_id`));
      expect(seen).toEqual([{ ics_id: icsId, n: 100 }]);
    }
    const [{ n }] = await db.platform((tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM child`));
    expect(n).toBe(0);
  });

  it('an email finds its ICS in the directory on one node, and a session is found on one shard of its ICS', async () => {
    const [icsId] = icsIds;
    const plan = async (icsOrNull: string | null, query: ReturnType<typeof sql>) => {
      const explain = sql`EXPLAIN ${query}`;
      const found = icsOrNull
        ? await db.tenant(icsOrNull, (tx) => rows<{ 'QUERY PLAN': string }>(tx, explain))
        : await rows<{ 'QUERY PLAN': string }>(db.owner, explain);
      return found.map((p) => p['QUERY PLAN']).join('\n');
    };
    const [entry] = await rows<{ email: string }>(db.owner, sql`SELECT email FROM sign_in_directory WHERE ics_id = ${icsId} LIMIT 1`);
    expect(await plan(null, sql`SELECT ics_id FROM sign_in_directory WHERE email = ${entry.email}`)).toMatch(/Task Count: 1\b/);
    expect(await plan(icsId, sql`SELECT * FROM session WHERE ics_id = ${icsId} AND token_hash = ${'0'.repeat(64)}`)).toMatch(/Task Count: 1\b/);
  });

  it('a query for one child of one ICS goes to one shard', async () => {
    const [icsId] = icsIds;
    const [child] = await db.tenant(icsId, (tx) => rows<{ id: string }>(tx, sql`SELECT id FROM child WHERE ics_id = ${icsId} LIMIT 1`));
    const plan = await db.tenant(icsId, (tx) => rows<{ 'QUERY PLAN': string }>(tx, sql`EXPLAIN SELECT * FROM child WHERE ics_id = ${icsId} AND id = ${child.id}`));
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toMatch(/Task Count: 1\b/);
  });
});
