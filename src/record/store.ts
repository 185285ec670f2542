import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { ContactType, EntryKind, SensitiveCategory } from './schema.js';
import type { ContactInput, EntryInput } from './entry-input.js';

export type EntryRow = {
  id: string; child_id: string; kind: EntryKind; code_system: string | null; code: string | null; display: string; status: string;
  started_on: string | null; ended_on: string | null; details: Record<string, unknown>; sensitive_category: SensitiveCategory | null;
  recorded_by: string | null; recorded_by_name: string | null; recording_organisation_id: string | null; recording_organisation_name: string | null;
  recorded_at: string; source_system: string | null; source_id: string | null; version: number;
};

export type ContactRow = {
  id: string; child_id: string; type: ContactType; started_at: string; ended_at: string | null; organisation_id: string | null;
  organisation_name: string | null; site_id: string | null; reason_code: string | null; reason_display: string | null; emergency: boolean | null;
  sensitive_category: SensitiveCategory | null; source_system: string | null; source_id: string | null;
};

export type EntryFilter = { kinds?: EntryKind[]; code?: string; status?: string; from?: string; to?: string; limit?: number; offset?: number };
export type ContactFilter = { types?: ContactType[]; from?: string; to?: string; limit?: number; offset?: number };

/**
 * Whether the actor may see a row that may be sensitive (alias `e`). In SQL,
 * so that paging and totals never count what is hidden: a sensitive row shows
 * only to its recording team, or after a stated (audited) reason.
 */
export function visibleToSql(actor: Actor) {
  // A system (a feed) is never the recording team in the sense that matters: it serves no one who may see sensitive entries.
  if (actor.role === 'system') return sql`(e.sensitive_category IS NULL)`;
  return sql`(e.sensitive_category IS NULL
    OR e.recording_organisation_id = ${actor.organisationId}::uuid
    OR EXISTS (SELECT 1 FROM sensitive_reveal r WHERE r.ics_id = e.ics_id AND r.child_id = e.child_id
               AND r.professional_id = ${actor.professionalId}::uuid AND r.expires_at > now()))`;
}

const ENTRY_COLUMNS = sql`e.id, e.child_id, e.kind, e.code_system, e.code, e.display, e.status, e.started_on, e.ended_on, e.details,
  e.sensitive_category, e.recorded_by, e.recorded_by_name, e.recording_organisation_id, o.name AS recording_organisation_name,
  e.recorded_at, e.source_system, e.source_id, e.version`;

function entryWhere(actor: Actor, childId: string, f: EntryFilter): SQL {
  const parts = [sql`e.child_id = ${childId}::uuid`, visibleToSql(actor), sql`e.status <> 'entered-in-error'`];
  if (f.kinds?.length) parts.push(sql`e.kind IN (${sql.join(f.kinds.map((k) => sql`${k}`), sql`, `)})`);
  if (f.code) parts.push(sql`e.code = ${f.code}`);
  if (f.status) parts.push(sql`e.status = ${f.status}`);
  if (f.from) parts.push(sql`e.started_on >= ${f.from}::date`);
  if (f.to) parts.push(sql`e.started_on <= ${f.to}::date`);
  return sql.join(parts, sql` AND `);
}

export async function listEntries(tx: Tx, actor: Actor, childId: string, f: EntryFilter) {
  const where = entryWhere(actor, childId, f);
  const [entries, [{ total }]] = [
    await rows<EntryRow>(
      tx,
      sql`SELECT ${ENTRY_COLUMNS} FROM record_entry e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.recording_organisation_id
           WHERE ${where} ORDER BY e.kind, e.started_on DESC NULLS LAST, e.display, e.id
           LIMIT ${f.limit ?? 1000} OFFSET ${f.offset ?? 0}`,
    ),
    await rows<{ total: number }>(tx, sql`SELECT count(*)::int AS total FROM record_entry e WHERE ${where}`),
  ];
  return { entries, total };
}

/** One entry by id, whatever its visibility: the service decides what the actor may see. */
export async function entryById(tx: Tx, entryId: string): Promise<EntryRow | undefined> {
  const [found] = await rows<EntryRow>(
    tx,
    sql`SELECT ${ENTRY_COLUMNS} FROM record_entry e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.recording_organisation_id
         WHERE e.id = ${entryId}::uuid`,
  );
  return found;
}

export async function entryBySource(tx: Tx, system: string, id: string): Promise<EntryRow | undefined> {
  const [found] = await rows<EntryRow>(
    tx,
    sql`SELECT ${ENTRY_COLUMNS} FROM record_entry e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.recording_organisation_id
         WHERE e.source_system = ${system} AND e.source_id = ${id}`,
  );
  return found;
}

export async function entryVisible(tx: Tx, actor: Actor, entryId: string): Promise<boolean> {
  const found = await rows(tx, sql`SELECT 1 FROM record_entry e WHERE e.id = ${entryId}::uuid AND ${visibleToSql(actor)}`);
  return found.length > 0;
}

type Recorder = { actor: Actor };

export async function insertEntry(tx: Tx, { actor }: Recorder, id: string, childId: string, e: EntryInput): Promise<void> {
  await tx.execute(sql`
    INSERT INTO record_entry (ics_id, id, child_id, kind, code_system, code, display, status, started_on, ended_on, details,
      sensitive_category, recorded_by, recorded_by_name, recording_organisation_id, source_system, source_id, version)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${childId}::uuid, ${e.kind}, ${e.codeSystem ?? null}, ${e.code ?? null}, ${e.display}, ${e.status},
      ${e.startedOn ?? null}::date, ${e.endedOn ?? null}::date, ${JSON.stringify(e.details)}::jsonb, ${e.sensitiveCategory ?? null},
      ${actor.professionalId}::uuid, ${actor.name}, ${actor.organisationId}::uuid, ${e.sourceSystem ?? null}, ${e.sourceId ?? null}, 1)`);
}

/**
 * Updates only if the version is still the one read: returns false when
 * someone else changed it first. Who recorded it, and where, stay as they
 * were (the recording team keeps a sensitive entry); who changed it is in
 * the history.
 */
export async function updateEntry(tx: Tx, id: string, version: number, e: EntryInput): Promise<boolean> {
  const updated = await rows(
    tx,
    sql`UPDATE record_entry SET code_system = ${e.codeSystem ?? null}, code = ${e.code ?? null}, display = ${e.display}, status = ${e.status},
          started_on = ${e.startedOn ?? null}::date, ended_on = ${e.endedOn ?? null}::date, details = ${JSON.stringify(e.details)}::jsonb,
          sensitive_category = ${e.sensitiveCategory ?? null}, version = version + 1
        WHERE id = ${id}::uuid AND version = ${version} RETURNING id`,
  );
  return updated.length === 1;
}

export async function writeHistory(tx: Tx, actor: Actor, entry: EntryRow): Promise<void> {
  await tx.execute(sql`INSERT INTO record_entry_history (ics_id, entry_id, version, changed_by, changed_by_name, snapshot)
    VALUES (${actor.icsId}::uuid, ${entry.id}::uuid, ${entry.version}, ${actor.professionalId}::uuid, ${actor.name}, ${JSON.stringify(entry)}::jsonb)`);
}

export function entryHistory(tx: Tx, entryId: string) {
  return rows<{ version: number; changed_by_name: string | null; changed_at: string; snapshot: EntryRow }>(
    tx,
    sql`SELECT version, changed_by_name, changed_at, snapshot FROM record_entry_history WHERE entry_id = ${entryId}::uuid ORDER BY version DESC`,
  );
}

const CONTACT_COLUMNS = sql`e.id, e.child_id, e.type, e.started_at, e.ended_at, e.organisation_id, o.name AS organisation_name, e.site_id,
  e.reason_code, e.reason_display, e.emergency, e.sensitive_category, e.source_system, e.source_id`;

export async function listContacts(tx: Tx, actor: Actor, childId: string, f: ContactFilter) {
  const parts = [sql`e.child_id = ${childId}::uuid`, visibleToSql(actor)];
  if (f.types?.length) parts.push(sql`e.type IN (${sql.join(f.types.map((t) => sql`${t}`), sql`, `)})`);
  if (f.from) parts.push(sql`e.started_at >= ${f.from}::date`);
  if (f.to) parts.push(sql`e.started_at < (${f.to}::date + 1)`);
  const where = sql.join(parts, sql` AND `);
  const [contacts, [{ total }]] = [
    await rows<ContactRow>(
      tx,
      sql`SELECT ${CONTACT_COLUMNS} FROM contact e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.organisation_id
           WHERE ${where} ORDER BY e.started_at DESC, e.id LIMIT ${f.limit ?? 100} OFFSET ${f.offset ?? 0}`,
    ),
    await rows<{ total: number }>(tx, sql`SELECT count(*)::int AS total FROM contact e WHERE ${where}`),
  ];
  return { contacts, total };
}

export async function contactById(tx: Tx, id: string): Promise<ContactRow | undefined> {
  const [found] = await rows<ContactRow>(
    tx,
    sql`SELECT ${CONTACT_COLUMNS} FROM contact e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.organisation_id WHERE e.id = ${id}::uuid`,
  );
  return found;
}

export async function contactBySource(tx: Tx, system: string, id: string): Promise<ContactRow | undefined> {
  const [found] = await rows<ContactRow>(
    tx,
    sql`SELECT ${CONTACT_COLUMNS} FROM contact e LEFT JOIN organisation o ON o.ics_id = e.ics_id AND o.id = e.organisation_id
         WHERE e.source_system = ${system} AND e.source_id = ${id}`,
  );
  return found;
}

export async function insertContact(tx: Tx, actor: Actor, id: string, childId: string, c: ContactInput): Promise<void> {
  await tx.execute(sql`
    INSERT INTO contact (ics_id, id, child_id, type, started_at, ended_at, organisation_id, reason_code, reason_display, emergency,
      sensitive_category, recorded_by, recording_organisation_id, source_system, source_id)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${childId}::uuid, ${c.type}, ${c.startedAt}::timestamptz, ${c.endedAt ?? null}::timestamptz,
      ${c.organisationId ?? null}::uuid, ${c.reasonCode ?? null}, ${c.reasonDisplay ?? null}, ${c.emergency ?? null}, ${c.sensitiveCategory ?? null},
      ${actor.professionalId}::uuid, ${actor.organisationId}::uuid, ${c.sourceSystem ?? null}, ${c.sourceId ?? null})`);
}

export async function activeFreeze(tx: Tx, childId: string) {
  const [found] = await rows<{ id: string; reason: string; frozen_at: string; frozen_by_organisation_id: string; frozen_by_name: string | null }>(
    tx,
    sql`SELECT f.id, f.reason, f.frozen_at, f.frozen_by_organisation_id, p.name AS frozen_by_name FROM record_freeze f
          LEFT JOIN professional p ON p.ics_id = f.ics_id AND p.id = f.frozen_by
         WHERE f.child_id = ${childId}::uuid AND f.lifted_at IS NULL ORDER BY f.frozen_at DESC LIMIT 1`,
  );
  return found;
}

/** Who to tell about an unscheduled attendance: the social workers of a flagged child, and any key worker. */
export function unscheduledCareRecipients(tx: Tx, childId: string) {
  return rows<{ professional_id: string; why: 'social-worker' | 'key-worker' }>(
    tx,
    sql`SELECT DISTINCT m.professional_id, 'social-worker' AS why FROM care_team_member m
          JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
         WHERE m.child_id = ${childId}::uuid AND m.ended_at IS NULL AND p.role = 'social-worker'
           AND EXISTS (SELECT 1 FROM child_flag f WHERE f.child_id = m.child_id AND f.kind IN ('child-protection-plan', 'looked-after')
                       AND (f.ended_on IS NULL OR f.ended_on > current_date - 365))
        UNION
        SELECT DISTINCT m.professional_id, 'key-worker' FROM care_team_member m
         WHERE m.child_id = ${childId}::uuid AND m.ended_at IS NULL AND m.role_in_team ILIKE 'key worker%'`,
  );
}
