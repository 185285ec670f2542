import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { auditChild, auditListedChildren, openChild } from '../platform/access/door.js';
import { pageWindow } from '../platform/http/paging.js';
import { accessLogChoices, accessLogCount, accessLogFor, type AccessLogFilter } from './access-log.js';
import { ACCESS_LOG_CSV_LIMIT, ACCESS_LOG_PAGE_SIZE } from './access-log-filter.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { consentByAgency } from './consent.js';
import { familyAccessGlance } from './family-access-glance.js';
import { consentGiverLabel } from './consent-labels.js';
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
  await auditListedChildren(tx, actor, decision.why, found.map((c) => ({
    childId: c.id, action: 'child.search-result', what: 'Name, NHS number and date of birth shown in search results', details: { searchedBy: criteria.by },
  })));
  return found;
}

/**
 * The child summary: who the child is, their flags and who cares for them;
 * health detail as the policy allows. Audited. `alsoRead` is what the page
 * reads through other capabilities, once the door has opened and before the
 * audit rows are queued, so they still travel with the COMMIT (a statement
 * after them would send them alone: one more round trip).
 */
export async function childSummary<T>(tx: Tx, actor: Actor, childId: string, alsoRead: () => Promise<T>) {
  const access = await openChild(tx, actor, childId, { rule: policy.viewChildSummary, refused: 'child summary' });
  // Education and youth justice see who the child is and who cares for them, not health detail (decision record 0003).
  const healthDetail = policy.viewHealthDetail(actor, access.relationships).allowed;
  const { family, flags, team, conditions, ...demographics } = (await store.childSummaryFacts(tx, access, healthDetail))!;
  const accessLog = await accessLogFor(tx, access, { limit: 5 });
  const consent = (await consentByAgency(tx, access)).map((c) => ({ ...c, giver: c.decision ? consentGiverLabel(c.decision) : '' }));
  const also = await alsoRead();
  const familyAccess = healthDetail ? await familyAccessGlance(tx, access) : null;
  await auditChild(tx, access, {
    action: 'child.view-summary',
    what: healthDetail ? 'Child summary' : 'Child summary without health detail (no conditions, no carers’ contact details)',
  });
  return {
    child: demographics, flags, team, conditions, accessLog, consent, relationships: access.relationships, healthDetail, familyAccess, also,
    family: healthDetail ? family : family.map((p) => ({ ...p, phone: null, email: null, address: null })),
  };
}

/** The door to a child's access log: anyone who may see the child, and the privacy officer. */
const openAccessLog = (tx: Tx, actor: Actor, childId: string) => openChild(tx, actor, childId, { rule: policy.viewAccessLog, refused: 'access log' });

/** A page of who has accessed the child's record, filtered, as this actor may see it. Audited with the filter. */
export async function accessLog(tx: Tx, actor: Actor, childId: string, filter: AccessLogFilter, page: number) {
  const access = await openAccessLog(tx, actor, childId);
  const window = pageWindow(await accessLogCount(tx, access, filter), page, ACCESS_LOG_PAGE_SIZE);
  const events = await accessLogFor(tx, access, { filter, limit: window.size, offset: window.offset });
  await auditChild(tx, access, {
    action: 'child.view-access-log', what: 'Who has accessed this record', details: { filter, page: window.page, shown: events.length },
  });
  return { child: access.child, events, window, choices: await accessLogChoices(tx, access) };
}

/** Every event that matches the filter (up to the CSV limit), for a CSV download. The export is itself audited. */
export async function exportAccessLog(tx: Tx, actor: Actor, childId: string, filter: AccessLogFilter) {
  const access = await openAccessLog(tx, actor, childId);
  const total = await accessLogCount(tx, access, filter);
  const events = await accessLogFor(tx, access, { filter, limit: ACCESS_LOG_CSV_LIMIT });
  await auditChild(tx, access, {
    action: 'child.export-access-log', what: `Who has accessed this record, downloaded as CSV (${events.length} events)`,
    details: { filter, exported: events.length, matching: total },
  });
  return { child: access.child, events, total };
}

/**
 * Emergency access: time-limited, audited, and queued for the privacy
 * officer's review. The stated reason is the audit's why.
 */
export async function breakGlass(tx: Tx, actor: Actor, childId: string, reason: string) {
  const access = await openChild(tx, actor, childId, { rule: policy.breakGlass, refused: 'emergency access' });
  const id = await store.grantBreakGlass(tx, access, reason, BREAK_GLASS_HOURS);
  await auditChild(tx, access, { action: 'child.break-glass', what: `Emergency access for ${BREAK_GLASS_HOURS} hours`, why: reason, details: { breakGlassId: id } });
  return id;
}

/**
 * For a list's search: the child whose id is `childId` (an SQL expression)
 * has a given name or surname starting with the word, or is this NHS number.
 * Through the stored lower-case keys, as Find a child searches. The ICS is
 * named as a value: the search ORs this with the list's own text, where
 * PostgreSQL may run it once, hashed, without the correlation (decision 0028).
 */
export function childMatchesSql(icsId: string, childId: SQL, word: string): SQL {
  const w = word.toLowerCase();
  return sql`EXISTS (SELECT 1 FROM child mc WHERE mc.ics_id = ${icsId}::uuid AND mc.id = ${childId}
    AND (starts_with(mc.family_name_key, ${w}) OR starts_with(mc.given_name_key, ${w}) OR mc.nhs_number = ${word}))`;
}

/** Whether a child exists in the ICS (the current one: row-level security hides the rest). For other capabilities' checks. */
export async function childExists(tx: Tx, icsId: string, childId: string): Promise<boolean> {
  return (await store.childIdentity(tx, icsId, childId)) !== undefined;
}

// The care team and registration, as other capabilities (and the composition root) use them.
export { childNames, colleagues, currentTeam, currentTeamsOfEach, findKeyWorkersWith, joinCareTeam, professionalById, teamById, teams } from './care-team.js';
export type { TeamMember } from './care-team.js';
export { registerChild, saveFlag, saveRelatedPerson } from './registration.js';
export { glanceAtFamilyAccessWith, type FamilyAccessGlance } from './family-access-glance.js';
export { CARE_TEAM_GROUP, confirmOutsider, knownToChild, ownerOptions, type KnownGroup, type OwnerOption } from './owner-choice.js';

export { activeFlags, careTeam, childIdentity, familyMembers, registeredPracticeGps, type ChildIdentity } from './store.js';

/** For a home page: the children in the professional's care team now and, when `wholeIcs`, in the ICS (0 otherwise, not asked). Counts only. */
export const childCounts = (tx: Tx, actor: Actor, wholeIcs: boolean) => store.childCounts(tx, actor, wholeIcs);
export { readRecordWith } from './access-log.js';
