import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { screenshot, textOf, JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { closeTheWindow, signInInANewWindow } from './steps/sign-in.js';
import { alertOf, download, mainOf, openFirstLink, openLink, press } from './steps/pages.js';
import { showHubActivity } from './steps/population.js';
import { rewordTheLetter, setTriageWorkingDays } from './steps/administration.js';
import { answerForControl, controlCard } from './steps/clinical-safety.js';

/**
 * The hub's other pages in a real browser, each scanned for accessibility:
 * the activity page with its filter and CSVs, the lead's late items and cover
 * rota, a hub's working-day promises, the letter template editor, and the
 * clinical safety pages an administrator keeps (hazard log, safety case, DCB0160).
 */
describe('hub activity, late items, cover and letter templates', JOURNEY, () => {
  let joinery: Joinery;

  beforeAll(async () => { joinery = await startJoineryAndBrowser(); });
  afterAll(() => joinery?.close());

  it('an ICS analyst reads hub activity for a hub over two years, without JavaScript, and downloads a table', async () => {
    const analyst = await signInInANewWindow(joinery, 'ics-analyst', { javaScript: false });
    await analyst.goto('/activity');
    await checkPageIsAccessible(analyst, 'hub activity');
    const [hub] = await rows<{ name: string }>(joinery.db.owner, sql`SELECT name FROM cluster WHERE ics_id = ${joinery.ics.icsId}::uuid ORDER BY name LIMIT 1`);
    await showHubActivity(analyst, hub.name, 24);
    await checkPageIsAccessible(analyst, 'hub activity for one hub');
    expect(await textOf(analyst.locator('caption').first())).toBeTruthy();
    expect(await analyst.locator('table').count()).toBe(5);
    await screenshot(analyst, 'hub-activity');
    const { response: csv } = await download(analyst, analyst.getByRole('link', { name: /Download this table/ }).first());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\n').length).toBeGreaterThan(1);
    await closeTheWindow(analyst);
  });

  it('the hub lead sees late items and adds cover to the rota; the administrator sets the hub’s promises', async () => {
    const lead = await signInInANewWindow(joinery, 'paediatrician');
    await lead.goto('/referrals/late');
    await checkPageIsAccessible(lead, 'late items');
    await lead.goto('/referrals/cover');
    await checkPageIsAccessible(lead, 'cover rota');
    await press(lead, 'Add cover');
    expect(await alertOf(lead)).toContain('There is a problem');
    await checkPageIsAccessible(lead, 'cover rota with errors');
    await closeTheWindow(lead);

    const admin = await signInInANewWindow(joinery, 'admin');
    const [hub] = await rows<{ id: string }>(joinery.db.owner, sql`SELECT cl.id FROM cluster cl JOIN professional p ON p.id = cl.lead_paediatrician_id
      WHERE p.email = 'paediatrician@demo.joinery.test'`);
    await admin.goto(`/admin/clusters/${hub.id}`);
    await checkPageIsAccessible(admin, 'hub with working days');
    await setTriageWorkingDays(admin, 3);
    await checkPageIsAccessible(admin, 'hub working days saved');
    const [saved] = await rows<{ triage_working_days: number }>(joinery.db.owner, sql`SELECT triage_working_days FROM cluster WHERE id = ${hub.id}::uuid`);
    expect(saved.triage_working_days).toBe(3);
    await closeTheWindow(admin);
  });

  it('the administrator rewords the clinic letter: a preview, a field error, then a saved version', async () => {
    const admin = await signInInANewWindow(joinery, 'admin');
    await admin.goto('/admin/letter-templates');
    await checkPageIsAccessible(admin, 'letter templates');
    await openFirstLink(admin, /Clinic outcome/);
    await checkPageIsAccessible(admin, 'clinic letter template');
    await rewordTheLetter(admin, (wording) => `${wording}\n\nWith best wishes from the {{chlid}} team`);
    await press(admin, 'Save a new version');
    expect(await alertOf(admin)).toContain('{{chlid}}');
    await checkPageIsAccessible(admin, 'clinic letter template with errors');
    await rewordTheLetter(admin, (wording) => wording.replace('{{chlid}} team', '{{hub}} team'));
    await press(admin, 'Preview changes');
    await checkPageIsAccessible(admin, 'clinic letter preview');
    await press(admin, 'Save a new version');
    await checkPageIsAccessible(admin, 'clinic letter saved');
    const [latest] = await rows<{ body: string }>(joinery.db.owner, sql`SELECT body FROM letter_template WHERE kind = 'clinic-outcome' ORDER BY version DESC LIMIT 1`);
    expect(latest.body).toContain('With best wishes from the {{hub}} team');
    await closeTheWindow(admin);
  });

  it('the administrator reads the hazard log and the safety case, and confirms a control for their ICS (no JavaScript)', async () => {
    const admin = await signInInANewWindow(joinery, 'admin', { javaScript: false });
    await admin.goto('/');
    await openLink(admin, 'Clinical safety');
    expect(await textOf(admin.locator('h1'))).toBe('Clinical hazard log');
    await checkPageIsAccessible(admin, 'clinical hazard log');
    await screenshot(admin, 'hazard-log');

    await openLink(admin, /^H001 /);
    expect(await mainOf(admin)).toContain('Tests that prove it');
    await checkPageIsAccessible(admin, 'one hazard');

    await admin.goto('/safety/case');
    expect(await mainOf(admin)).toContain('Intended use');
    await checkPageIsAccessible(admin, 'clinical safety case report');
    await screenshot(admin, 'safety-case');

    await admin.goto('/safety/handover');
    await checkPageIsAccessible(admin, 'DCB0160 handover');
    await answerForControl(admin, 'H014-C3');
    expect(await textOf(admin.locator('.nhsuk-error-summary'))).toContain('Select whether this control is in place');
    await checkPageIsAccessible(admin, 'DCB0160 handover with an error');
    await answerForControl(admin, 'H014-C3', { inPlace: 'Yes', how: 'Reviewed every working morning by the privacy officer.' });
    expect(await mainOf(admin)).toContain('Your answer for H014-C3 has been saved.');
    expect(await textOf(controlCard(admin, 'H014-C3'))).toContain('Reviewed every working morning by the privacy officer.');
    await checkPageIsAccessible(admin, 'DCB0160 handover answered');
    await closeTheWindow(admin);
  });
});
