import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { recordAudit, recordAuditMany } from '../platform/audit/audit.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/http/errors.js';

export const REVIEW_OUTCOMES = {
  appropriate: 'Appropriate: the reason justified access',
  inappropriate: 'Not appropriate: referred to information governance',
} as const;
export type ReviewOutcome = keyof typeof REVIEW_OUTCOMES;

export type BreakGlassEvent = {
  id: string; granted_at: string; expires_at: string; reason: string;
  professional_name: string; professional_role: string; organisation_name: string;
  child_id: string; child_name: string; nhs_number: string | null;
  reviewed_at: string | null; review_outcome: string | null; review_note: string | null; reviewer_name: string | null;
};

function requireReviewer(actor: Actor) {
  const decision = policy.reviewBreakGlass(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision;
}

/** Emergency accesses, those awaiting review first. Showing a child here is itself audited. */
export async function breakGlassReviewList(tx: Tx, actor: Actor, show: 'awaiting' | 'reviewed') {
  const decision = requireReviewer(actor);
  const events = await rows<BreakGlassEvent>(
    tx,
    sql`SELECT b.id, b.granted_at, b.expires_at, b.reason, p.name AS professional_name, p.role AS professional_role,
               o.name AS organisation_name, c.id AS child_id, c.given_name || ' ' || c.family_name AS child_name, c.nhs_number,
               b.reviewed_at, b.review_outcome, b.review_note, r.name AS reviewer_name
          FROM break_glass b
          JOIN professional p ON p.ics_id = b.ics_id AND p.id = b.professional_id
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
          JOIN child c ON c.ics_id = b.ics_id AND c.id = b.child_id
          LEFT JOIN professional r ON r.ics_id = b.ics_id AND r.id = b.reviewed_by
         WHERE ${show === 'awaiting' ? sql`b.reviewed_at IS NULL` : sql`b.reviewed_at IS NOT NULL`}
         ORDER BY b.granted_at ${show === 'awaiting' ? sql`ASC` : sql`DESC`}
         LIMIT 200`,
  );
  await recordAuditMany(
    tx,
    actor,
    events.map((e) => ({ childId: e.child_id, action: 'privacy.review-list', what: 'Listed for emergency access review', why: decision.why })),
  );
  return events;
}

export async function reviewBreakGlass(tx: Tx, actor: Actor, id: string, outcome: ReviewOutcome, note: string | undefined) {
  const decision = requireReviewer(actor);
  const [found] = await rows<{ child_id: string; reviewed_at: string | null }>(
    tx,
    sql`SELECT child_id, reviewed_at FROM break_glass WHERE id = ${id}::uuid FOR UPDATE`,
  );
  if (!found) throw new NotFoundError();
  if (found.reviewed_at) throw new ConflictError('This emergency access has already been reviewed.');
  await tx.execute(sql`UPDATE break_glass SET reviewed_by = ${actor.professionalId}::uuid, reviewed_at = now(),
                       review_outcome = ${outcome}, review_note = ${note ?? null} WHERE id = ${id}::uuid`);
  await recordAudit(tx, actor, {
    childId: found.child_id,
    action: 'privacy.review-break-glass',
    what: `Emergency access reviewed: ${REVIEW_OUTCOMES[outcome]}`,
    why: decision.why,
    details: { breakGlassId: id },
  });
}
