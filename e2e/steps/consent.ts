import type { Page } from 'playwright-core';
import { enterDate, londonToday } from './dates.js';
import { press } from './pages.js';

/**
 * The professional records a family's decision on the child's consent page:
 * the agency, what was decided, by the first person with parental
 * responsibility the page offers, today.
 */
export async function recordTheFamilysConsent(page: Page, childId: string, agency: string, decision: 'Given' | 'Refused' | 'Withdrawn'): Promise<void> {
  await page.goto(`/children/${childId}/consent`);
  await page.getByRole('group', { name: 'Which agency is it about?' }).getByLabel(agency, { exact: true }).check();
  await page.getByRole('group', { name: 'What did they decide?' }).getByLabel(decision, { exact: true }).check();
  await page.getByRole('group', { name: 'Who decided?' }).getByRole('radio').first().check();
  await enterDate(page.getByRole('group', { name: 'When did they decide?' }), londonToday());
  await press(page, 'Record the decision');
}
