import type { Page } from 'playwright-core';
import { formatNhsNumber } from '../../src/platform/identity/nhs-number.js';
import { follow } from '../browser.js';
import { enterDate } from './dates.js';
import { openFirstLink, press } from './pages.js';

export { formatNhsNumber };

/** The user opens "Find a child" from their home page or header. */
export const openFindAChild = (page: Page) => openFirstLink(page, 'Find a child');

/** The user searches by NHS number or name, with a date of birth (YYYY-MM-DD) when they know it; an earlier date is cleared. */
export async function searchForAChild(page: Page, words: string, dateOfBirth = ''): Promise<void> {
  await page.getByLabel('NHS number or name').fill(words);
  await enterDate(page.getByRole('group', { name: 'Date of birth (optional)' }), dateOfBirth);
  await press(page, 'Search');
}

/** The user opens "Find a child" and searches for the child's NHS number, typed in its usual 3 3 4 spacing. */
export async function findChildByNhsNumber(page: Page, nhsNumber: string): Promise<void> {
  await openFindAChild(page);
  await searchForAChild(page, formatNhsNumber(nhsNumber));
}

/** The user opens a child from the search results (the child summary, or their access log where the search is for one). */
export async function openChildFromResults(page: Page, childId: string, then: '' | '/access-log' = ''): Promise<void> {
  await follow(page, page.locator(`a[href="/children/${childId}${then}"]`).first());
}

/** The user goes straight to a child's summary page. */
export async function openChildSummary(page: Page, childId: string): Promise<void> {
  await page.goto(`/children/${childId}`);
}
