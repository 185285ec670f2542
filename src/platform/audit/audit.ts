import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/client.js';
import type { Actor } from '../access/actor.js';
import { bulkInsert } from '../db/bulk.js';

export type AuditEntry = {
  childId?: string | null;
  /** What kind of thing happened, e.g. 'child.view-summary', 'child.break-glass'. */
  action: string;
  /** What was read or changed, in words for the access log. */
  what: string;
  /** The relationship or break-glass reason that allowed it. */
  why?: string | null;
  details?: Record<string, unknown>;
};

/** Writes audit events inside the caller's transaction, so they land exactly when the change does. */
export async function recordAuditMany(tx: Tx, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // One JSON parameter for the batch: an import audits thousands of rows, and building a VALUES list row by row cost more than writing them.
  await bulkInsert(tx, 'audit_event', entries.map((entry) => ({
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
  })));
}

export function recordAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  return recordAuditMany(tx, actor, [entry]);
}

export type AccessLogEntry = {
  at: string; professionalName: string | null; role: string | null; organisationName: string | null;
  action: string; what: string; why: string | null;
};

/** Who has seen or changed a child's record, newest first. */
export function childAccessLog(tx: Tx, childId: string, limit = 100): Promise<AccessLogEntry[]> {
  return rows<AccessLogEntry>(
    tx,
    sql`SELECT a.at, coalesce(p.name, a.actor_name) AS "professionalName", a.role, o.name AS "organisationName", a.action, a.what, a.why
          FROM audit_event a
          LEFT JOIN professional p ON p.ics_id = a.ics_id AND p.id = a.professional_id
          LEFT JOIN organisation o ON o.ics_id = a.ics_id AND o.id = a.organisation_id
         WHERE a.child_id = ${childId}::uuid
         ORDER BY a.at DESC, a.id DESC
         LIMIT ${limit}`,
  );
}
