import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { actorFor } from '../test/actors.js';
import { addEvents, ensureMeeting, eventsInYear, pickChildren, referredInYear, type Picked } from '../src/population/case-finding/test-fixtures.js';
import { launchChromium, expectAccessible, screenshot, textOf, follow, followHeaderLink, signedIn as signInAs, JOURNEY } from './browser.js';
import { startServer } from './server.js';

/**
 * Indicators and case finding in a real browser, every page scanned for
 * accessibility: an analyst adds an indicator (and a case-finding rule)
 * without JavaScript; the hub's lead paediatrician finds a child on the
 * case-finding list and brings them to the hub MDT.
 */
describe('indicators and case finding', JOURNEY, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let child: Picked;
  let attendances: number;
  let meetingTitle: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    // A child of the lead's hub with ED attendances enough for the list, and a meeting with room to bring them to.
    const lead = await actorFor(server.db, 'paediatrician@demo.joinery.test');
    const [hub] = await rows<{ id: string }>(server.db.owner, sql`SELECT id FROM cluster WHERE lead_paediatrician_id = ${lead.professionalId}::uuid`);
    [child] = await pickChildren(server.db, hub.id, 1, referredInYear(false));
    await addEvents(server.db, child.id, 'ed', 4);
    attendances = await eventsInYear(server.db, child.id, sql`e.type = 'ed'`);
    const meetingId = await ensureMeeting(server.db, lead, hub.id);
    [{ title: meetingTitle }] = await rows<{ title: string }>(server.db.owner, sql`SELECT title FROM mdt_meeting WHERE id = ${meetingId}::uuid`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = (role: string, opts: { javaScript?: boolean } = {}) => signInAs(browser, server.baseUrl, `${role}@demo.joinery.test`, opts);

  it('an analyst adds an indicator without JavaScript: the problems first, then it is listed', async () => {
    const { page, context } = await signedIn('ics-analyst', { javaScript: false });
    await page.goto(`${server.baseUrl}/population/indicators`);
    await expectAccessible(page, 'indicators');
    expect(await textOf(page.locator('table'))).toContain('ed-attendances');
    await follow(page, page.getByText('Add an indicator'));
    await expectAccessible(page, 'add an indicator');

    await page.getByLabel('Name', { exact: true }).fill('Reliever prescriptions per child with asthma');
    await page.getByLabel('Target (optional)').fill('900');
    await follow(page, page.getByRole('button', { name: 'Add indicator' }));
    expect(await textOf(page.getByRole('alert'))).toContain('There is a problem');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Reliever prescriptions per child with asthma');
    await expectAccessible(page, 'add an indicator with errors');

    await page.getByLabel('Id', { exact: true }).fill('reliever-rate');
    await page.getByLabel('Numerator').selectOption('reliever-prescriptions');
    await page.getByLabel('Denominator').selectOption('asthma');
    await page.getByLabel('Per 1,000 a year').check();
    await page.getByLabel('Lower is better').check();
    await page.getByLabel('Where the target comes from').fill('Hub asthma plan 2026');
    await follow(page, page.getByRole('button', { name: 'Add indicator' }));
    expect(await textOf(page.getByRole('alert'))).toContain('Indicator added: Reliever prescriptions per child with asthma (reliever-rate)');
    expect(await textOf(page.locator('table'))).toContain('900 per 1,000 a year, from Hub asthma plan 2026');
    await expectAccessible(page, 'indicators with one added');
    await screenshot(page, 'indicators');

    await page.goto(`${server.baseUrl}/population/case-finding/rules`);
    await expectAccessible(page, 'case-finding rules');
    await follow(page, page.getByText('Add a rule'));
    await expectAccessible(page, 'add a case-finding rule');
    await follow(page, page.getByRole('button', { name: 'Add rule' }));
    expect(await textOf(page.getByRole('alert'))).toContain('There is a problem');
    await expectAccessible(page, 'add a case-finding rule with errors');

    await page.getByLabel('Name', { exact: true }).fill('Admitted twice');
    await page.locator('#criteria-0-measure').selectOption('emergency-admissions');
    await page.locator('#criteria-0-atLeast').fill('2');
    await follow(page, page.getByRole('button', { name: 'Add rule' }));
    expect(await textOf(page.getByRole('alert'))).toContain('Rule added: Admitted twice');
    await expectAccessible(page, 'case-finding rules with one added');
    await screenshot(page, 'case-finding-rules');
    await follow(page, page.getByRole('button', { name: 'Stop using Admitted twice' }));
    expect(await textOf(page.getByRole('alert'))).toContain('Rule stopped: Admitted twice. It no longer lists children.');
    expect(await textOf(page.locator('table'))).not.toContain('Admitted twice');
    await expectAccessible(page, 'case-finding rules with one stopped');
    await context.close();
  });

  it('the hub lead finds a child on the case-finding list, with why, and brings them to the hub MDT', async () => {
    const { page, context } = await signedIn('paediatrician');
    // Case finding is reached from the population page (the header keeps to one population link; at 1280 px it is under "More").
    await followHeaderLink(page, 'Population');
    await follow(page, page.getByRole('link', { name: 'Case finding' }).first());
    await expectAccessible(page, 'case finding');
    const row = page.locator('tr', { hasText: `${child.family_name.toUpperCase()}, ${child.given_name}` });
    expect(await textOf(row)).toContain(`${attendances} ED attendances in the last 12 months (3 or more)`);
    await screenshot(page, 'case-finding');

    await follow(page, row.getByRole('button', { name: /Bring to the MDT/ }));
    expect(await textOf(page.getByRole('alert'))).toContain(`${child.given_name} ${child.family_name} was brought to ${meetingTitle}`);
    expect(await textOf(page.locator('tr', { hasText: `${child.family_name.toUpperCase()}, ${child.given_name}` }))).toContain(`Brought to ${meetingTitle}`);
    await expectAccessible(page, 'case finding after bringing a child');

    await follow(page, page.getByRole('link', { name: 'See every case-finding rule' }));
    await expectAccessible(page, 'case-finding rules for a paediatrician');
    await context.close();
  });
});
