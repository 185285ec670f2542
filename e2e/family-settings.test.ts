import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow } from './steps/sign-in.js';
import { alertOf, press } from './steps/pages.js';

/** The ICS's family access settings in a real browser without JavaScript, each state scanned for accessibility. */
describe('family access settings', JOURNEY, () => {
  let joinery: Joinery;

  beforeAll(async () => { joinery = await startJoineryAndBrowser(); });
  afterAll(() => joinery?.close());

  it('the administrator is told a review age of 10 is not allowed, then saves 12', async () => {
    const admin = await signInInANewWindow(joinery, 'admin', { javaScript: false });
    await admin.goto('/admin/family-settings');
    await checkPageIsAccessible(admin, 'family access settings');
    await admin.getByLabel('Age at which parents’ access is reviewed').fill('10');
    await press(admin, 'Save settings');
    expect(await alertOf(admin)).toContain('The review age must be from 11 to 13');
    await checkPageIsAccessible(admin, 'family access settings with an error');
    await admin.getByLabel('Age at which parents’ access is reviewed').fill('12');
    await press(admin, 'Save settings');
    await checkPageIsAccessible(admin, 'family access settings saved');
    const [saved] = await rows<{ review_age: number }>(joinery.db.owner, sql`SELECT review_age FROM family_setting WHERE ics_id = ${joinery.ics.icsId}::uuid`);
    expect(saved.review_age).toBe(12);
    await closeTheWindow(admin);
  });
});
