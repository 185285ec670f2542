import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';
import type { Config } from '../platform/config.js';
import type { Database, Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { clientActor, commandLineClient } from '../fhir/clients.js';
import { processBundle } from '../fhir/bundle.js';
import { Importer } from '../fhir/import.js';
import { asFhirError, type Issue } from '../fhir/outcome.js';
import { importRank } from '../fhir/registry.js';
import { withIcs } from './client-add.js';
import { progressBar } from './progress.js';

export const importFhirFlags = z.object({
  path: z.string({ error: 'Give a file or folder to import' }).min(1, 'Give a file or folder to import'),
  ics: z.string().trim().min(1).max(40).optional(),
  source: z.string().trim().min(1).max(200).optional(),
});

export type ImportSummary = {
  files: number; created: number; updated: number; unchanged: number;
  rejected: { where: string; reasons: string[] }[];
  seconds: number;
};

/** Resources written per transaction: each in its own savepoint, so one bad line loses only itself. */
const CHUNK = 250;
/** Patients and organisations go first so that what refers to them finds them. */
const FIRST_PASS = importRank('Patient');

const describe = (issues: Issue[]) => issues.map((i) => (i.expression ? `${i.expression}: ${i.text}` : i.text));

function filesIn(target: string): string[] {
  const stat = fs.statSync(target);
  if (stat.isFile()) return [target];
  const out: string[] = [];
  for (const entry of fs.readdirSync(target, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(target, entry.name);
    if (entry.isDirectory()) out.push(...filesIn(full));
    else if (/\.(ndjson|json)$/i.test(entry.name)) out.push(full);
  }
  return out;
}

async function* lines(file: string): AsyncGenerator<{ n: number; text: string }> {
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (text.trim()) yield { n, text };
  }
}

async function countWork(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) {
    if (f.toLowerCase().endsWith('.ndjson')) for await (const _ of lines(f)) total++;
    else total += 1;
  }
  return total;
}

/**
 * Imports FHIR Bundles (.json: transaction, batch, or any other Bundle taken as
 * a batch; or one resource) and Bulk Data NDJSON (.ndjson: one resource a line,
 * any type) as the ICS's integration engine.
 */
export async function importFhir(db: Database, icsId: string, target: string, opts: { source?: string; onProgress?: (done: number, total: number) => void } = {}): Promise<ImportSummary> {
  const started = performance.now();
  const files = filesIn(target);
  const actor = await db.tenant(icsId, async (tx) => {
    const clientId = await commandLineClient(tx, icsId);
    return (await clientActor(tx, icsId, clientId, ['system/*.cruds']))!;
  });
  const namespace = opts.source ?? `urn:joinery:fhir-client:${actor.professionalId}`;
  const summary: ImportSummary = { files: files.length, created: 0, updated: 0, unchanged: 0, rejected: [], seconds: 0 };
  const total = await countWork(files);
  let done = 0;
  const progress = () => opts.onProgress?.(done, total);
  progress();

  for (const file of files.filter((f) => !f.toLowerCase().endsWith('.ndjson'))) {
    await importJsonFile(db, actor, file, namespace, summary);
    done++;
    progress();
  }
  const ndjson = files.filter((f) => f.toLowerCase().endsWith('.ndjson'));
  for (const pass of [0, 1]) {
    for (const file of ndjson) {
      let chunk: { n: number; resource: unknown; error?: string }[] = [];
      const flush = async () => {
        if (chunk.length) await importChunk(db, actor, namespace, file, chunk, summary);
        done += chunk.length;
        chunk = [];
        progress();
      };
      for await (const { n, text } of lines(file)) {
        let resource: unknown;
        let error: string | undefined;
        try {
          resource = JSON.parse(text);
        } catch {
          error = 'Not JSON: each line must be one FHIR resource.';
        }
        const type = (resource as { resourceType?: unknown } | undefined)?.resourceType;
        const first = typeof type === 'string' && importRank(type) <= FIRST_PASS;
        // Bad lines are reported once, in the second pass.
        if (pass === 0 ? !first || error : first && !error) continue;
        chunk.push({ n, resource, error });
        if (chunk.length >= CHUNK) await flush();
      }
      await flush();
    }
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

async function importChunk(db: Database, actor: Actor, namespace: string, file: string, chunk: { n: number; resource: unknown; error?: string }[], summary: ImportSummary) {
  await db.tenant(actor.icsId, async (tx) => {
    const importer = new Importer(tx, actor, { namespace });
    for (const line of chunk) {
      const where = `${file}:${line.n}`;
      if (line.error) {
        summary.rejected.push({ where, reasons: [line.error] });
        continue;
      }
      const type = (line.resource as { resourceType?: string }).resourceType ?? 'Resource';
      try {
        const imported = await tx.transaction(async (sp) => {
          importer.tx = sp as unknown as Tx;
          try {
            return await importer.importResource(line.resource, { path: typeof type === 'string' ? type : 'Resource', method: 'POST' });
          } finally {
            importer.tx = tx;
          }
        });
        summary[imported.outcome]++;
      } catch (e) {
        summary.rejected.push({ where, reasons: describe(asFhirError(e).issues) });
      }
    }
  });
}

async function importJsonFile(db: Database, actor: Actor, file: string, namespace: string, summary: ImportSummary) {
  let body: { resourceType?: unknown; type?: unknown; entry?: unknown };
  try {
    body = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    summary.rejected.push({ where: file, reasons: ['Not JSON.'] });
    return;
  }
  if (!body || typeof body !== 'object') {
    summary.rejected.push({ where: file, reasons: ['Not a FHIR resource.'] });
    return;
  }
  let bundle: unknown = body;
  if (body.resourceType !== 'Bundle') {
    bundle = { resourceType: 'Bundle', type: 'batch', entry: [{ resource: body, request: { method: 'POST', url: body.resourceType } }] };
  } else if (body.type !== 'transaction' && body.type !== 'batch' && Array.isArray(body.entry)) {
    // A collection, searchset or document: its resources, each on its own.
    bundle = {
      resourceType: 'Bundle', type: 'batch',
      entry: (body.entry as { resource?: { resourceType?: string }; fullUrl?: string }[]).map((e) => ({
        fullUrl: e?.fullUrl, resource: e?.resource, request: { method: 'POST', url: e?.resource?.resourceType ?? 'Resource' },
      })),
    };
  }
  try {
    const result = await processBundle(db, actor, bundle, { base: 'urn:joinery:import', namespace });
    summary.created += result.summary.created;
    summary.updated += result.summary.updated;
    summary.unchanged += result.summary.unchanged;
    for (const r of result.summary.rejected) summary.rejected.push({ where: `${file} entry ${r.index}`, reasons: describe(r.issues) });
  } catch (e) {
    const error = asFhirError(e);
    summary.rejected.push({ where: `${file} (whole transaction rolled back)`, reasons: describe(error.issues) });
  }
}

/** `joinery import fhir <file or folder>`: imports with a progress bar and prints a summary. Exit 1 when anything was rejected. */
export async function importFhirCommand(config: Config, flags: z.infer<typeof importFhirFlags>, io: { out: (l: string) => void; err: (l: string) => void }): Promise<number> {
  if (!fs.existsSync(flags.path)) {
    io.err(`No such file or folder: ${flags.path}`);
    return 2;
  }
  return withIcs(config, flags.ics, io, async (db, ics) => {
    const s = await importFhir(db, ics.id, flags.path, { source: flags.source, onProgress: progressBar('Importing') });
    const count = s.created + s.updated + s.unchanged + s.rejected.length;
    io.out(`Imported ${count.toLocaleString('en-GB')} resources from ${s.files} file${s.files === 1 ? '' : 's'} into ${ics.code} in ${s.seconds.toFixed(1)} s` +
      ` (${Math.round(count / Math.max(s.seconds, 0.001)).toLocaleString('en-GB')} resources/s)`);
    io.out(`  created    ${s.created.toLocaleString('en-GB')}`);
    io.out(`  updated    ${s.updated.toLocaleString('en-GB')}`);
    io.out(`  unchanged  ${s.unchanged.toLocaleString('en-GB')}`);
    io.out(`  rejected   ${s.rejected.length.toLocaleString('en-GB')}`);
    for (const r of s.rejected.slice(0, 200)) io.out(`    ${r.where}: ${r.reasons.join('; ')}`);
    if (s.rejected.length > 200) io.out(`    … and ${s.rejected.length - 200} more`);
    return s.rejected.length ? 1 : 0;
  });
}
