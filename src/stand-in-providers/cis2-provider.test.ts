import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as oidc from 'openid-client';
import { startStandInProviders, type StandInProviders } from './index.js';
import { Browser, finishSignIn, makeClient, relyingParty, startSignIn, tempDataDir, type TestClient } from './test-sign-in.js';
import { GP, HEALTH_VISITOR_AND_NURSE, PARENT_P9 } from './test-people.js';

const SCOPE = 'openid profile email nhsperson nationalrbacaccess associatedorgs selectedrole';

describe('stand-in NHS CIS2', () => {
  let providers: StandInProviders;
  let client: TestClient;
  let config: oidc.Configuration;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDataDir();
    client = await makeClient('joinery-cis2', 'cis2');
    const family = await makeClient('joinery-nhs-login', 'nhs-login');
    providers = await startStandInProviders({
      host: '127.0.0.1',
      publicHost: 'localhost',
      dataDir,
      cis2: { port: 0, clients: [client.standIn], staff: async () => [GP, HEALTH_VISITOR_AND_NURSE] },
      nhsLogin: { port: 0, clients: [family.standIn], people: async () => [PARENT_P9] },
    });
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
});
