import type { Actor } from '../platform/access/actor.js';
import { allow, deny, type Decision } from '../platform/access/policy.js';
import { populationPolicy } from '../population/service.js';

/** Who may see families' feedback: the share who recommend as population health does; the words only for the hub's lead. */
export const feedbackPolicy = {
  viewRecommendation(actor: Actor): Decision {
    return populationPolicy.viewDashboards(actor);
  },

  /** Free text can name people and say more than a count: only the hub's lead paediatrician reads it. */
  readHubComments(actor: Actor, hub: { lead_paediatrician_id: string | null }): Decision {
    return hub.lead_paediatrician_id !== null && hub.lead_paediatrician_id === actor.professionalId
      ? allow('lead paediatrician of the hub') : deny('Only the hub’s lead paediatrician reads what families wrote about it.');
  },
};
