import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { allow, deny, has, policy, type Decision } from '../platform/access/policy.js';
import { freezeRefusal } from '../platform/access/freeze.js';

/**
 * Who may do what with a child's shared record. Built on the platform's
 * policy: the record is health detail, for health and social care only.
 */
export const recordPolicy = {
  viewRecord(actor: Actor, relationships: Relationship[]): Decision {
    return policy.viewHealthDetail(actor, relationships);
  },

  /** Health and social care record entries (and a feed, as its scopes allow); whoever may not see the record does not write in it. */
  recordEntry(actor: Actor, relationships: Relationship[], frozenBy: string | null): Decision {
    const view = policy.viewHealthDetail(actor, relationships);
    if (!view.allowed) return view;
    const frozen = freezeRefusal(actor, frozenBy);
    return frozen ? deny(frozen) : view;
  },

  /** Sensitive entries outside your own team need a stated reason, which is audited and queued for a privacy officer. */
  revealSensitive(actor: Actor, relationships: Relationship[]): Decision {
    return policy.revealSensitive(actor, relationships);
  },

  /** A privacy officer freezes any child's record in the ICS, without a care relationship and so without seeing it. */
  freezeAnyRecord(actor: Actor): Decision {
    return has(actor, ['privacy-officer']) ? allow('privacy officer') : deny('Only a privacy officer freezes a record without a care relationship with the child.');
  },

  /** A privacy officer, or a social worker caring for the child, freezes a record during a safeguarding investigation. */
  freezeRecord(actor: Actor, relationships: Relationship[]): Decision {
    const officer = recordPolicy.freezeAnyRecord(actor);
    if (officer.allowed) return officer;
    if (!has(actor, ['social-worker'])) return deny('Only a privacy officer or the child’s social worker can freeze a record.');
    return policy.viewChildSummary(actor, relationships);
  },

  /** Lifting a freeze: of those who may freeze the record, the team that froze it or a privacy officer. */
  liftFreeze(actor: Actor, relationships: Relationship[], frozenByOrganisationId: string): Decision {
    const may = recordPolicy.freezeRecord(actor, relationships);
    if (!may.allowed) return may;
    if (recordPolicy.freezeAnyRecord(actor).allowed || actor.organisationId === frozenByOrganisationId) return may;
    return deny('Only the team that froze this record, or a privacy officer, can lift the freeze.');
  },
};
