import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/client.js';
import type { Actor } from './actor.js';
import { policy, type Decision } from './policy.js';
import { identifiedChild, legitimateRelationshipsOfEach, type ChildRead, type Relationship } from './relationship.js';
import { composition, type ChildIdentity } from './composition.js';
import { RefusedAccess } from './refused-access.js';
import { recordAudit, recordAuditMany, type AuditEntry } from '../audit/audit.js';
import { NotFoundError } from '../http/errors.js';

/**
 * The one door to a child's data. Every child-scoped read or change opens
 * it: the child exists in this ICS (404 otherwise) → the relationships the
 * data shows → the capability's policy rule → the audit, or an audited
 * refusal (RefusedAccess) → a ChildAccess, which the capability's
 * child-scoped store and service functions take instead of (actor, childId).
 * Decision record 0008.
 */

/** A capability's policy rule for one action, e.g. recordPolicy.viewRecord. */
export type ChildRule = (actor: Actor, relationships: Relationship[]) => Decision;

/**
 * The decision that this actor may do this to this child, made by the door
 * and good only in the transaction that made it. Frozen: nothing can widen it.
 */
export type ChildAccess = {
  readonly actor: Actor;
  readonly childId: string;
  /** The relationship (or role) that allowed it, as the audit records it. */
  readonly why: string;
  readonly relationships: Relationship[];
  /** Name, NHS number, date of birth, sex, registered practice. */
  readonly child: ChildIdentity;
};

/** An audit of what was read or changed; the door supplies who, which child and why. */
export type ChildAudit = Omit<AuditEntry, 'childId' | 'why'> & { why?: string | null };

export type Opening = {
  /** The capability's policy rule for what the actor is about to do. */
  rule: ChildRule;
  /** What is refused, in words for the access log: "Refused: <refused>". */
  refused: string;
  /**
   * The audit of the access, written as the door opens. Leave it out only
   * when what is shown is known after reading (counts, a page): then the
   * read audits through the access (auditChild) in the same transaction.
   */
  audit?: ChildAudit;
};

export type { ChildRead } from './relationship.js';

const opened = new WeakMap<ChildAccess, Tx>();

/** Opens the door to one child for one action, or throws: NotFoundError, or an audited RefusedAccess. */
export async function openChild(tx: Tx, actor: Actor, childId: string, opening: Opening): Promise<ChildAccess> {
  return (await openAndRead(tx, actor, childId, opening)).access;
}

/**
 * openChild, and the capability's read of the child (a FHIR Patient's row)
 * asked in the door's own statement: one round trip where there were two.
 * What the read found is handed back only once the rule allows; a refusal
 * throws as openChild's does, and what was read goes no further. Null when
 * the read found nothing.
 */
export async function openChildReading<T>(tx: Tx, actor: Actor, childId: string, opening: Opening, read: ChildRead): Promise<{ access: ChildAccess; found: T | null }> {
  const { access, read: inStatement } = await openAndRead(tx, actor, childId, opening, read);
  if (inStatement) return { access, found: inStatement.found as T | null };
  // The composition asks its questions one by one: the read goes after the decision.
  const [row] = await rows<{ found: T | null }>(tx, sql`SELECT (${read(actor.icsId, sql`${childId}::uuid`)}) AS found`);
  return { access, found: row?.found ?? null };
}

async function openAndRead(tx: Tx, actor: Actor, childId: string, opening: Opening, read?: ChildRead) {
  const found = await identifiedChild(tx, actor, childId, read);
  if (!found) throw new NotFoundError();
  const { child, relationships } = found;
  const decision = opening.rule(actor, relationships);
  if (!decision.allowed) throw await refusal(tx, actor, childId, decision.reason, opening.refused, emergencyWouldOpen(actor, relationships, opening.rule));
  const access = openedIn(tx, actor, childId, child, relationships, decision.why);
  if (opening.audit) await auditChild(tx, access, opening.audit);
  return { access, read: found.read };
}

/** A frozen access, good only in this transaction. */
function openedIn(tx: Tx, actor: Actor, childId: string, child: ChildIdentity, relationships: Relationship[], why: string): ChildAccess {
  const access: ChildAccess = Object.freeze({
    actor, childId, why, relationships: Object.freeze([...relationships]) as Relationship[], child: Object.freeze({ ...child }),
  });
  opened.set(access, tx);
  return access;
}

/** The access, if it was opened in this transaction; a store function calls this before it reads or writes. */
export function checkedAccess(tx: Tx, access: ChildAccess): ChildAccess {
  if (opened.get(access) !== tx) throw new Error('A child access decision is good only in the transaction that made it.');
  return access;
}

/** Audits what was read or changed under this access: its actor, child and why. */
export async function auditChild(tx: Tx, access: ChildAccess, entry: ChildAudit): Promise<void> {
  const { actor, childId, why } = checkedAccess(tx, access);
  await recordAudit(tx, actor, { ...entry, childId, why: entry.why ?? why });
}

/**
 * A list that names children (search results, a review queue) audits each
 * child it shows, under the list's own decision (`why`). The list decides who
 * may be shown inside its SQL (standingRelationshipSql); this says who was.
 */
export async function auditListedChildren(tx: Tx, actor: Actor, why: string, shown: (ChildAudit & { childId: string })[]): Promise<void> {
  await recordAuditMany(tx, actor, shown.map((entry) => ({ ...entry, why: entry.why ?? why })));
}

/**
 * A further refusal once the door is open: the policy allowed the action but
 * something the capability checks after (a freeze, a version, the family's
 * consent) does not. Audited and thrown like the door's own refusal.
 */
export async function refuseChild(tx: Tx, access: ChildAccess, reason: string, refused: string): Promise<never> {
  const { actor, childId } = checkedAccess(tx, access);
  // Emergency access widens who may open the door, and this actor is already through it: it cannot lift a freeze or a version check.
  throw await refusal(tx, actor, childId, reason, refused, false);
}

/** What one child of a batch is answered: the door opened, or why not (NotFoundError, an audited RefusedAccess). */
export type EachOpening = ChildAccess | NotFoundError | RefusedAccess;

/**
 * The door for a batch that answers child by child (a feed's entries): the
 * same checks as openChild for each child, in a few queries for the whole
 * batch. `furtherRefusals` are the capability's checks after the rule (a
 * freeze), asked of the children the rule let through: child id → reason.
 * Every refusal is audited as openChild audits one, in one statement; the
 * caller audits what it then reads or writes with auditEachChild.
 */
export async function openEachChild(
  tx: Tx, actor: Actor, childIds: string[],
  opening: Omit<Opening, 'audit'> & { furtherRefusals?: (childIds: string[]) => Promise<Map<string, string>> },
): Promise<Map<string, EachOpening>> {
  const unique = [...new Set(childIds)];
  const found = await composition().identifyEach(tx, actor.icsId, unique);
  const relationships = await legitimateRelationshipsOfEach(tx, actor, unique.filter((id) => found.has(id)));
  const out = new Map<string, EachOpening>();
  const refused: { childId: string; reason: string; canBreakGlass: boolean }[] = [];
  for (const childId of unique) {
    const child = found.get(childId);
    if (!child) {
      out.set(childId, new NotFoundError());
      continue;
    }
    const held = relationships.get(childId)!;
    const decision = opening.rule(actor, held);
    if (!decision.allowed) refused.push({ childId, reason: decision.reason, canBreakGlass: emergencyWouldOpen(actor, held, opening.rule) });
    else out.set(childId, openedIn(tx, actor, childId, child, held, decision.why));
  }
  const allowed = [...out].flatMap(([id, a]) => (a instanceof Error ? [] : [id]));
  // As refuseChild: the actor is through the door, so emergency access could not lift these.
  for (const [childId, reason] of (await opening.furtherRefusals?.(allowed)) ?? new Map<string, string>()) refused.push({ childId, reason, canBreakGlass: false });
  const audits = refused.map(({ childId, reason, canBreakGlass }) => {
    const audit: AuditEntry = { childId, action: 'child.access-refused', what: `Refused: ${opening.refused}`, why: reason };
    out.set(childId, new RefusedAccess(reason, childId, canBreakGlass, actor, audit));
    return audit;
  });
  await recordAuditMany(tx, actor, audits);
  return out;
}

/** auditChild for many accesses of one transaction, in one statement. */
export async function auditEachChild(tx: Tx, audits: { access: ChildAccess; entry: ChildAudit }[]): Promise<void> {
  const [first] = audits;
  if (!first) return;
  for (const { access } of audits) {
    if (checkedAccess(tx, access).actor !== first.access.actor) throw new Error('One audit statement is written for one actor.');
  }
  await recordAuditMany(tx, first.access.actor, audits.map(({ access, entry }) => ({ ...entry, childId: access.childId, why: entry.why ?? access.why })));
}

/**
 * Whether the refusal offers emergency access: the actor may take it, and
 * taking it would let this rule through. A rule that emergency access does
 * not meet (bringing a child one cares for to an MDT, a plan's key worker)
 * offers nothing a clinician could use.
 */
function emergencyWouldOpen(actor: Actor, relationships: Relationship[], rule: ChildRule): boolean {
  if (!policy.breakGlass(actor, relationships).allowed) return false;
  return rule(actor, [...relationships, { kind: 'break-glass', detail: 'emergency access' }]).allowed;
}

/**
 * The refusal, audited now (so a caller that catches it and carries on still
 * leaves the audit) and thrown: where it is not caught, the tenant
 * transaction rolls the rest back and writes this audit again.
 */
async function refusal(tx: Tx, actor: Actor, childId: string, reason: string, refused: string, canBreakGlass: boolean): Promise<RefusedAccess> {
  const audit: AuditEntry = { childId, action: 'child.access-refused', what: `Refused: ${refused}`, why: reason };
  await recordAudit(tx, actor, audit);
  return new RefusedAccess(reason, childId, canBreakGlass, actor, audit);
}
