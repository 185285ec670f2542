import type { Page } from 'playwright-core';
import { follow, textOf } from '../browser.js';

/** What any page offers: its links, its buttons, and the words a user reads first. */

/** The user follows the one link with this name. */
export async function openLink(page: Page, name: string | RegExp, opts: { exact?: boolean } = {}): Promise<void> {
  await follow(page, page.getByRole('link', { name, exact: opts.exact }));
}

/** The user follows the first of the links with this name (the header and the page may both offer it, or a list many). */
export async function openFirstLink(page: Page, name: string | RegExp): Promise<void> {
  await follow(page, page.getByRole('link', { name }).first());
}

/** The user presses the one button with this name, sending its form: the HTTP status of the page that comes back. */
export async function press(page: Page, name: string | RegExp): Promise<number | undefined> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name }).click()]);
  return response?.status();
}

/** The page's main heading. */
export const headingOf = (page: Page) => textOf(page.getByRole('heading', { level: 1 }));

/** What the page's alert says: the problems with a form, or that something was done. */
export const alertOf = (page: Page) => textOf(page.getByRole('alert'));

/** Everything in the page's main part. */
export const mainOf = (page: Page) => textOf(page.locator('main'));

/** The first table on the page. */
export const tableOf = (page: Page) => textOf(page.getByRole('table'));

/** The user downloads what a link points at, as the browser would with their session: its address and the response. */
export async function download(page: Page, link: import('playwright-core').Locator) {
  const href = await link.getAttribute('href');
  return { href, response: await page.request.get(new URL(href!, page.url()).toString()) };
}

/** The user saves this page as a PDF (its address with `.pdf`). */
export const downloadAsPdf = (page: Page) => page.request.get(`${page.url()}.pdf`);
