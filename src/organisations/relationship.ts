import { sql } from 'drizzle-orm';
import { isSystem } from '../platform/access/actor.js';
import type { RelationshipSupplier } from '../platform/access/relationship.js';

/** The lead paediatrician of the cluster of the child's registered practice relates to the child. */
export const clusterLead: RelationshipSupplier = {
  kinds: ['cluster-lead'],
  withChild(actor, childId) {
    if (isSystem(actor)) return null;
    return sql`SELECT 'cluster-lead' AS kind, lcl.name AS detail FROM child lc
                 JOIN cluster_practice lcp ON lcp.ics_id = lc.ics_id AND lcp.practice_id = lc.registered_practice_id
                 JOIN cluster lcl ON lcl.ics_id = lcp.ics_id AND lcl.id = lcp.cluster_id
                WHERE lc.ics_id = ${actor.icsId}::uuid AND lc.id = ${childId} AND lcl.lead_paediatrician_id = ${actor.professionalId}::uuid`;
  },
  standing(actor) {
    if (isSystem(actor)) return null;
    return sql`EXISTS (SELECT 1 FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
               WHERE cp.ics_id = ${actor.icsId}::uuid AND cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
               AND cl.lead_paediatrician_id = ${actor.professionalId}::uuid)`;
  },
};
