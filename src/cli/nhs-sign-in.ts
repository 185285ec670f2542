import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/client.js';
import { clientKeyFromFile, demoClientKey, type ClientKey } from '../platform/auth/oidc/client-key.js';
import { postLogoutRedirectUri, providerConfiguration, redirectUri, type NhsSignIn, type OidcClient, type ProviderName } from '../platform/auth/oidc/providers.js';
import { nationalRoleFor } from '../platform/auth/oidc/national-roles.js';
import { testNhsNumbers } from '../platform/identity/nhs-number.js';
import { cis2LinkedStaff, type Cis2LinkedStaff } from '../admin/service.js';
import { demoFamilyPeople } from '../family/service.js';
import { DEFAULT_DEMO_EMAIL_DOMAIN } from '../synth/service.js';
import { startStandInProviders, type StandInFamilyMember, type StandInStaffMember } from '../stand-in-providers/index.js';

/** The client id the demo's stand-in providers know Joinery by. */
export const DEMO_CLIENT_ID = 'joinery-demo';

/** A national role no line of the ICS's role file confirms (Admin/Clinical Support Access Role): the demo GP holds it too. */
const UNMAPPED_ROLE = { roleCode: 'S8000:G8001:R8008', name: 'Admin/Clinical Support Access Role' };
/** Clinical Practitioner Access Role, which nurse practitioners hold too: at a practice it confirms a GP account only. */
const CLINICAL_PRACTITIONER = { roleCode: 'S8000:G8000:R8000', name: 'Clinical Practitioner Access Role' };

type RoleSource = { roleCode: string; name: string; activityCodes?: string[] };

/**
 * A demo person at the stand-in CIS2: their Joinery accounts (every account
 * linked to one CIS2 user ID is one person), each giving a national role at
 * its organisation through the ICS's role file. So the demo shows choosing a
 * role at CIS2 and each way a choice is refused:
 * - the GP, who also works as a community paediatrician (a second account):
 *   their GP role at their own practice and their paediatrician role at the
 *   community trust (each let in, as that account), the same job at a second
 *   practice (refused: no account there), and an administrative role Joinery
 *   does not map (refused);
 * - the practice nurse, a nurse practitioner: their nurse role (let in) and
 *   the clinical practitioner role (refused: it confirms a GP, not their account's role).
 */
export function standInStaffMember(accounts: readonly Cis2LinkedStaff[], index: number): StandInStaffMember | undefined {
  const [first] = accounts;
  if (!first) return undefined;
  let n = 0;
  const role = (orgCode: string, r: RoleSource) => ({
    person_roleid: `${first.nhsid_useruid.slice(0, 6)}${String(index * 10 + n++).padStart(6, '0')}`,
    org_code: orgCode, role_code: r.roleCode, role_name: `"${r.name}"`,
    ...(r.activityCodes?.length ? { activity_codes: r.activityCodes } : {}),
  });
  const own = accounts.flatMap((a) => {
    const national = nationalRoleFor(a.role, a.organisation_kind);
    return national ? [{ account: a, national }] : [];
  });
  if (own.length === 0) return undefined;
  const roles = own.map(({ account, national }) => role(account.ods_code, national));
  const orgs = new Map(accounts.map((a) => [a.ods_code, a.organisation_name]));
  for (const { account: a, national } of own) {
    if (a.email.startsWith('gp@') && a.other_ods_code) {
      roles.push(role(a.other_ods_code, national), role(a.ods_code, UNMAPPED_ROLE));
      orgs.set(a.other_ods_code, a.other_organisation_name ?? a.other_ods_code);
    }
    if (a.email.startsWith('practice-nurse@')) roles.push(role(a.ods_code, CLINICAL_PRACTITIONER));
  }
  const [givenName = first.name, ...rest] = first.name.replace(/^Dr /, '').split(' ');
  return {
    uid: first.nhsid_useruid, givenName, familyName: rest.join(' ') || givenName, email: first.email, roles,
    orgs: [...orgs].map(([org_code, org_name]) => ({ org_code, org_name })),
  };
}

/** A demo CIS2 identity that no Joinery account is linked to: signing in as them shows the page that says whom to ask. */
export const UNLINKED_DEMO_UID = '555000000000';

/** The stand-in CIS2's people: one for each CIS2 identity linked to demo accounts, and one person with no Joinery account. */
export async function standInStaff(db: Database): Promise<StandInStaffMember[]> {
  const linked = await cis2LinkedStaff(db.owner);
  const people = new Map<string, Cis2LinkedStaff[]>();
  for (const s of linked) people.set(s.nhsid_useruid, [...(people.get(s.nhsid_useruid) ?? []), s]);
  const staff = [...people.values()].flatMap((accounts, i) => standInStaffMember(accounts, i) ?? []);
  const practice = linked.find((s) => s.organisation_kind === 'gp-practice');
  if (practice) {
    staff.push({
      uid: UNLINKED_DEMO_UID, givenName: 'Robin', familyName: 'Newstarter', email: 'robin.newstarter@nhs.example',
      roles: [{ person_roleid: '555000000001', org_code: practice.ods_code, role_code: CLINICAL_PRACTITIONER.roleCode, role_name: `"${CLINICAL_PRACTITIONER.name}"` }],
      orgs: [{ org_code: practice.ods_code, org_name: practice.organisation_name }],
    });
  }
  return staff;
}

/**
 * The demo's families at NHS login: parents and young people with test-range
 * NHS numbers, at each identity level (P9, P5, and P0 who cannot sign in to Joinery).
 */
/**
 * The stand-in NHS login's people. The P9 parent and young person are the
 * generator's demo family (src/synth/family-access.ts): signing in as them
 * shows their real children. The P5 and P0 people are fixed, as they see no
 * child anyway; so are the P9 people when no demo ICS has been generated.
 */
export async function demoFamilies(db: Database): Promise<StandInFamilyMember[]> {
  const numbers = testNhsNumbers(980_000);
  const person = (sub: string, givenName: string, familyName: string, birthdate: string, identityLevel: 'P0' | 'P5' | 'P9', nhsNumber?: string): StandInFamilyMember => ({
    sub, givenName, familyName, birthdate, identityLevel, nhsNumber: nhsNumber ?? (numbers.next().value as string),
    email: `${givenName.toLowerCase()}.${familyName.toLowerCase()}@families.joinery.test`, phone: '+447700900000',
  });
  const { parent, youngPerson } = await demoFamilyPeople(db, DEFAULT_DEMO_EMAIL_DOMAIN);
  return [
    parent ? person('family-p9-parent', parent.given_name, parent.family_name, parent.birthdate, 'P9', parent.nhs_number) : person('family-p9-parent', 'Amara', 'Okafor', '1988-03-14', 'P9'),
    youngPerson ? person('family-p9-young-person', youngPerson.given_name, youngPerson.family_name, youngPerson.birthdate, 'P9', youngPerson.nhs_number)
      : person('family-p9-young-person', 'Leo', 'Hughes', '2010-07-02', 'P9'),
    person('family-p5-parent', 'Sian', 'Morgan', '1992-11-23', 'P5'),
    person('family-p0-parent', 'Tomasz', 'Nowak', '1985-05-30', 'P0'),
  ];
}

const client = (config: Config, name: ProviderName, clientId: string, key: ClientKey) => ({
  clientId, redirectUris: [redirectUri(config, name)], postLogoutRedirectUris: [postLogoutRedirectUri(config)], jwks: { keys: [key.publicJwk] },
});

/**
 * CIS2 and NHS login for this Joinery: the configured providers, or, where an
 * issuer is not set (the embedded demo), stand-ins started in this process on
 * the configured ports with Joinery's demo key (made at first start in the data folder).
 */
export async function startNhsSignIn(db: Database, config: Config): Promise<{ nhsSignIn: NhsSignIn; close: () => Promise<void> }> {
  const configured = async (c: NonNullable<Config['cis2']>, name: ProviderName): Promise<OidcClient> =>
    ({ name, issuer: c.issuer, clientId: c.clientId, key: await clientKeyFromFile(c.privateKeyPath) });
  const cis2 = config.cis2 && (await configured(config.cis2, 'cis2'));
  const nhsLogin = config.nhsLogin && (await configured(config.nhsLogin, 'nhs-login'));
  // Read a live provider's metadata now, not at the first sign-in: pages name its end-session origin as a form target (signOutTargets).
  for (const live of [cis2, nhsLogin]) if (live) void providerConfiguration(live).catch(() => undefined);
  if (cis2 && nhsLogin) return { nhsSignIn: { cis2, nhsLogin }, close: async () => undefined };

  const key = await demoClientKey(config.dataDir);
  const standIns = await startStandInProviders({
    host: config.host,
    publicHost: new URL(config.publicUrl).hostname,
    dataDir: config.dataDir,
    cis2: {
      port: config.standInPorts.cis2, clients: [client(config, 'cis2', DEMO_CLIENT_ID, key)],
      staff: () => standInStaff(db),
    },
    nhsLogin: { port: config.standInPorts.nhsLogin, clients: [client(config, 'nhs-login', DEMO_CLIENT_ID, key)], people: () => demoFamilies(db) },
  });
  return {
    nhsSignIn: {
      cis2: cis2 ?? { name: 'cis2', issuer: standIns.cis2Issuer, clientId: DEMO_CLIENT_ID, key },
      nhsLogin: nhsLogin ?? { name: 'nhs-login', issuer: standIns.nhsLoginIssuer, clientId: DEMO_CLIENT_ID, key },
    },
    close: () => standIns.close(),
  };
}
