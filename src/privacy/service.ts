import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, auditListedChildren, openChild } from '../platform/access/door.js';
import { privacyPolicy } from './policy.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/http/errors.js';
import * as store from './store.js';
import * as accessLogStore from './access-log-store.js';
import { pageWindow } from '../platform/http/paging.js';
import { ACCESS_LOG_PAGE_SIZE } from '../children/index.js';

export type { IcsAccessLogEvent, IcsAccessLogFilter } from './access-log-store.js';
export { REVIEW_KINDS, REVIEW_KIND_IDS, type AccessToReview, type ReviewKind } from './store.js';

export const REVIEW_OUTCOMES = {
  appropriate: 'Appropriate: the reason justified access',
  inappropriate: 'Not appropriate: referred to information governance',
} as const;
export type ReviewOutcome = keyof typeof REVIEW_OUTCOMES;

/** Only a privacy officer reviews: refused by role before any child is named (no child, so no child's audit). */
function requireReviewer(actor: Actor) {
  const decision = privacyPolicy.reviewAccess(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision;
}

/** Emergency accesses and reveals of sensitive entries, oldest awaiting first. Showing a child here is itself audited. */
export async function accessReviewList(tx: Tx, actor: Actor, show: 'awaiting' | 'reviewed') {
  const decision = requireReviewer(actor);
  const events = await store.accessesToReview(tx, actor.icsId, show);
  await auditListedChildren(tx, actor, decision.why, events.map((e) => ({ childId: e.child_id, action: 'privacy.review-list', what: store.REVIEW_KINDS[e.kind].listed })));
  return events;
}

/** The privacy officer's review of one emergency access or reveal, through the child's door (their role is the relationship). Audited. */
export async function reviewAccess(tx: Tx, actor: Actor, kind: store.ReviewKind, id: string, outcome: ReviewOutcome, note: string | undefined) {
  requireReviewer(actor);
  const { what, already } = store.REVIEW_KINDS[kind];
  const found = await store.accessToReview(tx, actor.icsId, kind, id);
  if (!found) throw new NotFoundError();
  if (found.reviewed_at) throw new ConflictError(already);
  const access = await openChild(tx, actor, found.child_id, { rule: (a) => privacyPolicy.reviewAccess(a), refused: `review of ${what.toLowerCase()}` });
  await store.recordReview(tx, access, kind, id, outcome, note);
  await auditChild(tx, access, {
    action: kind === 'break-glass' ? 'privacy.review-break-glass' : 'privacy.review-sensitive-reveal',
    what: `${what} reviewed: ${REVIEW_OUTCOMES[outcome]}`,
    details: { [store.REVIEW_KINDS[kind].idDetail]: id },
  });
}

/** For the privacy officer's home page: how many accesses await review. Counts only; the caller decides who sees them. */
export const awaitingReviewCounts = (tx: Tx, icsId: string) => store.awaitingReview(tx, icsId);

/**
 * One page of the ICS's access log for the privacy officer, filtered in SQL.
 * The children named on the page shown are audited as listed, once each: what
 * the privacy officer saw, not everything the filter matched.
 */
export async function icsAccessLogPage(tx: Tx, actor: Actor, filter: accessLogStore.IcsAccessLogFilter, page: number) {
  const decision = privacyPolicy.readIcsAccessLog(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const window = pageWindow(await accessLogStore.icsAccessLogCount(tx, actor.icsId, filter), page, ACCESS_LOG_PAGE_SIZE);
  const events = await accessLogStore.icsAccessLog(tx, actor.icsId, filter, window.size, window.offset);
  const choices = await accessLogStore.icsAccessLogChoices(tx, actor.icsId);
  const children = [...new Set(events.flatMap((e) => (e.child_id ? [e.child_id] : [])))];
  await auditListedChildren(tx, actor, decision.why, children.map((childId) => ({ childId, action: 'privacy.access-log', what: 'Listed in the ICS access log' })));
  return { events, window, choices };
}
