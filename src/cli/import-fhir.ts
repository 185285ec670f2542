import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';
import type { Config } from '../platform/config.js';
import type { Database, Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { Medication } from '@medplum/fhirtypes';
import { asFhirError, clientActor, commandLineClient, containReferredMedication, ENTRY_TYPES, FhirError, type Imported, importEntries, Importer, importRank, type Issue, processBundle, StructureCheckers, surelyConformingEntry, type Where } from '../fhir/service.js';
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
  /** Medication lines kept inside the MedicationRequests and MedicationStatements of the files that name them. */
  contained: number;
  /** Imported, but with something not kept as sent (each warning names the element). */
  warned: { where: string; warnings: string[] }[];
  seconds: number;
};

/**
 * Lines written per transaction. Record entries go together (importEntries),
 * the rest each in its own savepoint, so one bad line loses only itself.
 */
const CHUNK = 2000;
/**
 * Three passes, so that what a line refers to is written before it, whatever
 * the files' order (Bulk Data writes one file per type): organisations and
 * patients; then carers, flags and encounters; then the record entries that
 * name them (Observation.encounter as Encounter/<sender's id>).
 */
const PASS_ENDS = [importRank('Patient'), importRank('Encounter')];
const passOf = (type: unknown) => {
  const rank = typeof type === 'string' ? importRank(type) : Infinity;
  const pass = PASS_ENDS.findIndex((end) => rank <= end);
  return pass < 0 ? PASS_ENDS.length : pass;
};

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

export type ImportOptions = {
  /** The sender's namespace for bare resource ids. */
  source?: string;
  onProgress?: (done: number, total: number) => void;
  /** Check structure in worker threads; by default, when there are enough lines to pay for starting them. */
  parallel?: boolean;
};

/**
 * Imports FHIR Bundles (.json: transaction, batch, or any other Bundle taken as
 * a batch; or one resource) and Bulk Data NDJSON (.ndjson: one resource a line,
 * any type) as the ICS's integration engine.
 */
export async function importFhir(db: Database, icsId: string, target: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const files = filesIn(target);
  const actor = await db.tenant(icsId, async (tx) => {
    const clientId = await commandLineClient(tx, icsId);
    return (await clientActor(tx, icsId, clientId, ['system/*.cruds']))!;
  });
  const namespace = opts.source ?? `urn:joinery:fhir-client:${actor.professionalId}`;
  const summary: ImportSummary = { files: files.length, created: 0, updated: 0, unchanged: 0, contained: 0, rejected: [], warned: [], seconds: 0 };
  const ndjson = files.filter((f) => f.toLowerCase().endsWith('.ndjson'));
  const medicines = await medicationsIn(ndjson);
  const total = await countWork(files);
  // Checking structure is most of the work: worker threads check chunks ahead while earlier ones are written, when there are enough to pay for starting them.
  const checkers = (opts.parallel ?? total >= 2 * CHUNK) && ndjson.length ? new StructureCheckers() : undefined;
  let done = 0;
  const progress = () => opts.onProgress?.(done, total);
  progress();

  try {
    for (const file of files.filter((f) => !f.toLowerCase().endsWith('.ndjson'))) {
      await importJsonFile(db, actor, file, namespace, summary);
      done++;
      progress();
    }
    for (const pass of [0, 1, 2]) {
      for (const file of ndjson) {
        await importPass(db, actor, { namespace, checkers, medicines }, file, pass, summary, (lines) => {
          done += lines;
          progress();
        });
      }
    }
  } finally {
    await checkers?.close();
  }
  for (const m of medicines.values()) {
    if (m.usedBy) summary.contained++;
    else summary.warned.push({ where: m.where, warnings: ['Joinery keeps a Medication only inside the MedicationRequest or MedicationStatement that refers to it, and none in these files does: it was not saved.'] });
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

type Line = { n: number; text: string; resource: unknown; error?: string };

/** A Medication line of the files, by its id, and how many courses took it in. */
type Medicine = { medication: Medication; where: string; usedBy: number };
const MEDICATION_ID = /(?:^|\/)Medication\/([A-Za-z0-9\-.]{1,64})$/;

/**
 * The Medication lines of the NDJSON files (Bulk Data writes them in a file
 * of their own), by id. Joinery keeps no Medication rows: each course that
 * refers to one (Medication/<id>) carries it contained, as a Bundle's do.
 */
async function medicationsIn(files: string[]): Promise<Map<string, Medicine>> {
  const out = new Map<string, Medicine>();
  for (const file of files) {
    for await (const { n, text } of lines(file)) {
      if (!text.includes('"Medication"')) continue;
      try {
        const r = JSON.parse(text) as Medication;
        if (r?.resourceType === 'Medication' && typeof r.id === 'string') out.set(r.id, { medication: r, where: `${file}:${n}`, usedBy: 0 });
      } catch {
        // Not JSON: reported when its pass reads it.
      }
    }
  }
  return out;
}

/** A course line naming a Medication line of the files, with the medicine contained (its text too, for the structure check). */
function withMedicine(line: Line, medicines: Map<string, Medicine>): Line {
  if (!medicines.size || line.error) return line;
  let used: Medicine | undefined;
  const taken = containReferredMedication(line.resource, (reference) => {
    used = medicines.get(MEDICATION_ID.exec(reference)?.[1] ?? '');
    return used?.medication;
  });
  if (!taken || !used) return line;
  used.usedBy++;
  return { ...line, resource: taken.course, text: JSON.stringify(taken.course) };
}

/**
 * One pass through an NDJSON file, a chunk at a time and in order. While one
 * chunk is written, the next is read, parsed and checked (in the time this
 * thread would wait for the database), and the workers (if any) check the
 * chunks after it.
 */
async function importPass(
  db: Database, actor: Actor, opts: { namespace: string; checkers?: StructureCheckers; medicines: Map<string, Medicine> }, file: string, pass: number,
  summary: ImportSummary, wrote: (lines: number) => void,
) {
  const ahead: { chunk: Line[]; checked: Promise<WeakMap<object, Issue[]> | undefined> }[] = [];
  const writeOldest = async () => {
    const { chunk, checked } = ahead.shift()!;
    await importChunk(db, actor, { namespace: opts.namespace, checked: await checked }, file, chunk, summary);
    wrote(chunk.length);
  };
  let writing: Promise<void> | undefined;
  try {
    for await (const chunk of chunksOf(file, pass, opts.medicines)) {
      ahead.push({ chunk, checked: checkStructure(opts.checkers, chunk) });
      if (ahead.length > (opts.checkers?.size ?? 0)) {
        await writing;
        writing = writeOldest();
        writing.catch(() => undefined); // awaited in turn; this only keeps a failure from counting as unhandled meanwhile
      }
    }
  } finally {
    // A chunk still being written is awaited (its failure thrown) before anything else happens.
    await writing;
  }
  while (ahead.length) await writeOldest();
}

/** The type a line names first, as Bulk Data writes each resource (`{"resourceType":"Observation",…`): read without parsing the line. */
const LEADING_TYPE = /^\s*\{\s*"resourceType"\s*:\s*"([A-Za-z]{1,64})"/;

/**
 * A file's lines for one pass, CHUNK at a time: patients and organisations first, then the rest (bad lines too, reported once).
 * A line that names its type first is parsed only in its own pass (each pass would otherwise parse every line of the file);
 * there it is written whatever it turns out to be, so even a resource naming two types is written once.
 */
async function* chunksOf(file: string, pass: number, medicines: Map<string, Medicine>): AsyncGenerator<Line[]> {
  let chunk: Line[] = [];
  for await (const { n, text } of lines(file)) {
    const leading = LEADING_TYPE.exec(text)?.[1];
    // A Medication line is parsed in every pass, as one that names no type first: it is left out when it has an id (below).
    const leadingPass = leading === undefined || leading === 'Medication' ? undefined : passOf(leading);
    if (leadingPass !== undefined && leadingPass !== pass) continue;
    let resource: unknown;
    let error: string | undefined;
    try {
      resource = JSON.parse(text);
    } catch {
      error = 'Not JSON: each line must be one FHIR resource.';
    }
    const type = (resource as { resourceType?: unknown } | undefined)?.resourceType;
    // A Medication goes inside the courses that name it (medicationsIn), not in a pass of its own.
    if (!error && type === 'Medication' && typeof (resource as Medication).id === 'string') continue;
    // A bad line is reported once: in the pass its leading type names, else the last.
    if (leadingPass === undefined && (error ? PASS_ENDS.length : passOf(type)) !== pass) continue;
    chunk.push(withMedicine({ n, text, resource, error }, medicines));
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

/**
 * The chunk's structure issues, by resource: record entries the compiled check
 * passes at once, the rest from the workers. Without workers, or should they
 * fail, the rest are left out (each is checked as it is written).
 */
async function checkStructure(checkers: StructureCheckers | undefined, chunk: Line[]): Promise<WeakMap<object, Issue[]> | undefined> {
  const checked = new WeakMap<object, Issue[]>();
  const rest: Line[] = [];
  for (const l of chunk) {
    if (l.error) continue;
    if (surelyConformingEntry(l.resource)) checked.set(l.resource as object, []);
    else rest.push(l);
  }
  if (!rest.length || !checkers) return checked;
  try {
    const issues = await checkers.check(rest.map((l) => l.text));
    rest.forEach((l, i) => issues[i] && checked.set(l.resource as object, issues[i]));
    return checked;
  } catch {
    return undefined;
  }
}

/**
 * One chunk of NDJSON lines in one transaction. What the lines refer to is
 * looked up first, for all of them at once. Record entries are then written
 * together, in a savepoint: should that hit a database error, it is rolled
 * back and they go one at a time like the other lines, each in its own.
 * Rejections are reported in line order.
 */
async function importChunk(db: Database, actor: Actor, opts: Importer['opts'], file: string, chunk: Line[], summary: ImportSummary) {
  const results = new Map<number, Imported | FhirError>();
  await db.tenant(actor.icsId, async (tx) => {
    const importer = new Importer(tx, actor, opts);
    const savepoint = <T>(fn: () => Promise<T>) => tx.transaction(async (sp) => {
      importer.tx = sp as unknown as Tx;
      try {
        return await fn();
      } finally {
        importer.tx = tx;
      }
    });
    const one = async (line: Line) => {
      try {
        results.set(line.n, await savepoint(() => importer.importResource(line.resource, where(line))));
      } catch (e) {
        results.set(line.n, asFhirError(e));
      }
    };
    const readable = chunk.filter((l) => !l.error);
    const entries = readable.filter((l) => ENTRY_TYPES.includes(typeOf(l)));
    try {
      await savepoint(async () => {
        await importer.prefetch(readable.map((l) => l.resource));
        const written = await importEntries(importer, entries.map((l) => ({ resource: l.resource, where: where(l) })));
        written.forEach((r, i) => results.set(entries[i].n, r));
      });
    } catch {
      for (const line of entries) await one(line);
    }
    // What others in the chunk refer to first (a patient before its carer).
    const rest = readable.filter((l) => !results.has(l.n)).sort((a, b) => importRank(typeOf(a)) - importRank(typeOf(b)) || a.n - b.n);
    for (const line of rest) await one(line);
  });
  for (const line of chunk) {
    const where = `${file}:${line.n}`;
    const result = results.get(line.n);
    if (line.error) summary.rejected.push({ where, reasons: [line.error] });
    else if (result instanceof FhirError) summary.rejected.push({ where, reasons: describe(result.issues) });
    else {
      summary[result!.outcome]++;
      if (result!.warnings?.some((w) => w.severity === 'warning')) summary.warned.push({ where, warnings: describe(result!.warnings.filter((w) => w.severity === 'warning')) });
    }
  }
}

const typeOf = (line: Line) => {
  const type = (line.resource as { resourceType?: unknown } | null)?.resourceType;
  return typeof type === 'string' ? type : 'Resource';
};
const where = (line: Line): Where => ({ path: typeOf(line), method: 'POST' });

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
    if (s.contained) io.out(`  medicines kept inside the courses that name them  ${s.contained.toLocaleString('en-GB')}`);
    io.out(`  rejected   ${s.rejected.length.toLocaleString('en-GB')}`);
    if (s.warned.length) io.out(`  imported with something not kept: ${s.warned.length.toLocaleString('en-GB')} (the first: ${s.warned[0].where}: ${s.warned[0].warnings.join('; ')})`);
    for (const r of s.rejected.slice(0, 200)) io.out(`    ${r.where}: ${r.reasons.join('; ')}`);
    if (s.rejected.length > 200) io.out(`    … and ${s.rejected.length - 200} more`);
    return s.rejected.length ? 1 : 0;
  });
}
