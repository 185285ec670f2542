import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as oidc from 'openid-client';
import { startStandInProviders, type StandInProviders } from './index.js';
import { Browser, bothStandIns, finishSignIn, relyingParty, startSignIn, type TestClient } from './test-sign-in.js';
import { GP, PARENT_P5, PARENT_P9 } from './test-fixtures.js';

const SCOPE = 'openid profile email phone';

describe('stand-in NHS login', () => {
  let providers: StandInProviders;
  let client: TestClient;
  let config: oidc.Configuration;
  let dataDir: string;

  beforeAll(async () => {
    const both = await bothStandIns([GP], [PARENT_P9, PARENT_P5]);
    ({ clients: { nhsLogin: client }, options: { dataDir } } = both);
    providers = await startStandInProviders(both.options);
    config = await relyingParty(providers.nhsLoginIssuer, client);
  });
  afterAll(async () => {
    await providers?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signInAs(sub: string, vtr?: string) {
    const browser = new Browser();
    const started = await startSignIn(config, client, SCOPE, vtr ? { vtr } : {});
    const signInPage = await browser.visit(started.url);
    expect(signInPage.status).toBe(200);
    expect(signInPage.html).toContain('Stand-in for NHS login — demo only, not the real service');
    const back = await browser.submit(signInPage, { person: sub });
    return { browser, started, back };
  }

  it('gives a P9 parent asking P9 the vector P9.Cp.Cd and their identity claims in the ID token', async () => {
    const { started, back } = await signInAs(PARENT_P9.sub, '["P9.Cp.Cd"]');
    const { claims } = await finishSignIn(config, back.url, started);
    expect(claims).toMatchObject({
      iss: providers.nhsLoginIssuer,
      sub: PARENT_P9.sub,
      vot: 'P9.Cp.Cd',
      identity_proofing_level: 'P9',
      nhs_number: '9990000018',
      birthdate: '1988-04-12',
      given_name: 'Maya',
      family_name: 'Hughes',
      email: PARENT_P9.email,
      email_verified: true,
      phone_number: PARENT_P9.phone,
      phone_number_verified: true,
    });
    expect(claims.vtm).toMatch(/^https:\/\/auth\.sandpit\.signin\.nhs\.uk\/trustmark\/localhost:\d+$/);
  });

  it('asks P9 when the RP sends no vtr', async () => {
    const { started, back } = await signInAs(PARENT_P9.sub);
    const { claims } = await finishSignIn(config, back.url, started);
    expect(claims.vot).toBe('P9.Cp.Cd');
  });

  it('gives a P5 parent offered P9 or P5 the vector P5.Cp.Cd', async () => {
    const { started, back } = await signInAs(PARENT_P5.sub, '["P9.Cp.Cd","P5.Cp.Cd"]');
    const { claims } = await finishSignIn(config, back.url, started);
    expect(claims).toMatchObject({ sub: PARENT_P5.sub, vot: 'P5.Cp.Cd', identity_proofing_level: 'P5' });
  });

  it('refuses a P5 parent when the RP asks only P9: back to the RP with access_denied and why', async () => {
    const { started, back } = await signInAs(PARENT_P5.sub, '["P9.Cp.Cd"]');
    const answer = new URL(back.url).searchParams;
    expect(answer.get('error')).toBe('access_denied');
    expect(answer.get('error_description')).toMatch(/identity level too low.*P5.*P9\.Cp\.Cd/);
    expect(answer.get('state')).toBe(started.state);
    expect(answer.get('code')).toBeNull();
  });

  it('refuses a malformed vtr at the authorization endpoint', async () => {
    const browser = new Browser();
    const started = await startSignIn(config, client, SCOPE, { vtr: 'P9 please' });
    const answer = new URL((await browser.visit(started.url)).url).searchParams;
    expect(answer.get('error')).toBe('invalid_request');
    expect(answer.get('error_description')).toMatch(/vtr must be/);
  });

  it('re-shows the sign-in page with an error summary when nobody or a stranger is chosen', async () => {
    const browser = new Browser();
    const started = await startSignIn(config, client, SCOPE);
    const signInPage = await browser.visit(started.url);
    for (const person of ['', 'nobody-we-know', '<script>alert(1)</script>']) {
      const again = await browser.submit(signInPage, { person });
      expect(again.status).toBe(400);
      expect(again.html).toContain('There is a problem');
      expect(again.html).toContain('<a href="#person">Choose who you are signing in as</a>');
      expect(again.html).not.toContain('<script>');
    }
    // The interaction survives the mistakes: the right choice still signs in.
    const back = await browser.submit(signInPage, { person: PARENT_P9.sub });
    expect((await finishSignIn(config, back.url, started)).claims.sub).toBe(PARENT_P9.sub);
  });
  it('answers a form posted without the sign-in cookie (expired or forged) with a page saying so, not an error', async () => {
    const started = await startSignIn(config, client, SCOPE);
    const signInPage = await new Browser().visit(started.url);
    const stranger = await new Browser().submit(signInPage, { person: PARENT_P9.sub });
    expect(stranger.status).toBe(400);
    expect(stranger.html).toContain('Your sign-in has expired');
    const unknown = await new Browser().visit(`${providers.nhsLoginIssuer}/interaction/not-a-real-one/sign-in`, { person: PARENT_P9.sub });
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('Your sign-in has expired');
  });
});
