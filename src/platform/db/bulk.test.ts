import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, databaseError, type Database } from './client.js';
import { bulkInsert } from './bulk.js';
import { databaseKinds, freshDatabase } from '../../../test/database.js';

const kinds = await databaseKinds();

describe.each(kinds)('inserting many rows at once as multi-row VALUES, on %s', (kind) => {
  let db: Database;
  const icsId = crypto.randomUUID();
  beforeAll(async () => {
    db = await freshDatabase(kind);
    await db.owner.execute(sql`CREATE TABLE bulk_probe (
      n int PRIMARY KEY, note text, details jsonb, themes text[], on_day date, at timestamptz, done boolean, score numeric(5, 2))`);
    await bulkInsert(db.owner, 'ics', [{ id: icsId, name: 'Bulk ICS', code: 'BLK', created_at: new Date().toISOString() }]);
  });
  afterAll(() => db?.close());

  it('keeps each value as its column types it: text, JSON objects and arrays, text arrays, dates, times, booleans, numbers and NULL', async () => {
    await bulkInsert(db.owner, 'bulk_probe', [
      { n: 1, note: "O'Neill said \"hi\"", details: { given: ['a', 'b'], dose: 2.5 }, themes: ['sleep', 'school, "home"'], on_day: '2026-01-31', at: new Date('2026-02-01T09:30:00Z'), done: true, score: 12.25 },
      { n: 2, note: null, details: ['x', 1], themes: [], on_day: null, at: '2026-02-01T10:00:00+01:00', done: false, score: 0 },
      { n: 3, details: 'a plain string' },
    ]);
    const got = await rows<Record<string, unknown>>(db.owner, sql`
      SELECT n, note, details, themes, on_day::text AS on_day, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at, done, score::text AS score
        FROM bulk_probe ORDER BY n`);
    expect(got).toEqual([
      { n: 1, note: "O'Neill said \"hi\"", details: { given: ['a', 'b'], dose: 2.5 }, themes: ['sleep', 'school, "home"'], on_day: '2026-01-31', at: '2026-02-01 09:30', done: true, score: '12.25' },
      { n: 2, note: null, details: ['x', 1], themes: [], on_day: null, at: '2026-02-01 09:00', done: false, score: '0.00' },
      { n: 3, note: null, details: 'a plain string', themes: null, on_day: null, at: null, done: null, score: null },
    ]);
  });

  it('splits a batch larger than one statement may carry, and keeps every row', async () => {
    // Eight columns: 7,500 rows a statement, so 20,000 rows take three.
    const many = Array.from({ length: 20_000 }, (_, i) => ({ n: 1000 + i, note: `row ${i}`, details: { i }, themes: ['t'], on_day: '2026-03-01', at: '2026-03-01T00:00:00Z', done: i % 2 === 0, score: 1 }));
    await bulkInsert(db.owner, 'bulk_probe', many);
    const [counted] = await rows<{ n: number; last: string }>(db.owner, sql`
      SELECT count(*)::int AS n, max(note) FILTER (WHERE n = 20999) AS last FROM bulk_probe WHERE n >= 1000`);
    expect(counted).toEqual({ n: 20_000, last: 'row 19999' });
  });

  it('writes a tenant table as the app under row-level security, and the policy still refuses a row of another ICS', async () => {
    const child = { ics_id: icsId, action: 'bulk-probe', what: 'written under row-level security' };
    await db.tenant(icsId, (tx) => bulkInsert(tx, 'audit_event', [child, { ...child, what: 'and a second row' }]));
    const written = await db.tenant(icsId, (tx) => rows<{ what: string }>(tx, sql`SELECT what FROM audit_event WHERE ics_id = ${icsId}::uuid AND action = 'bulk-probe' ORDER BY what`));
    expect(written.map((w) => w.what)).toEqual(['and a second row', 'written under row-level security']);
    const other = crypto.randomUUID();
    const refused = await db.tenant(icsId, (tx) => bulkInsert(tx, 'audit_event', [{ ...child, ics_id: other }])).then(() => 'written', (e) => databaseError(e).message);
    expect(refused).toMatch(/row-level security/);
  });

  it('names a column the table does not have, and writes nothing', async () => {
    const refused = await bulkInsert(db.owner, 'bulk_probe', [{ n: 5, colour: 'red' }]).then(() => 'written', (e: Error) => e.message);
    expect(refused).toBe('bulk_probe has no column colour');
    const [left] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM bulk_probe WHERE n = 5`);
    expect(left.n).toBe(0);
  });
});
