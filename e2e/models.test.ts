import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNEY } from './browser.js';
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
});
