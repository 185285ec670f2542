import { fhirPolicy } from '../policy.js';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import { auditEachChild, checkedAccess, openChild, openChildReading, type ChildAccess, type ChildRead } from '../../platform/access/door.js';
import { openRecord, openRecordReading } from '../../record/service.js';
import { notFound } from '../outcome.js';
import * as store from '../store.js';
import type { Reading, WholeRecord } from './handler.js';

/** The whole-record reading this read is part of, when it is of the same child and its door was opened in this transaction. */
function wholeRecordOf(r: Reading, childId: string): WholeRecord | undefined {
  if (!r.whole || r.whole.access.childId !== childId) return undefined;
  checkedAccess(r.tx, r.whole.access);
  return r.whole;
}

/**
 * The actor may see this child's record (a legitimate relationship, as the
 * pages require), through the one door: the read is audited, and a refusal
 * is audited too (RefusedAccess, answered 403 as before). Returns why it was allowed.
 */
export async function seeChild(r: Reading, childId: string, what: string, action = 'fhir.read'): Promise<string> {
  const whole = wholeRecordOf(r, childId);
  if (whole) {
    // Patient/$everything opened the door to this child under the same rule, in this transaction: its audit is written with the rest.
    whole.audits.push({ action, what });
    return whole.access.why;
  }
  const access = await openChild(r.tx, r.actor, childId, { rule: fhirPolicy.readChild, refused: what, audit: { action, what } });
  return access.why;
}

/**
 * seeChild, and the child's data that `read` gives (a Patient's row), read
 * with the door's own question in one statement: null when it finds nothing.
 * Under $everything's door the read goes alone, as its other reads do.
 */
export async function seeChildReading<T>(r: Reading, childId: string, what: string, read: ChildRead): Promise<T | null> {
  if (wholeRecordOf(r, childId)) {
    await seeChild(r, childId, what);
    const [row] = await rows<{ found: T | null }>(r.tx, sql`SELECT (${read(r.actor.icsId, sql`${childId}::uuid`)}) AS found`);
    return row.found;
  }
  const { found } = await openChildReading<T>(r.tx, r.actor, childId, { rule: fhirPolicy.readChild, refused: what, audit: { action: 'fhir.read', what } }, read);
  return found;
}

/** 404 when there is no such child (or they are another ICS's), before any access check on a child named in a search. */
export async function knownPatient(r: Reading, childId: string): Promise<void> {
  if (wholeRecordOf(r, childId)) return;
  if (!(await store.patientById(r.tx, r.actor.icsId, childId))) throw notFound();
}

/** As seeChild, for a child named in a search: 404 when there is no such child (or they are another ICS's). */
export async function seePatient(r: Reading, childId: string, what: string): Promise<void> {
  await knownPatient(r, childId);
  await seeChild(r, childId, what);
}

/**
 * The row a read by id found (the first), once the actor may see its child
 * (as seeChild, audited); 404 when there is none.
 */
export async function seeFound<T extends { child_id: string }>(r: Reading, found: T[] | Promise<T[]>, what: string): Promise<T> {
  const [row] = await found;
  if (!row) throw notFound();
  await seeChild(r, row.child_id, what);
  return row;
}

/** Doors opened by searchOneChild under the record's rule: the entries may be read under them. */
const recordOpened = new WeakSet<ChildAccess>();

/** What the door read for one of a search's reads, when it read it (searchOneChild). */
export type ReadWithDoor = (read: ChildRead | undefined) => { found: unknown } | undefined;

/** Several reads asked as one: a json array of what each found, in turn. */
const allOf = (reads: readonly ChildRead[]): ChildRead => (icsId, childId) =>
  sql`SELECT json_build_array(${sql.join(reads.map((read) => sql`(${read(icsId, childId)})`), sql`, `)})`;

/**
 * One child's search (record entries, and what is served beside them): the
 * record's door opened once, under the record's rule (which holds the FHIR
 * read rule too), 404 for a child not in this ICS and an audited refusal as
 * before; every read inside adds its audit, and all of them are written in
 * one statement before the search answers, in the same transaction. The
 * reads `asked` (the search's rows of the child) go in the door's own
 * statement and come back, through `withDoor`, only once the door is open.
 */
export async function searchOneChild<T>(
  r: Reading, childId: string, fn: (r: Reading & { whole: WholeRecord }, withDoor: ReadWithDoor) => Promise<T>, asked: readonly (ChildRead | undefined)[] = [],
): Promise<T> {
  const reads = asked.filter((read): read is ChildRead => read !== undefined);
  if (r.whole?.access.childId === childId && recordOpened.has(r.whole.access)) {
    checkedAccess(r.tx, r.whole.access);
    return fn(r as Reading & { whole: WholeRecord }, () => undefined);
  }
  const { access, found } = reads.length ? await openRecordReading<unknown[]>(r.tx, r.actor, childId, allOf(reads)) : { access: await openRecord(r.tx, r.actor, childId), found: null };
  recordOpened.add(access);
  const whole: WholeRecord = { access, audits: [], entries: new Map() };
  const withDoor: ReadWithDoor = (read) => {
    const at = read ? reads.indexOf(read) : -1;
    return found && at >= 0 ? { found: found[at] } : undefined;
  };
  const out = await fn({ ...r, whole }, withDoor);
  await auditEachChild(r.tx, whole.audits.map((entry) => ({ access, entry })));
  return out;
}
