import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { formatNhsNumber } from '../src/platform/identity/nhs-number.js';
import { launchChromium, expectAccessible, screenshot, textOf, follow, signedIn as signInAs, JOURNEY } from './browser.js';
import { startServer } from './server.js';

type Child = { id: string; nhs_number: string; given_name: string; family_name: string; date_of_birth: string };

/** Journeys a professional takes, in a real browser, each page scanned for accessibility. */
describe('browser journeys', JOURNEY, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let mine: Child;
  let notMine: Child;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    const gpOrg = sql`(SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')`;
    [mine] = await rows<Child>(server.db.owner, sql`SELECT id, nhs_number, given_name, family_name, date_of_birth::text FROM child
      WHERE registered_practice_id = ${gpOrg} ORDER BY id LIMIT 1`);
    [notMine] = await rows<Child>(server.db.owner, sql`SELECT id, nhs_number, given_name, family_name, date_of_birth::text FROM child
      WHERE ics_id = ${server.ics.icsId}::uuid AND registered_practice_id <> ${gpOrg} ORDER BY id LIMIT 1`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = (email: string, opts: { javaScript?: boolean } = {}) => signInAs(browser, server.baseUrl, email, opts);

  it('a GP signs in and finds a child by NHS number, by surname and date of birth, and by part of the name', async () => {
    const { context, page } = await signedIn('gp@demo.joinery.test');
    await expectAccessible(page, 'home');
    await screenshot(page, 'home-gp');

    await follow(page, page.getByRole('link', { name: 'Find a child' }).first());
    await expectAccessible(page, 'find a child');
    await follow(page, page.getByRole('button', { name: 'Search' }));
    expect(await textOf(page.getByRole('alert'))).toContain('Enter an NHS number or a name');
    await expectAccessible(page, 'find a child with errors');
    await screenshot(page, 'search-error');

    await page.getByLabel('NHS number or name').fill(formatNhsNumber(mine.nhs_number));
    await follow(page, page.getByRole('button', { name: 'Search' }));
    await page.getByRole('link', { name: new RegExp(mine.given_name) }).first().waitFor();
    await expectAccessible(page, 'search results');

    const [y, m, d] = mine.date_of_birth.split('-');
    await page.getByLabel('NHS number or name').fill(mine.family_name);
    await page.getByLabel('Day').fill(String(Number(d)));
    await page.getByLabel('Month').fill(String(Number(m)));
    await page.getByLabel('Year').fill(y);
    await follow(page, page.getByRole('button', { name: 'Search' }));
    await page.locator(`a[href="/children/${mine.id}"]`).first().waitFor();

    await page.getByLabel('Day').fill('');
    await page.getByLabel('Month').fill('');
    await page.getByLabel('Year').fill('');
    await page.getByLabel('NHS number or name').fill(`${mine.given_name.slice(0, 2)} ${mine.family_name.slice(0, 3)}`);
    await follow(page, page.getByRole('button', { name: 'Search' }));
    await screenshot(page, 'search-results');
    await follow(page, page.locator(`a[href="/children/${mine.id}"]`));

    expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain(mine.given_name);
    await page.getByText(formatNhsNumber(mine.nhs_number)).first().waitFor();
    await expectAccessible(page, 'child summary');
    await screenshot(page, 'child-summary');

    await follow(page, page.getByRole('link', { name: 'See everyone who has accessed this record' }));
    expect(await textOf(page.getByRole('table'))).toContain('Child summary');
    await expectAccessible(page, 'access log');
    await context.close();
  });

  it('without a relationship the GP is refused, breaks the glass with a reason, and the privacy officer reviews it (no JavaScript)', async () => {
    const { context, page } = await signedIn('gp@demo.joinery.test', { javaScript: false });
    await page.goto(`${server.baseUrl}/children/${notMine.id}`);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('You do not have access to this child’s record');
    await expectAccessible(page, 'no access');
    await follow(page, page.getByRole('button', { name: 'Use emergency access' }));
    expect(await textOf(page.getByRole('alert'))).toContain('Enter why you need emergency access');
    await expectAccessible(page, 'break-glass error');
    await page.getByLabel('Why do you need emergency access?').fill('Attending the urgent treatment centre with breathing difficulty');
    await follow(page, page.getByRole('button', { name: 'Use emergency access' }));
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain(notMine.given_name);
    await page.getByText('emergency access', { exact: false }).first().first().waitFor();
    await screenshot(page, 'break-glass-summary');
    await context.close();

    const po = await signedIn('privacy-officer@demo.joinery.test');
    await follow(po.page, po.page.getByRole('link', { name: 'Emergency access reviews' }).first());
    await po.page.getByText('Attending the urgent treatment centre with breathing difficulty').first().waitFor();
    await expectAccessible(po.page, 'break-glass review list');
    await screenshot(po.page, 'privacy-review');
    await po.page.getByLabel('Appropriate: the reason justified access').first().check();
    await follow(po.page, po.page.getByRole('button', { name: 'Record review' }).first());
    expect(await po.page.getByText('Attending the urgent treatment centre with breathing difficulty').count()).toBe(0);

    // The privacy officer finds the child by NHS number and filters who has accessed their record.
    await follow(po.page, po.page.getByRole('link', { name: 'Find a child' }).first());
    await po.page.getByLabel('NHS number or name').fill(formatNhsNumber(notMine.nhs_number));
    await follow(po.page, po.page.getByRole('button', { name: 'Search' }));
    await follow(po.page, po.page.locator(`a[href="/children/${notMine.id}/access-log"]`).first());
    await expectAccessible(po.page, 'access log');
    await po.page.getByLabel('Action').selectOption('child.break-glass');
    await po.page.locator('#from-day').fill('1');
    await po.page.locator('#from-month').fill('1');
    await po.page.locator('#from-year').fill('2000');
    await follow(po.page, po.page.getByRole('button', { name: 'Filter the log' }));
    await po.page.getByText('Showing 1 to 1 of 1 event').waitFor();
    await po.page.locator('#from-month').fill('13');
    await follow(po.page, po.page.getByRole('button', { name: 'Filter the log' }));
    await po.page.getByRole('alert').waitFor();
    await expectAccessible(po.page, 'access log with errors');
    await po.context.close();
  });

  it('a page that does not exist gets the 404 page, and an analyst gets the 403 page', async () => {
    const { context, page } = await signedIn('ics-analyst@demo.joinery.test');
    await expectAccessible(page, 'analyst home');
    const missing = await page.goto(`${server.baseUrl}/no-such-page`);
    expect(missing?.status()).toBe(404);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Page not found');
    await expectAccessible(page, '404');
    const refused = await page.goto(`${server.baseUrl}/children`);
    expect(refused?.status()).toBe(403);
    await expectAccessible(page, '403');
    await page.goto(`${server.baseUrl}/accessibility`);
    await expectAccessible(page, 'accessibility statement');
    await context.close();
  });

  it('an admin adds a new practice and puts it in a cluster', async () => {
    const { context, page } = await signedIn('admin@demo.joinery.test');
    await expectAccessible(page, 'admin home');
    await follow(page, page.getByRole('link', { name: 'Organisations' }).first());
    await expectAccessible(page, 'organisations');
    await follow(page, page.getByRole('button', { name: 'Add an organisation' }));
    await expectAccessible(page, 'new organisation');
    await follow(page, page.getByRole('button', { name: 'Add organisation' }));
    expect(await textOf(page.getByRole('alert'))).toContain('Enter the organisation name');
    await expectAccessible(page, 'new organisation with errors');
    await page.getByLabel('Name').fill('Brookside Family Practice');
    await page.getByLabel('Kind').selectOption({ label: 'GP practice' });
    await page.getByLabel('ODS code').fill('Y99001');
    await follow(page, page.getByRole('button', { name: 'Add organisation' }));

    await follow(page, page.getByRole('link', { name: 'Clusters' }).first());
    await expectAccessible(page, 'clusters');
    await follow(page, page.locator('main a[href^="/admin/clusters/"]:not([href$="/new"])').first());
    await page.getByLabel('GP practice').selectOption({ label: 'Brookside Family Practice (Y99001)' });
    await follow(page, page.getByRole('button', { name: 'Add practice' }));
    expect(await textOf(page.getByRole('table'))).toContain('Brookside Family Practice');
    await expectAccessible(page, 'cluster');
    await screenshot(page, 'admin-cluster');

    await follow(page, page.getByRole('link', { name: 'Users' }).first());
    await expectAccessible(page, 'users');
    await follow(page, page.getByRole('button', { name: 'Add a user' }));
    await expectAccessible(page, 'new user');
    await context.close();
  });
});
