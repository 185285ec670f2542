import type { BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';
import { isWithoutJavaScript } from '../browser.js';

/** A phone, a small laptop and a desktop: a page must fit each without scrolling sideways (WCAG 2.2 reflow). */
export const WINDOW_WIDTHS = [390, 1024, 1280] as const;

const scanned = new Set<string>();

/** Every page path scanned so far in this file, ids folded to `:id`. */
export const pagesScanned = () => [...scanned].sort();

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
 * The user reads the page on a phone, a small laptop and a desktop: no
 * sideways scrolling at any of WINDOW_WIDTHS. The header re-measures its
 * links on the next frame after a resize, so each width is given a moment to
 * settle before it counts as too wide.
 */
export async function checkPageFitsEveryWidth(page: Page, label = page.url()) {
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
 * The page as it stands now works for everyone: zero WCAG 2.2 A/AA
 * violations, and it fits a phone and a desktop. axe needs JavaScript, so a
 * page seen without it is scanned as a copy of its HTML in a scripted page on
 * the same origin.
 */
export async function checkPageIsAccessible(page: Page, label = page.url()) {
  let target = page;
  let scratch: BrowserContext | undefined;
  if (isWithoutJavaScript(page)) {
    scratch = await page.context().browser()!.newContext();
    target = await scratch.newPage();
    await target.goto(new URL('/accessibility', page.url()).toString());
    await target.setContent(await page.content(), { waitUntil: 'load' });
  }
  const results = await new AxeBuilder({ page: target }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']).analyze();
  const problems = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  await scratch?.close();
  expect(problems, `accessibility problems on ${label}`).toEqual([]);
  await checkPageFitsEveryWidth(page, label);
  scanned.add(new URL(page.url()).pathname.replace(/[0-9a-f-]{36}/g, ':id'));
}
