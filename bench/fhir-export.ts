/**
 * FHIR Bulk Data $export of a whole ICS, as a Bulk Data client drives it over
 * HTTP: kick-off, status polling to completion, every NDJSON file downloaded
 * and its lines counted against the database. Prints resources/s, the time
 * to the first file written, this process's peak RSS (the app runs here), the
 * NDJSON's size and whether memory stayed flat: the peak RSS and heap chunk
 * by chunk, the last quarter of the chunks against the first (the worker
 * should hold one chunk, however many children). Run with
 * NODE_OPTIONS=--expose-gc, it also shows the heap still live at each
 * chunk's end: what the export retains, apart from garbage not yet collected.
 */
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import { trackPeakMemory } from './stats.js';
import { readerToken } from './fhir.js';

type Manifest = { output: { type: string; url: string; count: number }[] };

export async function fhirExportBench(db: Database, opts: { baseUrl: string; icsId: string }): Promise<void> {
  const headers = { authorization: `Bearer ${await readerToken(db, opts.icsId)}` };
  const stopMemory = trackPeakMemory(100);
  const started = performance.now();
  const kicked = await fetch(`${opts.baseUrl}/fhir/R4/Patient/$export`, { headers: { ...headers, prefer: 'respond-async', accept: 'application/fhir+json' } });
  if (kicked.status !== 202) throw new Error(`kick-off answered ${kicked.status}: ${await kicked.text()}`);
  // The links name the configured public URL: asked here of the app this bench started.
  const local = (url: string) => `${opts.baseUrl}${new URL(url).pathname}${new URL(url).search}`;
  const statusUrl = local(kicked.headers.get('content-location')!);
  const exportId = /([0-9a-f-]{36})\/?$/.exec(statusUrl)![1];
  let firstFileMs: number | undefined;
  const chunks = chunkMemory();
  let manifest: Manifest | undefined;
  while (!manifest) {
    const res = await fetch(statusUrl, { headers });
    if (res.status === 200) manifest = (await res.json()) as Manifest;
    else if (res.status !== 202) throw new Error(`status answered ${res.status}: ${await res.text()}`);
    else await res.arrayBuffer();
    const [{ files, done }] = await rows<{ files: number; done: number }>(db.owner, sql`SELECT
        (SELECT count(*)::int FROM fhir_export_file WHERE ics_id = ${opts.icsId}::uuid AND export_id = ${exportId}::uuid) AS files,
        (SELECT children_done FROM fhir_export WHERE ics_id = ${opts.icsId}::uuid AND id = ${exportId}::uuid) AS done`);
    if (firstFileMs === undefined && files > 0) firstFileMs = performance.now() - started;
    chunks.progress(done);
    if (!manifest) await new Promise((r) => setTimeout(r, 100));
  }
  const exportSeconds = (performance.now() - started) / 1000;
  const byChunk = chunks.stop();
  const exportPeakRss = Math.max(0, ...byChunk.map((c) => c.rss));
  const rssAtEnd = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const byType = new Map<string, number>();
  let bytes = 0;
  for (const file of manifest.output) {
    const text = await (await fetch(local(file.url), { headers })).text();
    bytes += Buffer.byteLength(text);
    const lines = text.split('\n').filter(Boolean).length;
    if (lines !== file.count) throw new Error(`${file.url}: ${lines} lines, the manifest says ${file.count}`);
    byType.set(file.type, (byType.get(file.type) ?? 0) + lines);
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRss = stopMemory();
  const resources = [...byType.values()].reduce((a, b) => a + b, 0);
  // What the database holds for the same ICS: every child, and their record entries a system may be served.
  const [{ children }] = await rows<{ children: number }>(db.owner, sql`SELECT count(*)::int AS children FROM child WHERE ics_id = ${opts.icsId}::uuid`);
  const entries = await rows<{ kind: string; n: number }>(db.owner, sql`SELECT kind, count(*)::int AS n FROM record_entry
    WHERE ics_id = ${opts.icsId}::uuid AND sensitive_category IS NULL AND status <> 'entered-in-error' GROUP BY kind ORDER BY kind`);
  // resources/s over kick-off to the last file downloaded, as before; the export's own time and memory beside it.
  console.log(`\nFHIR Bulk Data Patient/$export of ${children.toLocaleString('en-GB')} children: ${resources.toLocaleString('en-GB')} resources in ${seconds.toFixed(1)} s, ` +
    `${Math.round(resources / seconds).toLocaleString('en-GB')} resources/s, first file after ${((firstFileMs ?? exportSeconds * 1000) / 1000).toFixed(1)} s, peak RSS ${peakRss} MiB; ` +
    `the export alone ${exportSeconds.toFixed(1)} s (${Math.round(resources / exportSeconds).toLocaleString('en-GB')} resources/s), peak RSS ${exportPeakRss} MiB`);
  console.log(`  Patient lines ${byType.get('Patient') ?? 0} (database: ${children} children)${(byType.get('Patient') ?? 0) === children ? '' : '  MISMATCH'}`);
  const [{ size }] = await rows<{ size: string }>(db.owner, sql`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);
  console.log(`  data: NDJSON ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${manifest.output.length} files; database ${size}`);
  console.log(memoryWords(byChunk, rssAtEnd));
  for (const [type, n] of [...byType].sort()) console.log(`  ${type.padEnd(24)} ${n.toLocaleString('en-GB')}`);
  console.log(`  record entries in the database by kind: ${entries.map((e) => `${e.kind} ${e.n}`).join(', ')}`);
}

/** What the process held while one chunk of children was exported: the peak RSS and heap used, MiB, and the children done by its end. */
type ChunkMemory = { done: number; rss: number; heap: number; live?: number };

/** With --expose-gc (NODE_OPTIONS), a collection at each chunk's end: the heap still live then is what the export retains. */
const collect = (globalThis as { gc?: () => void }).gc;

/**
 * Memory chunk by chunk: sampled every 20 ms, each peak closed when the
 * export's children done moves on (the chunk's transaction committed).
 */
function chunkMemory() {
  const out: ChunkMemory[] = [];
  let peak = { rss: 0, heap: 0 };
  let done = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = { rss: Math.max(peak.rss, m.rss), heap: Math.max(peak.heap, m.heapUsed) };
  };
  const timer = setInterval(sample, 20);
  const close = (now: number) => {
    sample();
    collect?.();
    const live = collect ? { live: Math.round(process.memoryUsage().heapUsed / 1048576) } : {};
    out.push({ done: now, rss: Math.round(peak.rss / 1048576), heap: Math.round(peak.heap / 1048576), ...live });
    peak = { rss: 0, heap: 0 };
  };
  return {
    progress(now: number) {
      if (now === done) return;
      close(now);
      done = now;
    },
    stop() {
      clearInterval(timer);
      return out;
    },
  };
}

/**
 * Flat: the last quarter of the chunks peaks no higher than the first
 * (a tenth and 16 MiB of margin for the collector, which frees a chunk's
 * garbage when it chooses, not at the chunk's end).
 */
function memoryWords(chunks: ChunkMemory[], rssAtEnd: number): string {
  if (!chunks.length) return '  memory: no chunk seen';
  const quarter = Math.max(1, Math.floor(chunks.length / 4));
  const peakOf = (list: ChunkMemory[]) => ({ rss: Math.max(...list.map((c) => c.rss)), heap: Math.max(...list.map((c) => c.heap)) });
  const first = peakOf(chunks.slice(0, quarter));
  const last = peakOf(chunks.slice(-quarter));
  const flat = last.rss <= first.rss * 1.1 + 16;
  const shown = chunks.length <= 12 ? chunks : [...chunks.slice(0, 6), ...chunks.slice(-6)];
  const each = shown.map((c) => `${c.done}: ${c.rss}/${c.heap}${c.live === undefined ? '' : `/${c.live}`}`).join(', ');
  return `  memory ${flat ? 'flat' : 'NOT flat'} over ${chunks.length} chunks: peak RSS/heap used (MiB) in the first quarter ${first.rss}/${first.heap}, ` +
    `in the last ${last.rss}/${last.heap}; ${rssAtEnd} MiB RSS at completion\n  by children done, peak RSS/heap used${collect ? '/heap live after a forced collection' : ''} (MiB)${chunks.length > 12 ? ', first and last six chunks' : ''}: ${each}`;
}
