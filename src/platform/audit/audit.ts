import { writeWithNext, type Tx } from '../db/client.js';
import type { Actor } from '../access/actor.js';
import { bulkInsert, valuesInsertStatement } from '../db/bulk.js';

export type AuditEntry = {
  childId?: string | null;
  /** What kind of thing happened, e.g. 'child.view-summary', 'child.break-glass'. */
  action: string;
  /** What was read or changed, in words for the access log. */
  what: string;
  /** The relationship or break-glass reason that allowed it. */
  why?: string | null;
  details?: Record<string, unknown>;
  /**
   * The record entry the event was about, and its sensitive category then.
   * The words in `what` are kept for the privacy officer; the access log shows
   * them to others only when the record's rule lets them see the entry.
   */
  entry?: { id: string; sensitiveCategory: string | null };
  /** A reason the person typed (freezing a record, showing sensitive entries): kept apart from `why`, shown only to those it is for. */
  statedReason?: string;
};

/**
 * Writes audit events inside the caller's transaction, so they land exactly
 * when the change does: on the server in the same round trip as the
 * transaction's next statement (often its COMMIT), still before anything
 * the transaction reads after it.
 */
export async function recordAuditMany(tx: Tx, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((entry) => ({
    ics_id: actor.icsId,
    professional_id: actor.professionalId,
    role: actor.role,
    actor_name: actor.name,
    organisation_id: actor.organisationId,
    child_id: entry.childId ?? null,
    action: entry.action,
    what: entry.what,
    why: entry.why ?? null,
    details: entry.details ?? null,
    entry_id: entry.entry?.id ?? null,
    sensitive_category: entry.entry?.sensitiveCategory ?? null,
    stated_reason: entry.statedReason ?? null,
    sign_in_method: actor.signedIn?.method ?? null,
    assurance: actor.signedIn?.assurance ?? null,
    nrbac_role_id: actor.signedIn?.nrbacRoleId ?? null,
  }));
  // A read's few rows travel with the next statement; an import's thousands go at once by the bulk path.
  if (rows.length > LATE_AUDIT_ROWS) await bulkInsert(tx, 'audit_event', rows);
  else await writeWithNext(tx, valuesInsertStatement('audit_event', AUDIT_TYPES, rows));
}

/** Rows, at most, written with the next statement; Drizzle builds each value, which costs more than a round trip past this. */
const LATE_AUDIT_ROWS = 100;
const AUDIT_TYPES = { ics_id: 'uuid', professional_id: 'uuid', organisation_id: 'uuid', child_id: 'uuid', entry_id: 'uuid', details: 'jsonb' };

export function recordAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  return recordAuditMany(tx, actor, [entry]);
}
