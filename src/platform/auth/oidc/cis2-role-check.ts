import { z } from 'zod';
import type { Cis2Aal } from '../../config.js';
import { CARING_ROLES, ROLES, type Role } from '../../access/roles.js';
import type { OrganisationKind } from '../../access/organisation-kinds.js';
import { joineryRolesFor } from './national-roles.js';
import { aalRank } from './providers.js';

/** The CIS2 claims Joinery acts on, from the signed ID token. Anything else missing or malformed is refused. */
export const cis2Claims = z.object({
  nhsid_useruid: z.string().regex(/^\d{12}$/),
  acr: z.string().min(1),
  selected_roleid: z.string().min(1),
  nhsid_nrbac_roles: z.array(z.object({
    person_roleid: z.string().min(1),
    org_code: z.string().min(1),
    role_code: z.string().min(1),
    role_name: z.string().optional(),
    activity_codes: z.array(z.string()).optional(),
  }).passthrough()).min(1),
});
export type Cis2Claims = z.infer<typeof cis2Claims>;

/** The Joinery account the CIS2 identity is linked to. */
export type LinkedAccount = { role: Role; odsCode: string; organisationName: string; organisationKind: OrganisationKind };

export type Cis2RoleCheck =
  | { allowed: true; roleId: string; roleName: string; assurance: string }
  | { allowed: false; reason: 'role-not-held' | 'wrong-organisation' | 'unmapped-role' | 'role-mismatch' | 'assurance-too-low'; words: string };

/** role_name comes quoted in parts ("Clinical":"Clinical Provision":"General Medical Practitioner"): the last part reads best. */
export const readableRoleName = (name: string | undefined, roleCode: string) =>
  (name ?? '').split(':').map((p) => p.replace(/"/g, '').trim()).filter(Boolean).at(-1) ?? roleCode;

/** The least assurance a role needs: the ICS's level for those who care for children, at least AAL2 for the rest (or the ICS's, if lower). */
export function requiredAssurance(role: Role, required: Cis2Aal): number {
  return CARING_ROLES.includes(role) ? aalRank(required) : Math.min(2, aalRank(required));
}

/**
 * Whether the role chosen at CIS2 lets this person in as their Joinery
 * account: chosen from their own roles, at the account's organisation,
 * mapped by the ICS's file to the account's role, and signed in strongly
 * enough. Joinery never picks a role for them: anything else is refused, saying why.
 */
export function checkCis2Role(claims: Cis2Claims, account: LinkedAccount, required: Cis2Aal): Cis2RoleCheck {
  const chosen = claims.nhsid_nrbac_roles.find((r) => r.person_roleid === claims.selected_roleid);
  if (!chosen) {
    return { allowed: false, reason: 'role-not-held', words: 'The role chosen at CIS2 is not one of the roles CIS2 lists for you, so Joinery cannot tell which role you are acting in.' };
  }
  const roleName = readableRoleName(chosen.role_name, chosen.role_code);
  if (chosen.org_code.toUpperCase() !== account.odsCode.toUpperCase()) {
    return {
      allowed: false, reason: 'wrong-organisation',
      words: `You chose your role at the organisation with ODS code ${chosen.org_code}, but your Joinery account is at ${account.organisationName} (${account.odsCode}). Sign in again and choose your role at ${account.organisationName}.`,
    };
  }
  const mapped = joineryRolesFor(chosen.role_code, chosen.activity_codes ?? [], account.organisationKind);
  if (mapped.length === 0) {
    return { allowed: false, reason: 'unmapped-role', words: `Joinery does not recognise the national role you chose (${roleName}, ${chosen.role_code}) for ${account.organisationName}.` };
  }
  if (!mapped.includes(account.role)) {
    return {
      allowed: false, reason: 'role-mismatch',
      words: `The national role you chose (${roleName}) does not fit your Joinery account’s role (${ROLES[account.role]}).`,
    };
  }
  if (aalRank(claims.acr) < requiredAssurance(account.role, required)) {
    return {
      allowed: false, reason: 'assurance-too-low',
      words: `You signed in to CIS2 with a method that is not strong enough for a ${ROLES[account.role]} (it gave ${claims.acr}; ${required} is needed). Sign in again with your smartcard or another stronger method.`,
    };
  }
  return { allowed: true, roleId: chosen.person_roleid, roleName, assurance: claims.acr };
}
