import type { Page } from 'playwright-core';
import { press } from './pages.js';

/** The user opens their task list. */
export async function openTasks(page: Page): Promise<void> {
  await page.goto('/tasks');
}

/** The user marks the open task as done, with its outcome. */
export async function recordTaskDone(page: Page, outcome: string): Promise<void> {
  await page.getByLabel('Done').check();
  await page.getByLabel('Outcome or reason').fill(outcome);
  await press(page, 'Save');
}
