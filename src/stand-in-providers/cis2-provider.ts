// The stand-in for NHS CIS2 (Care Identity Service 2): staff sign in as a demo person with an
// authenticator, choose a role when they hold several, and the ID token carries their national
// RBAC roles, organisations, the selected role and the authentication level (acr).
import type { Interaction } from 'oidc-provider';
import { CIS2_ACR_VALUES, CIS2_AUTHENTICATORS, CIS2_SCOPE_CLAIMS, cis2Claims } from './claims.js';
import { type FieldError, form, groupedSelect, join, page, radios, raw } from './html.js';
import { startStandInProvider, type InteractionOutcome, type RunningProvider } from './provider-server.js';
import type { StandInOptions, StandInStaffMember } from './types.js';

const SERVICE = 'NHS CIS2';

/** A national RBAC role name such as '"Clinical":"Clinical Provision":"Nurse"' as a person says it: "Nurse". */
function roleTitle(roleName: string): string {
  return roleName.replace(/"/g, '').split(':').at(-1)!.trim() || roleName;
}

type Choices = { person?: string; authenticator?: string; role?: string };

function signInPage(interaction: Interaction, staff: StandInStaffMember[], chosen: Choices = {}, errors: FieldError[] = []): string {
  // Grouped by the person's first role, so a demo presenter finds "the GP" or "the health visitor" quickly.
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const person of staff) {
    const group = person.roles[0] ? roleTitle(person.roles[0].role_name) : 'No role';
    const list = groups.get(group) ?? [];
    list.push({ value: person.uid, label: `${person.givenName} ${person.familyName}` });
    groups.set(group, list);
  }
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;
  const body = join([
    raw('<h1 class="nhsuk-heading-l">Sign in with your NHS Care Identity</h1>'),
    form(
      `/interaction/${interaction.uid}/sign-in`,
      join([
        groupedSelect({
          name: 'person',
          label: 'Who are you signing in as?',
          hint: 'Demo people only, grouped by their role.',
          groups: [...groups].map(([label, choices]) => ({ label, choices })),
          selected: chosen.person,
          error: errorFor('person'),
        }),
        radios({
          name: 'authenticator',
          legend: 'How are you proving who you are?',
          choices: CIS2_AUTHENTICATORS.map((a) => ({ value: a.value, label: a.label })),
          selected: chosen.authenticator,
          error: errorFor('authenticator'),
        }),
      ]),
      {},
      'Sign in',
    ),
  ]);
  return page({ serviceName: SERVICE, title: 'Sign in', errors, body });
}

function rolePage(interaction: Interaction, person: StandInStaffMember, chosen: Choices, errors: FieldError[] = []): string {
  const orgName = (code: string) => person.orgs.find((o) => o.org_code === code)?.org_name ?? code;
  const body = join([
    raw('<h1 class="nhsuk-heading-l">Select your role</h1>'),
    form(
      `/interaction/${interaction.uid}/role`,
      radios({
        name: 'role',
        legend: `Which role are you working in today, ${person.givenName} ${person.familyName}?`,
        choices: person.roles.map((r) => ({ value: r.person_roleid, label: `${roleTitle(r.role_name)} at ${orgName(r.org_code)}`, hint: `${r.role_name.replace(/"/g, '')} (${r.org_code})` })),
        selected: chosen.role,
        error: errors.find((e) => e.field === 'role')?.message,
      }),
      { person: person.uid, authenticator: chosen.authenticator ?? '' },
    ),
  ]);
  return page({ serviceName: SERVICE, title: 'Select your role', errors, body });
}

async function submit(interaction: Interaction, step: string, posted: URLSearchParams, staff: StandInStaffMember[]): Promise<InteractionOutcome> {
  const chosen: Choices = { person: posted.get('person') ?? '', authenticator: posted.get('authenticator') ?? '', role: posted.get('role') ?? '' };
  const person = staff.find((p) => p.uid === chosen.person);
  const authenticator = CIS2_AUTHENTICATORS.find((a) => a.value === chosen.authenticator);
  const errors: FieldError[] = [];
  if (!person) errors.push({ field: 'person', message: 'Choose who you are signing in as' });
  if (!authenticator) errors.push({ field: 'authenticator', message: 'Choose how you are proving who you are' });
  if (!person || !authenticator || (step !== 'sign-in' && step !== 'role')) {
    return { show: signInPage(interaction, staff, chosen, errors), status: 400 };
  }
  if (person.roles.length === 0) {
    return { show: signInPage(interaction, staff, chosen, [{ field: 'person', message: `${person.givenName} ${person.familyName} holds no role: choose someone else` }]), status: 400 };
  }
  let role = person.roles.length === 1 ? person.roles[0] : undefined;
  if (!role) {
    if (step === 'sign-in') return { show: rolePage(interaction, person, chosen) };
    role = person.roles.find((r) => r.person_roleid === chosen.role);
    if (!role) return { show: rolePage(interaction, person, chosen, [{ field: 'role', message: 'Select the role you are working in' }]), status: 400 };
  }
  return { signIn: { accountId: person.uid, acr: authenticator.acr, remember: { selectedRoleId: role.person_roleid } } };
}

export function startCis2(options: StandInOptions): Promise<RunningProvider> {
  const { staff } = options.cis2;
  return startStandInProvider({
    name: 'cis2',
    serviceName: SERVICE,
    host: options.host,
    publicHost: options.publicHost,
    port: options.cis2.port,
    dataDir: options.dataDir,
    clients: options.cis2.clients,
    scopeClaims: CIS2_SCOPE_CLAIMS,
    settings: { acrValues: CIS2_ACR_VALUES },
    claimsFor: async (uid, chosen) => {
      const person = (await staff()).find((p) => p.uid === uid);
      return person && cis2Claims(person, typeof chosen.selectedRoleId === 'string' ? chosen.selectedRoleId : undefined);
    },
    pages: () => ({
      start: async (interaction) => signInPage(interaction, await staff()),
      submit: async (interaction, step, posted) => submit(interaction, step, posted, await staff()),
    }),
  });
}
