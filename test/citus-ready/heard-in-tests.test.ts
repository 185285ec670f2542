import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { writeWithNext, type Database } from '../../src/platform/db/client.js';
import { databaseKinds, freshDatabase } from '../database.js';
import { CITUS_WORKERS } from '../citus.js';
import { askedByApp, citusQueryProblems, hearStatements, type HeardStatement } from './queries.js';
import { appSqlProblems } from './heard-in-tests.js';

// The query check's hearing: what it takes as the app's SQL, and the statements it once could not hear.

const file = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));
const stack = (...files: string[]) => ['Error', ...files.map((f, i) => `    at f${i} (${file(f)}:${10 + i}:5)`)].join('\n');

describe('telling the app’s SQL from a test’s own', () => {
  it('takes a statement as the app’s when the nearest frame of Joinery’s code is in src/, the database client aside', () => {
    expect(askedByApp(stack('src/platform/db/client.ts', 'src/feedback/store.ts', 'src/feedback/feedback.test.ts'))).toBe(true);
    expect(askedByApp(stack('src/platform/db/connect.ts', 'src/fhir/clients.ts'))).toBe(true);
  });

  it('leaves out SQL a test sends itself, from a test file, a test’s set-up or the test helpers', () => {
    expect(askedByApp(stack('src/platform/db/client.ts', 'src/feedback/feedback.test.ts', 'src/feedback/store.ts'))).toBe(false);
    expect(askedByApp(stack('src/fhir/test-setup.ts', 'src/fhir/clients.ts'))).toBe(false);
    expect(askedByApp(stack('test/joinery.ts'))).toBe(false);
    expect(askedByApp('Error\n    at somewhere (node:internal/process:1:1)')).toBe(false);
  });
});

// Not on a Citus coordinator (decision 0029): its EXPLAIN is Citus's plan, not PostgreSQL's.
const kinds = (await databaseKinds()).filter((k) => k === 'postgres' && !CITUS_WORKERS.length);
const ICS = crypto.randomUUID();

describe.each(kinds)('the app’s statements heard in tests, read as Citus would take them, on %s', () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase('postgres');
  });
  afterAll(() => db?.close());

  const heardFrom = (by: string, text: string, values: unknown[]) =>
    new Map<string, HeardStatement>([[text, { text, values, by, sources: new Set(['a test']) }]]);

  it('finds a tenant query without ics_id = the tenant sent by app code, and passes it mended', async () => {
    const byStore = stack('src/platform/db/client.ts', 'src/feedback/store.ts');
    // The feedback link's lookup by its token's hash as it was: every shard on Citus.
    expect(await appSqlProblems(db, ICS, heardFrom(byStore, 'SELECT id FROM feedback_link WHERE token_hash = $1', ['abc']))).toEqual([
      expect.stringMatching(/^reads feedback_link without ics_id = the tenant \(Citus would read every shard\)\n {2}SQL: SELECT id FROM feedback_link/),
    ]);
    expect(await appSqlProblems(db, ICS, heardFrom(byStore, 'SELECT id FROM feedback_link WHERE ics_id = $1 AND token_hash = $2', [ICS, 'abc']))).toEqual([]);
  });

  it('does not hold a test’s own SQL to the rule', async () => {
    const byTest = stack('src/platform/db/client.ts', 'src/feedback/feedback.test.ts');
    expect(await appSqlProblems(db, ICS, heardFrom(byTest, 'SELECT id FROM feedback_link WHERE token_hash = $1', ['abc']))).toEqual([]);
  });

  it('hears the statements that open a transaction and find its tenant, and those written with the next statement', async () => {
    // Both once went to the server without passing the hearing: the FHIR client's row read with the token's lookup was unseen.
    const finding = `SELECT id FROM child WHERE id = '${crypto.randomUUID()}'::uuid`;
    const late = `INSERT INTO care_plan_goal (ics_id, id, plan_id, agency, goal, measure, position) VALUES ('${ICS}'::uuid, '${crypto.randomUUID()}'::uuid, '${crypto.randomUUID()}'::uuid, 'GP', 'Walk', 'Steps', (SELECT 1))`;
    const heard = await hearStatements(async () => {
      await db.tenantFoundBy([finding], async () => undefined);
      // Rolled back before the late write is sent: it is heard as it is handed over.
      await expect(db.tenant(ICS, async (tx) => {
        await writeWithNext(tx, sql.raw(late));
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
    });
    expect([...heard.keys()]).toEqual(expect.arrayContaining([finding, late]));
    expect((await citusQueryProblems(db, ICS, new Map([[finding, heard.get(finding)!]]))).flatMap((p) => p.faults))
      .toEqual(['reads child without ics_id = the tenant (Citus would read every shard)']);
    expect((await citusQueryProblems(db, ICS, new Map([[late, heard.get(late)!]]))).flatMap((p) => p.faults))
      .toEqual([expect.stringMatching(/^inserts into care_plan_goal VALUES with a subquery among them/)]);
  });
});
