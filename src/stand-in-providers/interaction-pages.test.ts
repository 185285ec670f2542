// The stand-ins' own pages in a real browser without JavaScript: they work, pass axe and fit a phone.
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, noScriptContext, screenshot } from '../../e2e/browser.js';
import { checkPageIsAccessible } from '../../e2e/steps/accessibility.js';
import { startStandInProviders, type StandInProviders } from './index.js';
import { makeClient, relyingParty, startSignIn, tempDataDir } from './test-sign-in.js';
import { GP, HEALTH_VISITOR_AND_NURSE, PARENT_P5, PARENT_P9 } from './test-fixtures.js';

describe('stand-in sign-in pages in Chromium', () => {
  let browser: Browser;
  let providers: StandInProviders;
  let dataDir: string;
  const clients = { cis2: makeClient('joinery-cis2', 'cis2'), nhsLogin: makeClient('joinery-nhs-login', 'nhs-login') };

  beforeAll(async () => {
    dataDir = tempDataDir();
    providers = await startStandInProviders({
      host: '127.0.0.1',
      publicHost: 'localhost',
      dataDir,
      cis2: { port: 0, clients: [(await clients.cis2).standIn], staff: async () => [GP, HEALTH_VISITOR_AND_NURSE] },
      nhsLogin: { port: 0, clients: [(await clients.nhsLogin).standIn], people: async () => [PARENT_P9, PARENT_P5] },
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await providers?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('CIS2: the sign-in page, its error summary and the role page work without JavaScript and pass axe', async () => {
    const client = await clients.cis2;
    const started = await startSignIn(await relyingParty(providers.cis2Issuer, client), client, 'openid profile nationalrbacaccess selectedrole');
    const context = await noScriptContext(browser, { viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.goto(started.url);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Sign in with your NHS Care Identity');
    await checkPageIsAccessible(page, 'CIS2 sign-in');

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await page.locator('.nhsuk-error-summary').innerText()).toContain('Choose who you are signing in as');
    await checkPageIsAccessible(page, 'CIS2 sign-in with errors');
    await screenshot(page, 'stand-in-cis2-sign-in-errors');

    await page.getByLabel('Who are you signing in as?').selectOption(HEALTH_VISITOR_AND_NURSE.uid);
    await page.getByLabel('Smartcard').check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await page.locator('h1').innerText()).toBe('Select your role');
    await checkPageIsAccessible(page, 'CIS2 select your role');
    await screenshot(page, 'stand-in-cis2-select-role');
    await context.close();
  }, 120_000);

  it('NHS login: the sign-in page works without JavaScript and passes axe', async () => {
    const client = await clients.nhsLogin;
    const started = await startSignIn(await relyingParty(providers.nhsLoginIssuer, client), client, 'openid profile');
    const context = await noScriptContext(browser, { viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await page.goto(started.url);
    expect(await page.locator('h1').innerText()).toBe('Sign in with NHS login');
    expect(await page.getByText('Stand-in for NHS login — demo only, not the real service').isVisible()).toBe(true);
    await checkPageIsAccessible(page, 'NHS login sign-in');
    await screenshot(page, 'stand-in-nhs-login-sign-in');
    await context.close();
  }, 120_000);
});
