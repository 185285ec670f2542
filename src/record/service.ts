import crypto from 'node:crypto';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, checkedAccess, openChild, openChildReading, type ChildAccess, type ChildAudit, type ChildRead, type ChildRule } from '../platform/access/door.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/http/errors.js';
import * as children from '../children/service.js';
import { addToWorklists } from '../worklist/service.js';
import { keyWorkerOf } from '../careplans/service.js';
import { recordPolicy } from './policy.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { readContactInput, readEntryInput, type ContactInput, type EntryInput } from './entry-input.js';
import { NOT_ATTENDED, UNSCHEDULED_CONTACTS, type EntryKind } from './schema.js';
import * as store from './store.js';
import * as letters from './letters.js';
import { entryPage, entryPageFound, entryPageRead, type EntryPageFilter } from './entry-keyset.js';
import { beforeBirth, ENTRY_CONFLICTS, entryReadAudit, sameEntry, savedEntryAudit } from './entry-rules.js';
import { countRecordedContacts } from './contact-counting.js';
import { insertFedContacts, type FedContact } from './contact-feed-store.js';

export type { EntryRow, ContactRow, EntryFilter, ContactFilter } from './store.js';
export { ENTRY_SORTS, type EntrySort, type EntryPageFilter } from './entry-keyset.js';
export type { EntryInput, ContactInput } from './entry-input.js';
export { countContactsWith, type CountableContact } from './contact-counting.js';

/** How long a stated reason opens a child's sensitive entries. */
export const SENSITIVE_REVEAL_HOURS = 1;

/**
 * Opens the door to the child's record for one action: 404 when the child is
 * not in this ICS; an audited refusal (RefusedAccess) when the record policy
 * says no; otherwise the decision the reads and changes below take.
 */
function openFor(tx: Tx, actor: Actor, childId: string, rule: ChildRule, refused = 'shared record', audit?: ChildAudit): Promise<ChildAccess> {
  return openChild(tx, actor, childId, { rule, refused, audit });
}

/** The actor's access to the child's record, decided once for a request; a refusal offers emergency access where allowed. */
export type RecordAccess = ChildAccess;

/**
 * Opens a child's record for reading. Opening reads nothing of the record and
 * writes no audit of a read: each read that shows the record audits what it showed.
 */
export function openRecord(tx: Tx, actor: Actor, childId: string): Promise<RecordAccess> {
  return openFor(tx, actor, childId, recordPolicy.viewRecord);
}

/** openRecord, with a read of the child asked in the door's own statement (openChildReading): given back only once the record is open to the actor. */
export function openRecordReading<T>(tx: Tx, actor: Actor, childId: string, read: ChildRead): Promise<{ access: RecordAccess; found: T | null }> {
  return openChildReading<T>(tx, actor, childId, { rule: recordPolicy.viewRecord, refused: 'shared record' }, read);
}

/** Audits that a record page showed the child's name, NHS number and date of birth (and what else it names). */
export function auditRecordPage(tx: Tx, access: RecordAccess, page: string): Promise<void> {
  return auditChild(tx, access, { action: 'record.read', what: `Shared record: ${page}` });
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
  const { actor, childId } = checkedAccess(tx, access);
  const flags = await children.activeFlags(tx, access);
  const cpis = flags.some((f) => CPIS_FLAGS.includes(f.kind));
  const family = await children.familyMembers(tx, access);
  const { entries, more } = await store.entriesUpTo(tx, access, opts.entryLimit);
  const timeline = await store.listContacts(tx, access, opts.timeline);
  const team = cpis ? await children.careTeam(tx, access) : [];
  const unscheduled = cpis ? await store.latestContacts(tx, access, UNSCHEDULED_SHOWN, { types: [...UNSCHEDULED_CONTACTS] }) : [];
  const filed = await letters.lettersOfChild(tx, actor.icsId, childId);
  const t = opts.timeline;
  await auditChild(tx, access, {
    action: 'record.read',
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
  const entry = await store.visibleEntryOfChild(tx, access, entryId);
  if (!entry) throw new NotFoundError();
  await auditChild(tx, access, entryReadAudit(entry));
  return entry;
}

/** One letter filed in the child's record whose page is open, as sent. Audited. */
export async function childLetter(tx: Tx, access: RecordAccess, letterId: string) {
  const { actor, childId } = checkedAccess(tx, access);
  const letter = await letters.letterOfChild(tx, actor.icsId, childId, letterId);
  await auditChild(tx, access, { action: 'record.read-letter', what: `Letter: ${letter.title}`, details: { letterId } });
  return letter;
}

export const fileLetter = letters.fileLetter;
export const letterFiledFrom = letters.letterFiledFrom;

/** The risk list an MDT chair is offered; the caller audits each child it shows. */
export const frequentEdAttenders = store.frequentEdAttenders;

export async function childEntryHistory(tx: Tx, access: RecordAccess, entryId: string) {
  const entry = await childEntry(tx, access, entryId);
  return { entry, history: await store.entryHistory(tx, access.actor.icsId, entryId) };
}

// ---------------------------------------------------------------- reads by child id (FHIR, MDT): each opens the door itself

const entriesReadAudit = (kinds: EntryKind[] | undefined, entries: number): ChildAudit => ({
  action: 'record.read', what: kinds?.length ? `Shared record: ${kinds.join(', ')}` : 'Shared record', details: { entries },
});
const auditEntriesRead = (tx: Tx, access: ChildAccess, kinds: EntryKind[] | undefined, entries: number) => auditChild(tx, access, entriesReadAudit(kinds, entries));

export async function listEntries(tx: Tx, actor: Actor, childId: string, filter: store.EntryFilter = {}) {
  const access = await openRecord(tx, actor, childId);
  const result = await store.listEntries(tx, access, filter);
  await auditEntriesRead(tx, access, filter.kinds, result.entries.length);
  return result;
}

/** A keyset page of the child's entries (FHIR search: entry-pages.ts), through the same door and audit as listEntries. */
export async function pageEntries(tx: Tx, actor: Actor, childId: string, filter: EntryPageFilter) {
  const access = await openRecord(tx, actor, childId);
  const result = await entryPage(tx, access, filter);
  await auditEntriesRead(tx, access, filter.kinds, result.entries.length);
  return result;
}

/**
 * As pageEntries, under a door already opened for the child in this
 * transaction (openRecord): its audit is handed back, for the caller to write
 * with the request's others in one statement before it answers. With
 * `readWithDoor`, the page is what the door read (entriesPageRead) for this
 * filter, so nothing is read again.
 */
export async function pageOpenedEntries(tx: Tx, access: RecordAccess, filter: EntryPageFilter, readWithDoor?: { found: unknown }): Promise<Awaited<ReturnType<typeof entryPage>> & { audit: ChildAudit }> {
  const result = readWithDoor ? await entryPageFound(tx, access, filter, readWithDoor.found) : await entryPage(tx, access, filter);
  return { ...result, audit: entriesReadAudit(filter.kinds, result.entries.length) };
}

/**
 * The page pageOpenedEntries gives, as a read for the door to ask with its
 * question (openRecordReading): what it found goes to pageOpenedEntries once
 * the record is open to the actor.
 */
export const entriesPageRead: (actor: Actor, filter: EntryPageFilter) => ChildRead = entryPageRead;

/** One entry; a sensitive entry the actor may not see is simply not found. */
export async function getEntry(tx: Tx, actor: Actor, entryId: string) {
  const found = await store.entryById(tx, actor.icsId, entryId);
  if (!found) throw new NotFoundError();
  const access = await openRecord(tx, actor, found.child_id);
  return childEntry(tx, access, entryId);
}

export async function entryHistory(tx: Tx, actor: Actor, entryId: string) {
  const entry = await getEntry(tx, actor, entryId);
  return { entry, history: await store.entryHistory(tx, actor.icsId, entryId) };
}

/** The door for recording in the child's record: the record policy, then the freeze (both refusals audited). */
/** Refuses a date before the child's birth, before anything is written. */
function refuseBeforeBirth(access: ChildAccess, dates: Record<string, string | null | undefined>): void {
  const error = beforeBirth(access, dates);
  if (error) throw error;
}

async function openForRecording(tx: Tx, actor: Actor, childId: string, what: string): Promise<ChildAccess> {
  const access = await openFor(tx, actor, childId, (a, r) => recordPolicy.recordEntry(a, r, null), what);
  await refuseChangeWhileFrozen(tx, access, what);
  return access;
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
  const access = await openForRecording(tx, actor, childId, opts.entryId ? 'change a record entry' : 'add a record entry');
  refuseBeforeBirth(access, { startedOn: input.startedOn, endedOn: input.endedOn });
  const existing = opts.entryId
    ? await store.entryById(tx, actor.icsId, opts.entryId)
    : input.sourceSystem && input.sourceId ? await store.entryBySource(tx, actor.icsId, input.sourceSystem, input.sourceId) : undefined;
  if (opts.entryId && (!existing || existing.child_id !== childId || !(await store.entryVisible(tx, actor, existing.id)))) throw new NotFoundError();
  if (existing && existing.child_id !== childId) throw new ConflictError(ENTRY_CONFLICTS.otherChild);
  if (existing && existing.kind !== input.kind) throw new ConflictError(ENTRY_CONFLICTS.kind);

  let id: string;
  let outcome: 'created' | 'updated' | 'unchanged';
  if (!existing) {
    id = crypto.randomUUID();
    await store.insertEntry(tx, access, id, input);
    outcome = 'created';
  } else {
    id = existing.id;
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== existing.version) {
      throw new ConflictError('Someone else changed this entry after you opened it. Reload it to see their change, then make yours again.');
    }
    if (sameEntry(existing, input)) return { entry: existing, outcome: 'unchanged' };
    if (!(await store.updateEntry(tx, actor.icsId, id, existing.version, input))) {
      throw new ConflictError(ENTRY_CONFLICTS.concurrent);
    }
    outcome = 'updated';
  }
  const entry = (await store.entryById(tx, actor.icsId, id))!;
  await store.writeHistory(tx, actor, entry);
  await auditChild(tx, access, savedEntryAudit(entry, outcome));
  return { entry, outcome };
}

export async function listContacts(tx: Tx, actor: Actor, childId: string, filter: store.ContactFilter = {}) {
  const access = await openRecord(tx, actor, childId);
  const result = await store.listContacts(tx, access, filter);
  await auditChild(tx, access, { action: 'record.read-timeline', what: 'Timeline of contacts', details: { contacts: result.contacts.length } });
  return result;
}

// ---------------------------------------------------------------- reads for many children at once (FHIR Bulk Data export)

/**
 * The accesses the record's own rule lets through: a door opened for a
 * batch under another capability's rule (the FHIR read) reads the record
 * only where viewRecord allows too, as openRecord would have.
 */
const recordOpen = (accesses: readonly ChildAccess[]) => accesses.filter((a) => recordPolicy.viewRecord(a.actor, a.relationships).allowed);

/**
 * listEntries for every child of a batch whose door is open in this
 * transaction (openEachChild), in one statement: the same sensitive
 * filtering and entered-in-error exclusion. Writes no audit: the caller
 * audits each child it reads for (auditEachChild), in one statement.
 */
export function entriesOfEach(tx: Tx, accesses: readonly ChildAccess[], kinds: EntryKind[]): Promise<store.EntryRow[]> {
  return kinds.length ? store.entriesOfEach(tx, recordOpen(accesses), { kinds }) : Promise.resolve([]);
}

/** listContacts for every child of a batch whose door is open, as entriesOfEach. */
export function contactsOfEach(tx: Tx, accesses: readonly ChildAccess[], filter: Omit<store.ContactFilter, 'limit' | 'offset'> = {}): Promise<store.ContactRow[]> {
  return store.contactsOfEach(tx, recordOpen(accesses), filter);
}

const CONTACT_WORDS: Record<string, string> = { ed: 'an emergency department', 'urgent-care': 'urgent care', 'out-of-hours': 'an out-of-hours service' };

/**
 * Records a contact, counted by the population in the same transaction. An
 * unscheduled attendance (ED, urgent care, out of hours)
 * goes onto the worklists of a flagged child's social worker and of the
 * child's key worker, in the same transaction, so it cannot be lost.
 */
export async function recordContact(tx: Tx, actor: Actor, childId: string, raw: ContactInput | unknown) {
  const input = readContactInput(raw);
  const access = await openForRecording(tx, actor, childId, 'record a contact');
  refuseBeforeBirth(access, { startedAt: input.startedAt, endedAt: input.endedAt });
  if (input.sourceSystem && input.sourceId) {
    const existing = await store.contactBySource(tx, actor.icsId, input.sourceSystem, input.sourceId);
    if (existing) {
      if (existing.child_id !== childId) throw new ConflictError('That source identifier already belongs to a contact in another child’s record.');
      return { contact: existing, outcome: 'unchanged' as const };
    }
  }
  const id = crypto.randomUUID();
  await store.insertContact(tx, access, id, input);
  // A planned, cancelled or doubtful encounter is kept but is no attendance: not counted, nobody told.
  const attended = !(NOT_ATTENDED as readonly (string | null | undefined)[]).includes(input.status);
  if (attended) await countRecordedContacts(tx, actor.icsId, [{ ...input, contactId: id, childId }]);
  await auditChild(tx, access, { action: 'record.create-contact', what: `Contact: ${input.type}${attended ? '' : ` (${input.status})`}`, details: { contactId: id } });
  if (attended && UNSCHEDULED_CONTACTS.includes(input.type)) {
    const socialWorkers = (await store.flaggedChildsSocialWorkers(tx, actor.icsId, childId)).map((r) => r.professional_id);
    const keyWorker = await keyWorkerOf(tx, actor.icsId, childId);
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
  return { contact: (await store.contactById(tx, actor.icsId, id))!, outcome: 'created' as const };
}

export type { FedContact } from './contact-feed-store.js';

/**
 * Contacts from an operator's bulk feed (\`joinery import activity\`), which
 * the population counts itself as it adds them (docs/decisions/0012): the
 * feed is run at the command line, with no professional to open a child as,
 * as the generator is. Frozen records must be left out by the caller (the
 * database refuses them). Returns each added contact's id by the sender's id.
 */
export function addFedContacts(tx: Tx, icsId: string, sourceSystem: string, contacts: readonly FedContact[]): Promise<Map<string, string>> {
  return insertFedContacts(tx, icsId, sourceSystem, contacts);
}

/**
 * A stated reason opens the child's sensitive entries to this professional
 * for a while. It is audited and, like emergency access, waits in the
 * privacy officer's review queue (sensitive_reveal.reviewed_at is null).
 */
export async function revealSensitive(tx: Tx, actor: Actor, childId: string, reason: string) {
  const access = await openFor(tx, actor, childId, recordPolicy.revealSensitive, 'show sensitive entries');
  const id = await store.revealSensitive(tx, access, reason, SENSITIVE_REVEAL_HOURS);
  await auditChild(tx, access, {
    action: 'record.reveal-sensitive', what: `Sensitive entries shown for ${SENSITIVE_REVEAL_HOURS} hour`, statedReason: reason, details: { revealId: id },
  });
}

/** The door for freezing or lifting a freeze: a privacy officer (any child of the ICS) or the child's social worker. */
const openForFreezing = (tx: Tx, actor: Actor, childId: string, what: string, audit?: ChildAudit) =>
  openFor(tx, actor, childId, recordPolicy.freezeRecord, what, audit);

/** The freeze page for one who may freeze without seeing the record (a privacy officer): whether it is frozen, by whom and why. Audited. */
export async function openFreezePage(tx: Tx, actor: Actor, childId: string): Promise<void> {
  await openForFreezing(tx, actor, childId, 'freeze page', { action: 'record.read', what: 'Shared record: whether it is frozen, by whom and why (the freeze page)' });
}

export async function freezeRecord(tx: Tx, actor: Actor, childId: string, reason: string) {
  const access = await openForFreezing(tx, actor, childId, 'freeze the record');
  if (await store.activeFreeze(tx, actor.icsId, childId)) throw new ConflictError('This record is already frozen.');
  await store.freezeRecord(tx, access, reason);
  await auditChild(tx, access, { action: 'record.freeze', what: 'Record frozen for a safeguarding investigation', statedReason: reason });
}

export async function liftFreeze(tx: Tx, actor: Actor, childId: string) {
  const access = await openForFreezing(tx, actor, childId, 'lift the freeze');
  const freeze = await store.activeFreeze(tx, actor.icsId, childId);
  if (!freeze) throw new ConflictError('This record is not frozen.');
  const lift = recordPolicy.liftFreeze(actor, access.relationships, freeze.frozen_by_organisation_id);
  if (!lift.allowed) throw new ForbiddenError(lift.reason);
  await store.liftFreeze(tx, access, freeze.id);
  await auditChild(tx, access, { action: 'record.lift-freeze', what: 'Record freeze lifted' });
}

export const activeFreeze = store.activeFreeze;

// What other capabilities use of the record (its public face): its policy, the SQL condition on sensitive entries and saving many entries.
export { recordPolicy } from './policy.js';
export { visibleToSql } from './store.js';
export { saveEntries } from './bulk-entries.js';
