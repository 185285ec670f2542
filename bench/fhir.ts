/**
 * The FHIR API under load, through HTTP with autocannon against the running
 * app, as a system client with a bearer token: read Patient by id, search
 * Patient by NHS number, search Observation by patient, and $everything at
 * two concurrencies. Each line: throughput, p50, p95, peak RSS. Every one of
 * these requests opens the access door and writes its audit row.
 */
import autocannon from 'autocannon';
import pg from 'pg';
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import { addClient, issueToken } from '../src/fhir/clients.js';
import { percentile, trackPeakMemory } from './stats.js';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const PREFIX = '/fhir/R4';

export type LoadFigure = {
  label: string; connections: number; requests: number; perSecond: number; p50: number; p95: number; peakRss: number; failed: number;
  /** Statements sent to PostgreSQL per request, and this process's CPU per request (app and load generator): what load on the machine does not change. */
  roundTrips: number; cpuMs: number; databaseCpuMs: number;
};

/**
 * CPU time of this database's PostgreSQL backends so far, by process id (on
 * this machine, from /proc): with the Node figure, what a request costs
 * whatever else the machine is doing. Empty where /proc cannot be read.
 */
async function backendCpu(db: Database): Promise<Map<number, number>> {
  const backends = await rows<{ pid: number }>(db.owner, sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`);
  const out = new Map<number, number>();
  for (const { pid } of backends) {
    try {
      // Fields 14 and 15 (user and system time, in clock ticks of 1/100 s) after the command name in brackets.
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // Gone, or another machine's: left out.
    }
  }
  return out;
}

/** Counts the statements every pg client sends (the app's pool included): one round trip each. */
let sent = 0;
let counting = false;
function countRoundTrips() {
  if (counting) return;
  counting = true;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    sent++;
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

/** GETs paths in turn with `connections` connections for `seconds`; what autocannon saw, with the process's peak memory. */
async function load(db: Database, label: string, opts: { baseUrl: string; headers: Record<string, string>; connections: number; seconds: number; paths: () => string }): Promise<LoadFigure> {
  const latencies: number[] = [];
  countRoundTrips();
  const sentBefore = sent;
  const cpuBefore = process.cpuUsage();
  const databaseBefore = await backendCpu(db);
  const stopMemory = trackPeakMemory(100);
  const result = await autocannon({
    url: opts.baseUrl, connections: opts.connections, duration: opts.seconds, headers: opts.headers,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: opts.paths() }) }],
    setupClient: (c) => c.on('response', (_s: number, _b: number, ms: number) => latencies.push(ms)),
  });
  const peakRss = stopMemory();
  const cpu = process.cpuUsage(cpuBefore);
  const databaseAfter = await backendCpu(db);
  const databaseMs = [...databaseAfter].reduce((sum, [pid, ms]) => sum + ms - (databaseBefore.get(pid) ?? 0), 0);
  const roundTrips = (sent - sentBefore) / Math.max(1, result.requests.total);
  const cpuMs = (cpu.user + cpu.system) / 1000 / Math.max(1, result.requests.total);
  latencies.sort((a, b) => a - b);
  // Let keep-alive connections drain before the next run starts.
  await new Promise((r) => setTimeout(r, 300));
  return {
    label, connections: opts.connections, requests: result.requests.total, perSecond: result.requests.total / opts.seconds,
    p50: percentile(latencies, 50), p95: percentile(latencies, 95), peakRss, failed: result.non2xx + result.errors, roundTrips, cpuMs, databaseCpuMs: databaseMs / Math.max(1, result.requests.total),
  };
}

export const describeLoad = (f: LoadFigure) =>
  `${f.label.padEnd(44)} c=${String(f.connections).padStart(2)}  ${f.perSecond.toFixed(0).padStart(5)} req/s  p50 ${f.p50.toFixed(1).padStart(6)} ms  ` +
  `p95 ${f.p95.toFixed(1).padStart(6)} ms  peak RSS ${f.peakRss} MiB  a request: ${f.roundTrips.toFixed(1)} round trips, CPU ${f.cpuMs.toFixed(1)} ms Node + ${f.databaseCpuMs.toFixed(1)} ms PostgreSQL  ` +
  `(${f.requests.toLocaleString('en-GB')} requests, failed ${f.failed})`;

/** A bearer token for a new read-only system client of the ICS. */
export async function readerToken(db: Database, icsId: string): Promise<string> {
  const client = await db.tenant(icsId, (tx) => addClient(tx, icsId, { name: `Bench reader ${Date.now()}`, scopes: 'system/*.rs', organisationId: null }));
  const token = await issueToken(db, client.clientId, client.clientSecret!, undefined);
  if (!('access_token' in token)) throw new Error(`no token: ${token.description}`);
  return token.access_token;
}

export async function fhirLoadBench(db: Database, opts: { baseUrl: string; icsId: string; seconds: number }): Promise<LoadFigure[]> {
  const sample = await rows<{ id: string; nhs_number: string }>(db.owner, sql`
    SELECT id, nhs_number FROM child WHERE ics_id = ${opts.icsId}::uuid AND nhs_number IS NOT NULL ORDER BY md5(id::text) LIMIT 1000`);
  // Children with observations, for Observation?patient= (most children have some).
  const observed = await rows<{ child_id: string }>(db.owner, sql`
    SELECT child_id FROM record_entry WHERE ics_id = ${opts.icsId}::uuid AND kind = 'observation' GROUP BY child_id ORDER BY md5(child_id::text) LIMIT 1000`);
  // $everything on records near the issue's 25 entries, so the figure is comparable across data sizes.
  const whole = await rows<{ child_id: string; n: number }>(db.owner, sql`
    SELECT child_id, count(*)::int AS n FROM record_entry WHERE ics_id = ${opts.icsId}::uuid GROUP BY child_id ORDER BY abs(count(*) - 20), md5(child_id::text) LIMIT 200`);
  const [size] = await rows<{ children: number; entries: number; audit: number }>(db.owner, sql`
    SELECT (SELECT count(*)::int FROM child) AS children, (SELECT count(*)::int FROM record_entry) AS entries, (SELECT count(*)::int FROM audit_event) AS audit`);
  console.log(`\nFHIR API under load (data: ${size.children.toLocaleString('en-GB')} children, ${size.entries.toLocaleString('en-GB')} record entries, ` +
    `${size.audit.toLocaleString('en-GB')} audit rows before; $everything on ${whole.length} records of ${Math.min(...whole.map((w) => w.n))}–${Math.max(...whole.map((w) => w.n))} entries)`);

  const headers = { authorization: `Bearer ${await readerToken(db, opts.icsId)}`, accept: 'application/fhir+json' };
  const base = { baseUrl: opts.baseUrl, headers, seconds: opts.seconds };
  const turn = <T>(list: T[], path: (item: T) => string) => {
    let i = 0;
    return () => path(list[i++ % list.length]);
  };
  const figures: LoadFigure[] = [];
  const run = async (label: string, connections: number, paths: () => string) => {
    const figure = await load(db, label, { ...base, connections, paths });
    figures.push(figure);
    console.log(describeLoad(figure));
  };
  // Warm up (JIT, the pool's connections, the planner's caches) before anything is counted.
  await load(db, 'warm-up', { ...base, seconds: 2, connections: 10, paths: turn(sample, (c) => `${PREFIX}/Patient/${c.id}`) });
  await run('FHIR read Patient/{id}', 10, turn(sample, (c) => `${PREFIX}/Patient/${c.id}`));
  await run('FHIR Patient?identifier=nhs-number|…', 10, turn(sample, (c) => `${PREFIX}/Patient?identifier=${encodeURIComponent(`${NHS}|${c.nhs_number}`)}`));
  await run('FHIR Observation?patient=', 10, turn(observed, (c) => `${PREFIX}/Observation?patient=${c.child_id}`));
  await run('FHIR Patient/{id}/$everything', 3, turn(whole, (c) => `${PREFIX}/Patient/${c.child_id}/$everything`));
  await run('FHIR Patient/{id}/$everything', 10, turn(whole, (c) => `${PREFIX}/Patient/${c.child_id}/$everything`));
  return figures;
}
