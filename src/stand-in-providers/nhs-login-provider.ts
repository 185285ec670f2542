// The stand-in for NHS login: a family member signs in as a demo person; the ID token's vector
// of trust (vot) is the strongest one the RP asked for (vtr) that the person's proven identity
// level meets, and the sign-in is refused (access_denied) when none is met.
import { errors, type Interaction } from 'oidc-provider';
import { NHS_LOGIN_SCOPE_CLAIMS, nhsLoginClaims } from './claims.js';
import { type FieldError, form, page, radios, raw, join } from './html.js';
import { startStandInProvider, type InteractionOutcome, type RunningProvider } from './provider-server.js';
import type { StandInFamilyMember, StandInOptions } from './types.js';
import { chooseVector, parseVtr } from './vectors-of-trust.js';

const SERVICE = 'NHS login';

function signInPage(interaction: Interaction, people: StandInFamilyMember[], selected?: string, errorList: FieldError[] = []): string {
  const body = join([
    raw('<h1 class="nhsuk-heading-l">Sign in with NHS login</h1>'),
    form(
      `/interaction/${interaction.uid}/sign-in`,
      radios({
        name: 'person',
        legend: 'Who are you signing in as?',
        hint: 'Demo people only.',
        choices: people.map((p) => ({
          value: p.sub,
          label: `${p.givenName} ${p.familyName}`,
          hint: `NHS number ${p.nhsNumber}, identity checked to level ${p.identityLevel}`,
        })),
        selected,
        error: errorList.find((e) => e.field === 'person')?.message,
      }),
      {},
      'Sign in',
    ),
  ]);
  return page({ serviceName: SERVICE, title: 'Sign in', errors: errorList, body });
}

function submit(interaction: Interaction, step: string, posted: URLSearchParams, people: StandInFamilyMember[]): InteractionOutcome {
  const chosen = posted.get('person') ?? '';
  const person = people.find((p) => p.sub === chosen);
  if (!person || step !== 'sign-in') return { show: signInPage(interaction, people, chosen, [{ field: 'person', message: 'Choose who you are signing in as' }]), status: 400 };
  const requested = parseVtr(typeof interaction.params.vtr === 'string' ? interaction.params.vtr : undefined);
  // The authorization endpoint already refused a malformed vtr; this only guards the types.
  const vectors = 'vectors' in requested ? requested.vectors : [];
  const vot = chooseVector(vectors, person.identityLevel);
  if (!vot) {
    return {
      refuse: {
        error: 'access_denied',
        description: `identity level too low: the person has proved their identity to ${person.identityLevel}, the service asked for ${vectors.join(' or ')}`,
      },
    };
  }
  return { signIn: { accountId: person.sub, remember: { vot } } };
}

export function startNhsLogin(options: StandInOptions): Promise<RunningProvider> {
  const { people } = options.nhsLogin;
  return startStandInProvider({
    name: 'nhs-login',
    serviceName: SERVICE,
    host: options.host,
    publicHost: options.publicHost,
    port: options.nhsLogin.port,
    dataDir: options.dataDir,
    clients: options.nhsLogin.clients,
    scopeClaims: NHS_LOGIN_SCOPE_CLAIMS,
    settings: {
      extraParams: {
        vtr: (_ctx: unknown, value: string | undefined) => {
          const parsed = parseVtr(value);
          if ('problem' in parsed) throw new errors.InvalidRequest(parsed.problem);
        },
      },
    },
    claimsFor: async (sub, chosen, issuer) => {
      const person = (await people()).find((p) => p.sub === sub);
      const trustmark = `https://auth.sandpit.signin.nhs.uk/trustmark/${new URL(issuer).host}`;
      return person && nhsLoginClaims(person, typeof chosen.vot === 'string' ? chosen.vot : undefined, trustmark);
    },
    pages: () => ({
      start: async (interaction) => signInPage(interaction, await people()),
      submit: async (interaction, step, posted) => submit(interaction, step, posted, await people()),
    }),
  });
}
