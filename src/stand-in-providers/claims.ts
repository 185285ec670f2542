// What each stand-in says about the person in its ID token, shaped as the real services do.
import type { StandInFamilyMember, StandInStaffMember } from './types.js';

/** How the member of staff proved who they are, and the CIS2 authentication level that gives. */
export const CIS2_AUTHENTICATORS = [
  { value: 'smartcard', label: 'Smartcard', acr: 'AAL3_ANY' },
  { value: 'authenticator-app', label: 'Security key or authenticator app', acr: 'AAL2_ANY' },
  { value: 'password', label: 'Password', acr: 'AAL1_USERPASS' },
] as const;

export const CIS2_ACR_VALUES = CIS2_AUTHENTICATORS.map((a) => a.acr);

export const CIS2_SCOPE_CLAIMS = {
  // acr rides the openid scope: oidc-provider otherwise puts it in the ID token only when the RP asks by acr_values.
  openid: ['sub', 'acr'],
  profile: ['name', 'given_name', 'family_name', 'nhsid_useruid'],
  email: ['email'],
  nhsperson: ['nhsid_useruid', 'name', 'given_name', 'family_name', 'id_assurance_level'],
  nationalrbacaccess: ['nhsid_nrbac_roles'],
  associatedorgs: ['nhsid_user_orgs'],
  selectedrole: ['selected_roleid'],
};

export function cis2Claims(person: StandInStaffMember, selectedRoleId: string | undefined): Record<string, unknown> {
  return {
    sub: person.uid,
    nhsid_useruid: person.uid,
    name: `${person.givenName} ${person.familyName}`,
    given_name: person.givenName,
    family_name: person.familyName,
    email: person.email,
    id_assurance_level: '3',
    nhsid_nrbac_roles: person.roles.map((r) => ({ ...r })),
    nhsid_user_orgs: person.orgs.map((o) => ({ ...o })),
    ...(selectedRoleId ? { selected_roleid: selectedRoleId } : {}),
  };
}

export const NHS_LOGIN_SCOPE_CLAIMS = {
  openid: ['sub', 'vot', 'vtm'],
  profile: ['identity_proofing_level', 'nhs_number', 'birthdate', 'family_name', 'given_name'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

export function nhsLoginClaims(person: StandInFamilyMember, vot: string | undefined, trustmark: string): Record<string, unknown> {
  return {
    sub: person.sub,
    ...(vot ? { vot, vtm: trustmark } : {}),
    identity_proofing_level: person.identityLevel,
    nhs_number: person.nhsNumber,
    birthdate: person.birthdate,
    family_name: person.familyName,
    given_name: person.givenName,
    email: person.email,
    email_verified: true,
    phone_number: person.phone,
    phone_number_verified: true,
  };
}
