import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/client.js';
import type { Actor } from './actor.js';

/**
 * How a professional comes to have a legitimate relationship with a child.
 * Each is derived from data (registration, care team, cluster leadership, an
 * unexpired break-glass), never ticked by hand. Later capabilities (referrals,
 * MDTs, ambulatory caseloads) add their own sources here.
 */
export type RelationshipKind = 'registered-practice' | 'care-team' | 'cluster-lead' | 'break-glass';

export type Relationship = { kind: RelationshipKind; detail: string };

export const RELATIONSHIP_LABELS: Record<RelationshipKind, string> = {
  'registered-practice': 'Registered practice',
  'care-team': 'Care team',
  'cluster-lead': 'Cluster lead paediatrician',
  'break-glass': 'Emergency access (break-glass)',
};

const PRACTICE_ROLES = ['gp', 'practice-nurse'];

/**
 * SQL predicate: the actor has a standing (non-emergency) relationship with
 * the child row aliased `c`. Used in lists so paging counts only what may be seen.
 */
export function standingRelationshipSql(actor: Actor) {
  const practice = PRACTICE_ROLES.includes(actor.role)
    ? sql`c.registered_practice_id = ${actor.organisationId}::uuid`
    : sql`false`;
  return sql`(${practice}
    OR EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = c.ics_id AND m.child_id = c.id
               AND m.professional_id = ${actor.professionalId}::uuid AND m.ended_at IS NULL)
    OR EXISTS (SELECT 1 FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
               WHERE cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
               AND cl.lead_paediatrician_id = ${actor.professionalId}::uuid))`;
}

/** Every relationship the actor has with the child now, strongest first; empty when none. */
export async function legitimateRelationships(tx: Tx, actor: Actor, childId: string): Promise<Relationship[]> {
  const found = await rows<{ kind: RelationshipKind; detail: string }>(
    tx,
    sql`
      SELECT 'registered-practice' AS kind, o.name AS detail
        FROM child c JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
       WHERE c.id = ${childId}::uuid AND c.registered_practice_id = ${actor.organisationId}::uuid
         AND ${actor.role} IN ('gp', 'practice-nurse')
      UNION ALL
      SELECT 'care-team', m.role_in_team FROM care_team_member m
       WHERE m.child_id = ${childId}::uuid AND m.professional_id = ${actor.professionalId}::uuid AND m.ended_at IS NULL
      UNION ALL
      SELECT 'cluster-lead', cl.name FROM child c
        JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
        JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
       WHERE c.id = ${childId}::uuid AND cl.lead_paediatrician_id = ${actor.professionalId}::uuid
      UNION ALL
      SELECT 'break-glass', b.reason FROM break_glass b
       WHERE b.child_id = ${childId}::uuid AND b.professional_id = ${actor.professionalId}::uuid AND b.expires_at > now()
    `,
  );
  return found;
}
