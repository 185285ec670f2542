import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { legitimateRelationships } from '../platform/access/relationship.js';
import type { Decision } from '../platform/access/policy.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/http/errors.js';
import { childExists } from '../children/service.js';
import { addToWorklists } from '../worklist/service.js';
import { recordPolicy } from './policy.js';
import { readContactInput, readEntryInput, type ContactInput, type EntryInput } from './entry-input.js';
import { UNSCHEDULED_CONTACTS } from './schema.js';
import * as store from './store.js';

export type { EntryRow, ContactRow, EntryFilter, ContactFilter } from './store.js';
export type { EntryInput, ContactInput } from './entry-input.js';

/** How long a stated reason opens a child's sensitive entries. */
export const SENSITIVE_REVEAL_HOURS = 1;

type Check = (actor: Actor, relationships: Awaited<ReturnType<typeof legitimateRelationships>>) => Decision;

/** The child must exist in this ICS (404 otherwise) and the actor must pass the check (403 otherwise). */
async function allowed(tx: Tx, actor: Actor, childId: string, check: Check): Promise<string> {
  if (!(await childExists(tx, childId))) throw new NotFoundError();
  const decision = check(actor, await legitimateRelationships(tx, actor, childId));
  if (!decision.allowed) throw new ForbiddenError(decision.reason, childId);
  return decision.why;
}

export async function listEntries(tx: Tx, actor: Actor, childId: string, filter: store.EntryFilter = {}) {
  const why = await allowed(tx, actor, childId, recordPolicy.viewRecord);
  const result = await store.listEntries(tx, actor, childId, filter);
  await recordAudit(tx, actor, {
    childId, action: 'record.read', why,
    what: filter.kinds?.length ? `Shared record: ${filter.kinds.join(', ')}` : 'Shared record',
    details: { entries: result.entries.length },
  });
  return result;
}

/** One entry; a sensitive entry the actor may not see is simply not found. */
export async function getEntry(tx: Tx, actor: Actor, entryId: string) {
  const entry = await store.entryById(tx, entryId);
  if (!entry) throw new NotFoundError();
  const why = await allowed(tx, actor, entry.child_id, recordPolicy.viewRecord);
  if (!(await store.entryVisible(tx, actor, entryId))) throw new NotFoundError();
  await recordAudit(tx, actor, { childId: entry.child_id, action: 'record.read-entry', what: `${entry.kind}: ${entry.display}`, why });
  return entry;
}

export async function entryHistory(tx: Tx, actor: Actor, entryId: string) {
  const entry = await getEntry(tx, actor, entryId);
  return { entry, history: await store.entryHistory(tx, entryId) };
}

/** JSON with keys sorted: jsonb keeps its own key order, so plain stringify would call equal details different. */
const canonical = (v: unknown): string =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
    : JSON.stringify(v);

const same = (a: store.EntryRow, e: EntryInput) =>
  a.kind === e.kind && a.code_system === (e.codeSystem ?? null) && a.code === (e.code ?? null) && a.display === e.display &&
  a.status === e.status && a.started_on === (e.startedOn ?? null) && a.ended_on === (e.endedOn ?? null) &&
  canonical(a.details) === canonical(e.details) && a.sensitive_category === (e.sensitiveCategory ?? null);

/**
 * Records or changes an entry. A feed's entry is found again by its source
 * identifier, so the same input twice changes nothing; a page's edit carries
 * the version it read, so two people cannot silently overwrite each other.
 * Every version is kept in the entry's history.
 */
export async function saveEntry(
  tx: Tx, actor: Actor, childId: string, raw: EntryInput | unknown, opts: { entryId?: string; expectedVersion?: number } = {},
): Promise<{ entry: store.EntryRow; outcome: 'created' | 'updated' | 'unchanged' }> {
  const input = readEntryInput(raw);
  const freeze = await store.activeFreeze(tx, childId);
  const why = await allowed(tx, actor, childId, (a, r) => recordPolicy.recordEntry(a, r, freeze?.frozen_by_organisation_id ?? null));
  const existing = opts.entryId
    ? await store.entryById(tx, opts.entryId)
    : input.sourceSystem && input.sourceId ? await store.entryBySource(tx, input.sourceSystem, input.sourceId) : undefined;
  if (opts.entryId && (!existing || existing.child_id !== childId || !(await store.entryVisible(tx, actor, existing.id)))) throw new NotFoundError();
  if (existing && existing.child_id !== childId) throw new ConflictError('That source identifier already belongs to an entry in another child’s record.');
  if (existing && existing.kind !== input.kind) throw new ConflictError('An entry cannot change its kind.');

  let id: string;
  let outcome: 'created' | 'updated' | 'unchanged';
  if (!existing) {
    id = crypto.randomUUID();
    await store.insertEntry(tx, { actor }, id, childId, input);
    outcome = 'created';
  } else {
    id = existing.id;
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== existing.version) {
      throw new ConflictError('Someone else changed this entry after you opened it. Reload it to see their change, then make yours again.');
    }
    if (same(existing, input)) return { entry: existing, outcome: 'unchanged' };
    if (!(await store.updateEntry(tx, id, existing.version, input))) {
      throw new ConflictError('Someone else changed this entry at the same time. Reload it and try again.');
    }
    outcome = 'updated';
  }
  const entry = (await store.entryById(tx, id))!;
  await store.writeHistory(tx, actor, entry);
  await recordAudit(tx, actor, {
    childId, action: outcome === 'created' ? 'record.create-entry' : 'record.update-entry', why,
    what: `${entry.kind}: ${entry.display}${entry.sensitive_category ? ' (sensitive)' : ''}`, details: { entryId: id, version: entry.version },
  });
  return { entry, outcome };
}

export async function listContacts(tx: Tx, actor: Actor, childId: string, filter: store.ContactFilter = {}) {
  const why = await allowed(tx, actor, childId, recordPolicy.viewRecord);
  const result = await store.listContacts(tx, actor, childId, filter);
  await recordAudit(tx, actor, { childId, action: 'record.read-timeline', what: 'Timeline of contacts', why, details: { contacts: result.contacts.length } });
  return result;
}

const CONTACT_WORDS: Record<string, string> = { ed: 'an emergency department', 'urgent-care': 'urgent care', 'out-of-hours': 'an out-of-hours service' };

/**
 * Records a contact. An unscheduled attendance (ED, urgent care, out of hours)
 * goes onto the worklists of a flagged child's social worker and of the
 * child's key worker, in the same transaction, so it cannot be lost.
 */
export async function recordContact(tx: Tx, actor: Actor, childId: string, raw: ContactInput | unknown) {
  const input = readContactInput(raw);
  const freeze = await store.activeFreeze(tx, childId);
  const why = await allowed(tx, actor, childId, (a, r) => recordPolicy.recordEntry(a, r, freeze?.frozen_by_organisation_id ?? null));
  if (input.sourceSystem && input.sourceId) {
    const existing = await store.contactBySource(tx, input.sourceSystem, input.sourceId);
    if (existing) {
      if (existing.child_id !== childId) throw new ConflictError('That source identifier already belongs to a contact in another child’s record.');
      return { contact: existing, outcome: 'unchanged' as const };
    }
  }
  const id = crypto.randomUUID();
  await store.insertContact(tx, actor, id, childId, input);
  await recordAudit(tx, actor, { childId, action: 'record.create-contact', what: `Contact: ${input.type}`, why, details: { contactId: id } });
  if (UNSCHEDULED_CONTACTS.includes(input.type)) {
    const recipients = await store.unscheduledCareRecipients(tx, childId);
    await addToWorklists(tx, actor.icsId, recipients.map((r) => ({
      professionalId: r.professional_id,
      kind: 'unscheduled-attendance',
      childId,
      title: `Attended ${CONTACT_WORDS[input.type]} (${r.why === 'social-worker' ? 'child protection or looked-after flag' : 'you are the key worker'})`,
      link: `/children/${childId}/record`,
      details: { contactId: id, startedAt: input.startedAt },
    })));
  }
  return { contact: (await store.contactById(tx, id))!, outcome: 'created' as const };
}

/** A stated reason opens the child's sensitive entries to this professional for a while; it is audited. */
export async function revealSensitive(tx: Tx, actor: Actor, childId: string, reason: string) {
  const why = await allowed(tx, actor, childId, recordPolicy.revealSensitive);
  await tx.execute(sql`INSERT INTO sensitive_reveal (ics_id, id, professional_id, child_id, reason, expires_at)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${actor.professionalId}::uuid, ${childId}::uuid, ${reason},
            now() + make_interval(hours => ${SENSITIVE_REVEAL_HOURS}))`);
  await recordAudit(tx, actor, { childId, action: 'record.reveal-sensitive', what: 'Sensitive entries shown', why: `${why}; reason: ${reason}` });
}

export async function freezeRecord(tx: Tx, actor: Actor, childId: string, reason: string) {
  const why = await allowed(tx, actor, childId, recordPolicy.freezeRecord);
  if (await store.activeFreeze(tx, childId)) throw new ConflictError('This record is already frozen.');
  await tx.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, ${reason}, ${actor.professionalId}::uuid, ${actor.organisationId}::uuid)`);
  await recordAudit(tx, actor, { childId, action: 'record.freeze', what: 'Record frozen for a safeguarding investigation', why: `${why}; reason: ${reason}` });
}

export async function liftFreeze(tx: Tx, actor: Actor, childId: string) {
  const why = await allowed(tx, actor, childId, recordPolicy.freezeRecord);
  const freeze = await store.activeFreeze(tx, childId);
  if (!freeze) throw new ConflictError('This record is not frozen.');
  if (freeze.frozen_by_organisation_id !== actor.organisationId && actor.role !== 'privacy-officer') {
    throw new ForbiddenError('Only the team that froze this record, or a privacy officer, can lift the freeze.');
  }
  await tx.execute(sql`UPDATE record_freeze SET lifted_at = now(), lifted_by = ${actor.professionalId}::uuid WHERE id = ${freeze.id}::uuid`);
  await recordAudit(tx, actor, { childId, action: 'record.lift-freeze', what: 'Record freeze lifted', why });
}

export const activeFreeze = store.activeFreeze;
