import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { launchChromium, expectAccessible, screenshot, textOf, follow, signedIn as signInAs, JOURNEY } from './browser.js';
import { startServer } from './server.js';

/**
 * The population dashboards in a real browser without JavaScript, every page
 * scanned for accessibility: an analyst picks a hub, opens ED attendances
 * (the XmR chart and its table), breaks it down by deprivation (Core20) and
 * by practice (a funnel plot), downloads the CSV, then records a care model
 * and reads its evaluation.
 */
describe('population dashboards', JOURNEY, () => {
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

  const signedIn = (role: string) => signInAs(browser, server.baseUrl, `${role}@demo.joinery.test`, { javaScript: false });

  it('an ICS analyst reads ED attendances for a hub: the chart, by deprivation and by practice, and downloads the data', async () => {
    const { page, context } = await signedIn('ics-analyst');
    await page.goto(`${server.baseUrl}/population`);
    await expectAccessible(page, 'population dashboard');
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(15);

    const [hub] = await rows<{ name: string }>(server.db.owner, sql`SELECT name FROM cluster WHERE ics_id = ${server.ics.icsId}::uuid ORDER BY name LIMIT 1`);
    await page.getByLabel('Area').selectOption({ label: `Hub: ${hub.name}` });
    await follow(page, page.getByRole('button', { name: 'Show indicators' }));
    expect(await textOf(page.getByRole('heading', { level: 2 }).first())).toBe(hub.name);
    await expectAccessible(page, 'population dashboard for a hub');

    await follow(page, page.getByRole('link', { name: 'ED attendances, ages 0 to 17' }));
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('ED attendances, ages 0 to 17');
    const chart = page.getByRole('img', { name: /^XmR chart of ED attendances, ages 0 to 17, / });
    expect(await chart.count()).toBe(1); // the phone's drawing is hidden on a wide screen
    expect(await textOf(page.locator('caption'))).toContain(`ED attendances, ages 0 to 17, ${hub.name}, by month`);
    await expectAccessible(page, 'indicator by month');
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.getByRole('img', { name: /^XmR chart/ }).count()).toBe(1);
    await screenshot(page, 'population-indicator-375');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByLabel('Break down by').selectOption('imd');
    await follow(page, page.getByRole('button', { name: 'Show' }));
    await expectAccessible(page, 'indicator by deprivation');
    expect(await textOf(page.locator('.population-table__row--core20 th'))).toContain('Core20');
    expect(await page.getByRole('img', { name: /^Bar chart of ED attendances/ }).count()).toBe(1);

    await page.getByLabel('Break down by').selectOption('practice');
    await follow(page, page.getByRole('button', { name: 'Show' }));
    await expectAccessible(page, 'indicator by practice');
    expect(await page.getByRole('img', { name: /^Funnel plot of ED attendances/ }).count()).toBe(1);
    await screenshot(page, 'population-funnel');

    const href = await page.getByRole('link', { name: /Download this table \(CSV\)/ }).getAttribute('href');
    expect(href).toMatch(/^\/population\/indicators\/ed-attendances\.csv\?scope=cluster%3A[0-9a-f-]+&breakdown=practice$/);
    const csv = await context.request.get(`${server.baseUrl}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="population-ed-attendances-.+-by-practice-\d{4}-\d{2}\.csv"$/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^Rank,Practice,ODS code,/);
    expect(lines.length - 1).toBe(await page.locator('.population-table--funnel tbody tr').count());
    await context.close();
  });

  it('an analyst records a care model in a hub and reads its evaluation', async () => {
    const { page, context } = await signedIn('ics-analyst');
    await page.goto(`${server.baseUrl}/population/evaluations`);
    await expectAccessible(page, 'care models');
    await follow(page, page.getByRole('button', { name: 'Record care model' }));
    expect(await textOf(page.getByRole('alert'))).toContain('There is a problem');
    await expectAccessible(page, 'care models with errors');
    await page.getByLabel('Care model').fill('child-health-hub');
    await page.getByRole('checkbox').first().check();
    await page.getByLabel('Month', { exact: true }).fill('3');
    await page.getByLabel('Year', { exact: true }).fill(String(new Date().getUTCFullYear() - 2));
    await page.getByLabel('Months to reach full effect').fill('6');
    await follow(page, page.getByRole('button', { name: 'Record care model' }));
    expect(await textOf(page.locator('.nhsuk-notification-banner'))).toContain('Care model recorded: child-health-hub.');
    await expectAccessible(page, 'care model recorded');

    await follow(page, page.getByRole('link', { name: /Evaluate child-health-hub/ }));
    await expectAccessible(page, 'evaluation');
    expect(await textOf(page.locator('main'))).toMatch(/95% confidence interval: from .+ to .+\)/);
    expect(await page.getByRole('img', { name: /^Line chart of ED attendances/ }).count()).toBe(1);
    await screenshot(page, 'population-evaluation');
    await context.close();
  });

  // The Content-Security-Policy in a real browser, with JavaScript on: the layout's inline script and the charts'
  // styles (by nonce) are not refused, nhsuk-frontend's script runs, and sign-out (a form posting its token) works.
  it('an analyst’s pages load with nothing refused, scripts and chart styles working, and sign-out works', async () => {
    const { page, context } = await signInAs(browser, server.baseUrl, 'ics-analyst@demo.joinery.test');
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
