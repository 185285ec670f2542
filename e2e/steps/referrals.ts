import type { Page } from 'playwright-core';
import { press } from './pages.js';

/** What the GP writes when asking the hub: the kind of request, how soon, why, what has been tried, and the question. */
export type AdviceRequest = { kind?: string; urgency?: string; reason?: string; tried?: string; question?: string };

/**
 * The GP fills in what is given of "Ask for advice or refer" and sends it to
 * the hub: the HTTP status of the page that comes back (400 with the form
 * again when something is missing).
 */
export async function askTheHubForAdvice(page: Page, request: AdviceRequest): Promise<number | undefined> {
  if (request.kind) await page.getByLabel(request.kind).check();
  if (request.urgency) await page.getByLabel(request.urgency).check();
  if (request.reason) await page.getByLabel('Reason', { exact: true }).fill(request.reason);
  if (request.tried) await page.getByLabel('What has been tried (optional)').fill(request.tried);
  if (request.question) await page.getByLabel('Your question').fill(request.question);
  return press(page, 'Send');
}

/** The user writes a message in the referral's thread and sends it. */
export async function sendAMessage(page: Page, message: string): Promise<void> {
  await page.getByLabel('Write a message').fill(message);
  await press(page, 'Send message');
}

/** The paediatrician decides (by the decision's label) with notes or a reason: the HTTP status (409 when someone decided first). */
export async function decideOnReferral(page: Page, decision: string, notes: string): Promise<number | undefined> {
  await page.getByLabel(decision).check();
  await page.getByLabel('Notes or reason').fill(notes);
  return press(page, 'Save decision');
}

/** The GP opens their referrals and questions. */
export async function openMyReferrals(page: Page): Promise<void> {
  await page.goto('/referrals');
}

/** The row for a child (listed as "FAMILY, Given") in a list of referrals. */
export const referralRowFor = (page: Page, listed: string) => page.getByRole('row').filter({ hasText: listed });
