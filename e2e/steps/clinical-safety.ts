import type { Page } from 'playwright-core';
import { follow } from '../browser.js';

/** One control's card on the DCB0160 handover page (such as "H014-C3"). */
export const controlCard = (page: Page, control: string) => page.locator(`#${control}`);

/** The administrator answers whether a hazard's control is in place in their ICS, and how; with no answer, the card is sent as it is. */
export async function answerForControl(page: Page, control: string, answer?: { inPlace: string; how: string }): Promise<void> {
  const card = controlCard(page, control);
  if (answer) {
    await card.getByLabel(answer.inPlace).check();
    await card.getByLabel('How it is in place, and who owns it').fill(answer.how);
  }
  await follow(page, card.getByRole('button', { name: `Save answer for ${control}` }));
}
