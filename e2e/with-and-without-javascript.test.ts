import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageFitsEveryWidth, checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, openAWindow, signInInANewWindow } from './steps/sign-in.js';
import { alertOf, headingOf, mainOf, tableOf } from './steps/pages.js';
import { addMonths, londonToday } from './steps/dates.js';
import { addTheAction, chooseATeamToDoIt } from './steps/care-plans.js';
import { openMyChildren, searchMyChildren } from './steps/my-children.js';
import { formatNhsNumber } from './steps/finding-a-child.js';

/**
 * The same pages with JavaScript on and off. On, NHS.UK frontend's components
 * must actually start: a conditional question opens when its answer is chosen,
 * the password can be shown, and header links that do not fit fold into
 * "More". Off, the same pages still do their job.
 */
describe('pages with JavaScript on and off', JOURNEY, () => {
  let joinery: Joinery;
  let child: { id: string };

  beforeAll(async () => {
    joinery = await startJoineryAndBrowser();
    // A child of the GP's practice with an open care plan, so the GP can add an action to it.
    [child] = await rows(joinery.db.owner, sql`SELECT c.id FROM child c JOIN care_plan p ON p.child_id = c.id AND p.status <> 'closed'
      WHERE c.registered_practice_id = (SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test') ORDER BY c.id LIMIT 1`);
  });
  afterAll(() => joinery?.close());

  /** The GP opens "Add an action" on the child's care plan. */
  const openAddAnAction = (page: Page) => page.goto(`/children/${child.id}/care-plan/actions/new`);
  /** The header's links shown in its bar, not folded away into "More". */
  const headerBarLinks = (page: Page) => page.locator('.nhsuk-header__navigation-list > .nhsuk-header__navigation-item:not(.nhsuk-header__menu) a');

  it('with JavaScript on: the password can be shown, "A team" opens the team question at once, and header links fold into "More" at 1024 px', async () => {
    const visitor = await openAWindow(joinery);
    await visitor.goto('/sign-in');
    await visitor.getByLabel('Password', { exact: true }).fill('not my password');
    await visitor.getByRole('button', { name: 'Show password' }).click();
    expect(await visitor.getByLabel('Password', { exact: true }).getAttribute('type')).toBe('text');
    await checkPageIsAccessible(visitor, 'sign in, password shown');
    await closeTheWindow(visitor);

    const gp = await signInInANewWindow(joinery, 'gp');
    await openAddAnAction(gp);
    await checkPageIsAccessible(gp, 'add an action');
    const team = gp.getByLabel('Team', { exact: true });
    expect(await team.isVisible()).toBe(false);
    await chooseATeamToDoIt(gp);
    await team.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await gp.getByLabel('Person', { exact: true }).isVisible()).toBe(false);
    await checkPageIsAccessible(gp, 'add an action, a team chosen');
    await closeTheWindow(gp);

    // The paediatrician has the most header links: at 1024 px some fold into "More", which opens to show them.
    const paed = await signInInANewWindow(joinery, 'paediatrician');
    await paed.setViewportSize({ width: 1024, height: 800 });
    const more = paed.getByRole('button', { name: 'More' });
    await more.waitFor({ state: 'visible', timeout: 5_000 });
    const folded = paed.locator('.nhsuk-header__menu-list a');
    const foldedCount = await folded.count();
    expect(foldedCount).toBeGreaterThan(0);
    expect(await folded.first().isVisible()).toBe(false);
    await more.click();
    expect(await folded.first().isVisible()).toBe(true);
    const shown = await headerBarLinks(paed).allInnerTexts();
    expect(shown.length + foldedCount, 'every header link is in the bar or under "More"').toBe(await paed.locator('.nhsuk-header__navigation a').count());
    await checkPageFitsEveryWidth(paed, 'home of the paediatrician, "More" open');
    await closeTheWindow(paed);
  });

  it('with JavaScript off: sign in, add an action for a team, and every header link shown at 1024 px without "More"', async () => {
    const gp = await signInInANewWindow(joinery, 'gp', { javaScript: false });
    // Both owner questions are on the page: the answer chosen decides which one counts.
    await openAddAnAction(gp);
    await checkPageIsAccessible(gp, 'add an action without JavaScript');
    await gp.getByLabel('What will be done').fill('Check the inhaler technique at school');
    await chooseATeamToDoIt(gp);
    const team = gp.getByLabel('Team', { exact: true });
    expect(await team.isVisible()).toBe(true);
    const teamName = (await team.locator('option').allInnerTexts()).find((t) => t.trim() !== '' && !/choose|select/i.test(t));
    expect(teamName, 'a team to choose').toBeTruthy();
    await addTheAction(gp, { team: teamName!, dueOn: addMonths(londonToday(), 1) });
    expect(await alertOf(gp)).toContain('The action has been added');
    expect(await mainOf(gp)).toContain('Check the inhaler technique at school');
    await checkPageIsAccessible(gp, 'care plan with the action');
    await closeTheWindow(gp);

    const paed = await signInInANewWindow(joinery, 'paediatrician', { javaScript: false });
    await paed.setViewportSize({ width: 1024, height: 800 });
    expect(await paed.getByRole('button', { name: 'More' }).isVisible()).toBe(false);
    const links = paed.locator('.nhsuk-header__navigation a');
    for (const link of await links.all()) expect(await link.isVisible(), await link.innerText()).toBe(true);
    await checkPageFitsEveryWidth(paed, 'home of the paediatrician without JavaScript');
    await closeTheWindow(paed);
  });
  it.each(['on', 'off'])('My children with JavaScript %s: the social worker finds an allocated child by name, sees why, and meets a plain answer when nothing matches', async (js) => {
    const javaScript = js === 'on';
    const [allocated] = await rows<{ id: string; family_name: string; given_name: string; nhs_number: string; role_in_team: string }>(joinery.db.owner, sql`
      SELECT c.id, c.family_name, c.given_name, c.nhs_number, m.role_in_team FROM care_team_member m JOIN child c ON c.id = m.child_id
       WHERE m.professional_id = (SELECT id FROM professional WHERE email = 'social-worker@demo.joinery.test') AND m.ended_at IS NULL
       ORDER BY c.id LIMIT 1`);
    const sw = await signInInANewWindow(joinery, 'social-worker', { javaScript });
    await sw.setViewportSize({ width: 390, height: 800 });
    await openMyChildren(sw);
    expect(await headingOf(sw)).toBe('My children');
    expect(await tableOf(sw)).toContain(`Care team: ${allocated.role_in_team}`);
    await checkPageIsAccessible(sw, `my children (JavaScript ${js})`);

    expect(await searchMyChildren(sw, `${allocated.given_name} ${allocated.family_name}`)).toBe(200);
    const found = await tableOf(sw);
    expect(found).toContain(allocated.family_name.toUpperCase());
    expect(found).toContain(formatNhsNumber(allocated.nhs_number));
    expect(found).toContain(`Care team: ${allocated.role_in_team}`);
    await sw.setViewportSize({ width: 1280, height: 800 });
    await checkPageIsAccessible(sw, `my children, searched (JavaScript ${js})`);

    expect(await searchMyChildren(sw, 'Zzyzxq')).toBe(200);
    expect(await mainOf(sw)).toContain('No children you care for match ‘Zzyzxq’');
    expect(await searchMyChildren(sw, '<x>')).toBe(400);
    expect(await alertOf(sw)).toContain('Names can only include letters, spaces, hyphens and apostrophes');
    await checkPageIsAccessible(sw, `my children, a search refused (JavaScript ${js})`);
    await closeTheWindow(sw);
  });
});
