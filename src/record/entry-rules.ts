import type { AuditEntry } from '../platform/audit/audit.js';
import type { EntryInput } from './entry-input.js';
import type { EntryRow } from './store.js';
import type { ChildAccess } from '../platform/access/door.js';
import { ValidationError } from '../platform/http/errors.js';
import { datesBeforeBirth } from '../platform/time/before-birth.js';

/**
 * What saving an entry means, shared by saving one (service.ts) and saving a
 * feed's many (bulk-entries.ts): when a save changes nothing, the refusals'
 * words, and the audit event of a new version.
 */

/** JSON with keys sorted: jsonb keeps its own key order, so plain stringify would call equal details different. */
export const canonical = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
  : v && typeof v === 'object'
    ? `{${Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
    : JSON.stringify(v ?? null);

/** Whether saving the input would change nothing in the entry: the same input twice is "unchanged". */
export const sameEntry = (a: Omit<EntryRow, 'updated_at'>, e: EntryInput) =>
  a.kind === e.kind && a.code_system === (e.codeSystem ?? null) && a.code === (e.code ?? null) && a.display === e.display &&
  a.status === e.status && a.started_on === (e.startedOn ?? null) && a.ended_on === (e.endedOn ?? null) &&
  canonical(a.details) === canonical(e.details) && a.sensitive_category === (e.sensitiveCategory ?? null) &&
  (e.asSent === undefined || canonical(a.as_sent) === canonical(e.asSent));

export const ENTRY_CONFLICTS = {
  otherChild: 'That source identifier already belongs to an entry in another child’s record.',
  kind: 'An entry cannot change its kind.',
  concurrent: 'Someone else changed this entry at the same time. Reload it and try again.',
};

/** Which entry an audit event is about, so the access log shows its words only to those who may see it. */
const aboutEntry = (entry: Pick<EntryRow, 'id' | 'sensitive_category'>) => ({ id: entry.id, sensitiveCategory: entry.sensitive_category });

/** The audit event of an entry's new version; its `why` is the access's (door.ts auditChild, auditEachChild). */
export const savedEntryAudit = (entry: Omit<EntryRow, 'updated_at'>, outcome: 'created' | 'updated'): AuditEntry => ({
  childId: entry.child_id, action: outcome === 'created' ? 'record.create-entry' : 'record.update-entry',
  what: `${entry.kind}: ${entry.display}${entry.sensitive_category ? ' (sensitive)' : ''}`, details: { entryId: entry.id, version: entry.version },
  entry: aboutEntry(entry),
});

/** The audit event of reading one entry. */
export const entryReadAudit = (entry: EntryRow, why?: string): AuditEntry => ({
  childId: entry.child_id, action: 'record.read-entry', what: `${entry.kind}: ${entry.display}`, why, entry: aboutEntry(entry),
});

/** Nothing in a child's record happens before their birth: a field error for each date that would, or null. */
export function beforeBirth(access: ChildAccess, dates: Record<string, string | null | undefined>): ValidationError | null {
  const fields = datesBeforeBirth(access.child.date_of_birth, dates);
  return Object.keys(fields).length ? new ValidationError(fields) : null;
}
