import crypto from 'node:crypto';
import { z } from 'zod';
import * as client from 'openid-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps, RouteModule } from '../../http/app.js';
import { createSession, SESSION_COOKIE } from '../../http/session.js';
import { createFamilySession, FAMILY_SESSION_COOKIE } from '../../http/family-session.js';
import { cookieOptions } from '../../http/csrf.js';
import { pageAfterSignIn } from '../next-page.js';
import { NO_NHS_SIGN_IN, postLogoutRedirectUri, PROVIDER_LABELS, providerConfiguration, redirectUri, type OidcClient, type ProviderName } from './providers.js';
import { BROWSER_COOKIE, PENDING_MINUTES, rememberSignIn, takeSignIn } from './pending-sign-in.js';
import { failureFrom, logSignInFailure, refused, untrusted, type SignInFailure } from './sign-in-failure.js';
import { chooseCis2Account, cis2Claims, type Cis2RoleRefusal } from './cis2-role-check.js';
import { cis2Accounts } from './cis2-account.js';
import { ADVICE_VECTORS, familyMemberFrom, nhsLoginClaims, P9_VECTORS } from './nhs-login-claims.js';

const CIS2_SCOPE = 'openid profile email nhsperson nationalrbacaccess associatedorgs selectedrole';
const NHS_LOGIN_SCOPE = 'openid profile email phone';
const FAILED_VIEW = 'platform/auth/oidc/views/sign-in-failed.njk';

const startQuery = z.object({ next: z.string().max(2000).optional(), for: z.enum(['advice']).optional() }).passthrough();
type StartQuery = z.infer<typeof startQuery>;
const callbackQuery = z.object({ state: z.string().min(1).max(500) }).passthrough();

const SIGN_IN_AGAIN = 'Sign in again with NHS CIS2. If you think your roles are wrong, ask your Registration Authority; if your Joinery accounts are wrong, ask your ICS’s Joinery administrator.';
const CHECK_ACCOUNTS = 'Ask your ICS’s Joinery administrator: they can check your accounts’ roles and the ICS’s list of national roles. Your Registration Authority can check the roles on your smartcard.';
/** Whom to ask, by why the role chosen at CIS2 did not let them in. */
const CIS2_ASK: Record<Cis2RoleRefusal, string> = {
  'role-not-held': CHECK_ACCOUNTS, 'unmapped-role': CHECK_ACCOUNTS, 'role-mismatch': CHECK_ACCOUNTS, 'several-accounts': CHECK_ACCOUNTS,
  'wrong-organisation': SIGN_IN_AGAIN, 'assurance-too-low': SIGN_IN_AGAIN,
  'account-inactive': 'Ask your ICS’s Joinery administrator.', 'account-refused': 'Ask your ICS’s Joinery administrator.',
};

/** Which claims were missing or wrong, by name only (never their values). */
const claimNames = (error: z.ZodError) => [...new Set(error.issues.map((i) => String(i.path[0] ?? '?')))].join(', ');

function showFailure(reply: FastifyReply, provider: ProviderName, failure: SignInFailure) {
  logSignInFailure(provider, failure);
  return reply.code(failure.status).page(FAILED_VIEW, { title: `You could not sign in with ${PROVIDER_LABELS[provider]}`, provider: PROVIDER_LABELS[provider], failure });
}

/**
 * Signing in at NHS CIS2 (staff) and NHS login (families): the authorization
 * code flow with PKCE (S256), state and nonce kept server-side for one use,
 * Joinery proving itself with private_key_jwt, and openid-client checking the
 * ID token's signature, issuer, audience, expiry, iat and nonce.
 */
export const nhsSignInRoutes: RouteModule = (app, deps) => {
  const providers = deps.nhsSignIn ?? NO_NHS_SIGN_IN;
  const oidcFor = (name: ProviderName) => (name === 'cis2' ? providers.cis2 : providers.nhsLogin);

  /** Sends the browser to the provider; `extra` adds the provider's own parameters, from the same parsed query. */
  async function start(req: FastifyRequest, reply: FastifyReply, name: ProviderName, extra: (query: StartQuery | undefined) => Record<string, string>) {
    const oidc = oidcFor(name)!;
    const parsed = startQuery.safeParse(req.query);
    const query = parsed.success ? parsed.data : undefined;
    let config: client.Configuration;
    try {
      config = await providerConfiguration(oidc);
    } catch (error) {
      return showFailure(reply, name, failureFrom(error));
    }
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    // Ties the callback to this browser: a callback URL that reaches another browser is refused.
    const browser = /^[A-Za-z0-9_-]{43}$/.test(req.cookies[BROWSER_COOKIE] ?? '') ? req.cookies[BROWSER_COOKIE]! : crypto.randomBytes(32).toString('base64url');
    reply.setCookie(BROWSER_COOKIE, browser, { ...cookieOptions(deps.config), maxAge: PENDING_MINUTES * 60 });
    const nextPage = pageAfterSignIn(query?.next, deps.config.publicUrl);
    await rememberSignIn(deps.db, name, state, browser, { codeVerifier, nonce, nextPage });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(deps.config, name),
      state, nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ...extra(query),
    });
    return reply.redirect(url.href, 303);
  }

  /** The callback's common part: the pending sign-in it belongs to, then openid-client's checks; the ID token's claims, or why not. */
  async function exchange(req: FastifyRequest, name: ProviderName, oidc: OidcClient) {
    const q = callbackQuery.safeParse(req.query);
    if (!q.success) return { failure: untrusted('missing-state', 'The sign-in answer did not say which sign-in it belongs to.') };
    const pending = await takeSignIn(deps.db, name, q.data.state, req.cookies[BROWSER_COOKIE]);
    if ('refused' in pending) {
      const words = {
        'unknown-state': 'This sign-in answer has been used already, or was not started from Joinery.',
        'other-browser': 'This sign-in answer was started in a different browser.',
        expired: 'The sign-in took too long.',
      }[pending.refused];
      return { failure: untrusted(pending.refused, words) };
    }
    try {
      const config = await providerConfiguration(oidc);
      const currentUrl = new URL(`${redirectUri(deps.config, name)}${req.url.slice(req.url.indexOf('?'))}`);
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier, expectedState: q.data.state, expectedNonce: pending.nonce, idTokenExpected: true,
      });
      return { claims: tokens.claims()!, idToken: tokens.id_token ?? null, nextPage: pending.nextPage };
    } catch (error) {
      return { failure: failureFrom(error) };
    }
  }

  const unavailable = (reply: FastifyReply, name: ProviderName) =>
    showFailure(reply, name, { status: 403, reason: 'not-configured', words: `Signing in with ${PROVIDER_LABELS[name]} is not set up for this Joinery.`, ask: 'Ask your ICS’s Joinery administrator.' });

  app.get('/sign-in/cis2', { config: { public: true } }, async (req, reply) =>
    providers.cis2 ? start(req, reply, 'cis2', () => ({ scope: CIS2_SCOPE })) : unavailable(reply, 'cis2'));

  app.get('/sign-in/nhs-login', { config: { public: true } }, async (req, reply) =>
    providers.nhsLogin
      ? start(req, reply, 'nhs-login', (query) => ({ scope: NHS_LOGIN_SCOPE, vtr: JSON.stringify(query?.for === 'advice' ? ADVICE_VECTORS : P9_VECTORS) }))
      : unavailable(reply, 'nhs-login'));

  app.get('/sign-in/cis2/callback', { config: { public: true } }, async (req, reply) => {
    if (!providers.cis2) return unavailable(reply, 'cis2');
    const result = await exchange(req, 'cis2', providers.cis2);
    if ('failure' in result) return showFailure(reply, 'cis2', result.failure!);
    const claims = cis2Claims.safeParse(result.claims);
    if (!claims.success) {
      const names = claimNames(claims.error);
      return showFailure(reply, 'cis2', untrusted('token-missing-claim', `CIS2 did not send everything Joinery needs (${names}).`, names));
    }
    const linked = await cis2Accounts(deps.db, claims.data.nhsid_useruid);
    if (!linked.found) {
      const words = {
        'not-linked': `Your CIS2 identity (user ID ${claims.data.nhsid_useruid}) is not linked to a Joinery account.`,
        'linked-twice': 'Your CIS2 identity is linked to Joinery accounts in more than one ICS, so Joinery cannot tell which one you mean.',
      }[linked.why];
      return showFailure(reply, 'cis2', refused(`account-${linked.why}`, words,
        'Ask your ICS’s Joinery administrator to link your CIS2 identity to your Joinery account (they will need the user ID above), or to correct the account.'));
    }
    const check = chooseCis2Account(claims.data, linked.accounts, deps.config.cis2RequiredAal);
    if (!check.allowed) return showFailure(reply, 'cis2', refused(check.reason, check.words, CIS2_ASK[check.reason]));
    const how = { method: 'cis2' as const, assurance: check.assurance, nrbacRoleId: check.roleId, nrbacRoleName: check.roleName };
    const { token } = await createSession(deps.db, linked.icsId, check.account.professionalId, how, result.idToken);
    reply.clearCookie(FAMILY_SESSION_COOKIE, { path: '/' });
    reply.setCookie(SESSION_COOKIE, token, cookieOptions(deps.config));
    return reply.redirect(result.nextPage, 303);
  });

  app.get('/sign-in/nhs-login/callback', { config: { public: true } }, async (req, reply) => {
    if (!providers.nhsLogin) return unavailable(reply, 'nhs-login');
    const result = await exchange(req, 'nhs-login', providers.nhsLogin);
    if ('failure' in result) {
      const failure = result.failure!;
      // NHS login says access_denied when the person has not proved who they are to the level asked for.
      if (failure.reason === 'provider-refused') {
        return showFailure(reply, 'nhs-login', refused('identity-level-too-low',
          'NHS login could not confirm who you are to the level needed to see a child’s information (P9: photo ID checked).',
          'You can prove your identity in the NHS App, then sign in again. You can still sign in to read advice: use “Sign in with NHS login for advice only” on the sign-in page.'));
      }
      return showFailure(reply, 'nhs-login', failure);
    }
    const claims = nhsLoginClaims.safeParse(result.claims);
    if (!claims.success) {
      const names = claimNames(claims.error);
      return showFailure(reply, 'nhs-login', untrusted('token-missing-claim', `NHS login did not send everything Joinery needs (${names}).`, names));
    }
    const { token } = await createFamilySession(deps.db, familyMemberFrom(claims.data), result.idToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.setCookie(FAMILY_SESSION_COOKIE, token, cookieOptions(deps.config));
    return reply.redirect('/family', 303);
  });

  // /family itself is the family capability's (src/family/routes.ts): sign-in lands there.

  app.get('/signed-out', { config: { public: true } }, async (_req, reply) =>
    reply.page('platform/auth/oidc/views/signed-out.njk', { title: 'You have signed out' }));
};

/** Where sign-out goes after ending Joinery's session: the provider's end_session_endpoint when the session came from one. */
export async function providerSignOutUrl(deps: AppDeps, name: ProviderName, idToken: string): Promise<string | null> {
  const oidc = (deps.nhsSignIn ?? NO_NHS_SIGN_IN)[name === 'cis2' ? 'cis2' : 'nhsLogin'];
  if (!oidc) return null;
  try {
    const config = await providerConfiguration(oidc);
    if (!config.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri(deps.config) }).href;
  } catch {
    return null;
  }
}
