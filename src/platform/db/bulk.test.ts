import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, databaseError, type Database } from './client.js';
import { bulkInsert, bulkLoadAsOwner } from './bulk.js';
import { copyInOf } from './copy.js';
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

  it('copies a large batch in a transaction (through a staging table) keeping awkward text, JSON, arrays, dates and NULL as VALUES would', async () => {
    const awkward = 'tab\there, line\nbreak, back\\slash, \\N, "quoted", O\'Neill\r';
    const many = Array.from({ length: 600 }, (_, i) => ({
      n: 50_000 + i, note: i === 0 ? awkward : i === 1 ? null : `row ${i}`, details: i === 0 ? { said: awkward, list: [1, null] } : { i },
      themes: i === 0 ? ['a,b', 'say "hi"', 'back\\slash', 'NULL'] : [], on_day: '2026-03-01', at: new Date('2026-03-01T12:00:00Z'), done: i % 2 === 0, score: 2.5,
    }));
    await db.owner.transaction((tx) => bulkInsert(tx as unknown as Parameters<typeof bulkInsert>[0], 'bulk_probe', many));
    const got = await rows<Record<string, unknown>>(db.owner, sql`
      SELECT n, note, details, themes, on_day::text AS on_day, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at, done, score::text AS score
        FROM bulk_probe WHERE n BETWEEN 50000 AND 50001 ORDER BY n`);
    expect(got).toEqual([
      { n: 50_000, note: awkward, details: { said: awkward, list: [1, null] }, themes: ['a,b', 'say "hi"', 'back\\slash', 'NULL'], on_day: '2026-03-01', at: '2026-03-01 12:00', done: true, score: '2.50' },
      { n: 50_001, note: null, details: { i: 1 }, themes: [], on_day: '2026-03-01', at: '2026-03-01 12:00', done: false, score: '2.50' },
    ]);
    const [counted] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM bulk_probe WHERE n >= 50000`);
    expect(counted.n).toBe(600);
  });

  it('copies a large batch into a tenant table as the app: every row written, and one row of another ICS refuses the whole batch', async () => {
    const row = (i: number, ics = icsId) => ({ ics_id: ics, action: 'bulk-copy-probe', what: `copied row ${i}` });
    await db.tenant(icsId, async (tx) => {
      expect(copyInOf(tx), 'a tenant transaction may COPY off Citus').toBeDefined();
      await bulkInsert(tx, 'audit_event', Array.from({ length: 700 }, (_, i) => row(i)));
    });
    const count = () => db.tenant(icsId, (tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM audit_event WHERE ics_id = ${icsId}::uuid AND action = 'bulk-copy-probe'`));
    expect((await count())[0].n).toBe(700);
    const mixed = Array.from({ length: 700 }, (_, i) => row(1000 + i, i === 699 ? crypto.randomUUID() : icsId));
    const refused = await db.tenant(icsId, (tx) => bulkInsert(tx, 'audit_event', mixed)).then(() => 'written', (e) => databaseError(e).message);
    expect(refused).toMatch(/row-level security/);
    expect((await count())[0].n).toBe(700);
  });

  it('loads as the owner by COPY in a transaction exactly the rows the JSON load writes outside one', async () => {
    const awkward = 'tab\there, line\nbreak, back\\slash, \\N, "quoted", O\'Neill\r';
    const load = (from: number) => [
      { n: from, note: awkward, details: { said: awkward, list: [1, null] }, themes: ['a,b', 'say "hi"', 'back\\slash', 'NULL', null], on_day: '2026-03-01', at: new Date('2026-03-01T12:00:00Z'), done: true, score: 2.5 },
      { n: from + 1, note: 7, details: 'a plain string', themes: [], on_day: null, at: '2026-03-01T13:00:00+01:00', done: false, score: Number.NaN },
      { n: from + 2, note: { an: 'object' }, details: [1, 'two'], on_day: undefined, score: -0 },
    ];
    // Outside a transaction there is no COPY: the JSON load; inside one, COPY.
    expect(copyInOf(db.owner), 'no COPY outside a transaction').toBeUndefined();
    await bulkLoadAsOwner(db.owner, 'bulk_probe', load(60_000));
    await db.owner.transaction(async (txn) => {
      const tx = txn as unknown as Parameters<typeof bulkLoadAsOwner>[0];
      expect(copyInOf(tx), 'COPY in a transaction').toBeDefined();
      await bulkLoadAsOwner(tx, 'bulk_probe', load(60_100));
    });
    const loaded = (from: number) => rows<Record<string, unknown>>(db.owner, sql`
      SELECT n - ${from} AS k, note, details, themes, on_day::text AS on_day, at, done, score::text AS score
        FROM bulk_probe WHERE n BETWEEN ${from} AND ${from + 99} ORDER BY n`);
    const byJson = await loaded(60_000);
    expect(byJson.map((r) => r.note)).toEqual([awkward, '7', '{"an":"object"}']);
    expect(byJson[1].score, 'NaN is JSON null').toBeNull();
    expect(await loaded(60_100)).toEqual(byJson);
  });

  it('names a column the table does not have, and writes nothing', async () => {
    const refused = await bulkInsert(db.owner, 'bulk_probe', [{ n: 5, colour: 'red' }]).then(() => 'written', (e: Error) => e.message);
    expect(refused).toBe('bulk_probe has no column colour');
    const [left] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM bulk_probe WHERE n = 5`);
    expect(left.n).toBe(0);
  });
});
