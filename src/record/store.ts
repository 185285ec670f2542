import crypto from 'node:crypto';
import { sql, SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { standingRelationshipSql } from '../platform/access/relationship.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import { policy } from '../platform/access/policy.js';
import type { ContactType, EntryKind, SensitiveCategory } from './schema.js';
import type { ContactInput, EntryInput } from './entry-input.js';

export type EntryRow = {
  id: string; child_id: string; kind: EntryKind; code_system: string | null; code: string | null; display: string; status: string;
  started_on: string | null; ended_on: string | null; details: Record<string, unknown>; sensitive_category: SensitiveCategory | null;
  recorded_by: string | null; recorded_by_name: string | null; recording_organisation_id: string | null; recording_organisation_name: string | null;
  recorded_at: string; source_system: string | null; source_id: string | null; version: number;
  /** When the current version was written (recorded_at for a first version): FHIR's meta.lastUpdated. */
  updated_at: string;
  /** FHIR elements a feed sent that the columns do not hold, as sent (null when a page or the generator wrote it). */
  as_sent: Record<string, unknown> | null;
};

export type ContactRow = {
  id: string; child_id: string; type: ContactType; started_at: string; ended_at: string | null; organisation_id: string | null;
  organisation_name: string | null; site_id: string | null; reason_code: string | null; reason_display: string | null; emergency: boolean | null;
  sensitive_category: SensitiveCategory | null; source_system: string | null; source_id: string | null; as_sent: Record<string, unknown> | null;
  status: string | null;
  /** Moved by the database on every change (migration 0086); FHIR serves it as the Encounter's version. */
  version: number; updated_at: string;
};

export type EntryFilter = { kinds?: EntryKind[]; code?: string; status?: string; from?: string; to?: string; limit?: number; offset?: number };
/** `withNotAttended`: also planned, cancelled, entered-in-error and unknown encounters (FHIR serves them; the timeline does not). */
export type ContactFilter = { types?: ContactType[]; from?: string; to?: string; limit?: number; offset?: number; withNotAttended?: boolean };

/** A contact that took place (alias `e`): what the timeline shows and the risk list counts. */
export const attendedSql = sql`(e.status IS NULL OR e.status NOT IN ('planned', 'cancelled', 'entered-in-error', 'unknown'))`;

/**
 * Whether the actor may see a row that may be sensitive (alias `e`). In SQL,
 * so that paging and totals never count what is hidden: a sensitive row shows
 * only to its recording team, or after a stated (audited) reason. The reveal
 * names the ICS as a value: beside the other ORs PostgreSQL may hash it once
 * for every row, where e.ics_id would not keep it to one shard.
 */
export function visibleToSql(actor: Actor) {
  if (!policy.seeOwnTeamsSensitiveEntries(actor).allowed) return sql`(e.sensitive_category IS NULL)`;
  return sql`(e.sensitive_category IS NULL
    OR e.recording_organisation_id = ${actor.organisationId}::uuid
    OR EXISTS (SELECT 1 FROM sensitive_reveal r WHERE r.ics_id = ${actor.icsId}::uuid AND r.ics_id = e.ics_id AND r.child_id = e.child_id
               AND r.professional_id = ${actor.professionalId}::uuid AND r.expires_at > now()))`;
}

/**
 * When the entry's current version was written (EntryRow.updated_at), over
 * record_entry `e`. The history subquery names the ICS as well as equating it:
 * on Citus over PostgreSQL 15, a subquery correlated by ics_id alone beside the
 * organisation's outer join is refused ("outer joins and pseudoconstant
 * quals"); named, the statement goes to one shard. The bulk reads
 * (bulk-store.ts), which name no ICS, leave it to row-level security.
 */
export const entryUpdatedAt = (icsId?: string) => sql`coalesce((SELECT h.changed_at FROM record_entry_history h
   WHERE ${icsId ? sql`h.ics_id = ${icsId}::uuid AND ` : sql``}h.ics_id = e.ics_id AND h.entry_id = e.id AND h.version = e.version
   ORDER BY h.changed_at DESC LIMIT 1), e.recorded_at)`;

/** EntryRow's columns, from record_entry `e` and its recording organisation `o` (bulk-store.ts selects them too). */
export const entryColumns = (icsId?: string) => sql`${storedEntryColumns()}, o.name AS recording_organisation_name,
  ${entryUpdatedAt(icsId)} AS updated_at`;

/** An entry as its record_entry row holds it: EntryRow without its organisation's name and updated_at, which are read from other tables. */
export type StoredEntry = Omit<EntryRow, 'recording_organisation_name' | 'updated_at'>;
/** StoredEntry's columns of record_entry: what a write's RETURNING gives back (bulk-store.ts). */
export const STORED_ENTRY_COLUMNS = ['id', 'child_id', 'kind', 'code_system', 'code', 'display', 'status', 'started_on', 'ended_on', 'details',
  'sensitive_category', 'recorded_by', 'recorded_by_name', 'recording_organisation_id', 'recorded_at', 'source_system', 'source_id', 'version', 'as_sent'] as const;
/** STORED_ENTRY_COLUMNS of record_entry `e`, for a SELECT or a RETURNING. */
export const storedEntryColumns = () => sql.raw(STORED_ENTRY_COLUMNS.map((c) => `e.${c}`).join(', '));

/**
 * One child, or several at once (a bulk export's chunk): `e.child_id` matches.
 * The child may be an SQL expression (the door's read names it so: ChildRead).
 */
const ofChildren = (childId: string | readonly string[] | SQL) =>
  childId instanceof SQL ? sql`e.child_id = ${childId}`
    : typeof childId === 'string' ? sql`e.child_id = ${childId}::uuid` : sql`e.child_id = ANY(${`{${childId.join(',')}}`}::uuid[])`;

export function entryWhere(actor: Actor, childId: string | readonly string[] | SQL, f: EntryFilter): SQL {
  const parts = [sql`e.ics_id = ${actor.icsId}::uuid`, ofChildren(childId), visibleToSql(actor), sql`e.status <> 'entered-in-error'`];
  if (f.kinds?.length) parts.push(sql`e.kind IN (${sql.join(f.kinds.map((k) => sql`${k}`), sql`, `)})`);
  if (f.code) parts.push(sql`e.code = ${f.code}`);
  if (f.status) parts.push(sql`e.status = ${f.status}`);
  if (f.from) parts.push(sql`e.started_on >= ${f.from}::date`);
  if (f.to) parts.push(sql`e.started_on <= ${f.to}::date`);
  return sql.join(parts, sql` AND `);
}

const ENTRY_ORDER = sql`e.kind, e.started_on DESC NULLS LAST, e.display, e.id`;
const CONTACT_ORDER = sql`e.started_at DESC, e.id`;

/**
 * A page of rows and the total that match, in one query: the total is a
 * window count over the same WHERE (so it counts only what the actor may
 * see). A page past the end has no row to carry it: only then is it counted
 * on its own.
 */
async function pageWithTotal<T>(
  tx: Tx, q: { select: SQL; from: SQL; countFrom: SQL; where: SQL; order: SQL; limit: number; offset: number },
): Promise<{ rows: T[]; total: number }> {
  const found = q.limit > 0
    ? await rows<T & { total_matching: number }>(
      tx,
      sql`SELECT ${q.select}, count(*) OVER ()::int AS total_matching FROM ${q.from} WHERE ${q.where}
           ORDER BY ${q.order} LIMIT ${q.limit} OFFSET ${q.offset}`,
    )
    : [];
  if (found.length > 0) return { rows: found.map(({ total_matching: _, ...row }) => row as T), total: found[0].total_matching };
  if (q.limit > 0 && q.offset === 0) return { rows: [], total: 0 };
  const [{ total }] = await rows<{ total: number }>(tx, sql`SELECT count(*)::int AS total FROM ${q.countFrom} WHERE ${q.where}`);
  return { rows: [], total };
}

export const ENTRY_FROM = sql`record_entry e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.recording_organisation_id`;

/** A page of the child's entries that the actor may see, and how many match in all. */
export async function listEntries(tx: Tx, access: ChildAccess, f: EntryFilter) {
  const { actor, childId } = checkedAccess(tx, access);
  const { rows: entries, total } = await pageWithTotal<EntryRow>(tx, {
    select: entryColumns(actor.icsId), from: ENTRY_FROM, countFrom: sql`record_entry e`, where: entryWhere(actor, childId, f), order: ENTRY_ORDER,
    limit: f.limit ?? 1000, offset: f.offset ?? 0,
  });
  return { entries, total };
}

/**
 * Up to `limit` of the child's entries that the actor may see, in the
 * record's order, and whether there are more: one query and no count (it
 * asks for one row more than it returns).
 */
export async function entriesUpTo(tx: Tx, access: ChildAccess, limit: number, f: Omit<EntryFilter, 'limit' | 'offset'> = {}) {
  const { actor, childId } = checkedAccess(tx, access);
  const found = await rows<EntryRow>(
    tx,
    sql`SELECT ${entryColumns(actor.icsId)} FROM ${ENTRY_FROM} WHERE ${entryWhere(actor, childId, f)} ORDER BY ${ENTRY_ORDER} LIMIT ${limit + 1}`,
  );
  return { entries: found.slice(0, limit), more: found.length > limit };
}

/** The children of accesses opened in this transaction, for one actor: a set-based read takes them all at once. */
function childrenOf(tx: Tx, accesses: readonly ChildAccess[]): { actor: Actor; childIds: string[] } | undefined {
  if (!accesses.length) return undefined;
  const { actor } = accesses[0];
  for (const a of accesses) if (checkedAccess(tx, a).actor !== actor) throw new Error('One set-based read is for one actor.');
  return { actor, childIds: accesses.map((a) => a.childId) };
}

/**
 * listEntries for many children at once (a bulk export's chunk): every entry
 * of these kinds the actor may see, by the same WHERE, in one statement,
 * child by child in the record's order.
 */
export async function entriesOfEach(tx: Tx, accesses: readonly ChildAccess[], f: Omit<EntryFilter, 'limit' | 'offset'>): Promise<EntryRow[]> {
  const of = childrenOf(tx, accesses);
  if (!of) return [];
  return rows<EntryRow>(tx, sql`SELECT ${entryColumns(of.actor.icsId)} FROM ${ENTRY_FROM} WHERE ${entryWhere(of.actor, of.childIds, f)} ORDER BY e.child_id, ${ENTRY_ORDER}`);
}

/** One entry of this child's record, if the actor may see it (a sensitive entry they may not, or another child's, is not found). */
export async function visibleEntryOfChild(tx: Tx, access: ChildAccess, entryId: string): Promise<EntryRow | undefined> {
  const { actor, childId } = checkedAccess(tx, access);
  const [found] = await rows<EntryRow>(
    tx,
    sql`SELECT ${entryColumns(actor.icsId)} FROM ${ENTRY_FROM}
         WHERE e.ics_id = ${actor.icsId}::uuid AND e.id = ${entryId}::uuid AND e.child_id = ${childId}::uuid AND ${visibleToSql(actor)}`,
  );
  return found;
}

/** One entry by id, whatever its visibility: the service decides what the actor may see. */
export async function entryById(tx: Tx, icsId: string, entryId: string): Promise<EntryRow | undefined> {
  const [found] = await rows<EntryRow>(
    tx,
    sql`SELECT ${entryColumns(icsId)} FROM record_entry e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.recording_organisation_id
         WHERE e.ics_id = ${icsId}::uuid AND e.id = ${entryId}::uuid`,
  );
  return found;
}

export async function entryBySource(tx: Tx, icsId: string, system: string, id: string): Promise<EntryRow | undefined> {
  const [found] = await rows<EntryRow>(
    tx,
    sql`SELECT ${entryColumns(icsId)} FROM record_entry e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.recording_organisation_id
         WHERE e.ics_id = ${icsId}::uuid AND e.source_system = ${system} AND e.source_id = ${id}`,
  );
  return found;
}

export async function entryVisible(tx: Tx, actor: Actor, entryId: string): Promise<boolean> {
  const found = await rows(tx, sql`SELECT 1 FROM record_entry e WHERE e.ics_id = ${actor.icsId}::uuid AND e.id = ${entryId}::uuid AND ${visibleToSql(actor)}`);
  return found.length > 0;
}

export async function insertEntry(tx: Tx, access: ChildAccess, id: string, e: EntryInput): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`
    INSERT INTO record_entry (ics_id, id, child_id, kind, code_system, code, display, status, started_on, ended_on, details,
      sensitive_category, recorded_by, recorded_by_name, recording_organisation_id, source_system, source_id, version, as_sent)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${childId}::uuid, ${e.kind}, ${e.codeSystem ?? null}, ${e.code ?? null}, ${e.display}, ${e.status},
      ${e.startedOn ?? null}::date, ${e.endedOn ?? null}::date, ${JSON.stringify(e.details)}::jsonb, ${e.sensitiveCategory ?? null},
      ${actor.professionalId}::uuid, ${actor.name}, ${actor.organisationId}::uuid, ${e.sourceSystem ?? null}, ${e.sourceId ?? null}, 1,
      ${e.asSent ? JSON.stringify(e.asSent) : null}::jsonb)`);
}

/**
 * Updates only if the version is still the one read: returns false when
 * someone else changed it first. Who recorded it, and where, stay as they
 * were (the recording team keeps a sensitive entry); who changed it is in
 * the history.
 */
export async function updateEntry(tx: Tx, icsId: string, id: string, version: number, e: EntryInput): Promise<boolean> {
  const updated = await rows(
    tx,
    sql`UPDATE record_entry SET code_system = ${e.codeSystem ?? null}, code = ${e.code ?? null}, display = ${e.display}, status = ${e.status},
          started_on = ${e.startedOn ?? null}::date, ended_on = ${e.endedOn ?? null}::date, details = ${JSON.stringify(e.details)}::jsonb,
          sensitive_category = ${e.sensitiveCategory ?? null}, version = version + 1,
          as_sent = ${e.asSent === undefined ? sql`as_sent` : sql`${e.asSent ? JSON.stringify(e.asSent) : null}::jsonb`}
        WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid AND version = ${version} RETURNING id`,
  );
  return updated.length === 1;
}

/** What a history row keeps of an entry: all but updated_at, which is the history row's own changed_at. */
export function snapshotOf(entry: Omit<EntryRow, 'updated_at'> & { updated_at?: string }): Omit<EntryRow, 'updated_at'> {
  const { updated_at: _derived, ...snapshot } = entry;
  return snapshot;
}

export async function writeHistory(tx: Tx, actor: Actor, entry: EntryRow): Promise<void> {
  await tx.execute(sql`INSERT INTO record_entry_history (ics_id, entry_id, version, changed_by, changed_by_name, snapshot)
    VALUES (${actor.icsId}::uuid, ${entry.id}::uuid, ${entry.version}, ${actor.professionalId}::uuid, ${actor.name}, ${JSON.stringify(snapshotOf(entry))}::jsonb)`);
}

/** Every kept version of one entry, newest first (the tenant named, as every tenant query must: decision 0028). */
export function entryHistory(tx: Tx, icsId: string, entryId: string) {
  return rows<{ version: number; changed_by_name: string | null; changed_at: string; snapshot: EntryRow }>(
    tx,
    sql`SELECT version, changed_by_name, changed_at, snapshot FROM record_entry_history
         WHERE ics_id = ${icsId}::uuid AND entry_id = ${entryId}::uuid ORDER BY version DESC`,
  );
}

const CONTACT_COLUMNS = sql`e.id, e.child_id, e.type, e.started_at, e.ended_at, e.organisation_id, o.name AS organisation_name, e.site_id,
  e.reason_code, e.reason_display, e.emergency, e.sensitive_category, e.source_system, e.source_id, e.as_sent, e.status, e.version, e.updated_at`;

function contactWhere(actor: Actor, childId: string | readonly string[], f: ContactFilter): SQL {
  const parts = [sql`e.ics_id = ${actor.icsId}::uuid`, ofChildren(childId), visibleToSql(actor)];
  if (!f.withNotAttended) parts.push(attendedSql);
  if (f.types?.length) parts.push(sql`e.type IN (${sql.join(f.types.map((t) => sql`${t}`), sql`, `)})`);
  if (f.from) parts.push(sql`e.started_at >= ${f.from}::date`);
  if (f.to) parts.push(sql`e.started_at < (${f.to}::date + 1)`);
  return sql.join(parts, sql` AND `);
}

const CONTACT_FROM = sql`contact e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.organisation_id`;

/** A page of the child's contacts that the actor may see, newest first, and how many match in all (one query). */
export async function listContacts(tx: Tx, access: ChildAccess, f: ContactFilter) {
  const { actor, childId } = checkedAccess(tx, access);
  const { rows: contacts, total } = await pageWithTotal<ContactRow>(tx, {
    select: CONTACT_COLUMNS, from: CONTACT_FROM, countFrom: sql`contact e`, where: contactWhere(actor, childId, f), order: CONTACT_ORDER,
    limit: f.limit ?? 100, offset: f.offset ?? 0,
  });
  return { contacts, total };
}

/** listContacts for many children at once (a bulk export's chunk), by the same WHERE, in one statement, child by child. */
export async function contactsOfEach(tx: Tx, accesses: readonly ChildAccess[], f: Omit<ContactFilter, 'limit' | 'offset'>): Promise<ContactRow[]> {
  const of = childrenOf(tx, accesses);
  if (!of) return [];
  return rows<ContactRow>(tx, sql`SELECT ${CONTACT_COLUMNS} FROM ${CONTACT_FROM} WHERE ${contactWhere(of.actor, of.childIds, f)} ORDER BY e.child_id, ${CONTACT_ORDER}`);
}

/** The child's latest contacts that the actor may see, newest first, without a count. */
export function latestContacts(tx: Tx, access: ChildAccess, limit: number, f: Omit<ContactFilter, 'limit' | 'offset'> = {}) {
  const { actor, childId } = checkedAccess(tx, access);
  return rows<ContactRow>(
    tx,
    sql`SELECT ${CONTACT_COLUMNS} FROM ${CONTACT_FROM} WHERE ${contactWhere(actor, childId, f)} ORDER BY ${CONTACT_ORDER} LIMIT ${limit}`,
  );
}

export async function contactById(tx: Tx, icsId: string, id: string): Promise<ContactRow | undefined> {
  const [found] = await rows<ContactRow>(
    tx,
    sql`SELECT ${CONTACT_COLUMNS} FROM contact e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.organisation_id
         WHERE e.ics_id = ${icsId}::uuid AND e.id = ${id}::uuid`,
  );
  return found;
}

export async function contactBySource(tx: Tx, icsId: string, system: string, id: string): Promise<ContactRow | undefined> {
  const [found] = await rows<ContactRow>(
    tx,
    sql`SELECT ${CONTACT_COLUMNS} FROM contact e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.organisation_id
         WHERE e.ics_id = ${icsId}::uuid AND e.source_system = ${system} AND e.source_id = ${id}`,
  );
  return found;
}

export async function insertContact(tx: Tx, access: ChildAccess, id: string, c: ContactInput): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`
    INSERT INTO contact (ics_id, id, child_id, type, started_at, ended_at, organisation_id, reason_code, reason_display, emergency,
      sensitive_category, recorded_by, recording_organisation_id, source_system, source_id, as_sent, status)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${childId}::uuid, ${c.type}, ${c.startedAt}::timestamptz, ${c.endedAt ?? null}::timestamptz,
      ${c.organisationId ?? null}::uuid, ${c.reasonCode ?? null}, ${c.reasonDisplay ?? null}, ${c.emergency ?? null}, ${c.sensitiveCategory ?? null},
      ${actor.professionalId}::uuid, ${actor.organisationId}::uuid, ${c.sourceSystem ?? null}, ${c.sourceId ?? null},
      ${c.asSent ? JSON.stringify(c.asSent) : null}::jsonb, ${c.status ?? null})`);
}

export { activeFreeze } from '../platform/access/freeze.js';

/** Freezes the child's record during a safeguarding investigation, for the team of the access's actor. */
export async function freezeRecord(tx: Tx, access: ChildAccess, reason: string): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, ${reason}, ${actor.professionalId}::uuid, ${actor.organisationId}::uuid)`);
}

/** Lifts the child's current freeze. */
export async function liftFreeze(tx: Tx, access: ChildAccess, freezeId: string): Promise<void> {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`UPDATE record_freeze SET lifted_at = now(), lifted_by = ${actor.professionalId}::uuid
                        WHERE ics_id = ${actor.icsId}::uuid AND id = ${freezeId}::uuid AND child_id = ${childId}::uuid`);
}

/** A stated reason opens the child's sensitive entries to the access's actor for `hours`; the row waits for the privacy officer's review. */
export async function revealSensitive(tx: Tx, access: ChildAccess, reason: string, hours: number): Promise<string> {
  const { actor, childId } = checkedAccess(tx, access);
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO sensitive_reveal (ics_id, id, professional_id, child_id, reason, expires_at)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${actor.professionalId}::uuid, ${childId}::uuid, ${reason},
            now() + make_interval(hours => ${hours}))`);
  return id;
}

/** The social workers to tell about a flagged child's unscheduled attendance (CP-IS). */
export function flaggedChildsSocialWorkers(tx: Tx, icsId: string, childId: string) {
  return rows<{ professional_id: string }>(
    tx,
    sql`SELECT DISTINCT m.professional_id FROM care_team_member m
          JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
         WHERE m.ics_id = ${icsId}::uuid AND m.child_id = ${childId}::uuid AND m.ended_at IS NULL AND p.role = 'social-worker'
           AND EXISTS (SELECT 1 FROM child_flag f WHERE f.ics_id = m.ics_id AND f.child_id = m.child_id AND f.kind IN ('child-protection-plan', 'looked-after')
                       AND (f.ended_on IS NULL OR f.ended_on > current_date - 365))`,
  );
}

/**
 * Children of a hub's practices with at least `min` emergency department
 * attendances since `since`, most first, among those the actor may see: the
 * first risk list an MDT chair is offered. Sensitive contacts do not count.
 * With `childId`, only that child: whether they are on the list, and their count.
 */
export function frequentEdAttenders(tx: Tx, actor: Actor, f: { clusterId: string; since: string; min: number; limit: number; childId?: string }) {
  return rows<{ child_id: string; attendances: number; last_at: string }>(
    tx,
    sql`SELECT e.child_id, count(*)::int AS attendances, max(e.started_at) AS last_at
          FROM contact e JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
         WHERE e.type = 'ed' AND e.started_at >= ${f.since}::date AND e.sensitive_category IS NULL AND ${attendedSql}
           AND e.ics_id = ${actor.icsId}::uuid
           AND c.registered_practice_id IN (SELECT cp.practice_id FROM cluster_practice cp WHERE cp.ics_id = ${actor.icsId}::uuid AND cp.cluster_id = ${f.clusterId}::uuid)
           AND ${standingRelationshipSql(actor)}
           ${f.childId ? sql`AND e.child_id = ${f.childId}::uuid` : sql``}
         GROUP BY e.child_id HAVING count(*) >= ${f.min}
         ORDER BY count(*) DESC, max(e.started_at) DESC, e.child_id LIMIT ${f.limit}`,
  );
}
