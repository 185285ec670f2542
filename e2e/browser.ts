import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** Each journey visits and scans dozens of pages in turn: on two busy cores that can take minutes. */
export const JOURNEY = { timeout: 300_000 } as const;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with its calls home switched off (this network is closed). */
export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (CI does this in .ci/run)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

const withoutJavaScript = new WeakSet<BrowserContext>();

/** A browser context with JavaScript off, as some users browse: pages must work without it. */
export async function noScriptContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ ...options, javaScriptEnabled: false });
  withoutJavaScript.add(context);
  return context;
}

/** Whether this page's window browses without JavaScript. */
export const isWithoutJavaScript = (page: Page) => withoutJavaScript.has(page.context());

/** Optional screenshots for a person to look at: set JOINERY_SCREENSHOTS=folder. */
export async function screenshot(page: Page, name: string) {
  const dir = process.env.JOINERY_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** The text of the first match, once it is on the page (vitest has no Playwright matchers). */
export async function textOf(locator: import('playwright-core').Locator): Promise<string> {
  await locator.first().waitFor({ timeout: 10_000 });
  return locator.first().innerText();
}

/** Clicks something that loads a new page and waits for that page (forms and links here are plain HTML). */
export async function follow(page: Page, locator: import('playwright-core').Locator): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
}

/** Follows a header link as a person would: opening "More" first when the link is folded into it. */
export async function followHeaderLink(page: Page, name: string): Promise<void> {
  const link = page.locator('.nhsuk-header__navigation').getByRole('link', { name, exact: true });
  const more = page.locator('.nhsuk-header').getByRole('button', { name: 'More' });
  if (!(await link.isVisible()) && (await more.isVisible())) await more.click();
  await follow(page, link);
}
