/**
 * `joinery import activity` throughput: N synthetic events for existing
 * children written to a CSV and imported (rows/s, peak RSS), the same rows
 * loaded by a raw COPY into a scratch copy of activity_event (the ratio is
 * what validation, lookups, idempotence and rollups cost), then one more
 * month imported with its rollup update timed on its own.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sql } from 'drizzle-orm';
import { connectServer } from '../src/platform/db/connect.js';
import { rows } from '../src/platform/db/client.js';
import { activityMonths, importActivity, ageOn, londonDate, londonWallToUtc } from '../src/population/service.js';
import type { MonthRange } from '../src/population/index.js';
import { progressBar } from '../src/cli/progress.js';
import { trackPeakMemory } from './stats.js';
import { copyRatioWords } from './load.js';

type Kid = { id: string; nhs: string; dob: string; practice_id: string; cluster_id: string | null };
type Trust = { id: string; ods: string };
type Event = { sourceId: string; kid: Kid; type: string; at: number; trust: Trust | null; reason: string | null; emergency: boolean | null; bedDays: number | null; first: boolean | null };

const HEADER = 'source_id,nhs_number,type,occurred_at,practice_ods,organisation_ods,reason,emergency,bed_days,first_attendance';
/** Roughly the mix a child population makes: GP contacts most, then ED, community, outpatients. */
const MIX: [string, number][] = [['gp', 0.55], ['ed', 0.13], ['community', 0.1], ['outpatient', 0.09], ['admission', 0.05], ['mental-health', 0.05], ['prescription', 0.03]];
const REASONS: Record<string, (string | null)[]> = {
  gp: ['respiratory-infection', 'fever', 'asthma', null], ed: ['injury', 'fever', 'asthma', 'bronchiolitis'], community: ['epilepsy-nurse', 'asthma', null],
  outpatient: ['asthma', 'diabetes', 'epilepsy', 'other'], admission: ['bronchiolitis', 'asthma', 'tooth-extraction', 'gastroenteritis'],
  'mental-health': ['mental-health'], prescription: ['reliever', 'preventer'],
};

const monthStart = (month: string) => londonWallToUtc(Date.parse(`${month}T00:00:00Z`));
const addMonths = (month: string, n: number) => {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};

/** The ith of n events spread evenly (in time order, as an extract is) over [from, to). */
function eventAt(i: number, n: number, from: number, to: number, kids: Kid[], trusts: Trust[], prefix: string): Event {
  const h = crypto.createHash('sha1').update(`${prefix}${i}`).digest();
  let pick = h.readUInt16BE(0) / 65536;
  const type = MIX.find(([, share]) => (pick -= share) < 0)?.[0] ?? 'gp';
  const reasons = REASONS[type];
  const hospital = type === 'ed' || type === 'admission' || type === 'outpatient';
  return {
    sourceId: `${prefix}${i}`, kid: kids[h.readUInt32BE(2) % kids.length], type, at: Math.floor(from + ((to - from) * i) / n),
    trust: hospital ? trusts[h[6] % trusts.length] : null, reason: reasons[h[7] % reasons.length],
    emergency: type === 'admission' ? h[8] % 4 !== 0 : null, bedDays: type === 'admission' ? h[9] % 6 : null, first: type === 'outpatient' ? h[10] % 3 === 0 : null,
  };
}

const csvLine = (e: Event) => [e.sourceId, e.kid.nhs, e.type, new Date(e.at).toISOString(), '', e.trust?.ods ?? '', e.reason ?? '',
  e.emergency ?? '', e.bedDays ?? '', e.first ?? ''].join(',');

function writeCsv(file: string, events: () => Generator<Event>) {
  const out = fs.openSync(file, 'w');
  let buffer: string[] = [HEADER];
  for (const e of events()) {
    buffer.push(csvLine(e));
    if (buffer.length >= 10_000) {
      fs.writeSync(out, `${buffer.join('\n')}\n`);
      buffer = [];
    }
  }
  fs.writeSync(out, `${buffer.join('\n')}\n`);
  fs.closeSync(out);
}

/**
 * The same events as rows, as fast as PostgreSQL takes them: COPY into logged
 * scratch copies of contact and activity_event with the same indexes (every
 * row but a prescription is a contact in the child's record, as the import writes it).
 */
async function rawCopy(url: string, icsId: string, source: string, events: () => Generator<Event>): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const n = (v: unknown) => (v === null || v === undefined ? '\\N' : String(v));
  const tables = ['bench_activity_copy', 'bench_contact_copy'];
  try {
    for (const t of tables) await client.query(`DROP TABLE IF EXISTS ${t}`);
    await client.query('CREATE TABLE bench_activity_copy (LIKE activity_event INCLUDING DEFAULTS INCLUDING INDEXES)');
    await client.query('CREATE TABLE bench_contact_copy (LIKE contact INCLUDING DEFAULTS INCLUDING INDEXES)');
    const contactIds = new Map<string, string>();
    const contacts = function* () {
      for (const e of events()) {
        if (e.type === 'prescription') continue;
        const id = crypto.randomUUID();
        contactIds.set(e.sourceId, id);
        yield `${icsId}\t${id}\t${e.kid.id}\t${e.type}\t${new Date(e.at).toISOString()}\t${n(e.trust?.id)}\t${n(e.reason)}\t${n(e.emergency)}\t${source}\t${e.sourceId}\n`;
      }
    };
    const activity = function* () {
      for (const e of events()) {
        const day = londonDate(e.at);
        yield `${icsId}\t${e.kid.id}\t${e.type}\t${new Date(e.at).toISOString()}\t${day.slice(0, 7)}-01\t${ageOn(e.kid.dob, day)}\t${e.kid.practice_id}\t${n(e.kid.cluster_id)}\t` +
          `${n(e.trust?.id)}\t${n(e.reason)}\t${n(e.emergency)}\t${n(e.bedDays)}\t${n(e.first)}\t${source}\t${e.sourceId}\t${n(contactIds.get(e.sourceId))}\n`;
      }
    };
    const t0 = performance.now();
    await pipeline(Readable.from(contacts()), client.query(copyFrom(
      'COPY bench_contact_copy (ics_id, id, child_id, type, started_at, organisation_id, reason_code, emergency, source_system, source_id) FROM STDIN',
    )));
    await pipeline(Readable.from(activity()), client.query(copyFrom(
      'COPY bench_activity_copy (ics_id, child_id, type, occurred_at, month, age_years, practice_id, cluster_id, organisation_id, reason_code, emergency, bed_days, first_attendance, source_system, source_id, contact_id) FROM STDIN',
    )));
    return (performance.now() - t0) / 1000;
  } finally {
    for (const t of tables) await client.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    await client.end();
  }
}

const perSecond = (n: number, s: number) => Math.round(n / s).toLocaleString('en-GB');

export async function activityImportBench(opts: { url: string; icsId: string; rows: number; monthRows?: number }) {
  const monthRows = opts.monthRows ?? 150_000;
  const db = await connectServer(opts.url, 4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-activity-bench-'));
  try {
    const now = Date.now();
    const thisMonth = `${londonDate(now).slice(0, 7)}-01`;
    const span: MonthRange = (await activityMonths(db.owner, opts.icsId)) ?? { from: thisMonth, to: thisMonth };
    // The main file: the six months to the latest with activity (a late half-year extract), in time order.
    const firstMonth = addMonths(span.to, -5);
    const from = monthStart(firstMonth);
    const to = Math.min(monthStart(addMonths(span.to, 1)), now - 3_600_000);
    // One more month: the one after the latest if it has begun, else the one before the earliest.
    const nextMonth = addMonths(span.to, 1);
    const more = monthStart(nextMonth) < now - 86_400_000 ? nextMonth : addMonths(span.from, -1);
    const moreFrom = monthStart(more);
    const moreTo = Math.min(monthStart(addMonths(more, 1)), now - 3_600_000);

    const earliest = new Date(Math.min(from, moreFrom)).toISOString().slice(0, 10);
    const kids = await rows<Kid>(db.owner, sql`
      SELECT c.id, c.nhs_number AS nhs, c.date_of_birth::text AS dob, c.registered_practice_id AS practice_id, cp.cluster_id
        FROM child c LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
       WHERE c.ics_id = ${opts.icsId}::uuid AND c.nhs_number IS NOT NULL AND c.registered_practice_id IS NOT NULL AND c.date_of_birth < ${earliest}::date
       ORDER BY c.id LIMIT 50000`);
    const trusts = await rows<Trust>(db.owner, sql`SELECT id, ods_code AS ods FROM organisation WHERE ics_id = ${opts.icsId}::uuid AND kind = 'acute-trust'`);
    if (!kids.length || !trusts.length) throw new Error('activity import bench: the ICS needs children born before the bench months and an acute trust');

    const run = Date.now().toString(36);
    const source = `urn:joinery:bench:${run}`;
    const main = function* () {
      for (let i = 0; i < opts.rows; i++) yield eventAt(i, opts.rows, from, to, kids, trusts, `b${run}-`);
    };
    const file = path.join(dir, 'activity.csv');
    writeCsv(file, main);
    const megabytes = fs.statSync(file).size / 1024 / 1024;

    const stopMemory = trackPeakMemory();
    const imported = await importActivity(db, opts.icsId, file, { source, onProgress: progressBar('Importing activity') });
    const peak = stopMemory();
    const copySeconds = await rawCopy(opts.url, opts.icsId, `${source}-copy`, main);
    console.log(`\nActivity CSV import: ${opts.rows.toLocaleString('en-GB')} rows (${megabytes.toFixed(0)} MB, ${firstMonth.slice(0, 7)} to ${span.to.slice(0, 7)}) ` +
      `in ${imported.seconds.toFixed(1)} s = ${perSecond(opts.rows, imported.seconds)} rows/s (added ${imported.added.toLocaleString('en-GB')}, rejected ${imported.rejected}, ` +
      `${imported.batches} batches; rollups ${imported.rollupSeconds.toFixed(1)} s of it), peak RSS ${peak} MiB; ` +
      `raw COPY of the same rows (contact and activity_event) ${copySeconds.toFixed(1)} s = ${perSecond(opts.rows, copySeconds)} rows/s; ${copyRatioWords(imported.seconds, copySeconds)}`);

    const again = await importActivity(db, opts.icsId, file, { source });
    console.log(`Activity CSV re-import of the same file: ${again.seconds.toFixed(1)} s = ${perSecond(opts.rows, again.seconds)} rows/s (added ${again.added}, unchanged ${again.unchanged.toLocaleString('en-GB')})`);

    const monthFile = path.join(dir, 'month.csv');
    writeCsv(monthFile, function* () {
      for (let i = 0; i < monthRows; i++) yield eventAt(i, monthRows, moreFrom, moreTo, kids, trusts, `m${run}-`);
    });
    const month = await importActivity(db, opts.icsId, monthFile, { source });
    console.log(`Activity CSV import of one more month (${more.slice(0, 7)}, ${monthRows.toLocaleString('en-GB')} rows): ${month.seconds.toFixed(1)} s = ${perSecond(monthRows, month.seconds)} rows/s; ` +
      `its rollup update (${month.months ? `${month.months.from.slice(0, 7)} to ${month.months.to.slice(0, 7)}` : 'none'}, ${month.batches} batches) ${month.rollupSeconds.toFixed(1)} s`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await db.close();
  }
}
