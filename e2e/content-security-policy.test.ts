import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, follow, signedIn, JOURNEY } from './browser.js';
import { startServer } from './server.js';

/**
 * The Content-Security-Policy in a real browser: on the pages with inline
 * script and styles (every page's layout, the dashboards' charts) Chromium
 * refuses nothing, nhsuk-frontend's script runs, the charts' styles apply,
 * and signing out (a form posting its token) works.
 */
describe('pages under the Content-Security-Policy', JOURNEY, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an analyst’s pages load with nothing refused, scripts and chart styles working, and sign-out works', async () => {
    const { page, context } = await signedIn(browser, server.baseUrl, 'ics-analyst@demo.joinery.test');
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await page.exposeFunction('reportRefusal', (what: string) => refused.push(what));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { reportRefusal: (s: string) => void }).reportRefusal(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await page.setViewportSize({ width: 1024, height: 800 });
    for (const path of ['/', '/population', '/population/indicators/ed-attendances']) {
      await page.goto(`${server.baseUrl}${path}`);
      // The layout's inline script (by nonce) marks the page as scripted; nhsuk-frontend's module script loaded from Joinery.
      expect(await page.evaluate(() => document.body.className), path).toContain('js-enabled');
      expect(await page.evaluate(() => document.body.className), path).toContain('nhsuk-frontend-supported');
    }
    // The chart styles (by nonce) show the wide drawing on a wide screen and hide the phone one.
    const display = (selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).display);
    expect(await display('.population-chart__narrow')).toBe('none');
    expect(await display('.population-chart__wide')).toBe('block');
    expect(refused).toEqual([]);

    await follow(page, page.getByRole('button', { name: 'Sign out' }));
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.goto(`${server.baseUrl}/population`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });
});
