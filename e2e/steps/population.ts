import type { Page } from 'playwright-core';
import { press } from './pages.js';

/** The analyst shows the population dashboard for one area (by its label, such as "Hub: Name"). */
export async function showIndicatorsFor(page: Page, area: string): Promise<void> {
  await page.getByLabel('Area').selectOption({ label: area });
  await press(page, 'Show indicators');
}

/** The analyst breaks an indicator down another way (by month, deprivation, practice…). */
export async function breakDownBy(page: Page, breakdown: string): Promise<void> {
  await page.getByLabel('Break down by').selectOption(breakdown);
  await press(page, 'Show');
}

/** What a new indicator says, as its form asks it. */
export type IndicatorFields = {
  name?: string; target?: string; id?: string; numerator?: string; denominator?: string;
  rate?: string; direction?: string; targetSource?: string;
};

/** The analyst fills in what is given of "Add an indicator" and adds it. */
export async function addAnIndicator(page: Page, indicator: IndicatorFields): Promise<void> {
  if (indicator.name) await page.getByLabel('Name', { exact: true }).fill(indicator.name);
  if (indicator.target) await page.getByLabel('Target (optional)').fill(indicator.target);
  if (indicator.id) await page.getByLabel('Id', { exact: true }).fill(indicator.id);
  if (indicator.numerator) await page.getByLabel('Numerator').selectOption(indicator.numerator);
  if (indicator.denominator) await page.getByLabel('Denominator').selectOption(indicator.denominator);
  if (indicator.rate) await page.getByLabel(indicator.rate).check();
  if (indicator.direction) await page.getByLabel(indicator.direction).check();
  if (indicator.targetSource) await page.getByLabel('Where the target comes from').fill(indicator.targetSource);
  await press(page, 'Add indicator');
}

/**
 * The analyst records a care model started in the first area offered: its
 * name, the month it started and how long it takes to work; with nothing
 * given, the form is sent empty.
 */
export async function recordACareModel(page: Page, model?: { name: string; startMonth: number; startYear: number; monthsToFullEffect: number }): Promise<void> {
  if (model) {
    await page.getByLabel('Care model').fill(model.name);
    await page.getByRole('checkbox').first().check();
    await page.getByLabel('Month', { exact: true }).fill(String(model.startMonth));
    await page.getByLabel('Year', { exact: true }).fill(String(model.startYear));
    await page.getByLabel('Months to reach full effect').fill(String(model.monthsToFullEffect));
  }
  await press(page, 'Record care model');
}

/** The analyst shows hub activity for one area (by its label) from a number of months back, or the earliest month kept. */
export async function showHubActivity(page: Page, area: string, monthsBack: number): Promise<void> {
  await page.getByLabel('Area').selectOption({ label: area });
  const months = await page.getByLabel('From').locator('option').allTextContents();
  await page.getByLabel('From').selectOption({ label: months[Math.max(0, months.length - monthsBack)] });
  await press(page, 'Show activity');
}
