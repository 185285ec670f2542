import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { textOf, JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow } from './steps/sign-in.js';
import { download, headingOf, mainOf, openLink, press } from './steps/pages.js';

/**
 * The children's virtual ward's figures in a real browser without
 * JavaScript, scanned for accessibility at a phone's and a desktop's width:
 * an ICS analyst opens them from the population dashboard, picks a hub,
 * reads how bed days saved are counted, opens re-attendance within 7 days
 * (its SPC chart and table) and downloads the occupancy table.
 */
describe('virtual ward figures', JOURNEY, () => {
  let joinery: Joinery;

  beforeAll(async () => { joinery = await startJoineryAndBrowser(); });
  afterAll(() => joinery?.close());

  it('an ICS analyst reads the virtual ward’s figures for a hub, with the bed days definition, a chart and the occupancy CSV', async () => {
    const analyst = await signInInANewWindow(joinery, 'ics-analyst', { javaScript: false });
    await analyst.goto('/population');
    await openLink(analyst, 'Children’s virtual ward figures');
    expect(await headingOf(analyst)).toBe('Children’s virtual ward figures');
    await checkPageIsAccessible(analyst, 'virtual ward figures');
    expect(await analyst.getByRole('img', { name: /^XmR chart of the occupancy of the virtual ward against its capacity, by month from / }).count()).toBe(1);
    const names = await analyst.locator('tbody th a').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['Virtual ward: admissions', 'Virtual ward: re-attendance within 7 days', 'Virtual ward: bed days saved']));
    expect(names.every((n) => n.startsWith('Virtual ward:'))).toBe(true);
    expect(await mainOf(analyst)).toContain('How bed days saved are counted');
    expect(await mainOf(analyst)).toMatch(/every night the child spent at home on the virtual ward/);
    expect(await textOf(analyst.locator('caption', { hasText: 'by pathway' }))).toMatch(/^Virtual ward figures for .+ by pathway, /);

    const [hub] = await rows<{ name: string }>(joinery.db.owner, sql`SELECT name FROM cluster WHERE ics_id = ${joinery.ics.icsId}::uuid ORDER BY name LIMIT 1`);
    await analyst.getByLabel('Area').selectOption({ label: `Hub: ${hub.name}` });
    await press(analyst, 'Show figures');
    expect(await textOf(analyst.getByRole('heading', { level: 2 }).first())).toBe(hub.name);
    await analyst.setViewportSize({ width: 390, height: 800 });
    await checkPageIsAccessible(analyst, 'virtual ward figures for a hub at 390 px');
    await analyst.setViewportSize({ width: 1280, height: 800 });

    const { response: csv } = await download(analyst, analyst.getByRole('link', { name: /Download the occupancy table \(CSV\)/ }));
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Month,Days on the ward,Capacity (places × days),Occupancy (%)');
    // Two years of months, as the chart above the table draws them.
    expect(lines).toHaveLength(25);

    await openLink(analyst, 'Virtual ward: re-attendance within 7 days');
    expect(await headingOf(analyst)).toBe('Virtual ward: re-attendance within 7 days');
    expect(await analyst.getByRole('img', { name: /^XmR chart of Virtual ward: re-attendance within 7 days, / }).count()).toBe(1);
    await checkPageIsAccessible(analyst, 'virtual ward indicator');
    await closeTheWindow(analyst);
  });

  it('keeps the figures from a role that does not see population health', async () => {
    const socialWorker = await signInInANewWindow(joinery, 'social-worker', { javaScript: false });
    const res = await socialWorker.goto('/population/virtual-ward');
    expect(res?.status()).toBe(403);
    await closeTheWindow(socialWorker);
  });
});
