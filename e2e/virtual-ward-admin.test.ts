import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { signInInANewWindow } from './steps/sign-in.js';
import { alertOf, headingOf, mainOf, openLink, press } from './steps/pages.js';

/**
 * The ICS clinical lead sets up the children's virtual ward in a real
 * browser, without JavaScript: changes how often a pathway's observations are
 * due (after a mistake is named), shortens a response timer, reorders the
 * escalation rota and changes the ward's capacity. Every page is scanned with axe and fits 390 to 1280 px.
 */
describe('setting up the children’s virtual ward', JOURNEY, () => {
  let joinery: Joinery;

  beforeAll(async () => { joinery = await startJoineryAndBrowser(); });
  afterAll(() => joinery?.close());

  it('the clinical lead edits a pathway, a timer, the rota and the capacity, and the ward’s nurse cannot', async () => {
    const lead = await signInInANewWindow(joinery, 'clinical-lead', { javaScript: false });
    await openLink(lead, 'Virtual ward set-up');
    expect(await headingOf(lead)).toBe('Virtual ward set-up');
    await checkPageIsAccessible(lead, 'virtual ward set-up');

    await openLink(lead, 'Asthma');
    await checkPageIsAccessible(lead, 'a virtual ward pathway');
    await lead.getByLabel('Observations due every (hours)').fill('49');
    expect(await press(lead, 'Save the pathway')).toBe(400);
    expect(await alertOf(lead)).toContain('How often observations are due must be from 1 to 48 hours');
    await checkPageIsAccessible(lead, 'a virtual ward pathway with an error');
    await lead.getByLabel('Observations due every (hours)').fill('4');
    await lead.getByLabel('Temperature').check();
    await press(lead, 'Save the pathway');
    expect(await mainOf(lead)).toContain('Pathway saved. Children referred from now on follow this version');
    expect(await mainOf(lead)).toMatch(/Version 2: Asthma, every 4 hours, 2 days; saved by/);

    await lead.goto('/admin/virtual-ward');
    await openLink(lead, 'Add a pathway');
    expect(await headingOf(lead)).toBe('Add a pathway');
    await checkPageIsAccessible(lead, 'a new virtual ward pathway');

    await lead.goto('/admin/virtual-ward');
    await openLink(lead, 'Change the responses and timers');
    await checkPageIsAccessible(lead, 'virtual ward response timers');
    await lead.locator('#medium\\.minutes').fill('20');
    await press(lead, 'Save the responses and timers');
    expect(await mainOf(lead)).toContain('Video review by a nurse or doctor, within 20 minutes');

    await openLink(lead, 'Change the rota');
    await checkPageIsAccessible(lead, 'virtual ward escalation rota');
    const first = lead.getByLabel('1st: owns every new escalation');
    const second = lead.getByLabel('2nd: if not acknowledged in time');
    const [was1, was2] = [await first.inputValue(), await second.inputValue()];
    await first.selectOption(was2);
    await second.selectOption(was1);
    await press(lead, 'Save the rota');
    expect(await mainOf(lead)).toContain('Rota saved');
    expect(await mainOf(lead)).toMatch(/rota changed by/);

    await openLink(lead, 'Change the capacity');
    await checkPageIsAccessible(lead, 'virtual ward capacity');
    await lead.getByLabel('Capacity (children at once)').fill('twenty');
    expect(await press(lead, 'Save the capacity')).toBe(400);
    expect(await alertOf(lead)).toContain('Enter the ward’s capacity as a whole number of children, from 1 to 500');
    await checkPageIsAccessible(lead, 'virtual ward capacity with an error');
    await lead.getByLabel('Capacity (children at once)').fill('25');
    await press(lead, 'Save the capacity');
    expect(await mainOf(lead)).toContain('cares for up to 25 children at once');
    expect(await mainOf(lead)).toMatch(/capacity changed from \d+ to 25 children by/);
    await checkPageIsAccessible(lead, 'virtual ward set-up after changes');

    const nurse = await signInInANewWindow(joinery, 'care-coordinator');
    const refused = await nurse.goto('/admin/virtual-ward');
    expect(refused?.status()).toBe(403);
  });
});
