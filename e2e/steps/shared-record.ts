import type { Page } from 'playwright-core';
import { follow } from '../browser.js';
import { enterDate } from './dates.js';
import { press } from './pages.js';

/** The user goes straight to a child's shared record. */
export async function openSharedRecord(page: Page, childId: string): Promise<void> {
  await page.goto(`/children/${childId}/record`);
}

/** The user shows only one kind of contact on the record's timeline. */
export async function filterTimeline(page: Page, contactType: string): Promise<void> {
  await page.getByLabel(contactType).check();
  await press(page, 'Filter the timeline');
}

/** The user fills in what they know of an allergy (on the form "Add an allergy or adverse reaction") and saves it. */
export async function addAnAllergy(page: Page, allergy: { substance?: string; reaction?: string; severity?: string; category?: string }): Promise<void> {
  if (allergy.reaction) await page.getByLabel('Reaction (optional)').fill(allergy.reaction);
  if (allergy.substance) await page.getByLabel('Substance or allergy').fill(allergy.substance);
  if (allergy.severity) await page.getByLabel(allergy.severity).check();
  if (allergy.category) await page.getByLabel(allergy.category).check();
  await press(page, 'Save');
}

/** The user records a contact with the child (on the form "Record a contact"): its type, when it started (YYYY-MM-DD, HH:MM) and why. */
export async function recordAContact(page: Page, contact: { type?: string; startedOn?: string; at?: string; reason?: string }): Promise<void> {
  if (contact.type) await page.getByLabel(contact.type).check();
  if (contact.startedOn) await enterDate(page.getByRole('group', { name: 'When it started' }), contact.startedOn);
  if (contact.at) await page.getByLabel('Time it started').fill(contact.at);
  if (contact.reason) await page.getByLabel('Reason (optional)').fill(contact.reason);
  await press(page, 'Record the contact');
}

/** The user opens the first letter filed in the record (of those whose link says `hasText`). */
export async function openLetterInRecord(page: Page, hasText?: string): Promise<void> {
  await follow(page, page.locator('#letters ~ ul a', { hasText }).first());
}
