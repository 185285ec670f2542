import type { Page } from 'playwright-core';
import { followHeaderLink } from '../browser.js';
import { press } from './pages.js';

/** The user opens "My children" from the header: the children they care for, and why. */
export const openMyChildren = (page: Page) => followHeaderLink(page, 'My children');

/** The user searches their own children by name or NHS number. */
export async function searchMyChildren(page: Page, words: string): Promise<number | undefined> {
  await page.getByLabel('Search your children (optional)').fill(words);
  return press(page, 'Search');
}
