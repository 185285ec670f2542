import { sql, type SQL } from 'drizzle-orm';
import { isSystem, type Actor } from '../platform/access/actor.js';
import type { RelationshipSupplier } from '../platform/access/relationship.js';
import { isScheduledJob } from '../platform/access/actor.js';
import { VIRTUAL_WARD_CLOCK_JOB } from '../platform/access/policy.js';

/** How long after discharge (or a decline) the ward's team keeps the child: long enough to finish the letter and answer the GP. */
export const WARD_ACCESS_DAYS_AFTER = 7;

/**
 * The actor works on the virtual ward the child is referred to or cared for
 * on: a community children's nurse of the team that runs it, its consultant,
 * or someone on its escalation rota. The episode is live, or ended no more
 * than WARD_ACCESS_DAYS_AFTER ago.
 */
function onWardSql(actor: Actor, childId: SQL, select: SQL) {
  return sql`SELECT ${select} FROM ward_episode e
    JOIN virtual_ward w ON w.ics_id = e.ics_id AND w.id = e.ward_id
    JOIN ward_pathway p ON p.ics_id = e.ics_id AND p.id = e.pathway_id
    WHERE e.ics_id = ${actor.icsId}::uuid AND e.child_id = ${childId}
      AND (e.state IN ('referred', 'accepted', 'on-ward', 'escalated')
           OR coalesce(e.discharged_at, e.decided_at) > now() - make_interval(days => ${WARD_ACCESS_DAYS_AFTER}))
      AND (w.consultant_id = ${actor.professionalId}::uuid
           OR (${actor.role} = 'care-coordinator' AND w.nursing_team_id = ${actor.organisationId}::uuid)
           OR EXISTS (SELECT 1 FROM ward_rota r WHERE r.ics_id = ${actor.icsId}::uuid AND r.ics_id = w.ics_id AND r.ward_id = w.id AND r.professional_id = ${actor.professionalId}::uuid))`;
}

/** The ward's escalation clock (a scheduled job) relates to a child only while their stay is live: it has nothing to do after discharge. */
const liveOnWardSql = (actor: Actor, childId: SQL) => sql`SELECT 'virtual-ward' AS kind, w.name || ': escalation clock' AS detail FROM ward_episode e
  JOIN virtual_ward w ON w.ics_id = e.ics_id AND w.id = e.ward_id
  WHERE e.ics_id = ${actor.icsId}::uuid AND e.child_id = ${childId} AND e.state IN ('on-ward', 'escalated')`;

export const virtualWardCaseload: RelationshipSupplier = {
  kinds: ['virtual-ward'],
  withChild(actor, childId) {
    if (isScheduledJob(actor, VIRTUAL_WARD_CLOCK_JOB)) return liveOnWardSql(actor, childId);
    if (isSystem(actor) || isScheduledJob(actor)) return null;
    return onWardSql(actor, childId, sql`'virtual-ward' AS kind, w.name || ': ' || p.name AS detail`);
  },
  standing: (actor) => (isSystem(actor) || isScheduledJob(actor) ? null : sql`EXISTS (${onWardSql(actor, sql`c.id`, sql`1`)})`),
};
