import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { actorFor } from '../test/actors.js';
import { addEvents, ensureMeeting, eventsInYear, pickChildren, referredInYear, type Picked } from '../src/population/case-finding/test-fixtures.js';
import { screenshot, textOf, follow, followHeaderLink, JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow } from './steps/sign-in.js';
import { alertOf, openFirstLink, openLink } from './steps/pages.js';
import { addAnIndicator } from './steps/population.js';
import { addACaseFindingRule, bringToTheMdt, caseFindingRowFor, stopUsingRule } from './steps/case-finding.js';

/**
 * Indicators and case finding in a real browser, every page scanned for
 * accessibility: an analyst adds an indicator (and a case-finding rule)
 * without JavaScript; the hub's lead paediatrician finds a child on the
 * case-finding list and brings them to the hub MDT.
 */
describe('indicators and case finding', JOURNEY, () => {
  let joinery: Joinery;
  let child: Picked;
  let attendances: number;
  let meetingTitle: string;

  beforeAll(async () => {
    joinery = await startJoineryAndBrowser();
    // A child of the lead's hub with ED attendances enough for the list, and a meeting with room to bring them to.
    const lead = await actorFor(joinery.db, 'paediatrician@demo.joinery.test');
    const [hub] = await rows<{ id: string }>(joinery.db.owner, sql`SELECT id FROM cluster WHERE ics_id = ${lead.icsId}::uuid AND lead_paediatrician_id = ${lead.professionalId}::uuid`);
    [child] = await pickChildren(joinery.db, lead.icsId, hub.id, 1, referredInYear(lead.icsId, false));
    await addEvents(joinery.db, lead.icsId, child.id, 'ed', 4);
    attendances = await eventsInYear(joinery.db, lead.icsId, child.id, sql`e.type = 'ed'`);
    const meetingId = await ensureMeeting(joinery.db, lead, hub.id);
    [{ title: meetingTitle }] = await rows<{ title: string }>(joinery.db.owner, sql`SELECT title FROM mdt_meeting WHERE id = ${meetingId}::uuid`);
  });

  afterAll(() => joinery?.close());

  it('an analyst adds an indicator without JavaScript: the problems first, then it is listed', async () => {
    const analyst = await signInInANewWindow(joinery, 'ics-analyst', { javaScript: false });
    await analyst.goto('/population/indicators');
    await checkPageIsAccessible(analyst, 'indicators');
    expect(await textOf(analyst.locator('table'))).toContain('ed-attendances');
    await follow(analyst, analyst.getByText('Add an indicator'));
    await checkPageIsAccessible(analyst, 'add an indicator');

    await addAnIndicator(analyst, { name: 'Reliever prescriptions per child with asthma', target: '900' });
    expect(await alertOf(analyst)).toContain('There is a problem');
    expect(await analyst.getByLabel('Name', { exact: true }).inputValue()).toBe('Reliever prescriptions per child with asthma');
    await checkPageIsAccessible(analyst, 'add an indicator with errors');

    await addAnIndicator(analyst, {
      id: 'reliever-rate', numerator: 'reliever-prescriptions', denominator: 'asthma',
      rate: 'Per 1,000 a year', direction: 'Lower is better', targetSource: 'Hub asthma plan 2026',
    });
    expect(await alertOf(analyst)).toContain('Indicator added: Reliever prescriptions per child with asthma (reliever-rate)');
    expect(await textOf(analyst.locator('table'))).toContain('900 per 1,000 a year, from Hub asthma plan 2026');
    await checkPageIsAccessible(analyst, 'indicators with one added');
    await screenshot(analyst, 'indicators');

    await analyst.goto('/population/case-finding/rules');
    await checkPageIsAccessible(analyst, 'case-finding rules');
    await follow(analyst, analyst.getByText('Add a rule'));
    await checkPageIsAccessible(analyst, 'add a case-finding rule');
    await addACaseFindingRule(analyst, {});
    expect(await alertOf(analyst)).toContain('There is a problem');
    await checkPageIsAccessible(analyst, 'add a case-finding rule with errors');

    await addACaseFindingRule(analyst, { name: 'Admitted twice', measure: 'emergency-admissions', atLeast: 2 });
    expect(await alertOf(analyst)).toContain('Rule added: Admitted twice');
    await checkPageIsAccessible(analyst, 'case-finding rules with one added');
    await screenshot(analyst, 'case-finding-rules');
    await stopUsingRule(analyst, 'Admitted twice');
    expect(await alertOf(analyst)).toContain('Rule stopped: Admitted twice. It no longer lists children.');
    expect(await textOf(analyst.locator('table'))).not.toContain('Admitted twice');
    await checkPageIsAccessible(analyst, 'case-finding rules with one stopped');
    await closeTheWindow(analyst);
  });

  it('the hub lead finds a child on the case-finding list, with why, and brings them to the hub MDT', async () => {
    const lead = await signInInANewWindow(joinery, 'paediatrician');
    // Case finding is reached from the population page (the header keeps to one population link; at 1280 px it is under "More").
    await followHeaderLink(lead, 'Population');
    await openFirstLink(lead, 'Case finding');
    await checkPageIsAccessible(lead, 'case finding');
    const row = caseFindingRowFor(lead, child);
    expect(await textOf(row)).toContain(`${attendances} ED attendances in the last 12 months (3 or more)`);
    await screenshot(lead, 'case-finding');

    await bringToTheMdt(lead, child);
    expect(await alertOf(lead)).toContain(`${child.given_name} ${child.family_name} was brought to ${meetingTitle}`);
    expect(await textOf(caseFindingRowFor(lead, child))).toContain(`Brought to ${meetingTitle}`);
    await checkPageIsAccessible(lead, 'case finding after bringing a child');

    await openLink(lead, 'See every case-finding rule');
    await checkPageIsAccessible(lead, 'case-finding rules for a paediatrician');
    await closeTheWindow(lead);
  });
});
