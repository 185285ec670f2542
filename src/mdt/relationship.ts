import { sql, type SQL } from 'drizzle-orm';
import { isSystem, type Actor } from '../platform/access/actor.js';
import type { RelationshipSupplier } from '../platform/access/relationship.js';

/** How long after the meeting an MDT member keeps access to a child discussed there: long enough to act on it. */
export const MDT_ACCESS_DAYS = 30;

/**
 * The actor is a current member of a meeting, not cancelled, where the child
 * (`childId`) is on the case list, and the meeting was no more than
 * MDT_ACCESS_DAYS ago. Removing the member or withdrawing the case ends it.
 */
function onCaseListSql(actor: Actor, childId: SQL) {
  return sql`EXISTS (SELECT 1 FROM mdt_case mc
    JOIN mdt_meeting mm ON mm.ics_id = mc.ics_id AND mm.id = mc.meeting_id
    JOIN mdt_member mb ON mb.ics_id = mc.ics_id AND mb.meeting_id = mc.meeting_id
    WHERE mc.ics_id = ${actor.icsId}::uuid AND mc.child_id = ${childId} AND mc.status <> 'withdrawn' AND mm.status <> 'cancelled'
      AND mm.starts_at > now() - make_interval(days => ${MDT_ACCESS_DAYS})
      AND mb.professional_id = ${actor.professionalId}::uuid AND mb.removed_at IS NULL)`;
}

export const mdtCase: RelationshipSupplier = {
  kinds: ['mdt-case'],
  withChild(actor, childId) {
    if (isSystem(actor)) return null;
    return sql`SELECT 'mdt-case' AS kind, 'on the case list of an MDT meeting you are invited to' AS detail WHERE ${onCaseListSql(actor, childId)}`;
  },
  standing: (actor) => (isSystem(actor) ? null : onCaseListSql(actor, sql`c.id`)),
};
