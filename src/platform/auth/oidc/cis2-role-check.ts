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
  /** The organisations' names, only for refusal pages: the ODS code says enough, so a malformed list is ignored, not refused. */
  nhsid_user_orgs: z.array(z.object({ org_code: z.string(), org_name: z.string() }).passthrough()).optional().catch(undefined),
});
export type Cis2Claims = z.infer<typeof cis2Claims>;

/** One of the Joinery accounts linked to the CIS2 identity: one person may have one per role at each organisation. */
export type LinkedAccount = {
  professionalId: string;
  role: Role;
  odsCode: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  active: boolean;
  /** Why the account may not be used whatever the role chosen (account-use.ts), or null. */
  refusal: string | null;
};

export type Cis2RoleRefusal =
  | 'role-not-held' | 'wrong-organisation' | 'unmapped-role' | 'role-mismatch' | 'several-accounts'
  | 'account-inactive' | 'account-refused' | 'assurance-too-low';

export type Cis2RoleCheck =
  | { allowed: true; account: LinkedAccount; roleId: string; roleName: string; assurance: string }
  | { allowed: false; reason: Cis2RoleRefusal; words: string };

/** role_name comes quoted in parts ("Clinical":"Clinical Provision":"General Medical Practitioner"): the last part reads best. */
export const readableRoleName = (name: string | undefined, roleCode: string) =>
  (name ?? '').split(':').map((p) => p.replace(/"/g, '').trim()).filter(Boolean).at(-1) ?? roleCode;

/** The least assurance a role needs: the ICS's level for those who care for children, at least AAL2 for the rest (or the ICS's, if lower). */
export function requiredAssurance(role: Role, required: Cis2Aal): number {
  return CARING_ROLES.includes(role) ? aalRank(required) : Math.min(2, aalRank(required));
}

const at = (a: LinkedAccount) => `${a.organisationName} (${a.odsCode})`;
const list = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * Which of this person's Joinery accounts the role chosen at CIS2 lets them
 * in as: the one at the organisation where they chose the role, whose Joinery
 * role the ICS's file lists for that national role there, if it is switched
 * on, usable, and signed in to strongly enough for its role. Joinery never
 * picks for them: no such account, or more than one, is refused, saying why.
 */
export function chooseCis2Account(claims: Cis2Claims, accounts: readonly LinkedAccount[], required: Cis2Aal): Cis2RoleCheck {
  const refuse = (reason: Cis2RoleRefusal, words: string): Cis2RoleCheck => ({ allowed: false, reason, words });
  const chosen = claims.nhsid_nrbac_roles.find((r) => r.person_roleid === claims.selected_roleid);
  if (!chosen) return refuse('role-not-held', 'The role chosen at CIS2 is not one of the roles CIS2 lists for you, so Joinery cannot tell which role you are acting in.');
  const roleName = readableRoleName(chosen.role_name, chosen.role_code);
  const there = accounts.filter((a) => a.odsCode.toUpperCase() === chosen.org_code.toUpperCase());
  if (there.length === 0) {
    const orgName = claims.nhsid_user_orgs?.find((o) => o.org_code.toUpperCase() === chosen.org_code.toUpperCase())?.org_name;
    const places = [...new Set(accounts.map(at))].sort();
    return refuse('wrong-organisation',
      `You chose ${roleName} at ${orgName ? `${orgName} (${chosen.org_code})` : `the organisation with ODS code ${chosen.org_code}`}, but you have no Joinery account there. `
      + `Your Joinery ${places.length === 1 ? 'account is' : 'accounts are'} at ${list(places)}: sign in again and choose your role there.`);
  }
  const place = at(there[0]!);
  const mapped = joineryRolesFor(chosen.role_code, chosen.activity_codes ?? [], there[0]!.organisationKind);
  if (mapped.length === 0) {
    return refuse('unmapped-role', `Joinery does not recognise the national role you chose (${roleName}, ${chosen.role_code}) for ${place}.`);
  }
  const fits = there.filter((a) => mapped.includes(a.role));
  if (fits.length === 0) {
    return refuse('role-mismatch',
      `The national role you chose (${roleName} at ${place}) does not fit the role of your Joinery ${there.length === 1 ? 'account' : 'accounts'} there (${list(there.map((a) => ROLES[a.role]))}).`);
  }
  const usable = fits.filter((a) => a.active);
  if (usable.length === 0) return refuse('account-inactive', `Your Joinery account as ${ROLES[fits[0]!.role]} at ${place} has been switched off.`);
  if (usable.length > 1) {
    return refuse('several-accounts',
      `The national role you chose (${roleName} at ${place}) fits more than one of your Joinery accounts there (${list(usable.map((a) => ROLES[a.role]))}), so Joinery cannot tell which you mean.`);
  }
  const account = usable[0]!;
  if (account.refusal) return refuse('account-refused', account.refusal);
  if (aalRank(claims.acr) < requiredAssurance(account.role, required)) {
    return refuse('assurance-too-low',
      `You signed in to CIS2 with a method that is not strong enough for a ${ROLES[account.role]} (it gave ${claims.acr}; ${required} is needed). Sign in again with your smartcard or another stronger method.`);
  }
  return { allowed: true, account, roleId: chosen.person_roleid, roleName, assurance: claims.acr };
}
