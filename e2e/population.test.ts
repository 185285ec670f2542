import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { screenshot, textOf, JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow, signOut } from './steps/sign-in.js';
import { alertOf, download, headingOf, mainOf, openLink } from './steps/pages.js';
import { breakDownBy, recordACareModel, showIndicatorsFor } from './steps/population.js';

/**
 * The population dashboards in a real browser without JavaScript, every page
 * scanned for accessibility: an analyst picks a hub, opens ED attendances
 * (the XmR chart and its table), breaks it down by deprivation (Core20) and
 * by practice (a funnel plot), downloads the CSV, then records a care model
 * and reads its evaluation.
 */
describe('population dashboards', JOURNEY, () => {
  let joinery: Joinery;

  beforeAll(async () => { joinery = await startJoineryAndBrowser(); });
  afterAll(() => joinery?.close());

  it('an ICS analyst reads ED attendances for a hub: the chart, by deprivation and by practice, and downloads the data', async () => {
    const analyst = await signInInANewWindow(joinery, 'ics-analyst', { javaScript: false });
    await analyst.goto('/population');
    await checkPageIsAccessible(analyst, 'population dashboard');
    expect(await analyst.locator('tbody tr').count()).toBeGreaterThanOrEqual(15);

    const [hub] = await rows<{ name: string }>(joinery.db.owner, sql`SELECT name FROM cluster WHERE ics_id = ${joinery.ics.icsId}::uuid ORDER BY name LIMIT 1`);
    await showIndicatorsFor(analyst, `Hub: ${hub.name}`);
    expect(await textOf(analyst.getByRole('heading', { level: 2 }).first())).toBe(hub.name);
    await checkPageIsAccessible(analyst, 'population dashboard for a hub');

    await openLink(analyst, 'ED attendances, ages 0 to 17');
    expect(await headingOf(analyst)).toBe('ED attendances, ages 0 to 17');
    const chart = analyst.getByRole('img', { name: /^XmR chart of ED attendances, ages 0 to 17, / });
    expect(await chart.count()).toBe(1); // the phone's drawing is hidden on a wide screen
    expect(await textOf(analyst.locator('caption'))).toContain(`ED attendances, ages 0 to 17, ${hub.name}, by month`);
    await checkPageIsAccessible(analyst, 'indicator by month');
    await analyst.setViewportSize({ width: 375, height: 800 });
    expect(await analyst.getByRole('img', { name: /^XmR chart/ }).count()).toBe(1);
    await screenshot(analyst, 'population-indicator-375');
    await analyst.setViewportSize({ width: 1280, height: 800 });

    await breakDownBy(analyst, 'imd');
    await checkPageIsAccessible(analyst, 'indicator by deprivation');
    expect(await textOf(analyst.locator('.population-table__row--core20 th'))).toContain('Core20');
    expect(await analyst.getByRole('img', { name: /^Bar chart of ED attendances/ }).count()).toBe(1);

    await breakDownBy(analyst, 'practice');
    await checkPageIsAccessible(analyst, 'indicator by practice');
    expect(await analyst.getByRole('img', { name: /^Funnel plot of ED attendances/ }).count()).toBe(1);
    await screenshot(analyst, 'population-funnel');

    const { href, response: csv } = await download(analyst, analyst.getByRole('link', { name: /Download this table \(CSV\)/ }));
    expect(href).toMatch(/^\/population\/indicators\/ed-attendances\.csv\?scope=cluster%3A[0-9a-f-]+&breakdown=practice$/);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="population-ed-attendances-.+-by-practice-\d{4}-\d{2}\.csv"$/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^Rank,Practice,ODS code,/);
    expect(lines.length - 1).toBe(await analyst.locator('.population-table--funnel tbody tr').count());
    await closeTheWindow(analyst);
  });

  it('an analyst records a care model in a hub and reads its evaluation', async () => {
    const analyst = await signInInANewWindow(joinery, 'ics-analyst', { javaScript: false });
    await analyst.goto('/population/evaluations');
    await checkPageIsAccessible(analyst, 'care models');
    await recordACareModel(analyst);
    expect(await alertOf(analyst)).toContain('There is a problem');
    await checkPageIsAccessible(analyst, 'care models with errors');
    await recordACareModel(analyst, { name: 'child-health-hub', startMonth: 3, startYear: new Date().getUTCFullYear() - 2, monthsToFullEffect: 6 });
    expect(await textOf(analyst.locator('.nhsuk-notification-banner'))).toContain('Care model recorded: child-health-hub.');
    await checkPageIsAccessible(analyst, 'care model recorded');

    await openLink(analyst, /Evaluate child-health-hub/);
    await checkPageIsAccessible(analyst, 'evaluation');
    expect(await mainOf(analyst)).toMatch(/95% confidence interval: from .+ to .+\)/);
    expect(await analyst.getByRole('img', { name: /^Line chart of ED attendances/ }).count()).toBe(1);
    await screenshot(analyst, 'population-evaluation');
    await closeTheWindow(analyst);
  });

  // The Content-Security-Policy in a real browser, with JavaScript on: the layout's inline script and the charts'
  // styles (by nonce) are not refused, nhsuk-frontend's script runs, and sign-out (a form posting its token) works.
  it('an analyst’s pages load with nothing refused, scripts and chart styles working, and sign-out works', async () => {
    const analyst = await signInInANewWindow(joinery, 'ics-analyst');
    const refused: string[] = [];
    analyst.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await analyst.exposeFunction('reportRefusal', (what: string) => refused.push(what));
    await analyst.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { reportRefusal: (s: string) => void }).reportRefusal(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await analyst.setViewportSize({ width: 1024, height: 800 });
    for (const path of ['/', '/population', '/population/indicators/ed-attendances']) {
      await analyst.goto(path);
      // The layout's inline script (by nonce) marks the page as scripted; nhsuk-frontend's module script loaded from Joinery.
      expect(await analyst.evaluate(() => document.body.className), path).toContain('js-enabled');
      expect(await analyst.evaluate(() => document.body.className), path).toContain('nhsuk-frontend-supported');
    }
    // The chart styles (by nonce) show the wide drawing on a wide screen and hide the phone one.
    const display = (selector: string) => analyst.locator(selector).first().evaluate((el) => getComputedStyle(el).display);
    expect(await display('.population-chart__narrow')).toBe('none');
    expect(await display('.population-chart__wide')).toBe('block');
    expect(refused).toEqual([]);

    await signOut(analyst);
    expect(new URL(analyst.url()).pathname).toBe('/sign-in');
    await analyst.goto('/population');
    expect(new URL(analyst.url()).pathname).toBe('/sign-in');
    await closeTheWindow(analyst);
  });
});
