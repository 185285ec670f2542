import { sql, type SQL } from 'drizzle-orm';
import { isSystem, type Actor } from '../platform/access/actor.js';
import { actionOpensRecord, type RelationshipSupplier } from '../platform/access/relationship.js';

/**
 * The actor owns an open action (from a care plan or an MDT) for the child.
 * Owning an action is a relationship of its own: it shows the owner their
 * action and the plan as their agency may see it; only to health does it
 * open the record, so only for them is it a standing relationship in lists.
 */
function ownsOpenActionSql(actor: Actor, childId: SQL) {
  return sql`EXISTS (SELECT 1 FROM task t WHERE t.ics_id = ${actor.icsId}::uuid AND t.child_id = ${childId} AND t.owner_professional_id = ${actor.professionalId}::uuid
    AND t.status IN ('ready', 'in-progress'))`;
}

export const actionOwner: RelationshipSupplier = {
  kinds: ['action-owner'],
  withChild(actor, childId) {
    if (isSystem(actor)) return null;
    return sql`SELECT 'action-owner' AS kind, 'an open action for this child is yours' AS detail WHERE ${ownsOpenActionSql(actor, childId)}`;
  },
  standing: (actor) => (isSystem(actor) || !actionOpensRecord(actor) ? null : ownsOpenActionSql(actor, sql`c.id`)),
};
