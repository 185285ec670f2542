import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow } from './steps/sign-in.js';
import { alertOf, headingOf, mainOf, openLink, press } from './steps/pages.js';

/**
 * The privacy officer searches the ICS's access log, with JavaScript on and
 * off: from the home page, by a person's name, then by a mistyped NHS number
 * (the error summary), then emergency access only. Every page scanned.
 */
describe('the privacy officer searches the access log', JOURNEY, () => {
  let joinery: Joinery;

  beforeAll(async () => { joinery = await startJoineryAndBrowser(); });
  afterAll(() => joinery?.close());

  for (const javaScript of [true, false]) {
    it(`finds events by person and by emergency access, and says what is wrong with a filter (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const officer = await signInInANewWindow(joinery, 'privacy-officer', { javaScript });
      await openLink(officer, 'Access log');
      expect(await headingOf(officer)).toBe('Access log');
      await checkPageIsAccessible(officer, 'access log');

      await officer.getByLabel('Search (optional)').fill('privacy');
      await press(officer, 'Filter the log');
      expect(await mainOf(officer)).toMatch(/Showing 1 to \d+ of \d+ events?\.|No events match the filter\./);
      await checkPageIsAccessible(officer, 'access log searched');

      await officer.getByLabel('Child’s NHS number (optional)').fill('999 123');
      await press(officer, 'Filter the log');
      expect(await alertOf(officer)).toContain('Enter a 10-digit NHS number, like 999 123 4560');
      await checkPageIsAccessible(officer, 'access log with an error');

      await officer.getByLabel('Child’s NHS number (optional)').fill('');
      await officer.getByLabel('Search (optional)').fill('');
      await officer.getByLabel('Only emergency access').check();
      await press(officer, 'Filter the log');
      expect(new URL(officer.url()).searchParams.get('emergency')).toBe('yes');
      await checkPageIsAccessible(officer, 'access log, emergency access only');
      await closeTheWindow(officer);
    });
  }
});
