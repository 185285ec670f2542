// Test helpers: a relying party (openid-client, as Joinery uses) and a cookie-keeping "browser"
// over fetch that follows redirects by hand, to drive the stand-ins' real sign-in over HTTP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import type { StandInClient, StandInFamilyMember, StandInOptions, StandInStaffMember } from './types.js';

export const RP = 'http://localhost:39999';

export async function makeClient(clientId: string, kind: 'cis2' | 'nhs-login') {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `${clientId}-key`;
  const standIn: StandInClient = {
    clientId,
    redirectUris: [`${RP}/sign-in/${kind}/callback`],
    postLogoutRedirectUris: [`${RP}/signed-out`],
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } as JsonWebKey] },
  };
  return { standIn, privateKey, kid, redirectUri: standIn.redirectUris[0]! };
}

export type TestClient = Awaited<ReturnType<typeof makeClient>>;

/** Joinery's side: discovery with the client authenticating by private_key_jwt. */
export async function relyingParty(issuer: string, client: TestClient, signingKey: CryptoKey = client.privateKey) {
  return oidc.discovery(new URL(issuer), client.standIn.clientId, { token_endpoint_auth_method: 'private_key_jwt' }, oidc.PrivateKeyJwt({ key: signingKey, kid: client.kid }), {
    execute: [oidc.allowInsecureRequests],
  });
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stand-in-providers-'));
}

/** Both stand-ins on free ports in a new data folder, each with its own registered client and demo people. */
export async function bothStandIns(staff: StandInStaffMember[], people: StandInFamilyMember[]) {
  const clients = { cis2: await makeClient('joinery-cis2', 'cis2'), nhsLogin: await makeClient('joinery-nhs-login', 'nhs-login') };
  const options: StandInOptions = {
    host: '127.0.0.1',
    publicHost: 'localhost',
    dataDir: tempDataDir(),
    cis2: { port: 0, clients: [clients.cis2.standIn], staff: async () => staff },
    nhsLogin: { port: 0, clients: [clients.nhsLogin.standIn], people: async () => people },
  };
  return { clients, options };
}

export type Page = { status: number; url: string; html: string; location?: string };

/** A browser without JavaScript: keeps cookies by name, follows redirects until it leaves for the RP. */
export class Browser {
  private cookies = new Map<string, string>();

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private keep(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now());
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Visits a URL (GET, or POST of a form) and follows redirects; stops at the RP's own URLs. */
  async visit(url: string, form?: Record<string, string>): Promise<Page> {
    let next = url;
    let body: URLSearchParams | undefined = form ? new URLSearchParams(form) : undefined;
    for (let hops = 0; hops < 10; hops++) {
      if (next.startsWith(RP)) return { status: 0, url: next, html: '' };
      const response = await fetch(next, {
        method: body ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body,
      });
      this.keep(response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        next = new URL(location, next).toString();
        body = undefined;
        continue;
      }
      return { status: response.status, url: next, html: await response.text() };
    }
    throw new Error(`Too many redirects from ${url}`);
  }

  /** Submits the page's form (the first, or the one with this action) with these fields. */
  async submit(page: Page, fields: Record<string, string>, formId?: string): Promise<Page> {
    const forms = [...page.html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)];
    const chosen = forms.find((f) => !formId || f[1]!.includes(`id="${formId}"`));
    if (!chosen) throw new Error(`No form on ${page.url}:\n${page.html}`);
    const action = /action="([^"]*)"/.exec(chosen[1]!)![1]!.replace(/&amp;/g, '&');
    const hidden = Object.fromEntries(
      [...chosen[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')]),
    );
    return this.visit(new URL(action, page.url).toString(), { ...hidden, ...fields });
  }
}

/** Starts a sign-in at the provider as the RP would: PKCE S256, state and nonce. */
export async function startSignIn(config: oidc.Configuration, client: TestClient, scope: string, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url: url.toString(), verifier, state, nonce };
}

/** Exchanges the code the browser brought back, checking state, nonce and PKCE, and returns the ID token's claims. */
export async function finishSignIn(config: oidc.Configuration, callback: string, started: { verifier: string; state: string; nonce: string }) {
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
    expectedNonce: started.nonce,
    idTokenExpected: true,
  });
  return { tokens, claims: tokens.claims()! };
}
