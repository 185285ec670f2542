import type { Locator } from 'playwright-core';
import { addMonths, londonToday } from '../../src/platform/time/form-dates.js';

/** Dates as the journeys enter them: today in London, and months from it (one import for every journey). */
export { addMonths, londonToday };

/** Tomorrow in London, as YYYY-MM-DD. */
export const tomorrow = () => new Date(Date.parse(`${londonToday()}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The user types a date (YYYY-MM-DD, or '' to clear it) into a date question's
 * Day, Month and Year boxes, without leading zeros as people type.
 */
export async function enterDate(question: Locator, iso: string): Promise<void> {
  const [y, m, d] = iso === '' ? ['', '', ''] : iso.split('-');
  await question.getByLabel('Day').fill(d && String(Number(d)));
  await question.getByLabel('Month').fill(m && String(Number(m)));
  await question.getByLabel('Year').fill(y);
}
