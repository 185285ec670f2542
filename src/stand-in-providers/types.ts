// The stand-ins' public types (the contract in index.ts re-exports them).

export type StandInClient = {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** The client's PUBLIC keys: clients authenticate at the token endpoint with private_key_jwt. */
  jwks: { keys: JsonWebKey[] };
};

export type StandInNrbacRole = {
  person_roleid: string;
  /** CIS2 also names the person's membership of the organisation; optional here (an addition to the contract). */
  person_orgid?: string;
  org_code: string;
  role_code: string;
  role_name: string;
  activity_codes?: string[];
};

export type StandInStaffMember = {
  uid: string;
  givenName: string;
  familyName: string;
  email: string;
  roles: StandInNrbacRole[];
  orgs: { org_code: string; org_name: string }[];
};

export type StandInFamilyMember = {
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  phone: string;
  nhsNumber: string;
  birthdate: string;
  identityLevel: 'P0' | 'P5' | 'P9';
};

export type StandInOptions = {
  host: string;
  publicHost: string;
  dataDir: string;
  cis2: { port: number; clients: StandInClient[]; staff: () => Promise<StandInStaffMember[]> };
  nhsLogin: { port: number; clients: StandInClient[]; people: () => Promise<StandInFamilyMember[]> };
};

export type StandInProviders = { cis2Issuer: string; nhsLoginIssuer: string; close(): Promise<void> };
