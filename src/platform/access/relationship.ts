import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../db/client.js';
import { isSystem, type Actor } from './actor.js';
import { agencyOfRole } from './roles.js';

/**
 * How a professional comes to have a legitimate relationship with a child.
 * Each is derived from data (registration, care team, cluster leadership, a
 * referral, an MDT case, an open action they own, an unexpired break-glass),
 * never ticked by hand. What each relationship opens is the policy's to say.
 */
export type RelationshipKind =
  | 'registered-practice' | 'care-team' | 'cluster-lead' | 'referral' | 'mdt-case' | 'action-owner' | 'break-glass'
  | 'integration-engine' | 'organisation-feed';

export type Relationship = { kind: RelationshipKind; detail: string };

export const RELATIONSHIP_LABELS: Record<RelationshipKind, string> = {
  'registered-practice': 'Registered practice',
  'care-team': 'Care team',
  'cluster-lead': 'Cluster lead paediatrician',
  referral: 'Referral or advice request to you, or your clinic',
  'mdt-case': 'MDT case discussion',
  'action-owner': 'Care plan or MDT action owner',
  'break-glass': 'Emergency access (break-glass)',
  'integration-engine': 'ICS integration engine',
  'organisation-feed': 'System of a caring organisation',
};

const PRACTICE_ROLES = ['gp', 'practice-nurse'];

/** How long after the meeting an MDT member keeps access to a child discussed there: long enough to act on it. */
export const MDT_ACCESS_DAYS = 30;

/**
 * SQL predicate: an open referral or advice request about the child
 * (`childId`) is with the actor to decide, or the child is booked into a
 * clinic the actor runs for it.
 */
function referralSql(actor: Actor, childId: SQL) {
  return sql`EXISTS (SELECT 1 FROM referral rf WHERE rf.child_id = ${childId} AND rf.state NOT IN ('withdrawn', 'closed')
    AND (rf.decision_maker_id = ${actor.professionalId}::uuid
      OR EXISTS (SELECT 1 FROM clinic_booking b JOIN clinic_slot s ON s.ics_id = b.ics_id AND s.id = b.slot_id
                 JOIN clinic_session cs ON cs.ics_id = s.ics_id AND cs.id = s.session_id
                 WHERE b.ics_id = rf.ics_id AND b.referral_id = rf.id AND b.state IN ('booked', 'seen')
                   AND ${actor.professionalId}::uuid IN (cs.paediatrician_id, cs.gp_id))))`;
}

/**
 * SQL predicate: the actor is a current member of a meeting, not cancelled,
 * where the child (`childId`) is on the case list, and the meeting was no
 * more than MDT_ACCESS_DAYS ago. Removing the member or the case ends it.
 */
function mdtCaseSql(actor: Actor, childId: SQL) {
  return sql`EXISTS (SELECT 1 FROM mdt_case mc
    JOIN mdt_meeting mm ON mm.ics_id = mc.ics_id AND mm.id = mc.meeting_id
    JOIN mdt_member mb ON mb.ics_id = mc.ics_id AND mb.meeting_id = mc.meeting_id
    WHERE mc.child_id = ${childId} AND mc.status <> 'withdrawn' AND mm.status <> 'cancelled'
      AND mm.starts_at > now() - make_interval(days => ${MDT_ACCESS_DAYS})
      AND mb.professional_id = ${actor.professionalId}::uuid AND mb.removed_at IS NULL)`;
}

/**
 * SQL predicate: the actor owns an open action (from a care plan or an MDT)
 * for the child (`childId`). Owning an action is a relationship of its own:
 * it shows the owner their action and the plan as their agency may see it.
 */
function ownsActionSql(actor: Actor, childId: SQL) {
  return sql`EXISTS (SELECT 1 FROM task t WHERE t.child_id = ${childId} AND t.owner_professional_id = ${actor.professionalId}::uuid
    AND t.status IN ('ready', 'in-progress'))`;
}

/**
 * Whether owning an action opens the child's summary and record to the
 * actor: to health it is direct care, as a care-team place would be; to
 * social care, education and youth justice it opens only the action and
 * the plan (with the family's consent), never the shared record.
 */
export const actionOpensRecord = (actor: Actor) => agencyOfRole(actor.role) === 'health';

/**
 * SQL predicate: the actor has a standing (non-emergency) relationship with
 * the child row aliased `c`. Used in lists so paging counts only what may be seen.
 */
export function standingRelationshipSql(actor: Actor) {
  if (isSystem(actor)) return systemRelationshipSql(actor.system.clientOrganisationId);
  const practice = PRACTICE_ROLES.includes(actor.role)
    ? sql`c.registered_practice_id = ${actor.organisationId}::uuid`
    : sql`false`;
  return sql`(${practice}
    OR EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = c.ics_id AND m.child_id = c.id
               AND m.professional_id = ${actor.professionalId}::uuid AND m.ended_at IS NULL)
    OR EXISTS (SELECT 1 FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
               WHERE cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
               AND cl.lead_paediatrician_id = ${actor.professionalId}::uuid)
    OR ${referralSql(actor, sql`c.id`)}
    OR ${mdtCaseSql(actor, sql`c.id`)}
    OR ${actionOpensRecord(actor) ? ownsActionSql(actor, sql`c.id`) : sql`false`})`;
}

/**
 * A system client's relationships come from its organisation's: the child is
 * registered there, or someone from there is in the child's care team. The
 * ICS's integration engine (no organisation) relates to every child of the ICS.
 */
function systemRelationshipSql(organisationId: string | null) {
  if (organisationId === null) return sql`true`;
  return sql`(c.registered_practice_id = ${organisationId}::uuid
    OR EXISTS (SELECT 1 FROM care_team_member m JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
               WHERE m.ics_id = c.ics_id AND m.child_id = c.id AND m.ended_at IS NULL AND p.organisation_id = ${organisationId}::uuid))`;
}

async function systemRelationships(tx: Tx, actor: Actor & { system: { clientOrganisationId: string | null } }, childId: string): Promise<Relationship[]> {
  const organisationId = actor.system.clientOrganisationId;
  if (organisationId === null) {
    const found = await rows(tx, sql`SELECT 1 FROM child WHERE id = ${childId}::uuid`);
    return found.length ? [{ kind: 'integration-engine', detail: actor.name }] : [];
  }
  return rows<Relationship>(
    tx,
    sql`SELECT 'organisation-feed' AS kind, ${actor.name} || ' (registered practice)' AS detail FROM child c
         WHERE c.id = ${childId}::uuid AND c.registered_practice_id = ${organisationId}::uuid
        UNION ALL
        SELECT 'organisation-feed', ${actor.name} || ' (care team: ' || m.role_in_team || ')' FROM care_team_member m
          JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
         WHERE m.child_id = ${childId}::uuid AND m.ended_at IS NULL AND p.organisation_id = ${organisationId}::uuid`,
  );
}

/** Every relationship the actor has with the child now, strongest first; empty when none. */
export async function legitimateRelationships(tx: Tx, actor: Actor, childId: string): Promise<Relationship[]> {
  if (isSystem(actor)) return systemRelationships(tx, actor, childId);
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
      SELECT 'referral', 'a referral or advice request about this child is with you, or the child is booked into your clinic' WHERE ${referralSql(actor, sql`${childId}::uuid`)}
      UNION ALL
      SELECT 'mdt-case', 'on the case list of an MDT meeting you are invited to' WHERE ${mdtCaseSql(actor, sql`${childId}::uuid`)}
      UNION ALL
      SELECT 'action-owner', 'an open action for this child is yours' WHERE ${ownsActionSql(actor, sql`${childId}::uuid`)}
      UNION ALL
      SELECT 'break-glass', b.reason FROM break_glass b
       WHERE b.child_id = ${childId}::uuid AND b.professional_id = ${actor.professionalId}::uuid AND b.expires_at > now()
    `,
  );
  return found;
}

/** SQL predicate: the actor is the lead paediatrician of the cluster of the child's registered practice. */
export function leadsChildsClusterSql(actor: Actor, childId: SQL) {
  return sql`EXISTS (SELECT 1 FROM child lc
    JOIN cluster_practice lcp ON lcp.ics_id = lc.ics_id AND lcp.practice_id = lc.registered_practice_id
    JOIN cluster lcl ON lcl.ics_id = lcp.ics_id AND lcl.id = lcp.cluster_id
    WHERE lc.id = ${childId} AND lcl.lead_paediatrician_id = ${actor.professionalId}::uuid)`;
}
