import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { actorFor } from '../test/actors.js';
import { demoFamilies } from '../src/cli/nhs-sign-in.js';
import { londonToday } from '../src/platform/time/form-dates.js';
import { offersFor, sendAdvice } from '../src/advice/service.js';
import { addFamilyAction, startPlan } from '../src/careplans/service.js';
import { follow, JOURNEY, textOf } from './browser.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { signInWithNhsLogin } from './steps/sign-in.js';
import { startJoineryWithNhsLogin, type Joinery } from './server.js';

/**
 * A parent on a phone (390 px), with and without JavaScript: signs in with
 * NHS login through the stand-in, reads the care plan, marks their own
 * action done, and reads the self-care advice sent to them, red first; axe
 * on every page.
 */
describe('a parent’s plan actions and advice in a browser', JOURNEY, () => {
  let j: Joinery;
  let child: { id: string; name: string };
  let adviceTitle: string;


  beforeAll(async () => {
    j = await startJoineryWithNhsLogin();
    const [parent] = await demoFamilies(j.db);
    // The demo parent's youngest child they are a proxy for (the 14-year-old, whose review is recorded), their grant opened to the plan and advice.
    [child] = await rows<{ id: string; name: string }>(j.db.owner, sql`SELECT c.id, c.given_name || ' ' || c.family_name AS name FROM family_access_grant g
      JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id WHERE g.kind = 'proxy' AND g.status = 'active' AND g.nhs_number = ${parent.nhsNumber}
      ORDER BY c.date_of_birth DESC LIMIT 1`);
    await j.db.owner.execute(sql`UPDATE family_access_grant SET may_see = '{appointments,plan,letters,advice,messages}' WHERE child_id = ${child.id}::uuid AND nhs_number = ${parent.nhsNumber}`);
    const [gpEmail] = await rows<{ email: string }>(j.db.owner, sql`SELECT p.email FROM professional p JOIN child c ON c.registered_practice_id = p.organisation_id
      WHERE c.id = ${child.id}::uuid AND p.role = 'gp' AND p.active ORDER BY p.email LIMIT 1`);
    const gp = await actorFor(j.db, gpEmail.email);
    const today = londonToday();
    await j.db.tenant(gp.icsId, async (tx) => {
      let [plan] = await rows<{ version: number }>(tx, sql`SELECT version FROM care_plan WHERE child_id = ${child.id}::uuid AND status <> 'closed'`);
      if (!plan) {
        const next = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
        await startPlan(tx, gp, child.id, { title: 'Eczema at home', whatMatters: 'Sleeping well', strengths: 'A calm bedtime', needs: 'Less itching', contingencyWhatToDo: 'Use the cream', contingencyWhoToCall: 'The practice', keyWorkerId: gp.professionalId, reviewOn: next }, today);
        [plan] = await rows<{ version: number }>(tx, sql`SELECT version FROM care_plan WHERE child_id = ${child.id}::uuid AND status <> 'closed'`);
      }
      await addFamilyAction(tx, gp, child.id, { description: 'Put the cream on after every bath', owner: 'parent-or-carer', dueOn: '' }, plan.version, today);
      const [offer] = await offersFor(tx, gp.icsId, (await rows<{ dob: string }>(tx, sql`SELECT to_char(date_of_birth, 'YYYY-MM-DD') AS dob FROM child WHERE id = ${child.id}::uuid`))[0].dob, today);
      adviceTitle = offer.title;
      await sendAdvice(tx, gp, child.id, { pages: [offer.choice] }, { source: 'child-page' }, today);
    });
  });
  afterAll(() => j?.close());

  for (const javaScript of [false, true]) {
    it(`reads the plan, marks their action done and reads the advice at 390 px ${javaScript ? 'with' : 'without'} JavaScript`, async () => {
      const [parent] = await demoFamilies(j.db);
      const page = await signInWithNhsLogin(j, parent, { javaScript });
      await follow(page, page.getByRole('link', { name: child.name }));
      const before = await textOf(page.locator('main'));
      expect(before).toContain('Care plan');
      expect(before).toContain('What the family will do');
      await checkPageIsAccessible(page, `family child page (${javaScript ? 'JS' : 'no JS'})`);
      const item = page.locator('li').filter({ hasText: 'Put the cream on after every bath' });
      if (!javaScript) {
        await follow(page, item.getByRole('button', { name: /Mark as done/ }));
        expect(await textOf(page.locator('main'))).toContain('Thank you. The care team can now see that this is done.');
        await checkPageIsAccessible(page, 'family child page after marking done');
      }
      expect(await textOf(page.locator('li').filter({ hasText: 'Put the cream on after every bath' }))).toMatch(/Done/);

      await follow(page, page.getByRole('link', { name: adviceTitle }).first());
      const advice = await textOf(page.locator('main'));
      expect(advice.indexOf('Call 999 or go to A&E now if:')).toBeGreaterThan(-1);
      expect(advice.indexOf('Call 999 or go to A&E now if:')).toBeLessThan(advice.indexOf('Get help today if:'));
      await checkPageIsAccessible(page, `family advice page (${javaScript ? 'JS' : 'no JS'})`);
      await page.context().close();
    });
  }
});
