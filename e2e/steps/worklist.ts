import type { Page } from 'playwright-core';
import { follow } from '../browser.js';

/** The user opens their worklist: what has happened to their children that they should know. */
export async function openWorklist(page: Page): Promise<void> {
  await page.goto('/worklist');
}

/** The worklist's "Mark as done" buttons, or those for one kind of item. */
export const markAsDoneButtons = (page: Page, item: RegExp = /Mark as done/) => page.getByRole('button', { name: item });

/** The user marks the last item of this kind on their worklist as done. */
export async function markAsDone(page: Page, item: RegExp): Promise<void> {
  await follow(page, markAsDoneButtons(page, item).last());
}
