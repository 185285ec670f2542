import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { JOURNEY } from './browser.js';
import { startJoineryAndBrowser, type Joinery } from './server.js';
import { actorFor } from '../test/actors.js';
import { submitReferral } from '../src/referrals/service.js';
import { londonToday } from './steps/dates.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { signInInANewWindow } from './steps/sign-in.js';
import { alertOf, headingOf, mainOf, openLink, press } from './steps/pages.js';
import { decideOnReferral } from './steps/referrals.js';

/**
 * The children's virtual ward in a real browser: triage sends a child home on
 * the bronchiolitis pathway; the community nurse accepts them with the checks,
 * starts care at home and records observations that score 6; the medium
 * escalation is acknowledged; the child is discharged and the GP reads the
 * summary letter; and a GP refers a child from their record. Every page is scanned with axe at 390, 1024 and 1280 px.
 */
describe('the children’s virtual ward', JOURNEY, () => {
  let joinery: Joinery;
  let child: { id: string; given_name: string; family_name: string };
  let gpsChild: { id: string; given_name: string; family_name: string };
  let referralId: string;

  beforeAll(async () => {
    joinery = await startJoineryAndBrowser();
    const gp = await actorFor(joinery.db, 'gp@demo.joinery.test');
    // Aged 1½ to 4½: PEWS scores them on the 1–4 years chart today.
    [child, gpsChild] = await rows(joinery.db.owner, sql`SELECT c.id, c.given_name, c.family_name FROM child c WHERE c.registered_practice_id = ${gp.organisationId}::uuid
      AND c.date_of_birth BETWEEN current_date - interval '4 years 6 months' AND current_date - interval '1 year 6 months'
      AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.child_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM ward_episode e WHERE e.child_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM care_team_member m JOIN professional p ON p.id = m.professional_id WHERE m.child_id = c.id AND p.role = 'social-worker')
      ORDER BY c.id LIMIT 2`);
    referralId = await joinery.db.tenant(joinery.ics.icsId, (tx) => submitReferral(tx, gp, {
      childId: child.id, kind: 'referral', urgency: 'urgent', reason: 'Bronchiolitis day 4, feeding two thirds of usual, saturations 94% in air.', question: 'Could she be cared for at home?',
    }, londonToday()));
  });
  afterAll(() => joinery?.close());

  it('triage sends the child home on the bronchiolitis pathway; the nurse accepts, records a PEWS of 6, acknowledges the escalation and discharges with a letter to the GP', async () => {
    const lead = await signInInANewWindow(joinery, 'paediatrician');
    await lead.goto(`/referrals/${referralId}`);
    await lead.getByLabel('Virtual ward pathway, if the child is cared for at home').selectOption({ label: 'Bronchiolitis' });
    expect(await decideOnReferral(lead, 'Ambulatory care at home', 'Home on the virtual ward with 4-hourly observations.')).toBe(200);
    expect(await mainOf(lead)).toContain('Decision saved');

    const nurse = await signInInANewWindow(joinery, 'care-coordinator', { javaScript: false });
    await nurse.goto('/virtual-ward');
    await checkPageIsAccessible(nurse, 'virtual ward caseload');
    expect(await mainOf(nurse)).toContain(`${child.given_name} ${child.family_name}`);
    await openLink(nurse, `Open the stay on the ward of ${child.given_name} ${child.family_name}`);
    await checkPageIsAccessible(nurse, 'a referral to the virtual ward');
    expect(await mainOf(nurse)).toContain('Hub triage decision');

    // Saved with nothing ticked: every check is asked for.
    await nurse.getByLabel('Accept onto the virtual ward').check();
    expect(await press(nurse, 'Save decision')).toBe(400);
    expect(await alertOf(nurse)).toContain('Confirm the family gave informed consent to care at home');
    await checkPageIsAccessible(nurse, 'acceptance with errors');
    await nurse.getByLabel('Accept onto the virtual ward').check();
    for (const label of ['The inclusion criteria are met and no exclusion applies', 'The family has a working phone', 'The family has transport to hospital if needed',
      'An adult is present with the child at all times', /language and communication needs are met/, /how to get help, and consents/]) await nurse.getByLabel(label).check();
    await nurse.getByLabel('Parent or carer who gave consent').fill('Jo Parent (mother)');
    await nurse.getByLabel('When the carer says the child is worse, escalate at').selectOption('medium');
    await press(nurse, 'Save decision');
    expect(await mainOf(nurse)).toContain('Accepted onto the virtual ward');
    await press(nurse, 'Start care at home');
    await press(nurse, 'Record observations');
    await checkPageIsAccessible(nurse, 'record observations');
    expect(await mainOf(nurse)).toContain('has not been validated for children observed at home');
    await nurse.getByLabel('Respiratory rate (breaths a minute)').fill('55');
    await nurse.getByLabel('Heart rate (beats a minute)').fill('155');
    await nurse.getByLabel('Oxygen saturation (SpO₂, %)').fill('93');
    await nurse.getByLabel('Mild').check();
    await press(nurse, 'Save and score');
    expect(await mainOf(nurse)).toContain('PEWS 6: escalation medium');
    expect(await mainOf(nurse)).toContain('Video review by a nurse or doctor');
    await checkPageIsAccessible(nurse, 'a stay with an open escalation');
    await press(nurse, 'Acknowledge: I will respond');
    expect(await mainOf(nurse)).toContain('Escalation acknowledged');
    expect(await mainOf(nurse)).toMatch(/acknowledged by .+ at/);

    await openLink(nurse, 'Discharge from the virtual ward');
    await checkPageIsAccessible(nurse, 'discharge');
    await nurse.getByLabel('Recovered at home').check();
    await nurse.getByLabel('Discharge summary for the GP').fill('Feeding fully, saturations 96% in air overnight.\nSafety-netting advice given to the family.');
    await press(nurse, 'Discharge and send the summary to the GP');
    expect(await headingOf(nurse)).toBe(`Virtual ward discharge summary: ${child.given_name} ${child.family_name}`);
    await checkPageIsAccessible(nurse, 'discharge letter');
    const letterUrl = nurse.url().replace(/\?.*$/, '');

    const gp = await signInInANewWindow(joinery, 'gp');
    await gp.goto(letterUrl);
    expect(await mainOf(gp)).toContain('Recovered at home');
    expect(await mainOf(gp)).toContain('Feeding fully, saturations 96% in air overnight.');
    await checkPageIsAccessible(gp, 'the GP reads the discharge letter');
  });

  it('the GP refers a child from their record onto the asthma pathway, after being told what is missing', async () => {
    const gp = await signInInANewWindow(joinery, 'gp', { javaScript: false });
    await gp.goto(`/children/${gpsChild.id}`);
    await openLink(gp, 'Refer to the children’s virtual ward');
    expect(await headingOf(gp)).toBe('Refer to the children’s virtual ward');
    await checkPageIsAccessible(gp, 'the GP’s referral to the virtual ward');
    expect(await press(gp, 'Refer to the virtual ward')).toBe(400);
    expect(await alertOf(gp)).toContain('Choose a pathway');
    expect(await alertOf(gp)).toContain('Say where the referral comes from');
    await checkPageIsAccessible(gp, 'the GP’s referral with errors');
    await gp.getByLabel('Pathway').selectOption({ label: 'Asthma' });
    await gp.getByLabel('GP', { exact: true }).check();
    await gp.getByLabel('Why the child can be cared for at home').fill('Moderate asthma attack settling on inhaler 4-hourly; parents confident.');
    await press(gp, 'Refer to the virtual ward');
    expect(await mainOf(gp)).toMatch(/Asthma/);
    expect(await mainOf(gp)).toMatch(/Referred[\s\S]*\(GP\)/);
    await checkPageIsAccessible(gp, 'a referral the GP made');
  });
});
