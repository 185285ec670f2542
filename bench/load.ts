/**
 * Requests through HTTP for the benches: one GET that must succeed, and GETs
 * under concurrent load (autocannon against the running app) measured as the
 * issue asks: throughput, p50, p95 and peak memory, with what load on the
 * machine changes least (round trips to PostgreSQL and CPU a request), and
 * the issue's target beside the figure (met or not met on this run).
 */
import autocannon from 'autocannon';
import pg from 'pg';
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import type { TestClient } from '../test/http.js';
import { percentile, trackPeakMemory } from './stats.js';

/** GETs a page as the signed-in client; anything but 200 stops the bench. */
export async function page(client: TestClient, url: string): Promise<string> {
  const res = await client.get(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`);
  return res.body;
}

/** What the issue asks of a figure (issue 23): at least this many requests a second, and a p95 under this. */
export type Target = { perSecond: number; p95?: number };

export type LoadFigure = {
  label: string; connections: number; seconds: number; requests: number; perSecond: number; p50: number; p95: number; peakRss: number; failed: number;
  /** Statements sent to PostgreSQL per request, and this process's CPU per request (app and load generator): what load on the machine does not change. */
  roundTrips: number; cpuMs: number; databaseCpuMs: number;
  target?: Target;
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

/** GETs paths in turn with `connections` connections for `seconds`; what autocannon saw, with the process's peak memory and a request's cost. */
export async function measureLoad(db: Database, label: string, opts: {
  baseUrl: string; headers: Record<string, string>; connections: number; seconds: number; paths: () => string; target?: Target;
}): Promise<LoadFigure> {
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
  const requests = Math.max(1, result.requests.total);
  latencies.sort((a, b) => a - b);
  // Let keep-alive connections drain before the next run starts (or the pool closes under them).
  await new Promise((r) => setTimeout(r, 500));
  return {
    label, connections: opts.connections, seconds: opts.seconds, requests: result.requests.total, perSecond: result.requests.total / opts.seconds,
    p50: percentile(latencies, 50), p95: percentile(latencies, 95), peakRss, failed: result.non2xx + result.errors,
    roundTrips: (sent - sentBefore) / requests, cpuMs: (cpu.user + cpu.system) / 1000 / requests, databaseCpuMs: databaseMs / requests, target: opts.target,
  };
}

/** An import's time against a raw COPY of the same rows, with the issue's target (within 2×). */
export const copyRatioWords = (importSeconds: number, copySeconds: number) => {
  const ratio = importSeconds / copySeconds;
  return `import takes ${ratio.toFixed(1)}× the COPY  [target ≤ 2.0×: ${ratio <= 2 ? 'met' : 'NOT met'}]`;
};

/** The target and whether this run met it. */
export function targetWords(target: Target | undefined, perSecond: number, p95: number): string {
  if (!target) return '';
  const met = perSecond >= target.perSecond && (target.p95 === undefined || p95 < target.p95);
  return `  [target ≥ ${target.perSecond} req/s${target.p95 === undefined ? '' : `, p95 < ${target.p95} ms`}: ${met ? 'met' : 'NOT met'}]`;
}

export const describeLoad = (f: LoadFigure) =>
  `${f.label.padEnd(44)} c=${String(f.connections).padStart(2)}  ${f.perSecond.toFixed(0).padStart(5)} req/s  p50 ${f.p50.toFixed(1).padStart(6)} ms  ` +
  `p95 ${f.p95.toFixed(1).padStart(6)} ms  peak RSS ${f.peakRss} MiB  a request: ${f.roundTrips.toFixed(1)} round trips, CPU ${f.cpuMs.toFixed(1)} ms Node + ${f.databaseCpuMs.toFixed(1)} ms PostgreSQL  ` +
  `(${f.requests.toLocaleString('en-GB')} requests, failed ${f.failed})${targetWords(f.target, f.perSecond, f.p95)}`;

/** A page under load with 20 connections for `seconds` as the signed-in client: printed as describeLoad prints, with the data size it ran on. */
export async function underLoad(label: string, opts: { db: Database; baseUrl: string; client: TestClient; seconds: number; paths: () => string; target?: Target; data?: string }): Promise<LoadFigure> {
  const figure = await measureLoad(opts.db, label, { baseUrl: opts.baseUrl, headers: { cookie: opts.client.cookieHeader }, connections: 20, seconds: opts.seconds, paths: opts.paths, target: opts.target });
  console.log(`${describeLoad(figure)}${opts.data ? `  (data: ${opts.data})` : ''}`);
  return figure;
}

/** The data a figure was measured on, in words: children, record entries and audit rows in the database now. */
export async function dataSize(db: Database): Promise<string> {
  const [size] = await rows<{ children: number; entries: number; audit: number }>(db.owner, sql`
    SELECT (SELECT count(*)::int FROM child) AS children, (SELECT count(*)::int FROM record_entry) AS entries, (SELECT count(*)::int FROM audit_event) AS audit`);
  return `${size.children.toLocaleString('en-GB')} children, ${size.entries.toLocaleString('en-GB')} record entries, ${size.audit.toLocaleString('en-GB')} audit rows`;
}
