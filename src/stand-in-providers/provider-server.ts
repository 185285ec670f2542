// One stand-in OpenID provider on its own HTTP server: oidc-provider answers the protocol
// endpoints; our own interaction pages (sign in, choose role, choose family member) answer
// /interaction/<uid>; the NHS.UK stylesheet is served from node_modules.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import Provider, { interactionPolicy, type Account, type Interaction, type KoaContextWithOIDC, type TokenWithGrant } from 'oidc-provider';
import { cookieKeys, signingKeys } from './keys.js';
import { esc, page, raw, STYLESHEET_PATH } from './html.js';
import type { StandInClient } from './types.js';

/** What an interaction page answers: another page to show, or the end of the interaction. */
export type InteractionOutcome =
  | { show: string; status?: number }
  | { signIn: { accountId: string; acr?: string; remember: Record<string, unknown> } }
  | { refuse: { error: string; description: string } };

export type InteractionPages = {
  /** The first page of the interaction. */
  start(interaction: Interaction): Promise<string>;
  /** A form posted to /interaction/<uid>/<step>. */
  submit(interaction: Interaction, step: string, form: URLSearchParams): Promise<InteractionOutcome>;
};

export type StandInProviderSpec = {
  name: 'cis2' | 'nhs-login';
  serviceName: string;
  host: string;
  publicHost: string;
  port: number;
  dataDir: string;
  clients: StandInClient[];
  scopeClaims: Record<string, string[]>;
  /** Extra oidc-provider settings (acrValues, extraParams). */
  settings?: Record<string, unknown>;
  /** The person's claims; `remembered` is what the interaction chose (role, vector of trust). */
  claimsFor(accountId: string, remembered: Record<string, unknown>, issuer: string): Promise<Record<string, unknown> | undefined>;
  pages(issuer: string): InteractionPages;
};

export type RunningProvider = { issuer: string; close(): Promise<void> };

const require = createRequire(import.meta.url);
const NHSUK_CSS = path.join(path.dirname(require.resolve('nhsuk-frontend/package.json')), 'dist/nhsuk/nhsuk-frontend.min.css');

// The CSS fetches its font from a CDN this network cannot reach: drop those rules, use the fallback font.
let stylesheet: string | undefined;
function nhsukCss(): string {
  stylesheet ??= fs.readFileSync(NHSUK_CSS, 'utf8').replace(/@font-face\{[^}]*assets\.nhs\.uk[^}]*\}/g, '');
  return stylesheet;
}

// A demo presenter switches people between sign-ins, and the vector of trust must answer each
// request's vtr: so the stand-ins ask who is signing in every time instead of silently reusing
// their session (the real services would offer single sign-on). A fresh login result ends the asking.
function askEveryTime() {
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('stand_in_asks_every_time', 'the stand-in asks who is signing in on every request', (ctx) =>
      ctx.oidc?.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  return policy;
}

const MAX_FORM_BYTES = 64 * 1024;
/** A working day: how long a stand-in session and its grant last. */
const GRANT_SECONDS = 8 * 3600;

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(html);
}

function messagePage(serviceName: string, title: string, message: string): string {
  return page({ serviceName, title, body: raw(`<h1 class="nhsuk-heading-l">${esc(title)}</h1><p>${esc(message)}</p>`) });
}

async function listen(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function clientMetadata(client: StandInClient) {
  return {
    client_id: client.clientId,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    jwks: client.jwks,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    id_token_signed_response_alg: 'RS256',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    require_auth_time: true,
  };
}

export async function startStandInProvider(spec: StandInProviderSpec): Promise<RunningProvider> {
  const server = http.createServer();
  // Listen first: with port 0 the issuer (which names the port) is known only then.
  const port = await listen(server, spec.host, spec.port);
  try {
    return await serve(server, spec, `http://${spec.publicHost}:${port}`);
  } catch (error) {
    server.close();
    throw error;
  }
}

async function serve(server: http.Server, spec: StandInProviderSpec, issuer: string): Promise<RunningProvider> {
  // What each interaction chose, by grant: the ID token is made later, at the code exchange.
  // Forgotten with the grant, so a long-running demo does not grow without end.
  const remembered = new Map<string, { chosen: Record<string, unknown>; until: number }>();
  const remember = (grantId: string, chosen: Record<string, unknown>) => {
    const now = Date.now();
    for (const [id, entry] of remembered) if (entry.until < now) remembered.delete(id);
    remembered.set(grantId, { chosen, until: now + GRANT_SECONDS * 1000 });
  };

  const provider = new Provider(issuer, {
    clients: spec.clients.map(clientMetadata),
    jwks: await signingKeys(spec.dataDir, spec.name),
    cookies: {
      keys: cookieKeys(spec.dataDir, spec.name),
      // Ports do not separate cookies: name them per provider so CIS2, NHS login and Joinery on one host never clash.
      names: { session: `${spec.name}_session`, interaction: `${spec.name}_interaction`, resume: `${spec.name}_resume` },
      // Plain http cannot carry SameSite=None cookies; lax still rides top-level sign-in and sign-out navigations.
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    responseTypes: ['code'],
    scopes: Object.keys(spec.scopeClaims),
    claims: spec.scopeClaims,
    conformIdTokenClaims: false,
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256'], idTokenSigningAlgValues: ['RS256'] },
    pkce: { required: () => true, methods: ['S256'] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = page({
            serviceName: spec.serviceName,
            title: 'Sign out',
            body: raw(`<h1 class="nhsuk-heading-l">Do you want to sign out of ${esc(spec.serviceName)}?</h1>${form}
<button class="nhsuk-button" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button class="nhsuk-button nhsuk-button--secondary" type="submit" form="op.logoutForm">No, stay signed in</button>`),
          });
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = messagePage(spec.serviceName, 'You have signed out', 'You can close this page.');
        },
      },
    },
    interactions: { policy: askEveryTime(), url: (_ctx: KoaContextWithOIDC, interaction: Interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: KoaContextWithOIDC, accountId: string, token: TokenWithGrant): Promise<Account | undefined> => {
      const chosen = (token?.grantId && remembered.get(token.grantId)?.chosen) || {};
      const claims = await spec.claimsFor(accountId, chosen, issuer);
      if (!claims) return undefined;
      return { accountId, claims: () => claims };
    },
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = page({
        serviceName: spec.serviceName,
        title: 'Sign-in problem',
        body: raw(`<h1 class="nhsuk-heading-l">Sorry, there is a problem signing in</h1>
<p>${esc(out.error_description ?? out.error)}</p><p>Go back to the service you came from and try again.</p>`),
      });
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 1800, Session: GRANT_SECONDS, Grant: GRANT_SECONDS },
    ...spec.settings,
  });
  const pages = spec.pages(issuer);
  const protocol = provider.callback();

  async function interaction(req: http.IncomingMessage, res: http.ServerResponse, uid: string, step: string | undefined) {
    let details: Interaction;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return sendHtml(res, 400, messagePage(spec.serviceName, 'Your sign-in has expired', 'Go back to the service you came from and sign in again.'));
    }
    if (details.uid !== uid) return sendHtml(res, 400, messagePage(spec.serviceName, 'Your sign-in has expired', 'Go back to the service you came from and sign in again.'));
    if (req.method === 'GET' && !step) return sendHtml(res, 200, await pages.start(details));
    if (req.method !== 'POST' || !step) return sendHtml(res, 405, messagePage(spec.serviceName, 'Page not found', 'Use the form to continue.'));
    const form = await readForm(req);
    if (!form) return sendHtml(res, 413, messagePage(spec.serviceName, 'Form too large', 'Go back and try again.'));
    const outcome = await pages.submit(details, step, form);
    if ('show' in outcome) return sendHtml(res, outcome.status ?? 200, outcome.show);
    if ('refuse' in outcome) {
      return provider.interactionFinished(req, res, { error: outcome.refuse.error, error_description: outcome.refuse.description }, { mergeWithLastSubmission: false });
    }
    const grant = new provider.Grant({ accountId: outcome.signIn.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    remember(grantId, outcome.signIn.remember);
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: outcome.signIn.accountId, acr: outcome.signIn.acr, remember: false }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === STYLESHEET_PATH) {
      res.setHeader('Content-Type', 'text/css; charset=utf-8');
      res.end(nhsukCss());
      return;
    }
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/([a-z-]+))?$/.exec(url.pathname);
    if (!match) return protocol(req, res);
    interaction(req, res, match[1]!, match[2]).catch((error: unknown) => {
      console.error(`${spec.serviceName} stand-in: interaction failed`, error);
      if (!res.headersSent) sendHtml(res, 500, messagePage(spec.serviceName, 'Sorry, there is a problem with the service', 'Go back and try again.'));
    });
  });

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
