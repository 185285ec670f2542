import crypto from 'node:crypto';
import { ROLES, type Role } from './roles.js';

/** Role of a system (an OAuth client) acting on its own account, not a person's. */
export const SYSTEM_ROLE = 'system' as const;
/** Role of a parent, carer or young person signed in with NHS login (issue 16): never a professional. */
export const FAMILY_ROLE = 'family' as const;
/** Role of a scheduled job (src/platform/jobs/) acting on its own account: no person, no OAuth client, no relationship with any child. */
export const SCHEDULED_JOB_ROLE = 'scheduled-job' as const;
/** Role of whoever holds a one-time link to advice sent to a family (issue 18): no sign-in, one sending, never a professional. */
export const ADVICE_LINK_ROLE = 'advice-link-holder' as const;
export type ActorRole = Role | typeof SYSTEM_ROLE | typeof FAMILY_ROLE | typeof SCHEDULED_JOB_ROLE | typeof ADVICE_LINK_ROLE;

/** What the access log calls each actor that is not a professional's account, so no reader meets a raw role id. */
const NON_STAFF_ROLE_NAMES: Record<Exclude<ActorRole, Role>, string> = {
  [SYSTEM_ROLE]: 'Connected system',
  [FAMILY_ROLE]: 'Family member (NHS login)',
  [SCHEDULED_JOB_ROLE]: 'Joinery scheduled job',
  [ADVICE_LINK_ROLE]: 'Family, through a one-time advice link',
};

/** The name of any actor's role as people read it; an unknown id is shown as it is rather than hidden. */
export function actorRoleName(role: string): string {
  return (ROLES as Record<string, string>)[role] ?? (NON_STAFF_ROLE_NAMES as Record<string, string>)[role] ?? role;
}

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
  /** Who NHS login says a family member is; present exactly when role is 'family'. */
  family?: FamilyIdentity;
  /** The scheduled job's name; present exactly when role is 'scheduled-job'. */
  job?: string;
  /** The one link a link holder holds; present exactly when role is 'advice-link-holder'. */
  adviceLink?: AdviceLinkHeld;
};

/**
 * What a link holder holds: the link (its hash, so a link replaced since
 * holds nothing), the sending it was made for and the device that holds it
 * (the hash of its cookie; null before it has one). The audit's actor column
 * is a fixed id made from the sending, organisationId the ICS's id.
 */
export type AdviceLinkHeld = { sendingId: string; tokenHash: string; deviceHash: string | null };

export const isAdviceLinkHolder = (actor: Actor): actor is Actor & { role: typeof ADVICE_LINK_ROLE; adviceLink: AdviceLinkHeld } =>
  actor.role === ADVICE_LINK_ROLE && actor.adviceLink !== undefined;

/**
 * A family member as NHS login verified them. For a family actor,
 * professionalId is a fixed id made from the NHS number (the audit's actor
 * column), organisationId the ICS's id (they belong to no organisation), and
 * their relationships come only from the grants a professional recorded.
 */
export type FamilyIdentity = { nhsNumber: string; birthdate: string; identityLevel: 'P5' | 'P9' };

export const isFamily = (actor: Actor): actor is Actor & { role: typeof FAMILY_ROLE; family: FamilyIdentity } =>
  actor.role === FAMILY_ROLE && actor.family !== undefined;

/**
 * How a session was signed in: the method, the assurance the provider
 * vouched for (CIS2's acr), and the national RBAC role chosen at CIS2.
 */
export type SignedInHow = {
  method: 'password' | 'cis2' | 'nhs-login';
  assurance: string | null;
  nrbacRoleId: string | null;
  nrbacRoleName: string | null;
};

export const isSystem = (actor: Actor): actor is Actor & { role: typeof SYSTEM_ROLE; system: SystemClient } =>
  actor.role === SYSTEM_ROLE && actor.system !== undefined;

/** The actor is a scheduled job: the one named, or any when no name is given. */
export const isScheduledJob = (actor: Actor, job?: string): actor is Actor & { role: typeof SCHEDULED_JOB_ROLE; job: string } =>
  actor.role === SCHEDULED_JOB_ROLE && typeof actor.job === 'string' && (job === undefined || actor.job === job);

/**
 * A scheduled job as the actor of what it changes in one ICS, so the door
 * decides and audits its changes like anyone else's. professionalId is a
 * fixed id made from the job's name (the audit's actor column), organisation
 * the ICS itself; `title` is how the access log names it.
 */
export function scheduledJobActor(icsId: string, job: string, title = `Scheduled job: ${job}`): Actor {
  const h = crypto.createHash('sha256').update(`scheduled-job:${job}`).digest('hex');
  return {
    icsId, professionalId: `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`,
    name: title, email: '', role: SCHEDULED_JOB_ROLE, organisationId: icsId, organisationName: 'Joinery (scheduled job)', job,
  };
}
