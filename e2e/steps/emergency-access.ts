import type { Page } from 'playwright-core';
import { follow } from '../browser.js';
import { openFirstLink, press } from './pages.js';

/** The user, refused a child's record, says why they need it and uses emergency access ("breaking the glass"). */
export async function useEmergencyAccess(page: Page, reason: string): Promise<void> {
  await page.getByLabel('Why do you need emergency access?').fill(reason);
  await press(page, 'Use emergency access');
}

/** The privacy officer opens the list of emergency accesses waiting for review. */
export const openEmergencyAccessReviews = (page: Page) => openFirstLink(page, 'Emergency access reviews');

/** The privacy officer records that the first emergency access on the list was appropriate. */
export async function reviewFirstAsAppropriate(page: Page): Promise<void> {
  await page.getByLabel('Appropriate: the reason justified access').first().check();
  await follow(page, page.getByRole('button', { name: 'Record review' }).first());
}
