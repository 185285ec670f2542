import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';

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

/** One kind's accesses, awaiting review or reviewed, with who, which child and why. */
function accessesOf(icsId: string, kind: ReviewKind, show: 'awaiting' | 'reviewed') {
  return sql`SELECT ${kind}::text AS kind, x.id, x.granted_at, x.expires_at, x.reason, p.name AS professional_name, p.role AS professional_role,
               o.name AS organisation_name, c.id AS child_id, c.given_name || ' ' || c.family_name AS child_name, c.nhs_number,
               x.reviewed_at, x.review_outcome, x.review_note, r.name AS reviewer_name
          FROM ${sql.raw(REVIEW_KINDS[kind].table)} x
          JOIN professional p ON p.ics_id = x.ics_id AND p.id = x.professional_id
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
          JOIN child c ON c.ics_id = x.ics_id AND c.id = x.child_id
          LEFT JOIN professional r ON r.ics_id = x.ics_id AND r.id = x.reviewed_by
         WHERE x.ics_id = ${icsId}::uuid AND ${show === 'awaiting' ? sql`x.reviewed_at IS NULL` : sql`x.reviewed_at IS NOT NULL`}`;
}

/** Emergency accesses and reveals of sensitive entries, oldest awaiting first (newest reviewed first), up to 200. */
export function accessesToReview(tx: Tx, icsId: string, show: 'awaiting' | 'reviewed') {
  return rows<AccessToReview>(
    tx,
    sql`SELECT * FROM (${sql.join(REVIEW_KIND_IDS.map((k) => sql`(${accessesOf(icsId, k, show)})`), sql` UNION ALL `)}) a
         ORDER BY a.granted_at ${show === 'awaiting' ? sql`ASC` : sql`DESC`}, a.id
         LIMIT 200`,
  );
}

/** The access to review, locked until the review is written: its child and whether it is reviewed already. */
export async function accessToReview(tx: Tx, icsId: string, kind: ReviewKind, id: string) {
  const [found] = await rows<{ child_id: string; reviewed_at: string | null }>(
    tx,
    sql`SELECT child_id, reviewed_at FROM ${sql.raw(REVIEW_KINDS[kind].table)} WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid FOR UPDATE`,
  );
  return found;
}

/** Records the privacy officer's review of one of the child's accesses. */
export async function recordReview(tx: Tx, access: ChildAccess, kind: ReviewKind, id: string, outcome: string, note: string | undefined) {
  const { actor, childId } = checkedAccess(tx, access);
  await tx.execute(sql`UPDATE ${sql.raw(REVIEW_KINDS[kind].table)} SET reviewed_by = ${actor.professionalId}::uuid, reviewed_at = now(),
                       review_outcome = ${outcome}, review_note = ${note ?? null} WHERE ics_id = ${actor.icsId}::uuid AND id = ${id}::uuid AND child_id = ${childId}::uuid`);
}

/** How many emergency accesses and reveals of sensitive entries await review: counts, naming no child. */
export async function awaitingReview(tx: Tx, icsId: string): Promise<{ breakGlass: number; reveals: number }> {
  const [c] = await rows<{ break_glass: number; reveals: number }>(
    tx,
    sql`SELECT (SELECT count(*)::int FROM break_glass WHERE ics_id = ${icsId}::uuid AND reviewed_at IS NULL) AS break_glass,
               (SELECT count(*)::int FROM sensitive_reveal WHERE ics_id = ${icsId}::uuid AND reviewed_at IS NULL) AS reveals`,
  );
  return { breakGlass: c.break_glass, reveals: c.reveals };
}
