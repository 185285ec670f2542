import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../../platform/db/client.js';
import { databaseKinds, freshDatabase } from '../../../test/database.js';
import { generateIcs } from '../../synth/generate.js';
import { testNhsNumbers } from '../../platform/identity/nhs-number.js';
import { ActivityFileError, importActivity, monthRuns, type ActivityImportOptions } from './import-activity.js';
import { readCsv } from './csv.js';
import { activityMonths, rollUpActivity, rollUpEverything } from '../rollups/rollup.js';
import { MEASURES } from '../measures.js';

const kinds = await databaseKinds();
/** Imports are checked against this time (activity may not be after it); the ICS is generated up to June 2026. */
const NOW = new Date('2026-10-01T00:00:00Z');
const HEADER = 'source_id,nhs_number,type,occurred_at,practice_ods,organisation_ods,reason,emergency,bed_days,first_attendance';

type Kid = { id: string; nhs: string; dob: string; practice_id: string; cluster_id: string | null };
const measuresOf = (kinds: string[]) => MEASURES.filter((m) => kinds.includes(m.kind)).map((m) => m.key);
type Rollup = { measure: string; dimension: string; month: string; practice_id: string; category: string; value: number };

describe('merging months to roll up', () => {
  it('takes months within a year of each other together', () => {
    expect(monthRuns([])).toEqual([]);
    expect(monthRuns(['2025-03-01', '2025-01-01', '2025-03-01'])).toEqual([{ from: '2025-01-01', to: '2025-03-01' }]);
    expect(monthRuns(['2021-01-01', '2022-01-01', '2023-02-01'])).toEqual([{ from: '2021-01-01', to: '2022-01-01' }, { from: '2023-02-01', to: '2023-02-01' }]);
    expect(monthRuns(['2021-01-01', '2021-02-01', '2021-04-01'], 1)).toEqual([{ from: '2021-01-01', to: '2021-02-01' }, { from: '2021-04-01', to: '2021-04-01' }]);
  });
});

describe.each(kinds)('importing activity from CSV on %s', (kind) => {
  let db: Database;
  let icsId: string;
  let dir: string;
  let kids: Kid[];
  let practice: { id: string; ods: string; cluster_id: string | null };
  let trust: { id: string; ods: string };
  let school: string;
  let nobody: string;

  beforeAll(async () => {
    db = await freshDatabase(kind);
    ({ icsId } = await generateIcs(db, { children: 500, seed: 61, icsName: 'Activity Import ICS', demoEmailDomain: 'import.joinery.test', today: '2026-06-15' }));
    await db.owner.execute(sql`ANALYZE`);
    // Whatever the generator made, its rollups start out matching its events.
    await db.owner.transaction(async (tx) => void (await rollUpEverything(tx as unknown as Tx, icsId)));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-activity-'));
    kids = await rows<Kid>(db.owner, sql`
      SELECT c.id, c.nhs_number AS nhs, c.date_of_birth::text AS dob, c.registered_practice_id AS practice_id, cp.cluster_id
        FROM child c LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
       WHERE c.ics_id = ${icsId}::uuid AND c.date_of_birth < '2022-01-01' AND c.registered_practice_id IS NOT NULL AND c.nhs_number IS NOT NULL
       ORDER BY c.nhs_number LIMIT 40`);
    // A practice other than the first child's, to give as practice_ods.
    [practice] = await rows(db.owner, sql`
      SELECT o.id, o.ods_code AS ods, cp.cluster_id FROM organisation o JOIN cluster_practice cp ON cp.ics_id = o.ics_id AND cp.practice_id = o.id
       WHERE o.ics_id = ${icsId}::uuid AND o.kind = 'gp-practice' AND o.id <> ${kids[0].practice_id}::uuid ORDER BY o.ods_code LIMIT 1`);
    [trust] = await rows(db.owner, sql`SELECT id, ods_code AS ods FROM organisation WHERE ics_id = ${icsId}::uuid AND kind = 'acute-trust' ORDER BY ods_code LIMIT 1`);
    [{ ods: school }] = await rows<{ ods: string }>(db.owner, sql`SELECT ods_code AS ods FROM organisation WHERE ics_id = ${icsId}::uuid AND kind = 'school' LIMIT 1`);
    const used = new Set((await rows<{ n: string }>(db.owner, sql`SELECT nhs_number AS n FROM child WHERE nhs_number IS NOT NULL`)).map((r) => r.n));
    nobody = [...testNhsNumbers(990_000)].find((n) => !used.has(n))!;
  });
  afterAll(async () => {
    await db?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  let files = 0;
  const csv = (lines: string[], opts: { crlf?: boolean; bom?: boolean; header?: string } = {}) => {
    const file = path.join(dir, `activity-${files++}.csv`);
    const nl = opts.crlf ? '\r\n' : '\n';
    fs.writeFileSync(file, `${opts.bom ? '\uFEFF' : ''}${[opts.header ?? HEADER, ...lines].join(nl)}${nl}`);
    return file;
  };
  const run = (file: string, opts: ActivityImportOptions = {}) => importActivity(db, icsId, file, { now: NOW, ...opts });

  /** A valid row for the nth child: the type's own fields filled in. */
  const line = (id: string, k: Kid, type: string, at: string, extra: Partial<Record<'practice' | 'org' | 'reason', string>> = {}) =>
    [id, k.nhs, type, at, extra.practice ?? '', extra.org ?? '', extra.reason ?? '',
      type === 'admission' ? 'true' : '', type === 'admission' ? '2' : '', type === 'outpatient' ? 'true' : ''].join(',');
  const TYPES = ['ed', 'admission', 'outpatient', 'gp', 'community', 'mental-health'];
  /** n valid rows spread over the given months' days and the children. */
  const rowsIn = (prefix: string, months: string[], n: number) => Array.from({ length: n }, (_, i) => {
    const month = months[i % months.length];
    return line(`${prefix}-${i}`, kids[i % kids.length], TYPES[i % TYPES.length], `${month}-${String(1 + (i % 27)).padStart(2, '0')}T${String(8 + (i % 12)).padStart(2, '0')}:15:00Z`,
      i % 5 === 0 ? { org: trust.ods, reason: 'asthma' } : {});
  });

  const eventCount = async (where = sql`TRUE`) =>
    (await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM activity_event e WHERE e.ics_id = ${icsId}::uuid AND ${where}`))[0].n;
  const rollups = (kinds: string[] = ['events', 'rolling']) => rows<Rollup>(db.owner, sql`
    SELECT r.measure, r.dimension, r.month::text AS month, r.practice_id, r.category, r.value::float8 AS value
      FROM population_rollup r
     WHERE r.ics_id = ${icsId}::uuid AND r.measure = ANY(${sql.param(measuresOf(kinds))}::text[])
     ORDER BY 1, 2, 3, 4, 5`);
  /** The event and 12-month rollups as rewriting every month from the events would make them (rolled back after). */
  const recomputed = async () => {
    let fresh: Rollup[] = [];
    await db.owner.transaction(async (txn) => {
      const tx = txn as unknown as Tx;
      const span = await activityMonths(tx, icsId);
      if (span) await rollUpActivity(tx, icsId, span);
      fresh = await rows<Rollup>(tx, sql`
        SELECT measure, dimension, month::text AS month, practice_id, category, value::float8 AS value FROM population_rollup
         WHERE ics_id = ${icsId}::uuid AND measure = ANY(${sql.param(measuresOf(['events', 'rolling']))}::text[]) ORDER BY 1, 2, 3, 4, 5`);
      txn.rollback();
    }).catch((e) => {
      if (!/rollback/i.test(String(e))) throw e;
    });
    return fresh;
  };

  it('imports a good file (BOM, CRLF): each row as sent, the rollups of its months matching the events', async () => {
    const edBefore = await eventCount(sql`e.type = 'ed'`);
    const [k0, k1] = kids;
    const special = [
      // The last evening of March in UTC is 1 April in London (BST): April's.
      line('special-bst', k0, 'ed', '2025-03-31T23:30:00Z', { reason: '195967001' }),
      // A London wall-clock time in summer; the practice at the time given.
      line('special-local', k0, 'gp', '2025-06-30 23:30', { practice: practice.ods.toLowerCase() }),
      line('special-admission', k1, 'admission', '2025-02-10T10:00:00+00:00', { org: trust.ods, reason: 'tooth-extraction' }),
    ];
    const good = rowsIn('good', ['2025-01', '2025-02', '2025-03'], 297);
    const progress: number[] = [];
    const s = await run(csv([...special, ...good], { crlf: true, bom: true }), { batchRows: 100, onProgress: (done) => progress.push(done) });
    expect(s).toMatchObject({ rows: 300, added: 300, unchanged: 0, rejected: 0, rejectFile: null, batches: 3, months: { from: '2025-01-01', to: '2025-06-01' } });
    expect(progress.at(-1)).toBe(fs.statSync(path.join(dir, 'activity-0.csv')).size);

    const edInFile = [...special, ...good].filter((l) => l.split(',')[2] === 'ed').length;
    expect(await eventCount(sql`e.type = 'ed'`)).toBe(edBefore + edInFile);
    const stored = await rows<Record<string, unknown>>(db.owner, sql`
      SELECT source_id, child_id, type, occurred_at::text AS at, month::text AS month, age_years, practice_id, cluster_id, organisation_id, reason_code, emergency, bed_days, first_attendance, source_system
        FROM activity_event WHERE ics_id = ${icsId}::uuid AND source_id LIKE 'special-%' ORDER BY source_id`);
    const age = (dob: string, on: string) => Number(on.slice(0, 4)) - Number(dob.slice(0, 4)) - (on.slice(5) < dob.slice(5) ? 1 : 0);
    expect(stored).toEqual([
      {
        source_id: 'special-admission', child_id: k1.id, type: 'admission', at: '2025-02-10 10:00:00+00', month: '2025-02-01', age_years: age(k1.dob, '2025-02-10'),
        practice_id: k1.practice_id, cluster_id: k1.cluster_id, organisation_id: trust.id, reason_code: 'tooth-extraction', emergency: true, bed_days: 2, first_attendance: null,
        source_system: 'urn:joinery:csv',
      },
      {
        source_id: 'special-bst', child_id: k0.id, type: 'ed', at: '2025-03-31 23:30:00+00', month: '2025-04-01', age_years: age(k0.dob, '2025-04-01'),
        practice_id: k0.practice_id, cluster_id: k0.cluster_id, organisation_id: null, reason_code: 'asthma', emergency: null, bed_days: null, first_attendance: null,
        source_system: 'urn:joinery:csv',
      },
      {
        source_id: 'special-local', child_id: k0.id, type: 'gp', at: '2025-06-30 22:30:00+00', month: '2025-06-01', age_years: age(k0.dob, '2025-06-30'),
        practice_id: practice.id, cluster_id: practice.cluster_id, organisation_id: null, reason_code: null, emergency: null, bed_days: null, first_attendance: null,
        source_system: 'urn:joinery:csv',
      },
    ]);

    // ED attendances by month: the rollup's total equals the events, generated and imported.
    const ed = await rows<{ month: string; events: number; rolled: number }>(db.owner, sql`
      SELECT e.month::text AS month, e.events, coalesce(r.rolled, 0) AS rolled
        FROM (SELECT month, count(*)::int AS events FROM activity_event WHERE ics_id = ${icsId}::uuid AND type = 'ed' GROUP BY month) e
        LEFT JOIN (SELECT month, sum(value)::int AS rolled FROM population_rollup WHERE ics_id = ${icsId}::uuid AND measure = 'ed' AND dimension = 'all' GROUP BY month) r
          ON r.month = e.month
       WHERE e.month BETWEEN '2025-01-01' AND '2025-06-01' ORDER BY 1`);
    expect(ed.length).toBeGreaterThanOrEqual(4);
    for (const m of ed) expect(m.rolled, m.month).toBe(m.events);
    // Every event and 12-month rollup is what a rewrite from scratch gives.
    expect(await rollups()).toEqual(await recomputed());
  });

  it('changes nothing when the same file comes again', async () => {
    const before = { events: await eventCount(), rollups: await rollups(['events', 'rolling', 'cohort']) };
    const s = await run(path.join(dir, 'activity-0.csv'), { batchRows: 100 });
    expect(s).toMatchObject({ rows: 300, added: 0, unchanged: 300, rejected: 0, months: null, rollupSeconds: 0 });
    expect({ events: await eventCount(), rollups: await rollups(['events', 'rolling', 'cohort']) }).toEqual(before);
  });

  it('rejects rows with their line numbers and reasons to a reject file, and takes the rest', async () => {
    const before = await eventCount();
    const noPractice = kids[2];
    await db.owner.execute(sql`UPDATE child SET registered_practice_id = NULL WHERE id = ${noPractice.id}::uuid`);
    try {
      const k = kids[3];
      const file = csv([
        line('r-ok-1', k, 'ed', '2025-04-02T10:00:00Z'),                                       // line 2
        `"r-ok-2 spans\nthree\nlines",${k.nhs},gp,2025-04-03T10:00:00Z,,,,,,`,               // lines 3–5
        line('r-nhs', { ...k, nhs: '9990000019' }, 'ed', '2025-04-02T10:00:00Z'),            // 6
        line('r-nobody', { ...k, nhs: nobody }, 'ed', '2025-04-02T10:00:00Z'),               // 7
        line('r-practice', k, 'ed', '2025-04-02T10:00:00Z', { practice: 'ZZZ999' }),          // 8
        line('r-school', k, 'ed', '2025-04-02T10:00:00Z', { practice: school }),              // 9
        line('r-org', k, 'ed', '2025-04-02T10:00:00Z', { org: 'QQQ111' }),                    // 10
        line('r-date', k, 'ed', '2025-02-30T10:00:00Z'),                                      // 11
        line('r-future', k, 'ed', '2026-10-02T10:00:00Z'),                                    // 12
        `r-fields,${k.nhs},ed,"2025-04-02T10:00:00Z\n",,,,true,,`,                           // 13–14: emergency on an ED row, a line break in occurred_at
        line('r-unborn', k, 'ed', `${Number(k.dob.slice(0, 4)) - 1}-06-01T10:00:00Z`),        // 15
        line('r-no-practice', noPractice, 'gp', '2025-04-02T10:00:00Z'),                      // 16
        `r-short,${k.nhs},ed`,                                                                // 17
        '',                                                                                   // 18: blank, skipped
        line('r-ok-3', k, 'outpatient', '2025-04-04T10:00:00Z'),                              // 19
        `r-quote,${k.nhs},ed,"2025-04-02T10:00:00Z"x,,,,,,`,                                  // 20
      ]);
      const s = await run(file, { batchRows: 5, statementRows: 2 });
      const expected: [number, RegExp][] = [
        [6, /^nhs_number '9990000019' is not a valid NHS number/],
        [7, new RegExp(`^no child in the ICS has NHS number ${nobody}$`)],
        [8, /^practice_ods 'ZZZ999' is not an organisation in the ICS$/],
        [9, new RegExp(`^practice_ods '${school}' is not a GP practice \\(it is school\\)$`)],
        [10, /^organisation_ods 'QQQ111' is not an organisation in the ICS$/],
        [11, /^occurred_at '2025-02-30T10:00:00Z' is not an ISO 8601 date-time/],
        [12, /^occurred_at '2026-10-02T10:00:00Z' is in the future$/],
        [13, /^emergency is only for admissions \(this row is ed\)$/],
        [15, /^occurred_at is before the child's date of birth$/],
        [16, /^the child has no registered practice: give practice_ods$/],
        [17, /^the row has 3 fields, the header 10$/],
        [20, /^a quoted field must end at a comma or the end of the line$/],
      ];
      expect(s).toMatchObject({ rows: 15, added: 3, unchanged: 0, rejected: expected.length, rejectFile: file.replace(/\.csv$/, '.rejects.csv') });
      expect(s.rejects.map((r) => r.line)).toEqual(expected.map(([l]) => l));
      s.rejects.forEach((r, i) => expect(r.reasons[0], `line ${r.line}`).toMatch(expected[i][1]));
      expect(await eventCount()).toBe(before + 3);
      expect((await rows<{ s: string }>(db.owner, sql`SELECT source_id AS s FROM activity_event WHERE source_id LIKE 'r-ok-2%'`))[0].s).toBe('r-ok-2 spans\nthree\nlines');

      // The reject file: a header, then line, reasons and the row's own fields (line breaks and all), one record a reject.
      const written: string[][] = [];
      for await (const { records } of readCsv(s.rejectFile!)) written.push(...records.map((r) => r.fields));
      expect(written[0]).toEqual(['line', 'reason', ...HEADER.split(',')]);
      expect(written.slice(1).map((r) => Number(r[0]))).toEqual(expected.map(([l]) => l));
      expect(written.find((r) => r[0] === '13')!.slice(2, 6)).toEqual(['r-fields', k.nhs, 'ed', '2025-04-02T10:00:00Z\n']);
      expect(written.find((r) => r[0] === '17')!.slice(2)).toEqual(['r-short', k.nhs, 'ed']);

      // Mended and sent again: the rows taken before stay as they were, the reject file goes.
      const again = await run(csv([line('r-ok-1', k, 'ed', '2025-04-02T10:00:00Z'), line('r-nobody', k, 'ed', '2025-04-02T11:00:00Z')]), { rejectFile: s.rejectFile! });
      expect(again).toMatchObject({ added: 1, unchanged: 1, rejected: 0, rejectFile: null });
      expect(fs.existsSync(s.rejectFile!)).toBe(false);
    } finally {
      await db.owner.execute(sql`UPDATE child SET registered_practice_id = ${noPractice.practice_id}::uuid WHERE id = ${noPractice.id}::uuid`);
    }
  });

  it('writes nothing when the header will not do, and says which column is wrong', async () => {
    const before = await eventCount();
    const body = [line('h-1', kids[0], 'ed', '2025-04-02T10:00:00Z')];
    await expect(run(csv(body, { header: 'source_id,nhs_number,type,when' }))).rejects.toThrow(/no 'occurred_at' column.*Unknown column in the header: 'when'/);
    await expect(run(csv(body, { header: `${HEADER},colour` }))).rejects.toThrow(ActivityFileError);
    const empty = path.join(dir, 'empty.csv');
    fs.writeFileSync(empty, '\n\n');
    await expect(run(empty)).rejects.toThrow(/is empty: the first line must be the header/);
    await expect(run(path.join(dir, 'missing.csv'))).rejects.toThrow(/No such file/);
    expect(await eventCount()).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('rejects'))).toEqual([]);
  });

  it('leaves no half batch after a crash, and a rerun completes it as a clean import would', async () => {
    const file = csv(rowsIn('crash', ['2025-09', '2025-10'], 250));
    const imported = sql`e.source_id LIKE 'crash-%'`;
    // Batches of 60 rows, each three statements of 20.
    await expect(run(file, { batchRows: 60, statementRows: 20, crashAfterBatches: 2 })).rejects.toThrow(/Simulated crash/);
    // Two whole batches, the third rolled back with its rollups; what is there is rolled up exactly.
    expect(await eventCount(imported)).toBe(120);
    expect(await rollups()).toEqual(await recomputed());

    const rerun = await run(file, { batchRows: 60, statementRows: 20 });
    expect(rerun).toMatchObject({ rows: 250, added: 130, unchanged: 120, rejected: 0, batches: 5 });
    expect(await eventCount(imported)).toBe(250);
    const ids = await rows<{ s: string }>(db.owner, sql`SELECT source_id AS s FROM activity_event e WHERE ${imported} ORDER BY 1`);
    expect(ids.map((r) => r.s)).toEqual(Array.from({ length: 250 }, (_, i) => `crash-${i}`).sort());
    expect(await rollups()).toEqual(await recomputed());
  });

  it('a file of a month after the rest rolls up that month (and the one it skipped) and leaves earlier months alone', async () => {
    const span = (await db.owner.transaction(async (tx) => activityMonths(tx as unknown as Tx, icsId)))!;
    expect(span.to).toBe('2026-06-01');
    const earlier = (await rollups(['events', 'rolling', 'cohort'])).filter((r) => r.month <= span.to);
    const file = csv(rowsIn('later', ['2026-08'], 60));
    const s = await run(file);
    // July has no events, but it is inside the activity's span now: its 12-month counts and population are counted too.
    expect(s).toMatchObject({ added: 60, rejected: 0, months: { from: '2026-07-01', to: '2026-08-01' } });
    expect((await rollups(['events', 'rolling', 'cohort'])).filter((r) => r.month <= span.to)).toEqual(earlier);
    const population = await rows<{ month: string; n: number }>(db.owner, sql`
      SELECT month::text AS month, sum(value)::int AS n FROM population_rollup
       WHERE ics_id = ${icsId}::uuid AND measure = 'children' AND dimension = 'all' AND month >= '2026-06-01' GROUP BY 1 ORDER BY 1`);
    expect(population.map((p) => p.month)).toEqual(['2026-06-01', '2026-07-01', '2026-08-01']);
    expect(population[2].n).toBeGreaterThan(400);
    const [aug] = await rows<{ ed: number; gp: number }>(db.owner, sql`
      SELECT sum(value) FILTER (WHERE measure = 'ed')::int AS ed, sum(value) FILTER (WHERE measure = 'gp-contacts')::int AS gp
        FROM population_rollup WHERE ics_id = ${icsId}::uuid AND month = '2026-08-01' AND dimension = 'all'`);
    expect(aug).toEqual({ ed: 10, gp: 10 });
    expect(await rollups()).toEqual(await recomputed());
  });
});
