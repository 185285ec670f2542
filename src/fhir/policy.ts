import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { policy, systemPolicy, type Decision, type ScopePermission } from '../platform/access/policy.js';

/**
 * Who may do what over the FHIR API: registered systems only, each
 * interaction as the client's SMART scopes allow, and a child's data only
 * through a relationship the data shows (as the pages require of a person).
 * The scope and feed rules are the platform's system policy, which the
 * children's registration shares; this file is the API's one place to ask.
 */
export const fhirPolicy = {
  /** One interaction (create, read, update, delete, search) on one resource type. */
  interact(actor: Actor, resourceType: string, permission: ScopePermission): Decision {
    return systemPolicy.fhirInteraction(actor, resourceType, permission);
  },

  /** A child's resources, read by id or named in a search: a relationship with the child. */
  readChild(actor: Actor, relationships: Relationship[]): Decision {
    return policy.viewChildSummary(actor, relationships);
  },

  /** Patient search, filtered in SQL to the children the system is related to. */
  searchPatients(actor: Actor): Decision {
    return systemPolicy.searchPatients(actor);
  },

  /** Organisations (ODS codes) from the ICS's integration engine only. */
  feedOrganisations(actor: Actor): Decision {
    return systemPolicy.feedOrganisations(actor);
  },
};
