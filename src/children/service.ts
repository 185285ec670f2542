import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { legitimateRelationships, type Relationship } from '../platform/access/relationship.js';
import { recordAudit, recordAuditMany } from '../platform/audit/audit.js';
import { pageWindow } from '../platform/http/paging.js';
import { accessLogChoices, accessLogCount, accessLogFor, type AccessLogFilter } from './access-log.js';
import { ACCESS_LOG_CSV_LIMIT, ACCESS_LOG_PAGE_SIZE } from './access-log-filter.js';
import { ForbiddenError, NotFoundError } from '../platform/http/errors.js';
import * as store from './store.js';

export const SEARCH_LIMIT = 25;
/** How long emergency access lasts before the professional must ask again. */
export const BREAK_GLASS_HOURS = 4;

/** Who may search: those who care for children, and the privacy officer (to reach a child's access log). */
export function searchDecision(actor: Actor) {
  const caring = policy.searchChildren(actor);
  return caring.allowed ? caring : policy.findChildForAccessLog(actor);
}

/** Finds children; every child shown in the results is audited as seen by this professional. */
export async function findChildren(tx: Tx, actor: Actor, criteria: store.ChildCriteria) {
  const decision = searchDecision(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const found = await store.findChildren(tx, actor, criteria, SEARCH_LIMIT);
  await recordAuditMany(
    tx,
    actor,
    found.map((c) => ({
      childId: c.id,
      action: 'child.search-result',
      what: 'Name, NHS number and date of birth shown in search results',
      why: decision.why,
      details: { searchedBy: criteria.by },
    })),
  );
  return found;
}

/** Loads what access decisions need; a child of another ICS is simply not found. */
async function requireChild(tx: Tx, childId: string) {
  const child = await store.childIdentity(tx, childId);
  if (!child) throw new NotFoundError();
  return child;
}

/**
 * Refuses access and offers break-glass where allowed. The refusal is audited
 * (so the privacy officer sees attempts), so it is returned, not thrown: a
 * throw would roll the audit event back. The route throws it after commit.
 * Other capabilities that refuse a child's data (the shared record) use it
 * too, passing the relationships they have already read.
 */
export async function refuseAccess(
  tx: Tx, actor: Actor, childId: string, reason: string, action: string, relationships?: Relationship[],
): Promise<ForbiddenError> {
  await recordAudit(tx, actor, { childId, action: 'child.access-refused', what: `Refused: ${action}`, why: reason });
  const known = relationships ?? (await legitimateRelationships(tx, actor, childId));
  return new ForbiddenError(reason, childId, policy.breakGlass(actor, known).allowed);
}

export async function childSummary(tx: Tx, actor: Actor, childId: string) {
  const demographics = await store.childDemographics(tx, childId);
  if (!demographics) throw new NotFoundError();
  const relationships = await legitimateRelationships(tx, actor, childId);
  const decision = policy.viewChildSummary(actor, relationships);
  if (!decision.allowed) return refuseAccess(tx, actor, childId, decision.reason, 'child summary', relationships);
  // Education and youth justice see who the child is and who cares for them, not health detail (decision record 0003).
  const healthDetail = policy.viewHealthDetail(actor, relationships).allowed;
  // One connection runs one query at a time: these go in sequence either way.
  const [family, flags, team, conditions, accessLog] = [
    await store.familyMembers(tx, childId),
    await store.activeFlags(tx, childId),
    await store.careTeam(tx, childId),
    healthDetail ? await store.longTermConditions(tx, childId) : [],
    await accessLogFor(tx, actor, childId, relationships, { limit: 5 }),
  ];
  await recordAudit(tx, actor, {
    childId, action: 'child.view-summary', why: decision.why,
    what: healthDetail ? 'Child summary' : 'Child summary without health detail (no conditions, no carers’ contact details)',
  });
  return {
    child: demographics, flags, team, conditions, accessLog, relationships, healthDetail,
    family: healthDetail ? family : family.map((p) => ({ ...p, phone: null, email: null, address: null })),
  };
}

/** The child's identity and the actor's access-log decision; a refusal is audited and returned (see refuseAccess). */
async function openAccessLog(tx: Tx, actor: Actor, childId: string) {
  const child = await requireChild(tx, childId);
  const relationships = await legitimateRelationships(tx, actor, childId);
  const decision = policy.viewAccessLog(actor, relationships);
  if (!decision.allowed) return refuseAccess(tx, actor, childId, decision.reason, 'access log', relationships);
  return { child, relationships, why: decision.why };
}

/** A page of who has accessed the child's record, filtered, as this actor may see it. Audited with the filter. */
export async function accessLog(tx: Tx, actor: Actor, childId: string, filter: AccessLogFilter, page: number) {
  const opened = await openAccessLog(tx, actor, childId);
  if (opened instanceof ForbiddenError) return opened;
  const window = pageWindow(await accessLogCount(tx, actor, childId, opened.relationships, filter), page, ACCESS_LOG_PAGE_SIZE);
  const events = await accessLogFor(tx, actor, childId, opened.relationships, { filter, limit: window.size, offset: window.offset });
  await recordAudit(tx, actor, {
    childId, action: 'child.view-access-log', what: 'Who has accessed this record', why: opened.why,
    details: { filter, page: window.page, shown: events.length },
  });
  return { child: opened.child, events, window, choices: await accessLogChoices(tx, childId) };
}

/** Every event that matches the filter (up to the CSV limit), for a CSV download. The export is itself audited. */
export async function exportAccessLog(tx: Tx, actor: Actor, childId: string, filter: AccessLogFilter) {
  const opened = await openAccessLog(tx, actor, childId);
  if (opened instanceof ForbiddenError) return opened;
  const total = await accessLogCount(tx, actor, childId, opened.relationships, filter);
  const events = await accessLogFor(tx, actor, childId, opened.relationships, { filter, limit: ACCESS_LOG_CSV_LIMIT });
  await recordAudit(tx, actor, {
    childId, action: 'child.export-access-log', what: `Who has accessed this record, downloaded as CSV (${events.length} events)`, why: opened.why,
    details: { filter, exported: events.length, matching: total },
  });
  return { child: opened.child, events, total };
}

/** Emergency access: time-limited, audited, and queued for the privacy officer's review. */
export async function breakGlass(tx: Tx, actor: Actor, childId: string, reason: string) {
  await requireChild(tx, childId);
  const relationships = await legitimateRelationships(tx, actor, childId);
  const decision = policy.breakGlass(actor, relationships);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO break_glass (ics_id, id, professional_id, child_id, reason, expires_at)
                       VALUES (${actor.icsId}::uuid, ${id}::uuid, ${actor.professionalId}::uuid, ${childId}::uuid, ${reason},
                               now() + make_interval(hours => ${BREAK_GLASS_HOURS}))`);
  await recordAudit(tx, actor, {
    childId,
    action: 'child.break-glass',
    what: `Emergency access for ${BREAK_GLASS_HOURS} hours`,
    why: reason,
    details: { breakGlassId: id },
  });
  return id;
}

/** Whether a child exists in the current ICS (row-level security hides the rest). For other capabilities' checks. */
export async function childExists(tx: Tx, childId: string): Promise<boolean> {
  return (await store.childIdentity(tx, childId)) !== undefined;
}

// The care team and registration, as other capabilities (and the composition root) use them.
export { childNames, colleagues, currentTeam, findKeyWorkersWith, joinCareTeam, professionalById, teamById, teams } from './care-team.js';
export { registerChild, saveFlag, saveRelatedPerson } from './registration.js';

export { activeFlags, careTeam, childIdentity, familyMembers, type ChildIdentity } from './store.js';
export { readRecordWith } from './access-log.js';
