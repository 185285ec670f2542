import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, databaseError, type Database } from '../src/platform/db/client.js';
import { bulkInsert } from '../src/platform/db/bulk.js';
import { databaseKinds, freshDatabase } from './database.js';

const kinds = await databaseKinds();

/** The database's own refusal message, from under the driver's wrapper. */
const refusal = (p: Promise<unknown>) => p.then(() => 'no error', (e) => databaseError(e).message);

async function seedIcs(db: Database, code: string) {
  const icsId = crypto.randomUUID();
  const practice = crypto.randomUUID();
  const childId = crypto.randomUUID();
  await bulkInsert(db.owner, 'ics', [{ id: icsId, name: `ICS ${code}`, code, created_at: new Date().toISOString() }]);
  await bulkInsert(db.owner, 'organisation', [{ ics_id: icsId, id: practice, ods_code: `P${code}`, name: `Practice ${code}`, kind: 'gp-practice', created_at: new Date().toISOString() }]);
  await bulkInsert(db.owner, 'child', [{
    ics_id: icsId, id: childId, nhs_number: code === 'A' ? '9991234578' : '9991234586', given_name: 'Sam', family_name: `Child${code}`,
    date_of_birth: '2015-01-01', sex: 'female', ethnic_category: 'A', registered_practice_id: practice, created_at: new Date().toISOString(),
  }]);
  await db.owner.execute(sql`INSERT INTO audit_event (ics_id, child_id, action, what) VALUES (${icsId}::uuid, ${childId}::uuid, 'test', 'seed')`);
  return { icsId, practice, childId };
}

describe.each(kinds)('ICS tenancy with row-level security on %s', (kind) => {
  let db: Database;
  let a: Awaited<ReturnType<typeof seedIcs>>;
  let b: Awaited<ReturnType<typeof seedIcs>>;

  beforeAll(async () => {
    db = await freshDatabase(kind);
    a = await seedIcs(db, 'A');
    b = await seedIcs(db, 'B');
  });
  afterAll(() => db?.close());

  it('a query with no ICS filter sees only the current ICS’s rows, in every tenant table', async () => {
    const tables = await rows<{ table_name: string; column_name: string }>(
      db.owner,
      sql`SELECT c.relname AS table_name, CASE WHEN c.relname = 'ics' THEN 'id' ELSE 'ics_id' END AS column_name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['child', 'organisation', 'audit_event', 'professional', 'break_glass']));
    for (const t of tables) {
      const seen = await db.tenant(a.icsId, (tx) =>
        rows<{ tenant: string }>(tx, sql`SELECT DISTINCT ${sql.identifier(t.column_name)}::text AS tenant FROM ${sql.identifier(t.table_name)}`),
      );
      for (const s of seen) expect(s.tenant, `${t.table_name} leaked another ICS`).toBe(a.icsId);
    }
    const children = await db.tenant(a.icsId, (tx) => rows<{ id: string }>(tx, sql`SELECT id FROM child`));
    expect(children.map((c) => c.id)).toEqual([a.childId]);
  });

  it('every table but the sign-in ones (family sessions, sign-in attempts, NHS sign-ins under way) and the scheduled jobs’ is tenant-owned: RLS forced, ics_id leading the primary key (the sign-in directory’s is the email it keeps to one ICS)', async () => {
    const tables = await rows<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; first_key: string | null }>(
      db.owner,
      sql`SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                 (SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                   WHERE i.indrelid = c.oid AND i.indisprimary) AS first_key
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN ('sign_in_attempt', 'family_session', 'oidc_sign_in', 'scheduled_job', 'scheduled_job_run')`,
    );
    expect(tables.map((t) => t.relname)).toEqual(expect.arrayContaining(['session', 'professional', 'sign_in_directory']));
    const key: Record<string, string> = { ics: 'id', sign_in_directory: 'email' };
    for (const t of tables) {
      expect(t.relrowsecurity && t.relforcerowsecurity, `${t.relname} has RLS`).toBe(true);
      expect(t.first_key, `${t.relname} primary key`).toBe(key[t.relname] ?? 'ics_id');
    }
  });

  it('another ICS’s rows cannot be read by id, changed or deleted', async () => {
    await db.tenant(a.icsId, async (tx) => {
      expect(await rows(tx, sql`SELECT * FROM child WHERE id = ${b.childId}::uuid`)).toHaveLength(0);
      const updated = await rows(tx, sql`UPDATE child SET given_name = 'Hacked' WHERE id = ${b.childId}::uuid RETURNING id`);
      expect(updated).toHaveLength(0);
      const deleted = await rows(tx, sql`DELETE FROM child_flag WHERE ics_id = ${b.icsId}::uuid RETURNING id`);
      expect(deleted).toHaveLength(0);
    });
    const [still] = await rows<{ given_name: string }>(db.owner, sql`SELECT given_name FROM child WHERE id = ${b.childId}::uuid`);
    expect(still.given_name).toBe('Sam');
  });

  it('rows cannot be written into another ICS', async () => {
    const insert = db.tenant(a.icsId, (tx) =>
      tx.execute(sql`INSERT INTO organisation (ics_id, id, ods_code, name, kind) VALUES (${b.icsId}::uuid, gen_random_uuid(), 'X1', 'Sneaky', 'school')`),
    );
    expect(await refusal(insert)).toMatch(/row-level security/);
  });

  it('with no ICS set, the application sees no tenant rows at all', async () => {
    const found = await db.platform((tx) => rows(tx, sql`SELECT id FROM child`));
    expect(found).toHaveLength(0);
  });

  it('the audit trail is append-only for the application', async () => {
    expect(await refusal(db.tenant(a.icsId, (tx) => tx.execute(sql`UPDATE audit_event SET what = 'changed'`)))).toMatch(/permission denied/);
    expect(await refusal(db.tenant(a.icsId, (tx) => tx.execute(sql`DELETE FROM audit_event`)))).toMatch(/permission denied/);
    expect(await refusal(db.tenant(a.icsId, (tx) => tx.execute(sql`TRUNCATE audit_event`)))).toMatch(/permission denied/);
    const [n] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM audit_event WHERE what = 'seed'`);
    expect(n.n).toBe(2);
  });

  it('requests run as the non-superuser application role', async () => {
    const [me] = await db.tenant(a.icsId, (tx) => rows<{ u: string; su: string }>(tx, sql`SELECT current_user AS u, current_setting('is_superuser') AS su`));
    expect(me).toEqual({ u: 'joinery_app', su: 'off' });
  });
});
