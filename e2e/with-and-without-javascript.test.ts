import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { addMonths, londonToday } from '../src/platform/time/form-dates.js';
import { launchChromium, expectAccessible, expectFitsWindow, textOf, follow, signedIn as signInAs, JOURNEY } from './browser.js';
import { startServer } from './server.js';

/**
 * The same pages with JavaScript on and off. On, NHS.UK frontend's components
 * must actually start: a conditional question opens when its answer is chosen,
 * the password can be shown, and header links that do not fit fold into
 * "More". Off, the same pages still do their job.
 */
describe('pages with JavaScript on and off', JOURNEY, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let child: { id: string };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    // A child of the GP's practice with an open care plan, so the GP can add an action to it.
    [child] = await rows(server.db.owner, sql`SELECT c.id FROM child c JOIN care_plan p ON p.child_id = c.id AND p.status <> 'closed'
      WHERE c.registered_practice_id = (SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test') ORDER BY c.id LIMIT 1`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = (email: string, opts: { javaScript?: boolean } = {}) => signInAs(browser, server.baseUrl, email, opts);
  const addActionUrl = () => `${server.baseUrl}/children/${child.id}/care-plan/actions/new`;
  const fillDueDate = async (page: Page) => {
    const [y, m, d] = addMonths(londonToday(), 1).split('-');
    await page.locator('#dueOn-day').fill(String(Number(d)));
    await page.locator('#dueOn-month').fill(String(Number(m)));
    await page.locator('#dueOn-year').fill(y);
  };
  /** The header's links shown in its bar, not folded away into "More". */
  const headerBarLinks = (page: Page) => page.locator('.nhsuk-header__navigation-list > .nhsuk-header__navigation-item:not(.nhsuk-header__menu) a');

  it('with JavaScript on: the password can be shown, "A team" opens the team question at once, and header links fold into "More" at 1024 px', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/sign-in`);
    await page.getByLabel('Password', { exact: true }).fill('not my password');
    await page.getByRole('button', { name: 'Show password' }).click();
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('type')).toBe('text');
    await expectAccessible(page, 'sign in, password shown');
    await context.close();

    const gp = await signedIn('gp@demo.joinery.test');
    await gp.page.goto(addActionUrl());
    await expectAccessible(gp.page, 'add an action');
    const team = gp.page.getByLabel('Team', { exact: true });
    expect(await team.isVisible()).toBe(false);
    await gp.page.getByLabel('A team').check();
    await team.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await gp.page.getByLabel('Person', { exact: true }).isVisible()).toBe(false);
    await expectAccessible(gp.page, 'add an action, a team chosen');
    await gp.context.close();

    // The paediatrician has the most header links: at 1024 px some fold into "More", which opens to show them.
    const paed = await signedIn('paediatrician@demo.joinery.test');
    await paed.page.setViewportSize({ width: 1024, height: 800 });
    const more = paed.page.getByRole('button', { name: 'More' });
    await more.waitFor({ state: 'visible', timeout: 5_000 });
    const folded = paed.page.locator('.nhsuk-header__menu-list a');
    const foldedCount = await folded.count();
    expect(foldedCount).toBeGreaterThan(0);
    expect(await folded.first().isVisible()).toBe(false);
    await more.click();
    expect(await folded.first().isVisible()).toBe(true);
    const shown = await headerBarLinks(paed.page).allInnerTexts();
    expect(shown.length + foldedCount, 'every header link is in the bar or under "More"').toBe(await paed.page.locator('.nhsuk-header__navigation a').count());
    await expectFitsWindow(paed.page, 'home of the paediatrician, "More" open');
    await paed.context.close();
  });

  it('with JavaScript off: sign in, add an action for a team, and every header link shown at 1024 px without "More"', async () => {
    const gp = await signedIn('gp@demo.joinery.test', { javaScript: false });
    // Both owner questions are on the page: the answer chosen decides which one counts.
    await gp.page.goto(addActionUrl());
    await expectAccessible(gp.page, 'add an action without JavaScript');
    await gp.page.getByLabel('What will be done').fill('Check the inhaler technique at school');
    await gp.page.getByLabel('A team').check();
    const team = gp.page.getByLabel('Team', { exact: true });
    expect(await team.isVisible()).toBe(true);
    const teamName = (await team.locator('option').allInnerTexts()).find((t) => t.trim() !== '' && !/choose|select/i.test(t));
    expect(teamName, 'a team to choose').toBeTruthy();
    await team.selectOption({ label: teamName! });
    await fillDueDate(gp.page);
    await follow(gp.page, gp.page.getByRole('button', { name: 'Add the action' }));
    expect(await textOf(gp.page.getByRole('alert'))).toContain('The action has been added');
    expect(await textOf(gp.page.locator('main'))).toContain('Check the inhaler technique at school');
    await expectAccessible(gp.page, 'care plan with the action');
    await gp.context.close();

    const paed = await signedIn('paediatrician@demo.joinery.test', { javaScript: false });
    await paed.page.setViewportSize({ width: 1024, height: 800 });
    expect(await paed.page.getByRole('button', { name: 'More' }).isVisible()).toBe(false);
    const links = paed.page.locator('.nhsuk-header__navigation a');
    for (const link of await links.all()) expect(await link.isVisible(), await link.innerText()).toBe(true);
    await expectFitsWindow(paed.page, 'home of the paediatrician without JavaScript');
    await paed.context.close();
  });
});
