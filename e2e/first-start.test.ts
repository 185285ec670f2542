import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJoinery } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import type { Database } from '../src/platform/db/client.js';
import { GettingReady } from '../src/platform/http/getting-ready.js';
import { freshDatabase } from '../test/database.js';
import { launchChromium, noScriptContext } from './browser.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { headingOf } from './steps/pages.js';

/**
 * A newcomer's first `npm start`: Joinery answers before the demo ICS is
 * made. The page saying so is scanned with JavaScript on and off; with it on,
 * the page follows the progress and moves on to signing in once it is ready.
 */
describe('first start, while the demo ICS is made', { timeout: 120_000 }, () => {
  let db: Database;
  let app: FastifyInstance;
  let browser: Browser;
  let baseUrl: string;
  const gettingReady = new GettingReady('the demo ICS', 20_000);

  beforeAll(async () => {
    db = await freshDatabase('pglite');
    app = await buildJoinery({ db, config: loadConfig({}), gettingReady });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.close();
  });

  it('says how far it has got, with and without JavaScript, and with JavaScript goes on to signing in when it is ready', async () => {
    gettingReady.report(5000, 20_000, 'children');
    const plain = await (await noScriptContext(browser, { baseURL: baseUrl })).newPage();
    await plain.goto('/referrals/triage');
    expect(await headingOf(plain)).toBe('Joinery is making the demo ICS');
    expect(await plain.locator('main').innerText()).toContain('Making the children and their records: 5,000 of 20,000 children made.');
    await checkPageIsAccessible(plain, 'first start without JavaScript');

    const scripted = await (await browser.newContext({ baseURL: baseUrl })).newPage();
    await scripted.goto('/');
    await checkPageIsAccessible(scripted, 'first start with JavaScript');
    gettingReady.report(15_000, 20_000, 'children');
    await scripted.locator('#getting-ready-percent', { hasText: '75' }).waitFor({ timeout: 15_000 });
    gettingReady.finished();
    await scripted.waitForURL(/\/sign-in/, { timeout: 15_000 });
    expect(await headingOf(scripted)).not.toContain('making');
  });
});
