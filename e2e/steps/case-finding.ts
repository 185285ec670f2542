import type { Page } from 'playwright-core';
import { follow } from '../browser.js';
import { press } from './pages.js';

/** The analyst fills in what is given of a case-finding rule (a name, and one measure with its threshold) and adds it. */
export async function addACaseFindingRule(page: Page, rule: { name?: string; measure?: string; atLeast?: number }): Promise<void> {
  if (rule.name) await page.getByLabel('Name', { exact: true }).fill(rule.name);
  if (rule.measure) await page.locator('#criteria-0-measure').selectOption(rule.measure);
  if (rule.atLeast !== undefined) await page.locator('#criteria-0-atLeast').fill(String(rule.atLeast));
  await press(page, 'Add rule');
}

/** The analyst stops using a rule: it lists no more children. */
export const stopUsingRule = (page: Page, name: string) => press(page, `Stop using ${name}`);

/** A child's row on the case-finding list (listed as "FAMILY, Given"). */
export const caseFindingRowFor = (page: Page, child: { given_name: string; family_name: string }) =>
  page.locator('tr', { hasText: `${child.family_name.toUpperCase()}, ${child.given_name}` });

/** The hub lead brings a child on the case-finding list to the hub's next MDT with room. */
export async function bringToTheMdt(page: Page, child: { given_name: string; family_name: string }): Promise<void> {
  await follow(page, caseFindingRowFor(page, child).getByRole('button', { name: /Bring to the MDT/ }));
}
