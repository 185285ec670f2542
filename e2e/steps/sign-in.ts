import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../test/http.js';
import { follow, noScriptContext } from '../browser.js';
import type { Joinery } from '../server.js';
import { checkPageIsAccessible } from './accessibility.js';

/** The demo people a journey signs in as, by the start of their email address. */
export type DemoUser =
  | 'gp' | 'paediatrician' | 'social-worker' | 'senco' | 'care-coordinator'
  | 'hub-admin' | 'privacy-officer' | 'ics-analyst' | 'admin' | 'clinical-lead';

export const emailOf = (who: DemoUser) => `${who}@demo.joinery.test`;

/**
 * The user opens a browser window of their own (its own cookies), with
 * JavaScript on unless they browse without it. Paths like '/worklist' go to
 * this Joinery.
 */
export async function openAWindow(joinery: Pick<Joinery, 'browser' | 'baseUrl'>, opts: { javaScript?: boolean } = {}): Promise<Page> {
  const options = { baseURL: joinery.baseUrl };
  const context = opts.javaScript === false ? await noScriptContext(joinery.browser, options) : await joinery.browser.newContext(options);
  context.setDefaultTimeout(10_000);
  return context.newPage();
}

/** The user signs in with their email address and password and lands on their home page (both pages scanned). */
export async function signInAs(page: Page, who: DemoUser): Promise<Page> {
  await page.goto('/sign-in');
  await checkPageIsAccessible(page, 'sign in');
  await page.getByLabel('Email address').fill(emailOf(who));
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  // Exactly "Sign in": a Joinery that also offers NHS CIS2 and NHS login has buttons named for those too.
  await follow(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  await page.waitForURL('/');
  await checkPageIsAccessible(page, `home of ${emailOf(who)}`);
  return page;
}

/** The user opens a window of their own and signs in: the start of most journeys. */
export async function signInInANewWindow(joinery: Pick<Joinery, 'browser' | 'baseUrl'>, who: DemoUser, opts: { javaScript?: boolean } = {}): Promise<Page> {
  return signInAs(await openAWindow(joinery, opts), who);
}

/** The user closes their window, and with it their session's cookies. */
export async function closeTheWindow(page: Page): Promise<void> {
  await page.context().close();
}

/** The user signs out from the header. */
export async function signOut(page: Page): Promise<void> {
  await follow(page, page.getByRole('button', { name: 'Sign out' }));
}

/**
 * A parent, carer or young person signs in with NHS login (the stand-in,
 * choosing who they are by name) in a phone-sized window of their own,
 * without JavaScript unless asked, and lands on their family home page
 * (scanned).
 */
export async function signInWithNhsLogin(
  joinery: Pick<Joinery, 'browser' | 'baseUrl'>, person: { givenName: string; familyName: string }, opts: { javaScript?: boolean } = {},
): Promise<Page> {
  const page = await openAWindow(joinery, { javaScript: opts.javaScript ?? false });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/sign-in');
  await follow(page, page.getByRole('button', { name: 'Sign in with NHS login' }));
  await page.getByLabel(new RegExp(`${person.givenName} ${person.familyName}`)).check();
  await follow(page, page.getByRole('button', { name: /Continue|Sign in/ }));
  await page.waitForURL(`${joinery.baseUrl}/family`);
  await checkPageIsAccessible(page, 'family home');
  return page;
}
