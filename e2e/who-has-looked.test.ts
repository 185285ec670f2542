import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { actorFor } from '../test/actors.js';
import { demoFamilies } from '../src/cli/nhs-sign-in.js';
import { follow, JOURNEY, textOf } from './browser.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { signInWithNhsLogin } from './steps/sign-in.js';
import { familyAccessOf, familyChildPage } from '../src/family/service.js';
import { startJoineryWithNhsLogin, type Joinery } from './server.js';

/**
 * "Who has looked at my record", on a phone without JavaScript: the demo
 * 14-year-old with their own access signs in with NHS login and reads who
 * looked, in plain words: their GP practice's GP by role and organisation
 * (no name, as this ICS chooses), and their parent as their parent, never as
 * staff; the page passes axe at 390 px and up.
 */
describe('who has looked at my record, in a browser without JavaScript', JOURNEY, () => {
  let j: Joinery;
  let teenId: string;


  beforeAll(async () => {
    j = await startJoineryWithNhsLogin();
    const [parent, youngPerson] = await demoFamilies(j.db);
    [{ child_id: teenId }] = await rows<{ child_id: string }>(j.db.owner, sql`SELECT child_id FROM family_access_grant WHERE kind = 'own-access' AND nhs_number = ${youngPerson.nhsNumber}`);
    // The GP at the registered practice looks at who has family access, and the parent opens the child's page.
    const [practiceGp] = await rows<{ email: string }>(j.db.owner, sql`SELECT p.email FROM professional p JOIN child c ON c.registered_practice_id = p.organisation_id
      WHERE c.id = ${teenId}::uuid AND p.role = 'gp' AND p.email IS NOT NULL ORDER BY p.email LIMIT 1`);
    const gp = await actorFor(j.db, practiceGp.email);
    await j.db.tenant(gp.icsId, (tx) => familyAccessOf(tx, gp, teenId));
    await familyChildPage(j.db, { ...parent, identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd' }, teenId);
    await j.db.owner.execute(sql`INSERT INTO family_setting (ics_id, hide_staff_names) VALUES (${gp.icsId}::uuid, true)
      ON CONFLICT (ics_id) DO UPDATE SET hide_staff_names = true`);
  });
  afterAll(() => j?.close());

  it('the young person reads who looked, in plain words, with staff names hidden and their parent named as their parent', async () => {
    const [, youngPerson] = await demoFamilies(j.db);
    const me = await signInWithNhsLogin(j, youngPerson);
    await follow(me, me.getByRole('link', { name: 'Your own care' }));
    await follow(me, me.getByRole('link', { name: 'See who has looked at your record' }));
    expect(me.url()).toBe(`${j.baseUrl}/family/children/${teenId}/who-has-looked`);
    const list = await textOf(me.locator("#looks"));
    expect(list).toMatch(/GP, [^\n]+\n+Looked at: Who can see your information online/);
    expect(list).toMatch(/Your (mother|father) \(they have access to your information\)/);
    const gpNames = await rows<{ name: string }>(j.db.owner, sql`SELECT DISTINCT actor_name AS name FROM audit_event WHERE child_id = ${teenId}::uuid AND role = 'gp'`);
    for (const { name } of gpNames) expect(list).not.toContain(name);
    await checkPageIsAccessible(me, 'who has looked at my record');
    await me.context().close();
  });
});
