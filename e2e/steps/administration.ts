import type { Page } from 'playwright-core';
import { follow } from '../browser.js';
import { press } from './pages.js';

/** The administrator fills in a new organisation's name, kind and ODS code (what is given) and adds it. */
export async function addAnOrganisation(page: Page, organisation: { name?: string; kind?: string; odsCode?: string }): Promise<void> {
  if (organisation.name) await page.getByLabel('Name').fill(organisation.name);
  if (organisation.kind) await page.getByLabel('Kind').selectOption({ label: organisation.kind });
  if (organisation.odsCode) await page.getByLabel('ODS code').fill(organisation.odsCode);
  await press(page, 'Add organisation');
}

/** The administrator opens the first hub (cluster) on the clusters page. */
export async function openFirstCluster(page: Page): Promise<void> {
  await follow(page, page.locator('main a[href^="/admin/clusters/"]:not([href$="/new"])').first());
}

/** The administrator puts a GP practice, by its label "Name (ODS code)", into the cluster on the page. */
export async function addPracticeToCluster(page: Page, practice: string): Promise<void> {
  await page.getByLabel('GP practice').selectOption({ label: practice });
  await press(page, 'Add practice');
}

/** The administrator sets how many working days the hub has to triage, on the hub's page. */
export async function setTriageWorkingDays(page: Page, days: number): Promise<void> {
  await page.getByLabel(/triage/i).fill(String(days));
  await press(page, 'Save working days');
}

/** The letter template's wording, as its form shows it. */
export const letterWording = (page: Page) => page.getByLabel(/Body|Wording|Letter text/i).first();

/** The administrator rewords a letter template, starting from what it says now. */
export async function rewordTheLetter(page: Page, reword: (wording: string) => string): Promise<void> {
  const wording = letterWording(page);
  await wording.fill(reword(await wording.inputValue()));
}
