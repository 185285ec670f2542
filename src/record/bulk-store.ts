import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';
import type { Actor } from '../platform/access/actor.js';
import type { EntryInput } from './entry-input.js';
import { snapshotOf, STORED_ENTRY_COLUMNS, storedEntryColumns, type EntryRow, type StoredEntry } from './store.js';

/**
 * The record store's queries for many entries at once (see store.ts for one
 * at a time): each is one round trip whatever the number of rows, so a feed's
 * thousand entries cost a handful of statements instead of thousands.
 */

/** An entry as a write needs it: its row and its recording organisation's name (not when its current version was written: no write needs that). */
export type WrittenEntry = Omit<EntryRow, 'updated_at'>;

const selectEntries = (where: SQL, from: SQL) => sql`SELECT ${storedEntryColumns()},
  o.name AS recording_organisation_name FROM ${from}
  LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.recording_organisation_id WHERE ${where}`;

const sourceKey = (system: string, id: string) => `${system}\u0000${id}`;

/** Entries by the sender's identifiers, whatever their visibility: source key (see keyOfSource) → entry. */
export async function entriesBySource(tx: Tx, icsId: string, sources: { system: string; id: string }[]): Promise<Map<string, WrittenEntry>> {
  if (!sources.length) return new Map();
  const keys = JSON.stringify(sources.map((k) => ({ s: k.system, i: k.id })));
  // A join from the keys, so each is one probe of record_entry_source_idx.
  const found = await rows<WrittenEntry>(
    tx,
    selectEntries(sql`e.ics_id = ${icsId}::uuid`, sql`(SELECT DISTINCT s, i FROM json_to_recordset(${keys}::json) AS k(s text, i text)) k
      JOIN record_entry e ON e.source_system = k.s AND e.source_id = k.i`),
  );
  return new Map(found.map((e) => [sourceKey(e.source_system!, e.source_id!), e]));
}

export const keyOfSource = (input: EntryInput): string | undefined =>
  input.sourceSystem && input.sourceId ? sourceKey(input.sourceSystem, input.sourceId) : undefined;

const columnsOf = (e: EntryInput) => ({
  kind: e.kind, code_system: e.codeSystem ?? null, code: e.code ?? null, display: e.display, status: e.status, started_on: e.startedOn ?? null,
  ended_on: e.endedOn ?? null, details: e.details, sensitive_category: e.sensitiveCategory ?? null, as_sent: e.asSent ?? null,
});

/**
 * As store.insertEntry, for many: the actor recorded them, version 1. Returns
 * the rows as written (RETURNING), with the name of the actor's organisation
 * as the database holds it, in one statement more: no read of the rows back.
 */
export async function insertEntries(tx: Tx, actor: Actor, entries: { id: string; childId: string; input: EntryInput }[]): Promise<Map<string, WrittenEntry>> {
  if (!entries.length) return new Map();
  const written = await bulkInsert<StoredEntry>(tx, 'record_entry', entries.map(({ id, childId, input }) => ({
    ics_id: actor.icsId, id, child_id: childId, ...columnsOf(input), recorded_by: actor.professionalId, recorded_by_name: actor.name,
    recording_organisation_id: actor.organisationId, source_system: input.sourceSystem ?? null, source_id: input.sourceId ?? null, version: 1,
  })), { returning: STORED_ENTRY_COLUMNS });
  const [organisation] = actor.organisationId
    ? await rows<{ name: string }>(tx, sql`SELECT name FROM organisation WHERE ics_id = ${actor.icsId}::uuid AND id = ${actor.organisationId}::uuid`)
    : [];
  return new Map(written.map((e) => [e.id, { ...e, recording_organisation_name: organisation?.name ?? null }]));
}

/**
 * As store.updateEntry, for many: each row changes only if its version is
 * still the one read. Returns the rows that changed, as they now are (their
 * organisation's name as read before: who recorded an entry, and where, stay
 * as they were); the others someone else changed first.
 */
export async function updateEntries(tx: Tx, icsId: string, entries: { existing: WrittenEntry; input: EntryInput }[]): Promise<Map<string, WrittenEntry>> {
  if (!entries.length) return new Map();
  const given = JSON.stringify(entries.map(({ existing: { id, version }, input }) => ({ id, version, ...columnsOf(input) })));
  const updated = await rows<StoredEntry>(
    tx,
    sql`UPDATE record_entry e SET code_system = k.code_system, code = k.code, display = k.display, status = k.status, started_on = k.started_on,
          ended_on = k.ended_on, details = k.details, sensitive_category = k.sensitive_category, as_sent = k.as_sent, version = e.version + 1
        FROM json_populate_recordset(NULL::record_entry, ${given}::json) AS k
        WHERE e.ics_id = ${icsId}::uuid AND e.id = k.id AND e.version = k.version RETURNING ${storedEntryColumns()}`,
  );
  const names = new Map(entries.map(({ existing }) => [existing.id, existing.recording_organisation_name]));
  return new Map(updated.map((e) => [e.id, { ...e, recording_organisation_name: names.get(e.id) ?? null }]));
}

/** As store.writeHistory, for many: each entry's version as it now is. */
export async function writeHistories(tx: Tx, actor: Actor, entries: WrittenEntry[]): Promise<void> {
  await bulkInsert(tx, 'record_entry_history', entries.map((entry) => ({
    ics_id: actor.icsId, entry_id: entry.id, version: entry.version, changed_by: actor.professionalId, changed_by_name: actor.name, snapshot: snapshotOf(entry),
  })));
}
