import type { Page } from 'playwright-core';
import { enterDate } from './dates.js';
import { press } from './pages.js';

/** The hub lead fills in what they have of a series of MDT meetings (the first date YYYY-MM-DD) and schedules them. */
export async function scheduleMdtMeetings(page: Page, series: { title?: string; firstDate?: string; where: string }): Promise<void> {
  if (series.title) await page.getByLabel('Title').fill(series.title);
  if (series.firstDate) await enterDate(page.getByRole('group', { name: 'Date of the first meeting' }), series.firstDate);
  await page.getByLabel('Where').fill(series.where);
  await press(page, 'Schedule the meetings');
}

/** The chair invites a professional, from any agency, to the meeting on the page. */
export async function inviteToMeeting(page: Page, professionalId: string): Promise<void> {
  await page.getByLabel('Invite someone from any agency').selectOption(professionalId);
  await press(page, 'Invite');
}

/** The user brings a child (by NHS number) to the meeting with the question the meeting should answer (on "Bring a child to this meeting"). */
export async function addCaseToMdt(page: Page, nhsNumber: string, question: string): Promise<void> {
  await page.getByLabel('NHS number').fill(nhsNumber);
  await page.getByLabel('What do you want the meeting to answer?').fill(question);
  await press(page, 'Add to the case list');
}

/** The chair ticks who came to the meeting (by their names as listed) and saves the attendance. */
export async function recordAttendance(page: Page, names: string[]): Promise<void> {
  for (const name of names) await page.getByRole('checkbox', { name: new RegExp(`^${name},`) }).check();
  await press(page, 'Save attendance');
}

/** One action the meeting agrees: what, whose (a professional's id) and by when (YYYY-MM-DD); what is left out stays as it is. */
export type MdtAction = { description?: string; ownerId?: string; dueOn?: string };

/** The chair records a child's discussion (what is given of it: actions in the form's order) and sends the outcome letter. */
export async function recordTheDiscussion(page: Page, discussion: { summary?: string; decided?: string; actions?: MdtAction[]; themes?: string[] }): Promise<void> {
  if (discussion.summary) await page.getByLabel('Summary of the discussion').fill(discussion.summary);
  if (discussion.decided) await page.getByLabel('What was decided').fill(discussion.decided);
  for (const [i, action] of (discussion.actions ?? []).entries()) {
    if (action.description) await page.locator(`#actions-${i}-description`).fill(action.description);
    if (action.ownerId) await page.locator(`#actions-${i}-ownerId`).selectOption(action.ownerId);
    if (action.dueOn) await enterDate(page.locator(`#actions-${i}-dueOn`), action.dueOn);
  }
  for (const theme of discussion.themes ?? []) await page.getByLabel(theme).check();
  await press(page, 'Save and send the outcome letter');
}
