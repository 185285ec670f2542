import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNEY, screenshot } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { signInInANewWindow } from './steps/sign-in.js';
import { headingOf, mainOf, openLink, press } from './steps/pages.js';

/**
 * The register of care models in a real browser without JavaScript, every
 * page scanned by axe and fitted at 390, 1024 and 1280 px: the CYP lead adds
 * a child health hub, is told what is wrong, puts it right and reads it back, then compares the models.
 */
describe('the register of care models', JOURNEY, () => {
  let joinery: Joinery;

  beforeAll(async () => { joinery = await startJoineryAndBrowser(); });
  afterAll(() => joinery?.close());

  it('the CYP lead adds a child health hub with its configuration and logic model', async () => {
    const lead = await signInInANewWindow(joinery, 'admin', { javaScript: false });
    await lead.goto('/models');
    expect(await headingOf(lead)).toBe('Register of care models');
    await checkPageIsAccessible(lead, 'register of care models');

    await openLink(lead, 'Add a care model');
    await checkPageIsAccessible(lead, 'add a care model');
    await lead.getByLabel('Short name').fill('west-hub');
    await lead.getByLabel('Practices covered').fill('several');
    await press(lead, 'Save care model');
    expect(await mainOf(lead)).toContain('Practices covered must be a whole number, like 5');
    expect(await mainOf(lead)).toContain('Enter the model’s title');
    await checkPageIsAccessible(lead, 'add a care model, with errors');

    await lead.getByLabel('Title').fill('West child health hub');
    await lead.getByLabel('Child health hub').check();
    await lead.getByLabel('Practices covered').fill('5');
    await lead.getByLabel('Advice answered within (hours)').fill('24');
    await lead.getByLabel('Paediatricians').check();
    await lead.getByLabel('Shared responsibility between GP and paediatrician').check();
    await press(lead, 'Save care model');
    expect(await mainOf(lead)).toContain('Saved: west-hub.');

    await openLink(lead, 'West child health hub');
    expect(await headingOf(lead)).toBe('West child health hub');
    expect(await mainOf(lead)).toMatch(/Advice answered within\s+24 hours/);
    await checkPageIsAccessible(lead, 'one care model');

    await lead.goto('/models');
    await openLink(lead, 'Compare the models');
    expect(await headingOf(lead)).toBe('Care models compared');
    expect(await mainOf(lead)).toContain('West child health hub');
    await checkPageIsAccessible(lead, 'care models compared');
  });

  it('the CYP lead reads the standards by hub, records a teaching session, scores the checklist and attests to a standard', async () => {
    const lead = await signInInANewWindow(joinery, 'admin', { javaScript: false });
    await lead.goto('/models');
    await openLink(lead, 'Child health standards by hub');
    expect(await headingOf(lead)).toBe('Child health standards by hub');
    expect(await mainOf(lead)).toContain('A rapid access clinic: urgent referrals seen within 24 hours');
    // Each standard over time: the chart drawn on the server (no JavaScript here), its table and its CSV.
    expect(await lead.locator('svg[role="img"][aria-label^="Line chart of % of urgent referrals seen within 24 hours by half-year"]').count()).toBe(2);
    expect(await mainOf(lead)).toContain('A rapid access clinic: urgent referrals seen within 24 hours: by half-year, oldest first');
    await checkPageIsAccessible(lead, 'child health standards');
    for (const width of [390, 1280]) {
      await lead.setViewportSize({ width, height: 900 });
      await screenshot(lead, `standards-over-time-${width}`);
    }

    await openLink(lead, 'Hub teaching sessions');
    await press(lead, 'Record session');
    expect(await mainOf(lead)).toContain('Select the hub that gave the session');
    await checkPageIsAccessible(lead, 'hub teaching sessions, with errors');

    await lead.goto('/models/standards/attest');
    await lead.getByLabel('Community children’s nursing').check();
    await press(lead, 'Save attestation');
    expect(await mainOf(lead)).toContain('Enter the evidence');
    await checkPageIsAccessible(lead, 'attest to a standard, with errors');

    await lead.goto('/models/checklist');
    expect(await headingOf(lead)).toBe('Integration checklist: the ICS as a whole');
    await checkPageIsAccessible(lead, 'integration checklist');
    await openLink(lead, 'Score Placeholder: families help decide how the local children’s services are designed');
    await lead.getByLabel('Amber').check();
    await lead.getByLabel('Evidence', { exact: true }).fill('Parent panel started this year');
    await lead.getByLabel('Action', { exact: true }).fill('Invite young people too');
    const [y, m, d] = new Date().toISOString().slice(0, 10).split('-');
    await lead.getByLabel('Day').fill(String(Number(d)));
    await lead.getByLabel('Month').fill(String(Number(m)));
    await lead.getByLabel('Year').fill(y);
    await press(lead, 'Save score');
    expect(await mainOf(lead)).toContain('Score saved.');
    expect(await mainOf(lead)).toContain('Invite young people too');
    await checkPageIsAccessible(lead, 'integration checklist, scored');
  });
});
