import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { screenshot, JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow } from './steps/sign-in.js';
import { alertOf, headingOf, openFirstLink, press, tableOf } from './steps/pages.js';
import { findChildByNhsNumber, formatNhsNumber, openChildFromResults, openFindAChild, searchForAChild } from './steps/finding-a-child.js';
import { openEmergencyAccessReviews, reviewFirstAsAppropriate, useEmergencyAccess } from './steps/emergency-access.js';
import { filterAccessLog, openAccessLog } from './steps/access-log.js';
import { addAnOrganisation, addPracticeToCluster, openFirstCluster } from './steps/administration.js';

type Child = { id: string; nhs_number: string; given_name: string; family_name: string; date_of_birth: string };

/** Journeys a professional takes, in a real browser, each page scanned for accessibility. */
describe('browser journeys', JOURNEY, () => {
  let joinery: Joinery;
  let mine: Child;
  let notMine: Child;

  beforeAll(async () => {
    joinery = await startJoineryAndBrowser();
    const gpOrg = sql`(SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')`;
    [mine] = await rows<Child>(joinery.db.owner, sql`SELECT id, nhs_number, given_name, family_name, date_of_birth::text FROM child
      WHERE registered_practice_id = ${gpOrg} ORDER BY id LIMIT 1`);
    [notMine] = await rows<Child>(joinery.db.owner, sql`SELECT id, nhs_number, given_name, family_name, date_of_birth::text FROM child
      WHERE ics_id = ${joinery.ics.icsId}::uuid AND registered_practice_id <> ${gpOrg} ORDER BY id LIMIT 1`);
  });
  afterAll(() => joinery?.close());

  it('a GP signs in and finds a child by NHS number, by surname and date of birth, and by part of the name', async () => {
    const gp = await signInInANewWindow(joinery, 'gp');
    await checkPageIsAccessible(gp, 'home');
    await screenshot(gp, 'home-gp');

    await openFindAChild(gp);
    await checkPageIsAccessible(gp, 'find a child');
    await press(gp, 'Search');
    expect(await alertOf(gp)).toContain('Enter an NHS number or a name');
    await checkPageIsAccessible(gp, 'find a child with errors');
    await screenshot(gp, 'search-error');

    await searchForAChild(gp, formatNhsNumber(mine.nhs_number));
    await gp.getByRole('link', { name: new RegExp(mine.given_name) }).first().waitFor();
    await checkPageIsAccessible(gp, 'search results');

    await searchForAChild(gp, mine.family_name, mine.date_of_birth);
    await gp.locator(`a[href="/children/${mine.id}"]`).first().waitFor();

    await searchForAChild(gp, `${mine.given_name.slice(0, 2)} ${mine.family_name.slice(0, 3)}`);
    await screenshot(gp, 'search-results');
    await openChildFromResults(gp, mine.id);

    expect(await headingOf(gp)).toContain(mine.given_name);
    await gp.getByText(formatNhsNumber(mine.nhs_number)).first().waitFor();
    await checkPageIsAccessible(gp, 'child summary');
    await screenshot(gp, 'child-summary');

    await openAccessLog(gp);
    expect(await tableOf(gp)).toContain('Child summary');
    await checkPageIsAccessible(gp, 'access log');
    await closeTheWindow(gp);
  });

  it('without a relationship the GP is refused, breaks the glass with a reason, and the privacy officer reviews it (no JavaScript)', async () => {
    const reason = 'Attending the urgent treatment centre with breathing difficulty';
    const gp = await signInInANewWindow(joinery, 'gp', { javaScript: false });
    await gp.goto(`/children/${notMine.id}`);
    expect(await headingOf(gp)).toBe('You do not have access to this child’s record');
    await checkPageIsAccessible(gp, 'no access');
    await press(gp, 'Use emergency access');
    expect(await alertOf(gp)).toContain('Enter why you need emergency access');
    await checkPageIsAccessible(gp, 'break-glass error');
    await useEmergencyAccess(gp, reason);
    expect(await headingOf(gp)).toContain(notMine.given_name);
    await gp.getByText('emergency access', { exact: false }).first().waitFor();
    await screenshot(gp, 'break-glass-summary');
    await closeTheWindow(gp);

    const po = await signInInANewWindow(joinery, 'privacy-officer');
    await openEmergencyAccessReviews(po);
    await po.getByText(reason).first().waitFor();
    await checkPageIsAccessible(po, 'break-glass review list');
    await screenshot(po, 'privacy-review');
    await reviewFirstAsAppropriate(po);
    expect(await po.getByText(reason).count()).toBe(0);

    // The privacy officer finds the child by NHS number and filters who has accessed their record.
    await findChildByNhsNumber(po, notMine.nhs_number);
    await openChildFromResults(po, notMine.id, '/access-log');
    await checkPageIsAccessible(po, 'access log');
    await filterAccessLog(po, { action: 'child.break-glass', from: '2000-01-01' });
    await po.getByText('Showing 1 to 1 of 1 event').waitFor();
    await filterAccessLog(po, { from: '2000-13-01' });
    await po.getByRole('alert').waitFor();
    await checkPageIsAccessible(po, 'access log with errors');
    await closeTheWindow(po);
  });

  it('a page that does not exist gets the 404 page, and an analyst gets the 403 page', async () => {
    const analyst = await signInInANewWindow(joinery, 'ics-analyst');
    await checkPageIsAccessible(analyst, 'analyst home');
    const missing = await analyst.goto('/no-such-page');
    expect(missing?.status()).toBe(404);
    expect(await headingOf(analyst)).toBe('Page not found');
    await checkPageIsAccessible(analyst, '404');
    const refused = await analyst.goto('/children');
    expect(refused?.status()).toBe(403);
    await checkPageIsAccessible(analyst, '403');
    await analyst.goto('/accessibility');
    await checkPageIsAccessible(analyst, 'accessibility statement');
    await closeTheWindow(analyst);
  });

  it('an admin adds a new practice and puts it in a cluster', async () => {
    const admin = await signInInANewWindow(joinery, 'admin');
    await checkPageIsAccessible(admin, 'admin home');
    await openFirstLink(admin, 'Organisations');
    await checkPageIsAccessible(admin, 'organisations');
    await press(admin, 'Add an organisation');
    await checkPageIsAccessible(admin, 'new organisation');
    await addAnOrganisation(admin, {});
    expect(await alertOf(admin)).toContain('Enter the organisation name');
    await checkPageIsAccessible(admin, 'new organisation with errors');
    await addAnOrganisation(admin, { name: 'Brookside Family Practice', kind: 'GP practice', odsCode: 'Y99001' });

    await openFirstLink(admin, 'Clusters');
    await checkPageIsAccessible(admin, 'clusters');
    await openFirstCluster(admin);
    await addPracticeToCluster(admin, 'Brookside Family Practice (Y99001)');
    expect(await tableOf(admin)).toContain('Brookside Family Practice');
    await checkPageIsAccessible(admin, 'cluster');
    await screenshot(admin, 'admin-cluster');

    await openFirstLink(admin, 'Users');
    await checkPageIsAccessible(admin, 'users');
    await press(admin, 'Add a user');
    await checkPageIsAccessible(admin, 'new user');
    await closeTheWindow(admin);
  });
});
