import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { openChild } from '../src/platform/access/door.js';
import { policy } from '../src/platform/access/policy.js';
import { offerFeedback } from '../src/feedback/service.js';
import { actorFor } from '../test/actors.js';
import { JOURNEY, screenshot, textOf } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { openAWindow, signInInANewWindow } from './steps/sign-in.js';
import { headingOf } from './steps/pages.js';
import { recordTheFamilysConsent } from './steps/consent.js';

/**
 * A parent answers the Friends and Family Test on a phone with JavaScript
 * off, through the link on their clinic letter; the ICS reads the share who
 * would recommend; a GP records a family's consent to share. Every page is
 * scanned for accessibility.
 */
describe('families’ feedback and consent to share', JOURNEY, () => {
  let joinery: Joinery;
  let token: string;
  let childId: string;

  beforeAll(async () => {
    joinery = await startJoineryAndBrowser();
    const gp = await actorFor(joinery.db, 'gp@demo.joinery.test');
    const [child] = await rows<{ id: string; cluster_id: string }>(joinery.db.owner, sql`SELECT c.id, cp.cluster_id FROM child c
      JOIN cluster_practice cp ON cp.practice_id = c.registered_practice_id WHERE c.registered_practice_id = ${gp.organisationId}::uuid ORDER BY c.id LIMIT 1`);
    childId = child.id;
    token = (await joinery.db.tenant(gp.icsId, async (tx) => {
      const access = await openChild(tx, gp, child.id, { rule: policy.viewChildSummary, refused: 'feedback link' });
      return offerFeedback(tx, access, { serviceKind: 'hub-clinic', sourceId: crypto.randomUUID(), clusterId: child.cluster_id, eventDate: '2026-11-20' });
    }))!;
  });
  afterAll(() => joinery?.close());

  it('a parent answers on a phone without JavaScript, once', async () => {
    const parent = await openAWindow(joinery, { javaScript: false });
    await parent.setViewportSize({ width: 390, height: 844 });
    await parent.goto(`/feedback/${token}`);
    expect(await headingOf(parent)).toBe('Tell us how we did');
    await checkPageIsAccessible(parent, 'feedback question');

    await parent.getByRole('button', { name: 'Send my answer' }).click();
    expect(await textOf(parent.locator('.nhsuk-error-summary'))).toContain('Select how your experience was');
    await checkPageIsAccessible(parent, 'feedback question with errors');

    await parent.getByLabel('Good', { exact: true }).check();
    await parent.getByLabel('Please tell us why you gave this answer (optional)').fill('Seen near home and the doctor explained everything.');
    await parent.getByLabel('Yes, keep my answer anonymous').check();
    await screenshot(parent, 'feedback-390');
    await parent.getByRole('button', { name: 'Send my answer' }).click();
    expect(await headingOf(parent)).toBe('Thank you for your feedback');
    await checkPageIsAccessible(parent, 'feedback thanks');

    await parent.goto(`/feedback/${token}`);
    expect(await headingOf(parent)).toBe('You have already answered');
    await checkPageIsAccessible(parent, 'feedback link used');
    await parent.goto('/feedback/not-a-real-link');
    expect(await headingOf(parent)).toBe('We cannot find this feedback link');
    const [saved] = await rows<{ answer: string; anonymous: boolean }>(joinery.db.owner, sql`SELECT answer, anonymous FROM feedback_response
      WHERE free_text = 'Seen near home and the doctor explained everything.'`);
    expect(saved).toEqual({ answer: 'good', anonymous: true });
  });

  it('the ICS reads the share who would recommend; a GP records a family’s consent to share', async () => {
    const analyst = await signInInANewWindow(joinery, 'ics-analyst', { javaScript: false });
    await analyst.goto('/population/feedback');
    expect(await headingOf(analyst)).toBe('Families who would recommend our services');
    expect(await analyst.getByRole('img', { name: /^XmR chart of the share who would recommend/ }).count()).toBe(1);
    await checkPageIsAccessible(analyst, 'feedback dashboard');

    const gp = await signInInANewWindow(joinery, 'gp', { javaScript: false });
    await gp.goto(`/children/${childId}/consent`);
    expect(await headingOf(gp)).toBe('The family’s consent to share');
    await checkPageIsAccessible(gp, 'consent to share');
    await gp.getByRole('button', { name: 'Record the decision' }).click();
    await checkPageIsAccessible(gp, 'consent to share with errors');
    expect(await textOf(gp.locator('.nhsuk-error-summary'))).toContain('Select which agency the decision is about');
    await recordTheFamilysConsent(gp, childId, 'Social care', 'Refused');
    expect(await textOf(gp.locator('.nhsuk-notification-banner'))).toContain('Consent refused recorded');
    await checkPageIsAccessible(gp, 'consent recorded');
    await gp.goto(`/children/${childId}`);
    expect(await textOf(gp.locator('main'))).toMatch(/Social care\s*Refused on/);
  });
});
