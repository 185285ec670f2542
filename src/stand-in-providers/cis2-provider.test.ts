import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as oidc from 'openid-client';
import * as oidcClient from 'openid-client';
import { startStandInProviders, type StandInProviders } from './index.js';
import { RP, Browser, bothStandIns, finishSignIn, makeClient, relyingParty, startSignIn, type TestClient } from './test-sign-in.js';
import { GP, HEALTH_VISITOR_AND_NURSE, PARENT_P9 } from './test-fixtures.js';

const SCOPE = 'openid profile email nhsperson nationalrbacaccess associatedorgs selectedrole';

describe('stand-in NHS CIS2', () => {
  let providers: StandInProviders;
  let client: TestClient;
  let config: oidc.Configuration;
  let dataDir: string;

  beforeAll(async () => {
    const both = await bothStandIns([GP, HEALTH_VISITOR_AND_NURSE], [PARENT_P9]);
    ({ clients: { cis2: client }, options: { dataDir } } = both);
    providers = await startStandInProviders(both.options);
    config = await relyingParty(providers.cis2Issuer, client);
  });
  afterAll(async () => {
    await providers?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes discovery for code flow with PKCE S256, private_key_jwt and RP-initiated logout', () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(providers.cis2Issuer);
    expect(providers.cis2Issuer).toMatch(/^http:\/\/localhost:\d+$/);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    expect(meta.end_session_endpoint).toBe(`${providers.cis2Issuer}/session/end`);
    expect(meta.acr_values_supported).toEqual(['AAL3_ANY', 'AAL2_ANY', 'AAL1_USERPASS']);
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['nationalrbacaccess', 'selectedrole', 'associatedorgs', 'nhsperson']));
  });

  it('signs in a GP with one role and a smartcard: the ID token names them, their role as the selected one, and AAL3', async () => {
    const browser = new Browser();
    const started = await startSignIn(config, client, SCOPE);
    const signInPage = await browser.visit(started.url);
    expect(signInPage.status).toBe(200);
    expect(signInPage.html).toContain('Stand-in for NHS CIS2 — demo only, not the real service');
    const back = await browser.submit(signInPage, { person: GP.uid, authenticator: 'smartcard' });
    const { claims } = await finishSignIn(config, back.url, started);
    expect(claims).toMatchObject({
      iss: providers.cis2Issuer,
      sub: GP.uid,
      nhsid_useruid: GP.uid,
      name: 'Asha Patel',
      given_name: 'Asha',
      family_name: 'Patel',
      email: GP.email,
      acr: 'AAL3_ANY',
      id_assurance_level: '3',
      nhsid_nrbac_roles: GP.roles,
      nhsid_user_orgs: GP.orgs,
      selected_roleid: '555000000901',
    });
    expect(claims.auth_time).toBeTypeOf('number');
  });
  it('asks a nurse who is also a health visitor to select a role, and names the one chosen (the second) in the ID token', async () => {
    const browser = new Browser();
    const started = await startSignIn(config, client, SCOPE);
    const signInPage = await browser.visit(started.url);
    const rolePage = await browser.submit(signInPage, { person: HEALTH_VISITOR_AND_NURSE.uid, authenticator: 'authenticator-app' });
    expect(rolePage.status).toBe(200);
    expect(rolePage.html).toContain('Select your role');
    expect(rolePage.html).toContain('>Health Visitor at Eastside Community Health</label>');
    expect(rolePage.html).toContain('>Nurse at Northfield Children&#39;s Hospital</label>');
    // The name is escaped wherever it is shown.
    expect(rolePage.html).toContain('Tom O&#39;Neill &lt;Jr&gt;');
    expect(rolePage.html).not.toContain('<Jr>');

    const noRole = await browser.submit(rolePage, {});
    expect(noRole.status).toBe(400);
    expect(noRole.html).toContain('<a href="#role">Select the role you are working in</a>');
    const strangerRole = await browser.submit(rolePage, { role: GP.roles[0]!.person_roleid });
    expect(strangerRole.status).toBe(400);

    const back = await browser.submit(rolePage, { role: '555000000912' });
    const { claims } = await finishSignIn(config, back.url, started);
    expect(claims).toMatchObject({
      sub: HEALTH_VISITOR_AND_NURSE.uid,
      acr: 'AAL2_ANY',
      selected_roleid: '555000000912',
      nhsid_nrbac_roles: HEALTH_VISITOR_AND_NURSE.roles,
      nhsid_user_orgs: HEALTH_VISITOR_AND_NURSE.orgs,
    });
  });

  it('says AAL1_USERPASS for a password sign-in, and asks again each time (no silent single sign-on)', async () => {
    const browser = new Browser();
    const first = await startSignIn(config, client, SCOPE);
    const firstBack = await browser.submit(await browser.visit(first.url), { person: GP.uid, authenticator: 'smartcard' });
    expect((await finishSignIn(config, firstBack.url, first)).claims.acr).toBe('AAL3_ANY');

    const second = await startSignIn(config, client, SCOPE);
    const signInAgain = await browser.visit(second.url);
    expect(signInAgain.html).toContain('Sign in with your NHS Care Identity');
    const back = await browser.submit(signInAgain, { person: GP.uid, authenticator: 'password' });
    expect((await finishSignIn(config, back.url, second)).claims.acr).toBe('AAL1_USERPASS');
  });

  it('re-shows the sign-in page with an error summary for a missing person and an unknown authenticator', async () => {
    const browser = new Browser();
    const started = await startSignIn(config, client, SCOPE);
    const signInPage = await browser.visit(started.url);
    const again = await browser.submit(signInPage, { person: '', authenticator: 'fingerprint' });
    expect(again.status).toBe(400);
    expect(again.html).toContain('There is a problem');
    expect(again.html).toContain('<a href="#person">Choose who you are signing in as</a>');
    expect(again.html).toContain('<a href="#authenticator">Choose how you are proving who you are</a>');
  });

  it('shows an NHS.UK page, not a redirect, for an authorization request from an unknown client', async () => {
    const url = new URL(`${providers.cis2Issuer}/auth`);
    url.search = new URLSearchParams({ client_id: 'not-joinery', response_type: 'code', scope: SCOPE, redirect_uri: client.redirectUri }).toString();
    const answer = await new Browser().visit(url.toString());
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('Sorry, there is a problem signing in');
    expect(answer.html).toContain('Stand-in for NHS CIS2');
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = new URL(`${providers.cis2Issuer}/auth`);
    url.search = new URLSearchParams({ client_id: client.standIn.clientId, response_type: 'code', scope: SCOPE, redirect_uri: client.redirectUri, state: 'abc', nonce: 'n' }).toString();
    const answer = new URL((await new Browser().visit(url.toString())).url).searchParams;
    expect(answer.get('error')).toBe('invalid_request');
    expect(answer.get('error_description')).toMatch(/requires PKCE/);
    expect(answer.get('code')).toBeNull();
  });

  it('refuses the code exchange when the client assertion is signed by a key the client did not register', async () => {
    const browser = new Browser();
    const started = await startSignIn(config, client, SCOPE);
    const back = await browser.submit(await browser.visit(started.url), { person: GP.uid, authenticator: 'smartcard' });
    const impostor = await makeClient('joinery-cis2', 'cis2');
    const impostorConfig = await relyingParty(providers.cis2Issuer, client, impostor.privateKey);
    await expect(finishSignIn(impostorConfig, back.url, started)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('ends the provider session at the end_session_endpoint and returns to the RP', async () => {
    const browser = new Browser();
    const started = await startSignIn(config, client, SCOPE);
    const back = await browser.submit(await browser.visit(started.url), { person: GP.uid, authenticator: 'smartcard' });
    const { tokens } = await finishSignIn(config, back.url, started);
    const sessionCookie = () => browser.cookie('cis2_session');
    expect(sessionCookie()).toBeTruthy();

    const endUrl = oidcClient.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${RP}/signed-out`, state: 'bye' });
    const confirm = await browser.visit(endUrl.toString());
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Do you want to sign out of NHS CIS2?');
    const returned = await browser.submit(confirm, { logout: 'yes' }, 'op.logoutForm');
    expect(returned.url).toBe(`${RP}/signed-out?state=bye`);
    expect(sessionCookie()).toBeUndefined();
  });
});

describe('stand-in signing keys', () => {
  it('are made at first start (owner-only file) and reused after a restart (same kid), publishing public keys only', async () => {
    const { options } = await bothStandIns([GP], [PARENT_P9]);
    const { dataDir } = options;
    try {
      const kids = async (issuer: string) => ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string; d?: string }[] }).keys;
      const first = await startStandInProviders(options);
      const before = { cis2: await kids(first.cis2Issuer), nhsLogin: await kids(first.nhsLoginIssuer) };
      await first.close();
      const file = path.join(dataDir, 'stand-in-providers', 'cis2.jwks.json');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dataDir, 'stand-in-providers', 'nhs-login.jwks.json')).mode & 0o777).toBe(0o600);

      const second = await startStandInProviders(options);
      try {
        const after = { cis2: await kids(second.cis2Issuer), nhsLogin: await kids(second.nhsLoginIssuer) };
        expect(after.cis2.map((k) => k.kid)).toEqual(before.cis2.map((k) => k.kid));
        expect(after.nhsLogin.map((k) => k.kid)).toEqual(before.nhsLogin.map((k) => k.kid));
        expect(after.cis2[0]!.kid).not.toBe(after.nhsLogin[0]!.kid);
        // The published keys are public only.
        expect(after.cis2[0]!.d).toBeUndefined();
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
