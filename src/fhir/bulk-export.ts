import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Resource } from '@medplum/fhirtypes';
import { rows, type Database, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { isSystem } from '../platform/access/actor.js';
import { auditEachChild, openEachChild, type ChildAccess, type ChildAudit } from '../platform/access/door.js';
import { standingRelationshipSql } from '../platform/access/relationship.js';
import { scopeAllows } from '../platform/access/policy.js';
import type { ScheduledJob } from '../platform/jobs/job.js';
import { clientActor } from './clients.js';
import { fhirPolicy } from './policy.js';
import { HANDLERS, handlerFor } from './registry.js';
import { patientResource } from './resources/patient.js';
import { patientsByIds } from './store.js';
import { chunkEntriesOfKinds } from './resources/entries.js';
import type { ChunkReading, Reading, ResourceHandler, WholeRecord } from './resources/handler.js';
import { withProfile } from './uk-core.js';

/**
 * FHIR Bulk Data export (Bulk Data Access 2.0; decision 0025). A kick-off
 * writes a row; a worker then takes the client's children in id order, a
 * chunk at a time. Each chunk is one transaction: the door opens for the
 * chunk's children as the client (refusals audited), every child exported is
 * audited, the NDJSON file parts for the chunk are written and the cursor
 * moves on. So a file part never holds a child whose door did not open in
 * the transaction that wrote it, and memory holds one chunk (one type of it
 * at a time, each type's part written as it is read), however many children
 * the ICS has (decision 0045).
 */

/**
 * Children per chunk: each type is one statement for the chunk, so a larger
 * chunk costs fewer statements per child and more memory (about 25
 * resources a child); JOINERY_EXPORT_CHUNK_CHILDREN overrides it (a test
 * takes several chunks of a small ICS). Decision 0045.
 */
export const CHUNK_CHILDREN = 500;
/** A whole number from 1 to 10,000; anything else set there is ignored, as a chunk of none or thousands upon thousands could not work. */
const chunkChildren = () => {
  const set = Number(process.env.JOINERY_EXPORT_CHUNK_CHILDREN);
  return Number.isInteger(set) && set >= 1 && set <= 10_000 ? set : CHUNK_CHILDREN;
};
/** How long a finished export's files are kept for the client to download. */
export const EXPORT_HOURS = 24;
export const BULK_EXPORT_JOB = 'fhir-bulk-export';

export type ExportLevel = 'system' | 'patient';

/** Types exported from children's records: Patient, and each type a child's $everything gives. */
const CHILD_TYPES = ['Patient', ...HANDLERS.filter((h) => h.everything).map((h) => h.type)];
/** Types exported whole at system level: not a child's record (organisations, professionals). */
const SHARED_TYPES = ['Organization', 'Practitioner'];

/** The types an export at this level can give. */
export const exportableTypes = (level: ExportLevel) => (level === 'system' ? [...SHARED_TYPES, ...CHILD_TYPES] : CHILD_TYPES);

type ExportRow = {
  id: string; client_id: string; scopes: string; level: ExportLevel; types: string[]; since: string | null; request_url: string;
  status: 'in-progress' | 'completed' | 'failed'; cursor_child_id: string | null; children_total: number; children_done: number;
  shared_done: boolean; error: string | null; requested_at: string; completed_at: string | null; expires_at: string | null;
};

const EXPORT_COLUMNS = sql`id, client_id, scopes, level, types, since, request_url, status, cursor_child_id, children_total, children_done,
  shared_done, error, requested_at, completed_at, expires_at`;

/** The children this client stands in a relationship with: the export's candidates, in id order from after the cursor. */
const candidates = (icsId: string, actor: Actor, after: string | null, limit: number) => sql`
  SELECT c.id FROM child c WHERE c.ics_id = ${icsId}::uuid AND ${standingRelationshipSql(actor)}
   ${after ? sql`AND c.id > ${after}::uuid` : sql``} ORDER BY c.id LIMIT ${limit}`;

/** Starts an export for the client; the worker does the rest. Returns its id. */
export async function startExport(
  tx: Tx, actor: Actor, request: { level: ExportLevel; types: string[]; since: string | null; requestUrl: string },
): Promise<string> {
  if (!isSystem(actor)) throw new Error('Only a system client exports.');
  const id = crypto.randomUUID();
  const [{ total }] = await rows<{ total: number }>(tx, sql`
    SELECT count(*)::int AS total FROM child c WHERE c.ics_id = ${actor.icsId}::uuid AND ${standingRelationshipSql(actor)}`);
  await tx.execute(sql`INSERT INTO fhir_export (ics_id, id, client_id, scopes, level, types, since, request_url, children_total, shared_done)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${actor.system.clientId}::uuid, ${actor.system.scopes.join(' ')}, ${request.level},
            ${`{${request.types.join(',')}}`}::text[], ${request.since}::timestamptz, ${request.requestUrl}, ${total},
            ${request.level !== 'system' || !request.types.some((t) => SHARED_TYPES.includes(t))})`);
  return id;
}

/** The export, if it is this client's (another client's is as good as unknown). */
export async function exportOf(tx: Tx, actor: Actor, id: string): Promise<ExportRow | undefined> {
  if (!isSystem(actor) || !/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [found] = await rows<ExportRow>(tx, sql`SELECT ${EXPORT_COLUMNS} FROM fhir_export
    WHERE ics_id = ${actor.icsId}::uuid AND id = ${id.toLowerCase()}::uuid AND client_id = ${actor.system.clientId}::uuid`);
  return found;
}

export type ExportFile = { seq: number; resource_type: string; line_count: number };

export function filesOf(tx: Tx, icsId: string, exportId: string): Promise<ExportFile[]> {
  return rows<ExportFile>(tx, sql`SELECT seq, resource_type, line_count FROM fhir_export_file
    WHERE ics_id = ${icsId}::uuid AND export_id = ${exportId}::uuid ORDER BY seq`);
}

export async function fileBody(tx: Tx, icsId: string, exportId: string, seq: number): Promise<string | undefined> {
  const [found] = await rows<{ ndjson: string }>(tx, sql`SELECT ndjson FROM fhir_export_file
    WHERE ics_id = ${icsId}::uuid AND export_id = ${exportId}::uuid AND seq = ${seq}`);
  return found?.ndjson;
}

/** Cancels (while running) or deletes (once done) an export and its files. */
export async function deleteExport(tx: Tx, icsId: string, exportId: string): Promise<void> {
  await tx.execute(sql`DELETE FROM fhir_export WHERE ics_id = ${icsId}::uuid AND id = ${exportId}::uuid`);
}

/** Whether a resource changed at or after `since`; one with no lastUpdated cannot be ruled out, so it goes. */
const changedSince = (since: Date | null) => (r: Resource) => !since || !r.meta?.lastUpdated || new Date(r.meta.lastUpdated) >= since;

/**
 * A step's file parts, numbered on from the export's last: each is written
 * as soon as its resources are read, as NDJSON, so a chunk holds one type's
 * resources at a time, never the whole chunk's.
 */
type Parts = { write(resources: Resource[]): Promise<void> };

async function partsOf(tx: Tx, icsId: string, exportId: string): Promise<Parts> {
  const [{ next }] = await rows<{ next: number }>(tx, sql`SELECT coalesce(max(seq), 0) + 1 AS next FROM fhir_export_file
    WHERE ics_id = ${icsId}::uuid AND export_id = ${exportId}::uuid`);
  let seq = next;
  return {
    async write(resources) {
      // One part per resource type given (a type's handler may give another's too: grouped, each in the order read).
      const byType = new Map<string, string[]>();
      for (const r of resources) {
        const lines = byType.get(r.resourceType);
        if (lines) lines.push(JSON.stringify(withProfile(r)));
        else byType.set(r.resourceType, [JSON.stringify(withProfile(r))]);
      }
      for (const [type, lines] of byType) {
        await tx.execute(sql`INSERT INTO fhir_export_file (ics_id, export_id, seq, resource_type, line_count, ndjson)
          VALUES (${icsId}::uuid, ${exportId}::uuid, ${seq++}, ${type}, ${lines.length}, ${lines.join('\n') + '\n'})`);
      }
    },
  };
}

/** Organisations and professionals, for a system-level export: every page of their search, a page's part written as it is read. */
async function sharedPart(r: Reading, e: ExportRow, since: Date | null, parts: Parts): Promise<void> {
  for (const type of SHARED_TYPES.filter((t) => e.types.includes(t))) {
    const handler = handlerFor(type)!;
    for (let offset = 0; ; offset += 500) {
      const { resources } = await handler.search(r, new Map(), { count: 500, offset });
      await parts.write(resources.filter(changedSince(since)));
      if (resources.length < 500) break;
    }
  }
}

/**
 * A type's resources for every child of the chunk: in one statement where
 * the type reads a chunk at once (every type $everything gives does, now);
 * a type added without it is read child by child, as $everything reads it,
 * under the door already opened (its audits kept for the chunk's one
 * statement), slower but never wrong.
 */
async function typeOfChunk(h: ResourceHandler, r: ChunkReading, audits: { access: ChildAccess; entry: ChildAudit }[]): Promise<Resource[]> {
  if (h.everyChild) return h.everyChild(r);
  const out: Resource[] = [];
  for (const access of r.accesses) {
    const whole: WholeRecord = { access, audits: [], entries: new Map() };
    out.push(...(await h.everything!({ tx: r.tx, actor: r.actor, whole }, access.childId)));
    audits.push(...whole.audits.map((entry) => ({ access, entry })));
  }
  return out;
}

/**
 * One chunk of children: the door opened for all of them as the client
 * (refusals audited), each child let in audited, then each type read for
 * all of them at once, with the record service's sensitive filtering, and
 * its part written before the next type is read.
 */
async function childrenPart(r: Reading, e: ExportRow, since: Date | null, childIds: string[], parts: Parts): Promise<void> {
  const opened = await openEachChild(r.tx, r.actor, childIds, { rule: fhirPolicy.readChild, refused: 'Record in a FHIR Bulk Data export' });
  const accesses = childIds.flatMap((id) => {
    const access = opened.get(id);
    return access && !(access instanceof Error) ? [access] : [];
  });
  const handlers = HANDLERS.filter((h) => h.everything && e.types.includes(h.type));
  const kinds = [...new Set(handlers.flatMap((h) => (h.entryKind ? [h.entryKind] : [])))];
  const chunk: ChunkReading = { ...r, accesses, entries: await chunkEntriesOfKinds(r, accesses, kinds) };
  const audits = accesses.map((access) => ({
    access, entry: { action: 'fhir.export', what: 'Record in a FHIR Bulk Data export', details: { exportId: e.id, types: e.types } } as ChildAudit,
  }));
  // The children's own rows, read after the door above let the client in.
  if (e.types.includes('Patient')) await parts.write((await patientsByIds(r.tx, r.actor.icsId, accesses.map((a) => a.childId))).map(patientResource).filter(changedSince(since)));
  for (const [i, h] of handlers.entries()) {
    await parts.write((await typeOfChunk(h, chunk, audits)).filter(changedSince(since)));
    // A kind's entries go once the last type that serves them is written.
    if (h.entryKind && !handlers.slice(i + 1).some((later) => later.entryKind === h.entryKind)) chunk.entries.delete(h.entryKind);
  }
  await auditEachChild(r.tx, audits);
}

type Step = 'worked' | 'nothing';

/**
 * One step of one export: its shared part, or its next chunk of children,
 * or its completion. The row is locked (SKIP LOCKED) so two workers, in
 * one process or two, never write the same chunk.
 */
async function step(db: Database, icsId: string, exportId: string): Promise<Step> {
  return db.tenant(icsId, async (tx) => {
    const [e] = await rows<ExportRow>(tx, sql`SELECT ${EXPORT_COLUMNS} FROM fhir_export
      WHERE ics_id = ${icsId}::uuid AND id = ${exportId}::uuid AND status = 'in-progress' FOR UPDATE SKIP LOCKED`);
    if (!e) return 'nothing';
    const actor = await clientActor(tx, icsId, e.client_id, e.scopes.split(' '));
    if (!actor) {
      await tx.execute(sql`UPDATE fhir_export SET status = 'failed', error = 'The client was revoked during the export.', completed_at = now(),
        expires_at = now() + make_interval(hours => ${EXPORT_HOURS}) WHERE ics_id = ${icsId}::uuid AND id = ${exportId}::uuid`);
      await tx.execute(sql`DELETE FROM fhir_export_file WHERE ics_id = ${icsId}::uuid AND export_id = ${exportId}::uuid`);
      return 'worked';
    }
    const r: Reading = { tx, actor };
    const since = e.since ? new Date(e.since) : null;
    if (!e.shared_done) {
      await sharedPart(r, e, since, await partsOf(tx, icsId, e.id));
      await tx.execute(sql`UPDATE fhir_export SET shared_done = true WHERE ics_id = ${icsId}::uuid AND id = ${e.id}::uuid`);
      return 'worked';
    }
    const childIds = (await rows<{ id: string }>(tx, candidates(icsId, actor, e.cursor_child_id, chunkChildren()))).map((c) => c.id);
    if (!childIds.length) {
      await tx.execute(sql`UPDATE fhir_export SET status = 'completed', completed_at = now(), expires_at = now() + make_interval(hours => ${EXPORT_HOURS})
        WHERE ics_id = ${icsId}::uuid AND id = ${e.id}::uuid`);
      return 'worked';
    }
    await childrenPart(r, e, since, childIds, await partsOf(tx, icsId, e.id));
    await tx.execute(sql`UPDATE fhir_export SET cursor_child_id = ${childIds[childIds.length - 1]}::uuid, children_done = children_done + ${childIds.length}
      WHERE ics_id = ${icsId}::uuid AND id = ${e.id}::uuid`);
    return 'worked';
  });
}

/** The exports under way in every ICS, oldest first. */
async function underWay(db: Database): Promise<{ icsId: string; id: string }[]> {
  const out: { icsId: string; id: string }[] = [];
  for (const { id: icsId } of await rows<{ id: string }>(db.owner, sql`SELECT id FROM ics ORDER BY id`)) {
    const found = await db.tenant(icsId, (tx) => rows<{ id: string }>(tx, sql`SELECT id FROM fhir_export
      WHERE ics_id = ${icsId}::uuid AND status = 'in-progress' ORDER BY requested_at`));
    out.push(...found.map((f) => ({ icsId, id: f.id })));
  }
  return out;
}

/** Records a step that threw: the export fails with the error's first line, rather than retrying for ever. */
async function fail(db: Database, icsId: string, exportId: string, error: unknown): Promise<void> {
  const line = (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 300);
  await db.tenant(icsId, async (tx) => {
    await tx.execute(sql`UPDATE fhir_export SET status = 'failed', error = ${line}, completed_at = now(), expires_at = now() + make_interval(hours => ${EXPORT_HOURS})
      WHERE ics_id = ${icsId}::uuid AND id = ${exportId}::uuid AND status = 'in-progress'`);
    await tx.execute(sql`DELETE FROM fhir_export_file WHERE ics_id = ${icsId}::uuid AND export_id = ${exportId}::uuid`);
  });
}

/**
 * Works every export under way to its end, a step of each in turn (so one
 * large export does not hold up a small one); `stopped` is asked between
 * steps. Returns the number of steps taken.
 */
export async function workExports(db: Database, stopped: () => boolean = () => false): Promise<number> {
  let steps = 0;
  for (;;) {
    const pending = await underWay(db);
    let worked = false;
    for (const { icsId, id } of pending) {
      if (stopped()) return steps;
      try {
        if ((await step(db, icsId, id)) === 'worked') {
          worked = true;
          steps++;
        }
      } catch (e) {
        await fail(db, icsId, id, e);
      }
    }
    if (!worked) return steps;
  }
}

/** Finished exports past their expiry go, with their files. */
export async function clearExpiredExports(db: Database): Promise<number> {
  let cleared = 0;
  for (const { id: icsId } of await rows<{ id: string }>(db.owner, sql`SELECT id FROM ics ORDER BY id`)) {
    cleared += await db.tenant(icsId, async (tx) => (await rows(tx, sql`DELETE FROM fhir_export
      WHERE ics_id = ${icsId}::uuid AND status <> 'in-progress' AND expires_at < now() RETURNING id`)).length);
  }
  return cleared;
}

/**
 * The worker in the serving process: kicked by each kick-off, it works until
 * nothing is under way. Exports left by a stopped process are taken up by
 * the scheduled job (below) or the next kick.
 */
export function exportWorker(db: Database) {
  let stopped = false;
  let again = false;
  let running: Promise<void> | null = null;
  const loop = async () => {
    do {
      again = false;
      await workExports(db, () => stopped).catch((e: unknown) => console.error(`[joinery] FHIR export worker: ${(e as Error).message}`));
    } while (again && !stopped);
    running = null;
  };
  return {
    kick() {
      if (stopped) return;
      if (running) again = true;
      else running = loop();
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

/** Every minute: takes up exports a restart left under way, and clears expired ones. */
export function bulkExportJob(db: Database): ScheduledJob {
  return {
    name: BULK_EXPORT_JOB,
    everyMinutes: 1,
    async run() {
      const steps = await workExports(db);
      const cleared = await clearExpiredExports(db);
      return `${steps} export steps, ${cleared} expired exports cleared`;
    },
  };
}

/** Whether the client's scopes let it read the type (an export reads only what the token could). */
export const mayExport = (actor: Actor, type: string) => isSystem(actor) && scopeAllows(actor.system.scopes, type, 'r') !== null;
