import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../test/http.js';

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

const scanned = new Set<string>();

const withoutJavaScript = new WeakSet<BrowserContext>();

/** A browser context with JavaScript off, as some users browse: pages must work without it. */
export async function noScriptContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  withoutJavaScript.add(context);
  return context;
}

/** A phone, a small laptop and a desktop: a page must fit each without scrolling sideways (WCAG 2.2 reflow). */
export const WINDOW_WIDTHS = [390, 1024, 1280] as const;

/** What sticks out past the window's right edge: the innermost such elements, for the failure message. */
function beyondRightEdge(page: Page): Promise<{ scrollWidth: number; windowWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const windowWidth = document.documentElement.clientWidth;
    const wide = [...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > windowWidth + 0.5);
    const innermost = wide.filter((e) => !wide.some((other) => other !== e && e.contains(other)));
    const culprits = innermost.slice(0, 4).map((e) => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') ?? ''}"> ${(e.textContent ?? '').trim().slice(0, 40)}`);
    return { scrollWidth: document.documentElement.scrollWidth, windowWidth, culprits };
  });
}

/**
 * No sideways scrolling at any of WINDOW_WIDTHS. The header re-measures its
 * links on the next frame after a resize, so each width is given a moment to
 * settle before it counts as too wide.
 */
export async function expectFitsWindow(page: Page, label = page.url()) {
  const before = page.viewportSize() ?? { width: 1280, height: 720 };
  for (const width of WINDOW_WIDTHS) {
    await page.setViewportSize({ width, height: before.height });
    let seen = await beyondRightEdge(page);
    for (let tries = 0; seen.scrollWidth > seen.windowWidth && tries < 10; tries++) {
      await page.waitForTimeout(100);
      seen = await beyondRightEdge(page);
    }
    expect(seen.scrollWidth, `${label} scrolls sideways at ${width} px: ${seen.culprits.join('; ')}`).toBeLessThanOrEqual(seen.windowWidth);
  }
  await page.setViewportSize(before);
}

/**
 * Zero WCAG 2.2 A/AA violations on the page as it stands now, and no sideways
 * scrolling on a phone or a desktop. axe needs
 * JavaScript, so a page seen without it is scanned as a copy of its HTML in a
 * scripted page on the same origin.
 */
export async function expectAccessible(page: Page, label = page.url()) {
  let target = page;
  let scratch: BrowserContext | undefined;
  if (withoutJavaScript.has(page.context())) {
    scratch = await page.context().browser()!.newContext();
    target = await scratch.newPage();
    await target.goto(new URL('/accessibility', page.url()).toString());
    await target.setContent(await page.content(), { waitUntil: 'load' });
  }
  const results = await new AxeBuilder({ page: target }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']).analyze();
  const problems = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  await scratch?.close();
  expect(problems, `accessibility problems on ${label}`).toEqual([]);
  await expectFitsWindow(page, label);
  scanned.add(new URL(page.url()).pathname.replace(/[0-9a-f-]{36}/g, ':id'));
}

export const pagesScanned = () => [...scanned].sort();

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

/**
 * A fresh browser context signed in as a demo user (scanning the sign-in and
 * home pages on the way); without JavaScript when asked.
 */
export async function signedIn(
  browser: Browser, baseUrl: string, email: string, opts: { javaScript?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = opts.javaScript === false ? await noScriptContext(browser) : await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/sign-in`);
  await expectAccessible(page, 'sign in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await follow(page, page.getByRole('button', { name: 'Sign in' }));
  await page.waitForURL(`${baseUrl}/`);
  await expectAccessible(page, `home of ${email}`);
  return { context, page };
}
