import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { rows } from '../src/platform/db/client.js';
import { startJoinery, type TestJoinery } from '../test/joinery.js';
import { demoFamilies } from '../src/cli/nhs-sign-in.js';
import { follow, JOURNEY, launchChromium, textOf } from './browser.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { openAWindow } from './steps/sign-in.js';
import { freePort } from './server.js';

/**
 * Signing in as the NHS does, in Chromium without JavaScript: through the
 * stand-in CIS2's and NHS login's own pages and back, with Joinery's pages
 * scanned by axe. Joinery listens at its public URL (localhost), so the
 * providers send the browser back to the address it started from.
 */
describe('signing in with NHS CIS2 and NHS login in a browser without JavaScript', JOURNEY, () => {
  let j: TestJoinery;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    j = await startJoinery('pglite', 100, { PORT: String(port), JOINERY_PUBLIC_URL: baseUrl }, { nhsSignIn: true });
    await j.app.listen({ port, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await j?.close();
  });

  it('the GP, who also works as a community paediatrician, signs in with a smartcard as each in turn by the role chosen at CIS2, sees it in the header, and signs out of both', async () => {
    const accounts = await rows<{ uid: string; role: string; organisation_name: string }>(j.db.owner, sql`
      SELECT p.nhsid_useruid AS uid, p.role, o.name AS organisation_name
        FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
       WHERE p.nhsid_useruid = (SELECT nhsid_useruid FROM professional WHERE email = 'gp@demo.joinery.test') ORDER BY p.role`);
    expect(accounts.map((a) => a.role)).toEqual(['gp', 'paediatrician']);
    const page = await openAWindow({ browser, baseUrl }, { javaScript: false });
    for (const [i, account] of accounts.entries()) {
      await page.goto('/sign-in');
      if (i === 0) await checkPageIsAccessible(page, 'sign in with NHS buttons');
      await follow(page, page.getByRole('button', { name: 'Sign in with NHS CIS2' }));
      expect(page.url().startsWith(j.nhsSignIn!.cis2!.issuer)).toBe(true);
      await page.getByLabel('Who are you signing in as?').selectOption(account.uid);
      await page.getByLabel('Smartcard').check();
      await follow(page, page.getByRole('button', { name: 'Sign in' }));
      // CIS2 asks which of their roles, by organisation: this time, the one at this account's.
      await page.locator('.nhsuk-radios__item').filter({ hasText: `Clinical Practitioner Access Role at ${account.organisation_name}` }).locator('input').check();
      await follow(page, page.getByRole('button', { name: /Continue|Sign in/ }));
      await page.waitForURL(`${baseUrl}/`);
      const header = await textOf(page.locator('header'));
      expect(header).toContain(`(${account.role === 'gp' ? 'GP' : 'Paediatrician'}, ${account.organisation_name})`);
      expect(header).toContain('CIS2 role: Clinical Practitioner Access Role (AAL3_ANY)');
      await checkPageIsAccessible(page, `home after CIS2 as ${account.role}`);
      await follow(page, page.getByRole('button', { name: 'Sign out' }));
      // The stand-in asks whether to sign out of CIS2 too; then back to Joinery.
      if (!page.url().startsWith(baseUrl)) await follow(page, page.getByRole('button', { name: /sign out|yes/i }).first());
      await page.waitForURL(`${baseUrl}/signed-out`);
      if (i === 0) await checkPageIsAccessible(page, 'signed out');
    }
    await page.context().close();
  });

  it('a parent at P9 signs in with NHS login and lands on the family page; someone at P5 is told why not', async () => {
    const [p9, , p5] = await demoFamilies(j.db);
    const page = await openAWindow({ browser, baseUrl }, { javaScript: false });
    await page.goto('/sign-in');
    await follow(page, page.getByRole('button', { name: 'Sign in with NHS login' }));
    expect(page.url().startsWith(j.nhsSignIn!.nhsLogin!.issuer)).toBe(true);
    await page.getByLabel(new RegExp(`${p9!.givenName} ${p9!.familyName}`)).check();
    await follow(page, page.getByRole('button', { name: /Continue|Sign in/ }));
    await page.waitForURL(`${baseUrl}/family`);
    expect(await textOf(page.locator('main'))).toContain('P9: your identity was checked with photo ID');
    await checkPageIsAccessible(page, 'family page');
    await page.context().close();

    const second = await openAWindow({ browser, baseUrl }, { javaScript: false });
    await second.goto('/sign-in');
    await follow(second, second.getByRole('button', { name: 'Sign in with NHS login' }));
    await second.getByLabel(new RegExp(`${p5!.givenName} ${p5!.familyName}`)).check();
    await follow(second, second.getByRole('button', { name: /Continue|Sign in/ }));
    await second.waitForURL(new RegExp(`^${baseUrl}/sign-in/nhs-login/callback`));
    expect(await textOf(second.locator('main'))).toContain('NHS login could not confirm who you are to the level needed');
    await checkPageIsAccessible(second, 'NHS login refused');
    await second.context().close();
  });
});
