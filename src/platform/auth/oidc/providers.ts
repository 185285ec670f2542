import * as client from 'openid-client';
import type { Cis2Aal, Config } from '../../config.js';
import type { ClientKey } from './client-key.js';

export type ProviderName = 'cis2' | 'nhs-login';

/** What the sign-in pages call each provider. */
export const PROVIDER_LABELS: Record<ProviderName, string> = { cis2: 'NHS CIS2', 'nhs-login': 'NHS login' };

/** Joinery as a client of one OpenID Connect provider. */
export type OidcClient = {
  name: ProviderName;
  issuer: string;
  clientId: string;
  key: ClientKey;
  /** For tests that alter a real provider's answers on the way in (openid-client's customFetch). */
  fetch?: client.CustomFetch;
};

/** The providers Joinery signs in with; null where none is configured or started. */
export type NhsSignIn = { cis2: OidcClient | null; nhsLogin: OidcClient | null };

export const NO_NHS_SIGN_IN: NhsSignIn = { cis2: null, nhsLogin: null };

export const redirectUri = (config: Config, name: ProviderName) => `${config.publicUrl}/sign-in/${name}/callback`;
export const postLogoutRedirectUri = (config: Config) => `${config.publicUrl}/signed-out`;

/** CIS2's levels, weakest first: AAL2_OR_AAL3_ANY is at least AAL2, as AAL2_ANY is. */
const AAL_RANK: Record<Cis2Aal, number> = { AAL1_USERPASS: 1, AAL2_ANY: 2, AAL2_OR_AAL3_ANY: 2, AAL3_ANY: 3 };
export const aalRank = (acr: string): number => AAL_RANK[acr as Cis2Aal] ?? 0;

const discovered = new WeakMap<OidcClient, Promise<client.Configuration>>();
const endSessionOrigins = new WeakMap<OidcClient, string>();

/**
 * Where signing out may send the browser besides Joinery: each provider's
 * issuer origin, configured or stand-in, and its end-session endpoint's once
 * its metadata has been read (a live provider may serve it from another
 * host). Browsers hold the redirect after a form to the page's form-action,
 * so every page names them.
 */
export function signOutTargets(sign: NhsSignIn | undefined): string[] {
  const origins = [sign?.cis2, sign?.nhsLogin].flatMap((p) => (p ? [new URL(p.issuer).origin, endSessionOrigins.get(p) ?? []].flat() : []));
  return [...new Set(origins)];
}

/**
 * The provider's metadata, from its /.well-known/openid-configuration, found
 * once and kept. A failed look-up is forgotten, so the next sign-in tries again.
 */
export function providerConfiguration(oidc: OidcClient): Promise<client.Configuration> {
  let found = discovered.get(oidc);
  if (!found) {
    const local = new URL(oidc.issuer).protocol === 'http:';
    found = client.discovery(new URL(oidc.issuer), oidc.clientId, { token_endpoint_auth_method: 'private_key_jwt' },
      client.PrivateKeyJwt({ key: oidc.key.privateKey, kid: oidc.key.kid }), {
        // openid-client skips the ID token's signature when it came straight from the token endpoint over TLS; Joinery checks it
        // anyway, so an answer altered on the way (or by a proxy that ends TLS) is refused. The config only lets an http://
        // issuer through for localhost (the demo's stand-ins and tests).
        execute: [client.enableNonRepudiationChecks, ...(local ? [client.allowInsecureRequests] : [])],
        ...(oidc.fetch ? { [client.customFetch]: oidc.fetch } : {}),
      });
    found.then((c) => {
      if (oidc.fetch) c[client.customFetch] = oidc.fetch;
      const endSession = c.serverMetadata().end_session_endpoint;
      if (endSession) endSessionOrigins.set(oidc, new URL(endSession).origin);
    }, () => discovered.delete(oidc));
    discovered.set(oidc, found);
  }
  return found;
}
