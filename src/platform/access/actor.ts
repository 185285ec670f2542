import type { Role } from './roles.js';

/** Role of a system (an OAuth client) acting on its own account, not a person's. */
export const SYSTEM_ROLE = 'system' as const;
export type ActorRole = Role | typeof SYSTEM_ROLE;

/**
 * A system client. Without an organisation it is the ICS's own integration
 * engine (it sees the whole ICS); with one it sees the children that
 * organisation has a relationship with. `scopes` are SMART v2 system scopes.
 */
export type SystemClient = {
  clientId: string;
  scopes: string[];
  /** The organisation the client acts for; null for the ICS's integration engine. */
  clientOrganisationId: string | null;
};

/**
 * Who a request acts for: a signed-in professional or, over FHIR, a system.
 * For a system, professionalId is the client's id, name the client's name and
 * organisationId the organisation it records for (its own, or the ICS body's
 * for the integration engine), so audit and "recorded by" read truly.
 */
export type Actor = {
  icsId: string;
  professionalId: string;
  name: string;
  email: string;
  role: ActorRole;
  organisationId: string;
  organisationName: string;
  system?: SystemClient;
  /** How this person signed in, for the header and every audit row; absent for systems. */
  signedIn?: SignedInHow;
};

/**
 * How a session was signed in: the method, the assurance the provider
 * vouched for (CIS2's acr), and the national RBAC role chosen at CIS2.
 */
export type SignedInHow = {
  method: 'password' | 'cis2';
  assurance: string | null;
  nrbacRoleId: string | null;
  nrbacRoleName: string | null;
};

export const isSystem = (actor: Actor): actor is Actor & { role: typeof SYSTEM_ROLE; system: SystemClient } =>
  actor.role === SYSTEM_ROLE && actor.system !== undefined;
