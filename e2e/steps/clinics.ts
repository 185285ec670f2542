import type { Page } from 'playwright-core';
import { follow } from '../browser.js';
import { enterDate } from './dates.js';
import { press } from './pages.js';

/** A hub clinic as the set-up form asks for it: where, when (YYYY-MM-DD, HH:MM), how many children, and who runs it jointly. */
export type ClinicSession = {
  hubId: string; practiceId: string; date: string; startTime: string; minutesEach: number; appointments: number;
  paediatricianId: string; gpId: string;
};

/** The hub clinic administrator sets up a joint (paediatrician and GP) clinic. */
export async function setUpAJointClinic(page: Page, clinic: ClinicSession): Promise<void> {
  await page.getByLabel('Hub or cluster').selectOption(clinic.hubId);
  await page.getByLabel('Practice where the clinic is held').selectOption(clinic.practiceId);
  await enterDate(page.getByRole('group', { name: 'Date of the clinic' }), clinic.date);
  await page.getByLabel('Start time').fill(clinic.startTime);
  await page.getByLabel('Minutes for each child').fill(String(clinic.minutesEach));
  await page.getByLabel('Number of appointments').fill(String(clinic.appointments));
  await page.getByLabel('Joint (paediatrician and GP)').check();
  await page.getByLabel('Paediatrician', { exact: true }).selectOption(clinic.paediatricianId);
  await page.getByLabel('GP', { exact: true }).selectOption(clinic.gpId);
  await press(page, 'Set up the clinic');
}

/** Warned before setting up a clinic (a weekend, a bank holiday, a clinician's other clinic then), the user confirms and sets it up anyway. */
export async function confirmTheClinicWarnings(page: Page): Promise<void> {
  await page.getByLabel('Yes, set up the clinic anyway').check();
  await press(page, 'Set up the clinic');
}

/** The administrator books the child (on "Choose a slot") into one appointment slot. */
export async function bookIntoClinic(page: Page, slotId: string): Promise<void> {
  await page.locator(`input[name="slotId"][value="${slotId}"]`).check();
  await press(page, 'Book this appointment');
}

/** The clinician records the appointment's outcome (seen together with the GP, the plan, what happens next) and sends the letter. */
export async function recordClinicOutcome(page: Page, outcome: { seenTogether: string; plan: string; next: string }): Promise<void> {
  await page.getByLabel(outcome.seenTogether).check();
  await page.getByLabel('The plan').fill(outcome.plan);
  await page.getByLabel(outcome.next).check();
  await press(page, 'Save and send the outcome letter');
}

/** The user opens one clinic session from the list of hub clinics. */
export async function openClinicSession(page: Page, sessionId: string): Promise<void> {
  await follow(page, page.locator(`a[href="/clinics/${sessionId}"]`));
}
