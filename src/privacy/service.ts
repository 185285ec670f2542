import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { privacyPolicy } from './policy.js';
import { recordAudit, recordAuditMany } from '../platform/audit/audit.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/http/errors.js';

export const REVIEW_OUTCOMES = {
  appropriate: 'Appropriate: the reason justified access',
  inappropriate: 'Not appropriate: referred to information governance',
} as const;
export type ReviewOutcome = keyof typeof REVIEW_OUTCOMES;

/**
 * What a privacy officer reviews: every emergency access, and every reveal
 * of a child's sensitive entries. Both are a professional's stated reason to
 * see more than their relationship gives, so both are reviewed the same way.
 */
export const REVIEW_KINDS = {
  'break-glass': {
    table: 'break_glass', idDetail: 'breakGlassId', what: 'Emergency access',
    listed: 'Listed for emergency access review', already: 'This emergency access has already been reviewed.',
  },
  'sensitive-reveal': {
    table: 'sensitive_reveal', idDetail: 'revealId', what: 'Reveal of sensitive entries',
    listed: 'Listed for review of sensitive entries shown', already: 'This reveal of sensitive entries has already been reviewed.',
  },
} as const;
export type ReviewKind = keyof typeof REVIEW_KINDS;
export const REVIEW_KIND_IDS = Object.keys(REVIEW_KINDS) as ReviewKind[];

export type AccessToReview = {
  kind: ReviewKind; id: string; granted_at: string; expires_at: string; reason: string;
  professional_name: string; professional_role: string; organisation_name: string;
  child_id: string; child_name: string; nhs_number: string | null;
  reviewed_at: string | null; review_outcome: string | null; review_note: string | null; reviewer_name: string | null;
};

function requireReviewer(actor: Actor) {
  const decision = privacyPolicy.reviewAccess(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision;
}

/** One kind's accesses, awaiting review or reviewed, with who, which child and why. */
function accessesOf(kind: ReviewKind, show: 'awaiting' | 'reviewed') {
  return sql`SELECT ${kind}::text AS kind, x.id, x.granted_at, x.expires_at, x.reason, p.name AS professional_name, p.role AS professional_role,
               o.name AS organisation_name, c.id AS child_id, c.given_name || ' ' || c.family_name AS child_name, c.nhs_number,
               x.reviewed_at, x.review_outcome, x.review_note, r.name AS reviewer_name
          FROM ${sql.raw(REVIEW_KINDS[kind].table)} x
          JOIN professional p ON p.ics_id = x.ics_id AND p.id = x.professional_id
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
          JOIN child c ON c.ics_id = x.ics_id AND c.id = x.child_id
          LEFT JOIN professional r ON r.ics_id = x.ics_id AND r.id = x.reviewed_by
         WHERE ${show === 'awaiting' ? sql`x.reviewed_at IS NULL` : sql`x.reviewed_at IS NOT NULL`}`;
}

/** Emergency accesses and reveals of sensitive entries, oldest awaiting first. Showing a child here is itself audited. */
export async function accessReviewList(tx: Tx, actor: Actor, show: 'awaiting' | 'reviewed') {
  const decision = requireReviewer(actor);
  const events = await rows<AccessToReview>(
    tx,
    sql`SELECT * FROM (${sql.join(REVIEW_KIND_IDS.map((k) => sql`(${accessesOf(k, show)})`), sql` UNION ALL `)}) a
         ORDER BY a.granted_at ${show === 'awaiting' ? sql`ASC` : sql`DESC`}, a.id
         LIMIT 200`,
  );
  await recordAuditMany(
    tx,
    actor,
    events.map((e) => ({ childId: e.child_id, action: 'privacy.review-list', what: REVIEW_KINDS[e.kind].listed, why: decision.why })),
  );
  return events;
}

export async function reviewAccess(tx: Tx, actor: Actor, kind: ReviewKind, id: string, outcome: ReviewOutcome, note: string | undefined) {
  const decision = requireReviewer(actor);
  const { table, idDetail, what, already } = REVIEW_KINDS[kind];
  const [found] = await rows<{ child_id: string; reviewed_at: string | null }>(
    tx,
    sql`SELECT child_id, reviewed_at FROM ${sql.raw(table)} WHERE id = ${id}::uuid FOR UPDATE`,
  );
  if (!found) throw new NotFoundError();
  if (found.reviewed_at) throw new ConflictError(already);
  await tx.execute(sql`UPDATE ${sql.raw(table)} SET reviewed_by = ${actor.professionalId}::uuid, reviewed_at = now(),
                       review_outcome = ${outcome}, review_note = ${note ?? null} WHERE id = ${id}::uuid`);
  await recordAudit(tx, actor, {
    childId: found.child_id,
    action: kind === 'break-glass' ? 'privacy.review-break-glass' : 'privacy.review-sensitive-reveal',
    what: `${what} reviewed: ${REVIEW_OUTCOMES[outcome]}`,
    why: decision.why,
    details: { [idDetail]: id },
  });
}
