// Stand-in NHS CIS2 and NHS login OpenID providers for the embedded demo and the tests (issue 15).
// Each runs oidc-provider on its own HTTP server: what it is given is in types.ts, the claims it issues in claims.ts.
import { startCis2 } from './cis2-provider.js';
import { startNhsLogin } from './nhs-login-provider.js';
import type { StandInOptions, StandInProviders } from './types.js';

export type {
  StandInClient,
  StandInFamilyMember,
  StandInNrbacRole,
  StandInOptions,
  StandInProviders,
  StandInStaffMember,
} from './types.js';

/**
 * Starts both stand-ins, each on its own port (0 = any free one), issuer `http://<publicHost>:<port>`.
 * Keys live in `<dataDir>/stand-in-providers/` (`cis2.jwks.json`, `nhs-login.jwks.json` and the
 * cookie keys), made at first start and reused. The stand-ins ask who is signing in on every
 * authorization request (no silent single sign-on), so a demo can switch people. Over plain http
 * openid-client needs `execute: [allowInsecureRequests]`.
 */
export async function startStandInProviders(options: StandInOptions): Promise<StandInProviders> {
  const cis2 = await startCis2(options);
  let nhsLogin;
  try {
    nhsLogin = await startNhsLogin(options);
  } catch (error) {
    await cis2.close();
    throw error;
  }
  return {
    cis2Issuer: cis2.issuer,
    nhsLoginIssuer: nhsLogin.issuer,
    close: async () => {
      await Promise.all([cis2.close(), nhsLogin.close()]);
    },
  };
}
