import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { legitimateRelationships, type Relationship } from '../platform/access/relationship.js';
import type { Decision } from '../platform/access/policy.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/http/errors.js';
import { childExists, refuseAccess } from '../children/service.js';
import * as children from '../children/service.js';
import { addToWorklists } from '../worklist/service.js';
import { keyWorkerOf } from '../careplans/service.js';
import { recordPolicy } from './policy.js';
import { refuseIfFrozen } from './freeze.js';
import { readContactInput, readEntryInput, type ContactInput, type EntryInput } from './entry-input.js';
import { UNSCHEDULED_CONTACTS } from './schema.js';
import * as store from './store.js';
import * as letters from './letters.js';
import { ENTRY_CONFLICTS, entryReadAudit, sameEntry, savedEntryAudit } from './entry-rules.js';

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

// ---------------------------------------------------------------- one access decision per request

/**
 * The decision that this actor may read this child's record, made once for a
 * request (the child exists in the ICS, the actor's relationships, the
 * record policy) and handed to the reads below. Only openRecord makes one,
 * and it is good only in the transaction it was made in.
 */
export type RecordAccess = {
  readonly actor: Actor;
  readonly childId: string;
  /** The relationship that allowed it, as the audit records it. */
  readonly why: string;
  readonly relationships: Relationship[];
  /** The child's identity: name, NHS number, date of birth, sex, registered practice. */
  readonly child: children.ChildIdentity;
};

const granted = new WeakMap<RecordAccess, Tx>();

function checked(tx: Tx, access: RecordAccess): RecordAccess {
  if (granted.get(access) !== tx) throw new Error('A record access decision is good only in the transaction that made it.');
  return access;
}

/**
 * Opens a child's record for reading: 404 when the child is not in this ICS;
 * a refusal (audited, offering emergency access where allowed) that is
 * returned, not thrown, so its audit commits; otherwise the access decision.
 * Opening reads nothing of the record and writes no audit of a read: each
 * read that shows the record audits what it showed.
 */
export async function openRecord(tx: Tx, actor: Actor, childId: string): Promise<RecordAccess | ForbiddenError> {
  const child = await children.childIdentity(tx, childId);
  if (!child) throw new NotFoundError();
  const relationships = await legitimateRelationships(tx, actor, childId);
  const decision = recordPolicy.viewRecord(actor, relationships);
  if (!decision.allowed) return refuseAccess(tx, actor, childId, decision.reason, 'shared record', relationships);
  const access: RecordAccess = Object.freeze({ actor, childId, why: decision.why, relationships: [...relationships], child });
  granted.set(access, tx);
  return access;
}

/** Audits that a record page showed the child's name, NHS number and date of birth (and what else it names). */
export async function auditRecordPage(tx: Tx, access: RecordAccess, page: string): Promise<void> {
  const { actor, childId, why } = checked(tx, access);
  await recordAudit(tx, actor, { childId, action: 'record.read', what: `Shared record: ${page}`, why });
}

/** The flags that carry CP-IS information: the record shows the local authority and the last unscheduled attendances. */
export const CPIS_FLAGS: readonly string[] = ['child-protection-plan', 'looked-after'];
/** How many unscheduled attendances a CP-IS flag shows. */
export const UNSCHEDULED_SHOWN = 25;

/**
 * Everything the record page shows, read once and audited once: up to
 * `entryLimit` entries (and whether there are more), a page of the timeline
 * and how many contacts match its filter, carers, current flags; for a child
 * with a CP-IS flag, the care team and the last unscheduled attendances.
 * Sensitive entries and contacts the actor may not see are filtered in SQL,
 * so no count includes them.
 */
export async function readRecord(
  tx: Tx, access: RecordAccess, opts: { entryLimit: number; timeline: store.ContactFilter & { limit: number; offset: number } },
) {
  const { actor, childId, why } = checked(tx, access);
  const flags = await children.activeFlags(tx, childId);
  const cpis = flags.some((f) => CPIS_FLAGS.includes(f.kind));
  const family = await children.familyMembers(tx, childId);
  const { entries, more } = await store.entriesUpTo(tx, actor, childId, opts.entryLimit);
  const timeline = await store.listContacts(tx, actor, childId, opts.timeline);
  const team = cpis ? await children.careTeam(tx, childId) : [];
  const unscheduled = cpis ? await store.latestContacts(tx, actor, childId, UNSCHEDULED_SHOWN, { types: [...UNSCHEDULED_CONTACTS] }) : [];
  const filed = await letters.lettersOfChild(tx, childId);
  const t = opts.timeline;
  await recordAudit(tx, actor, {
    childId, action: 'record.read', why,
    what: `Shared record: entries, carers and timeline of contacts${cpis ? ', with child protection information and unscheduled attendances' : ''}`,
    details: {
      entries: entries.length, moreEntries: more,
      contacts: timeline.contacts.length, contactsMatching: timeline.total, contactsFrom: t.offset + 1,
      ...(t.types?.length || t.from || t.to ? { timelineFilter: { types: t.types ?? [], from: t.from ?? null, to: t.to ?? null } } : {}),
      carers: family.length, letters: filed.length,
      ...(cpis ? { unscheduled: unscheduled.length, careTeam: team.length } : {}),
    },
  });
  return { entries, moreEntries: more, contacts: timeline.contacts, contactTotal: timeline.total, family, flags, team, unscheduled, letters: filed };
}

/** One entry of the child's record whose page is open: not found when it is another child's, or sensitive and not for this actor. Audited. */
export async function childEntry(tx: Tx, access: RecordAccess, entryId: string) {
  const { actor, childId, why } = checked(tx, access);
  const entry = await store.visibleEntryOfChild(tx, actor, childId, entryId);
  if (!entry) throw new NotFoundError();
  await recordAudit(tx, actor, entryReadAudit(entry, why));
  return entry;
}

/** One letter filed in the child's record whose page is open, as sent. Audited. */
export async function childLetter(tx: Tx, access: RecordAccess, letterId: string) {
  const { actor, childId, why } = checked(tx, access);
  const letter = await letters.letterOfChild(tx, childId, letterId);
  await recordAudit(tx, actor, { childId, action: 'record.read-letter', what: `Letter: ${letter.title}`, why, details: { letterId } });
  return letter;
}

export const fileLetter = letters.fileLetter;
export const letterFiledFrom = letters.letterFiledFrom;

/** The risk list an MDT chair is offered; the caller audits each child it shows. */
export const frequentEdAttenders = store.frequentEdAttenders;

export async function childEntryHistory(tx: Tx, access: RecordAccess, entryId: string) {
  const entry = await childEntry(tx, access, entryId);
  return { entry, history: await store.entryHistory(tx, entryId) };
}

// ---------------------------------------------------------------- reads that decide access themselves (FHIR)

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
  await recordAudit(tx, actor, entryReadAudit(entry, why));
  return entry;
}

export async function entryHistory(tx: Tx, actor: Actor, entryId: string) {
  const entry = await getEntry(tx, actor, entryId);
  return { entry, history: await store.entryHistory(tx, entryId) };
}


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
  const why = await allowed(tx, actor, childId, (a, r) => recordPolicy.recordEntry(a, r, null));
  await refuseIfFrozen(tx, actor, childId);
  const existing = opts.entryId
    ? await store.entryById(tx, opts.entryId)
    : input.sourceSystem && input.sourceId ? await store.entryBySource(tx, input.sourceSystem, input.sourceId) : undefined;
  if (opts.entryId && (!existing || existing.child_id !== childId || !(await store.entryVisible(tx, actor, existing.id)))) throw new NotFoundError();
  if (existing && existing.child_id !== childId) throw new ConflictError(ENTRY_CONFLICTS.otherChild);
  if (existing && existing.kind !== input.kind) throw new ConflictError(ENTRY_CONFLICTS.kind);

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
    if (sameEntry(existing, input)) return { entry: existing, outcome: 'unchanged' };
    if (!(await store.updateEntry(tx, id, existing.version, input))) {
      throw new ConflictError(ENTRY_CONFLICTS.concurrent);
    }
    outcome = 'updated';
  }
  const entry = (await store.entryById(tx, id))!;
  await store.writeHistory(tx, actor, entry);
  await recordAudit(tx, actor, savedEntryAudit(entry, outcome, why));
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
  const why = await allowed(tx, actor, childId, (a, r) => recordPolicy.recordEntry(a, r, null));
  await refuseIfFrozen(tx, actor, childId);
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
    const socialWorkers = (await store.flaggedChildsSocialWorkers(tx, childId)).map((r) => r.professional_id);
    const keyWorker = await keyWorkerOf(tx, childId);
    const recipients = [
      ...socialWorkers.map((id) => ({ id, why: 'child protection or looked-after flag' })),
      ...(keyWorker && !socialWorkers.includes(keyWorker) ? [{ id: keyWorker, why: 'you are the key worker for their care plan' }] : []),
    ];
    await addToWorklists(tx, actor.icsId, recipients.map((r) => ({
      professionalId: r.id,
      kind: 'unscheduled-attendance',
      childId,
      title: `Attended ${CONTACT_WORDS[input.type]} (${r.why})`,
      link: `/children/${childId}/record`,
      details: { contactId: id, startedAt: input.startedAt },
    })));
  }
  return { contact: (await store.contactById(tx, id))!, outcome: 'created' as const };
}

/**
 * A stated reason opens the child's sensitive entries to this professional
 * for a while. It is audited and, like emergency access, waits in the
 * privacy officer's review queue (sensitive_reveal.reviewed_at is null).
 */
export async function revealSensitive(tx: Tx, actor: Actor, childId: string, reason: string) {
  const why = await allowed(tx, actor, childId, recordPolicy.revealSensitive);
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO sensitive_reveal (ics_id, id, professional_id, child_id, reason, expires_at)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${actor.professionalId}::uuid, ${childId}::uuid, ${reason},
            now() + make_interval(hours => ${SENSITIVE_REVEAL_HOURS}))`);
  await recordAudit(tx, actor, {
    childId, action: 'record.reveal-sensitive', what: `Sensitive entries shown for ${SENSITIVE_REVEAL_HOURS} hour`, why, statedReason: reason, details: { revealId: id },
  });
}

export async function freezeRecord(tx: Tx, actor: Actor, childId: string, reason: string) {
  const why = await allowed(tx, actor, childId, recordPolicy.freezeRecord);
  if (await store.activeFreeze(tx, childId)) throw new ConflictError('This record is already frozen.');
  await tx.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, ${reason}, ${actor.professionalId}::uuid, ${actor.organisationId}::uuid)`);
  await recordAudit(tx, actor, { childId, action: 'record.freeze', what: 'Record frozen for a safeguarding investigation', why, statedReason: reason });
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

// What other capabilities use of the record (its public face): its policy, the SQL condition on sensitive entries and saving many entries.
export { recordPolicy } from './policy.js';
export { visibleToSql } from './store.js';
export { saveEntries } from './bulk-entries.js';
