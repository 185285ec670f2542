import type { Page } from 'playwright-core';
import { enterDate } from './dates.js';
import { openLink, press } from './pages.js';

/** The user opens the list of everyone who has accessed the child's record, from the child's summary. */
export const openAccessLog = (page: Page) => openLink(page, 'See everyone who has accessed this record');

/** The user narrows the access log to one action and events from a date on (YYYY-MM-DD, or what they typed wrong). */
export async function filterAccessLog(page: Page, filter: { action?: string; from: string }): Promise<void> {
  if (filter.action) await page.getByLabel('Action').selectOption(filter.action);
  await enterDate(page.getByRole('group', { name: 'From (optional)' }), filter.from);
  await press(page, 'Filter the log');
}
