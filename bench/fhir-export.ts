/**
 * FHIR Bulk Data $export of a whole ICS, as a Bulk Data client drives it over
 * HTTP: kick-off, status polling to completion, every NDJSON file downloaded
 * and its lines counted against the database. Prints resources/s, the time
 * to the first file written, this process's peak RSS (the app runs here), the
 * NDJSON's size and whether memory stayed flat: the RSS when the first file
 * was written against the highest after it, while the worker goes through
 * chunk after chunk (it should hold one chunk, however many children).
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
  let rssAtFirstFile = 0;
  let peakAfterFirstFile = 0;
  const mib = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
  let manifest: Manifest | undefined;
  while (!manifest) {
    const res = await fetch(statusUrl, { headers });
    if (res.status === 200) manifest = (await res.json()) as Manifest;
    else if (res.status !== 202) throw new Error(`status answered ${res.status}: ${await res.text()}`);
    else await res.arrayBuffer();
    if (firstFileMs === undefined) {
      const [{ n }] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM fhir_export_file WHERE ics_id = ${opts.icsId}::uuid AND export_id = ${exportId}::uuid`);
      if (n > 0) {
        firstFileMs = performance.now() - started;
        rssAtFirstFile = mib();
      }
    } else peakAfterFirstFile = Math.max(peakAfterFirstFile, mib());
    if (!manifest) await new Promise((r) => setTimeout(r, 250));
  }
  const rssAtEnd = mib();
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
  console.log(`\nFHIR Bulk Data Patient/$export of ${children.toLocaleString('en-GB')} children: ${resources.toLocaleString('en-GB')} resources in ${seconds.toFixed(1)} s, ` +
    `${Math.round(resources / seconds).toLocaleString('en-GB')} resources/s, first file after ${((firstFileMs ?? seconds * 1000) / 1000).toFixed(1)} s, peak RSS ${peakRss} MiB`);
  console.log(`  Patient lines ${byType.get('Patient') ?? 0} (database: ${children} children)${(byType.get('Patient') ?? 0) === children ? '' : '  MISMATCH'}`);
  const [{ size }] = await rows<{ size: string }>(db.owner, sql`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);
  console.log(`  data: NDJSON ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${manifest.output.length} files; database ${size}`);
  // Flat: what the worker holds after the first chunk does not grow with the children still to go (a quarter's margin for the collector).
  const flat = peakAfterFirstFile <= rssAtFirstFile * 1.25 + 32;
  console.log(`  memory ${flat ? 'flat' : 'NOT flat'}: RSS ${rssAtFirstFile} MiB at the first file, at most ${peakAfterFirstFile} MiB while the rest was written, ${rssAtEnd} MiB at completion`);
  for (const [type, n] of [...byType].sort()) console.log(`  ${type.padEnd(24)} ${n.toLocaleString('en-GB')}`);
  console.log(`  record entries in the database by kind: ${entries.map((e) => `${e.kind} ${e.n}`).join(', ')}`);
}
