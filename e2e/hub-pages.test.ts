import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { launchChromium, expectAccessible, screenshot, textOf, follow, signedIn as signInAs, JOURNEY } from './browser.js';
import { startServer } from './server.js';

/**
 * The hub's other pages in a real browser, each scanned for accessibility:
 * the activity page with its filter and CSVs, the lead's late items and cover
 * rota, a hub's working-day promises, the letter template editor, and the
 * clinical safety pages an administrator keeps (hazard log, safety case, DCB0160).
 */
describe('hub activity, late items, cover and letter templates', JOURNEY, () => {
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

  const signedIn = (role: string, opts: { javaScript?: boolean } = {}) => signInAs(browser, server.baseUrl, `${role}@demo.joinery.test`, opts);

  it('an ICS analyst reads hub activity for a hub over two years, without JavaScript, and downloads a table', async () => {
    const analyst = await signedIn('ics-analyst', { javaScript: false });
    await analyst.page.goto(`${server.baseUrl}/activity`);
    await expectAccessible(analyst.page, 'hub activity');
    const [hub] = await rows<{ name: string }>(server.db.owner, sql`SELECT name FROM cluster WHERE ics_id = ${server.ics.icsId}::uuid ORDER BY name LIMIT 1`);
    await analyst.page.getByLabel('Area').selectOption({ label: hub.name });
    const months = await analyst.page.getByLabel('From').locator('option').allTextContents();
    await analyst.page.getByLabel('From').selectOption({ label: months[Math.max(0, months.length - 24)] });
    await follow(analyst.page, analyst.page.getByRole('button', { name: 'Show activity' }));
    await expectAccessible(analyst.page, 'hub activity for one hub');
    expect(await textOf(analyst.page.locator('caption').first())).toBeTruthy();
    expect(await analyst.page.locator('table').count()).toBe(5);
    await screenshot(analyst.page, 'hub-activity');
    const href = await analyst.page.getByRole('link', { name: /Download this table/ }).first().getAttribute('href');
    const csv = await analyst.context.request.get(`${server.baseUrl}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\n').length).toBeGreaterThan(1);
    await analyst.context.close();
  });

  it('the hub lead sees late items and adds cover to the rota; the administrator sets the hub’s promises', async () => {
    const lead = await signedIn('paediatrician');
    await lead.page.goto(`${server.baseUrl}/referrals/late`);
    await expectAccessible(lead.page, 'late items');
    await lead.page.goto(`${server.baseUrl}/referrals/cover`);
    await expectAccessible(lead.page, 'cover rota');
    await follow(lead.page, lead.page.getByRole('button', { name: 'Add cover' }));
    expect(await textOf(lead.page.getByRole('alert'))).toContain('There is a problem');
    await expectAccessible(lead.page, 'cover rota with errors');
    await lead.context.close();

    const admin = await signedIn('admin');
    const [hub] = await rows<{ id: string }>(server.db.owner, sql`SELECT cl.id FROM cluster cl JOIN professional p ON p.id = cl.lead_paediatrician_id
      WHERE p.email = 'paediatrician@demo.joinery.test'`);
    await admin.page.goto(`${server.baseUrl}/admin/clusters/${hub.id}`);
    await expectAccessible(admin.page, 'hub with working days');
    await admin.page.getByLabel(/triage/i).fill('3');
    await follow(admin.page, admin.page.getByRole('button', { name: 'Save working days' }));
    await expectAccessible(admin.page, 'hub working days saved');
    const [saved] = await rows<{ triage_working_days: number }>(server.db.owner, sql`SELECT triage_working_days FROM cluster WHERE id = ${hub.id}::uuid`);
    expect(saved.triage_working_days).toBe(3);
    await admin.context.close();
  });

  it('the administrator rewords the clinic letter: a preview, a field error, then a saved version', async () => {
    const admin = await signedIn('admin');
    await admin.page.goto(`${server.baseUrl}/admin/letter-templates`);
    await expectAccessible(admin.page, 'letter templates');
    await follow(admin.page, admin.page.getByRole('link', { name: /Clinic outcome/ }).first());
    await expectAccessible(admin.page, 'clinic letter template');
    const body = admin.page.getByLabel(/Body|Wording|Letter text/i).first();
    await body.fill(`${await body.inputValue()}\n\nWith best wishes from the {{chlid}} team`);
    await follow(admin.page, admin.page.getByRole('button', { name: 'Save a new version' }));
    expect(await textOf(admin.page.getByRole('alert'))).toContain('{{chlid}}');
    await expectAccessible(admin.page, 'clinic letter template with errors');
    await body.fill((await body.inputValue()).replace('{{chlid}} team', '{{hub}} team'));
    await follow(admin.page, admin.page.getByRole('button', { name: 'Preview changes' }));
    await expectAccessible(admin.page, 'clinic letter preview');
    await follow(admin.page, admin.page.getByRole('button', { name: 'Save a new version' }));
    await expectAccessible(admin.page, 'clinic letter saved');
    const [latest] = await rows<{ body: string }>(server.db.owner, sql`SELECT body FROM letter_template WHERE kind = 'clinic-outcome' ORDER BY version DESC LIMIT 1`);
    expect(latest.body).toContain('With best wishes from the {{hub}} team');
    await admin.context.close();
  });

  it('the administrator reads the hazard log and the safety case, and confirms a control for their ICS (no JavaScript)', async () => {
    const admin = await signedIn('admin', { javaScript: false });
    const page = admin.page;
    await page.goto(`${server.baseUrl}/`);
    await follow(page, page.getByRole('link', { name: 'Clinical safety' }));
    expect(await textOf(page.locator('h1'))).toBe('Clinical hazard log');
    await expectAccessible(page, 'clinical hazard log');
    await screenshot(page, 'hazard-log');

    await follow(page, page.getByRole('link', { name: /^H001 / }));
    expect(await textOf(page.locator('main'))).toContain('Tests that prove it');
    await expectAccessible(page, 'one hazard');

    await page.goto(`${server.baseUrl}/safety/case`);
    expect(await textOf(page.locator('main'))).toContain('Intended use');
    await expectAccessible(page, 'clinical safety case report');
    await screenshot(page, 'safety-case');

    await page.goto(`${server.baseUrl}/safety/handover`);
    await expectAccessible(page, 'DCB0160 handover');
    const card = page.locator('#H014-C3');
    await follow(page, card.getByRole('button', { name: 'Save answer for H014-C3' }));
    expect(await textOf(page.locator('.nhsuk-error-summary'))).toContain('Select whether this control is in place');
    await expectAccessible(page, 'DCB0160 handover with an error');
    await page.locator('#H014-C3').getByLabel('Yes').check();
    await page.locator('#H014-C3').getByLabel('How it is in place, and who owns it').fill('Reviewed every working morning by the privacy officer.');
    await follow(page, page.locator('#H014-C3').getByRole('button', { name: 'Save answer for H014-C3' }));
    expect(await textOf(page.locator('main'))).toContain('Your answer for H014-C3 has been saved.');
    expect(await textOf(page.locator('#H014-C3'))).toContain('Reviewed every working morning by the privacy officer.');
    await expectAccessible(page, 'DCB0160 handover answered');
    await admin.context.close();
  });
});
