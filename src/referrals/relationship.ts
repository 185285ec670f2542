import { sql, type SQL } from 'drizzle-orm';
import { isSystem, type Actor } from '../platform/access/actor.js';
import type { RelationshipSupplier } from '../platform/access/relationship.js';

/**
 * An open referral or advice request about the child is with the actor to
 * decide, or something that hangs off an open referral (a clinic booking:
 * clinics/relationship.ts) relates them. Those are passed in by the
 * composition root, so referrals need not know the clinics' tables.
 *
 * `throughReferral` are predicates over the open referral aliased `rf`.
 */
export function referralRelationship(throughReferral: ((actor: Actor) => SQL)[] = []): RelationshipSupplier {
  const withReferral = (actor: Actor, childId: SQL) => {
    const ways = [sql`rf.decision_maker_id = ${actor.professionalId}::uuid`, ...throughReferral.map((p) => p(actor))];
    return sql`EXISTS (SELECT 1 FROM referral rf WHERE rf.ics_id = ${actor.icsId}::uuid AND rf.child_id = ${childId} AND rf.state NOT IN ('withdrawn', 'closed')
      AND (${sql.join(ways, sql` OR `)}))`;
  };
  return {
    kinds: ['referral'],
    withChild(actor, childId) {
      if (isSystem(actor)) return null;
      return sql`SELECT 'referral' AS kind, 'a referral or advice request about this child is with you, or the child is booked into your clinic' AS detail
                  WHERE ${withReferral(actor, childId)}`;
    },
    standing: (actor) => (isSystem(actor) ? null : withReferral(actor, sql`c.id`)),
  };
}
