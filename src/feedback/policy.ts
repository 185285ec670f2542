import type { Actor } from '../platform/access/actor.js';
import { allow, deny, type Decision } from '../platform/access/policy.js';
import { usableGrant } from '../platform/access/family-policy.js';
import { RELATIONSHIP_LABELS, type FamilyView, type Relationship } from '../platform/access/relationship-kinds.js';
import { populationPolicy } from '../population/service.js';
import type { FeedbackService } from './index.js';

/**
 * What the family must be able to see to be asked about a service: the
 * clinic visit is an appointment, the meeting's outcome and the stay at home
 * reach them as letters, advice as advice. A proxy whose grant leaves that
 * out is not asked (the offer would tell them of it).
 */
export const FEEDBACK_VIEW: Record<FeedbackService, FamilyView> = {
  'hub-clinic': 'appointments', 'mdt-outcome': 'letters', advice: 'advice', 'care-at-home': 'letters',
};

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

  /** A signed-in parent, carer or young person answers for a service their usable grant lets them see (the family door's own words otherwise). */
  answerAsFamily(actor: Actor, relationships: Relationship[], service: FeedbackService): Decision {
    const r = usableGrant(actor, relationships, FEEDBACK_VIEW[service]);
    return typeof r === 'string' ? deny(r) : allow(`${RELATIONSHIP_LABELS[r.kind]}: ${r.detail}`);
  },
};
