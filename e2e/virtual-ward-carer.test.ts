import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { demoFamilies } from '../src/cli/nhs-sign-in.js';
import { demoWard, onWard } from '../src/ambulatory/test-fixtures.js';
import { follow, JOURNEY, textOf } from './browser.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { signInInANewWindow, signInWithNhsLogin } from './steps/sign-in.js';
import { startJoineryWithNhsLogin, type Joinery } from './server.js';

/**
 * A parent whose child is cared for at home on the virtual ward tells the
 * nurses the child is worse, from a phone-sized window without JavaScript,
 * signed in with NHS login; the community nurse sees the escalation on the
 * caseload at the level the clinician chose. Every page is scanned with axe
 * at 390, 1024 and 1280 px.
 */
describe('a carer tells the virtual ward their child is worse', JOURNEY, () => {
  let j: Joinery;
  let child: { id: string; given_name: string; family_name: string };

  beforeAll(async () => {
    j = await startJoineryWithNhsLogin();
    const [parent] = await demoFamilies(j.db);
    [child] = await rows<{ id: string; given_name: string; family_name: string }>(j.db.owner, sql`SELECT c.id, c.given_name, c.family_name FROM family_access_grant g
      JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id WHERE g.kind = 'proxy' AND g.status = 'active' AND g.nhs_number = ${parent.nhsNumber} ORDER BY c.id LIMIT 1`);
    // The demo GP refers the child as their registered patient; the nurse accepts with "worse" escalating at high, and starts care at home.
    const w = await demoWard(j);
    await j.db.owner.execute(sql`UPDATE child SET registered_practice_id = ${w.gp.organisationId}::uuid WHERE id = ${child.id}::uuid`);
    await onWard(j, w, child.id);
  });
  afterAll(() => j?.close());

  it('the parent chooses “Worse” on a phone without JavaScript; the nurse sees a high escalation raised by a carer', async () => {
    const [parent] = await demoFamilies(j.db);
    const mum = await signInWithNhsLogin(j, parent);

    await follow(mum, mum.getByRole('link', { name: `${child.given_name} ${child.family_name}` }));
    expect(await textOf(mum.locator('main'))).toContain('Care at home from the virtual ward');
    await follow(mum, mum.getByRole('link', { name: `Tell the nurses how ${child.given_name} is` }));
    await checkPageIsAccessible(mum, 'carer tells the virtual ward');
    // Sent with no answer: the question is asked again, in plain words.
    await follow(mum, mum.getByRole('button', { name: 'Send to the nurses' }));
    expect(await textOf(mum.locator('.nhsuk-error-summary'))).toContain('Choose whether your child is worse, about the same or better');
    await checkPageIsAccessible(mum, 'carer form with an error');
    // A large touch target at phone width: the radio a thumb presses is at least 44 px square (WCAG 2.2 target size, enhanced).
    const worse = mum.getByLabel('Worse', { exact: true });
    const box = await mum.locator('#carer').boundingBox();
    expect(Math.min(box?.height ?? 0, box?.width ?? 0)).toBeGreaterThanOrEqual(44);
    await worse.check();
    await follow(mum, mum.getByRole('button', { name: 'Send to the nurses' }));
    const sent = await textOf(mum.locator('main'));
    expect(sent).toContain('The nursing team has been told your child is worse');
    expect(sent).toContain('A nurse aims to contact you within 15 minutes.');
    await checkPageIsAccessible(mum, 'carer sent worse');

    const nurse = await signInInANewWindow(j, 'care-coordinator', { javaScript: false });
    await nurse.goto('/virtual-ward');
    const caseload = await textOf(nurse.locator('main'));
    const row = caseload.slice(caseload.indexOf(`${child.given_name} ${child.family_name}`));
    expect(row).toMatch(/\(by a carer\): PEWS 0, escalation high/);
    expect(row).toContain('Visit at home, or conveyance to hospital');
    await checkPageIsAccessible(nurse, 'caseload with a carer’s escalation');
  });
});
