import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';

/** One audit event as a test asserts it: who did it, to which child, what they did, and why they were allowed. */
export type AuditRow = {
  /** The professional (or, over FHIR, the system client) who acted. */
  actor: string | null;
  role: string | null;
  child: string | null;
  action: string;
  what: string;
  why: string | null;
  details: Record<string, unknown> | null;
};

/** Where the audit log ends now: events written after this are the ones a step under test wrote. */
export async function auditMark(db: Database): Promise<number> {
  const [{ last }] = await rows<{ last: number }>(db.owner, sql`SELECT coalesce(max(id), 0)::int AS last FROM audit_event`);
  return last;
}

/** Audit events written after `mark`, oldest first, optionally only those of one action or one child. */
export async function auditSince(db: Database, mark: number, only: { action?: string; child?: string } = {}): Promise<AuditRow[]> {
  return rows<AuditRow>(
    db.owner,
    sql`SELECT professional_id AS actor, role, child_id AS child, action, what, why, details FROM audit_event
         WHERE id > ${mark} ${only.action ? sql`AND action = ${only.action}` : sql``} ${only.child ? sql`AND child_id = ${only.child}::uuid` : sql``}
         ORDER BY id`,
  );
}
