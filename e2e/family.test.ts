import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { demoFamilies } from '../src/cli/nhs-sign-in.js';
import { follow, JOURNEY, screenshot, textOf } from './browser.js';
import { checkPageIsAccessible } from './steps/accessibility.js';
import { signInInANewWindow, signInWithNhsLogin } from './steps/sign-in.js';
import { askQuestion } from '../src/family/service.js';
import { openChild } from '../src/platform/access/door.js';
import { policy } from '../src/platform/access/policy.js';
import { offerFeedbackAtChildsHub } from '../src/feedback/service.js';
import { actorFor } from '../test/actors.js';
import { startJoineryWithNhsLogin, type Joinery } from './server.js';

/**
 * The family's own pages in Chromium without JavaScript, at a phone's width
 * as well (every page is scanned by axe at 390 px and up): the demo parent
 * signs in with NHS login through the stand-in, sees their child's care
 * team, plan and a letter, asks the care team a question and says how the
 * hub clinic went (Friends and Family Test); the
 * 14-year-old with their own access signs in and hides that letter from
 * their parents, and the parent no longer sees it.
 */
describe('families in a browser without JavaScript', JOURNEY, () => {
  let j: Joinery;
  let teen: { id: string; name: string };
  const LETTER = 'Clinic letter: asthma follow-up';


  beforeAll(async () => {
    j = await startJoineryWithNhsLogin();
    const [, youngPerson] = await demoFamilies(j.db);
    [teen] = await rows<{ id: string; name: string }>(j.db.owner, sql`SELECT c.id, c.given_name || ' ' || c.family_name AS name FROM family_access_grant g
      JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id WHERE g.kind = 'own-access' AND g.nhs_number = ${youngPerson.nhsNumber}`);
    // A clinic letter the parent can read, until the young person keeps it from them.
    const [gp] = await rows<{ id: string; name: string; organisation_id: string; ics_id: string }>(j.db.owner, sql`SELECT p.id, p.name, p.organisation_id, p.ics_id
      FROM professional p JOIN child c ON c.registered_practice_id = p.organisation_id WHERE c.id = ${teen.id}::uuid AND p.role = 'gp' LIMIT 1`);
    await j.db.owner.execute(sql`INSERT INTO record_letter (ics_id, id, child_id, title, body, source, filed_by, filed_by_name, filed_by_organisation_id)
      VALUES (${gp.ics_id}::uuid, ${crypto.randomUUID()}::uuid, ${teen.id}::uuid, ${LETTER},
              ${JSON.stringify({ title: LETTER, lines: [{ text: 'We saw you in the hub clinic today.' }, { text: 'Keep using the brown inhaler twice a day.' }] })}::jsonb,
              'clinic', ${gp.id}::uuid, ${gp.name}, ${gp.organisation_id}::uuid)`);
    // After that clinic the family is asked how it went.
    const [email] = await rows<{ email: string }>(j.db.owner, sql`SELECT email FROM professional WHERE id = ${gp.id}::uuid`);
    const clinician = await actorFor(j.db, email.email);
    await j.db.tenant(gp.ics_id, async (tx) => {
      const access = await openChild(tx, clinician, teen.id, { rule: policy.viewChildSummary, refused: 'feedback offer' });
      await offerFeedbackAtChildsHub(tx, access, { serviceKind: 'hub-clinic', sourceId: crypto.randomUUID(), eventDate: '2026-11-20' });
    });
  });
  afterAll(() => j?.close());

  it('a parent reads the care team, plan and a letter, asks a question and answers feedback; the young person hides the letter and the parent no longer sees it', async () => {
    const [parent, youngPerson] = await demoFamilies(j.db);
    const mum = await signInWithNhsLogin(j, parent);
    await follow(mum, mum.getByRole('link', { name: teen.name }));
    const childPage = await textOf(mum.locator('main'));
    expect(childPage).toContain(`The people looking after ${teen.name.split(' ')[0]}`);
    expect(childPage).toContain('Care plan');
    expect(childPage).not.toContain('Letter from the school nurse drop-in');
    await checkPageIsAccessible(mum, 'family child page');
    await screenshot(mum, 'family-child-390');

    await follow(mum, mum.getByRole('link', { name: LETTER }));
    expect(await textOf(mum.locator('main'))).toContain('Keep using the brown inhaler twice a day.');
    await checkPageIsAccessible(mum, 'family letter');
    await screenshot(mum, 'family-letter-390');
    await mum.goBack();

    await follow(mum, mum.getByRole('button', { name: 'Ask a question' }));
    await checkPageIsAccessible(mum, 'family question');
    await follow(mum, mum.getByRole('button', { name: 'Send question' }));
    expect(await textOf(mum.locator('.nhsuk-error-summary'))).toContain('Enter what your question is about');
    await checkPageIsAccessible(mum, 'family question with errors');
    await mum.getByLabel('What is your question about?').fill('Inhaler at school');
    await mum.getByLabel('Your question', { exact: true }).fill('Can school keep a spare inhaler?');
    await follow(mum, mum.getByRole('button', { name: 'Send question' }));
    expect(await textOf(mum.locator('main'))).toContain('Your question has been sent.');
    expect(await textOf(mum.locator('main'))).toContain('Can school keep a spare inhaler?');

    // The parent tells the hub how the clinic went, from the child's page.
    await follow(mum, mum.getByRole('link', { name: /Child health hub clinic, 20 November 2026/ }));
    await checkPageIsAccessible(mum, 'family feedback');
    await screenshot(mum, 'family-feedback-390');
    await follow(mum, mum.getByRole('button', { name: 'Send my answer' }));
    expect(await textOf(mum.locator('.nhsuk-error-summary'))).toContain('Select how your experience was');
    await checkPageIsAccessible(mum, 'family feedback with errors');
    await mum.getByLabel('Very good', { exact: true }).check();
    await mum.getByLabel('Please tell us why you gave this answer (optional)').fill('The nurse explained the inhaler plan clearly.');
    await mum.getByLabel('No, you may know who sent it').check();
    await follow(mum, mum.getByRole('button', { name: 'Send my answer' }));
    expect(await textOf(mum.locator('main'))).toContain('Thank you for your feedback.');
    expect(await mum.getByRole('link', { name: /Child health hub clinic, 20 November 2026/ }).count()).toBe(0);
    await checkPageIsAccessible(mum, 'family child page after feedback');

    const me = await signInWithNhsLogin(j, youngPerson);
    await follow(me, me.getByRole('link', { name: 'Your own care' }));
    const mine = await textOf(me.locator('main'));
    expect(mine).toContain('Letter from the school nurse drop-in');
    expect(mine).not.toContain('Can school keep a spare inhaler?');
    await checkPageIsAccessible(me, 'young person’s own page');
    await screenshot(me, 'young-person-390');
    const item = me.locator('li').filter({ hasText: LETTER });
    await follow(me, item.getByRole('button', { name: 'Hide this letter from my parents' }));
    expect(await textOf(me.locator('main'))).toContain('Your parents or carers can no longer see this.');
    expect(await textOf(me.locator('li').filter({ hasText: LETTER }))).toContain('Hidden from your parents');

    await mum.reload();
    expect(await textOf(mum.locator('main'))).not.toContain(LETTER);
    await mum.context().close();
    await me.context().close();
  });

  it('the GP sees who has family access on the child’s page, and answers a family’s question from it; the administrator sets the answer time', async () => {
    const [granted] = await rows<{ child_id: string; nhs_number: string; date_of_birth: string; name: string }>(j.db.owner, sql`SELECT g.child_id, g.nhs_number,
        to_char(g.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, rp.given_name || ' ' || rp.family_name AS name
      FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
      JOIN related_person rp ON rp.ics_id = g.ics_id AND rp.id = g.related_person_id
      JOIN professional p ON p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id AND p.email = 'gp@demo.joinery.test'
     WHERE g.kind = 'proxy' AND g.status = 'active' AND c.date_of_birth > current_date - interval '12 years' ORDER BY g.child_id LIMIT 1`);
    const [given, ...family] = granted.name.split(' ');
    await askQuestion(j.db, { givenName: given, familyName: family.join(' '), nhsNumber: granted.nhs_number, birthdate: granted.date_of_birth, identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd' },
      granted.child_id, { subject: 'Hospital passport', message: 'Where do we get one?' });

    const gp = await signInInANewWindow(j, 'gp', { javaScript: false });
    await gp.goto(`/children/${granted.child_id}`);
    await follow(gp, gp.getByRole('link', { name: 'Family access: who can see this child’s information online' }));
    const page = await textOf(gp.locator('main'));
    expect(page).toContain(granted.name);
    expect(page).toContain('Birth certificate naming them as a parent');
    await checkPageIsAccessible(gp, 'family access (professional)');

    await follow(gp, gp.getByRole('link', { name: 'Hospital passport' }));
    await checkPageIsAccessible(gp, 'family question (professional)');
    await gp.getByLabel('Your answer to the family').fill('Ask the hub nurse at your next appointment.');
    await follow(gp, gp.getByRole('button', { name: 'Send answer' }));
    expect(await textOf(gp.locator('main'))).toContain('Ask the hub nurse at your next appointment.');
    await gp.context().close();

    // The ICS's administrator sets how soon families are answered.
    const admin = await signInInANewWindow(j, 'admin', { javaScript: false });
    await follow(admin, admin.locator('main').getByRole('link', { name: 'Family access settings' }));
    await checkPageIsAccessible(admin, 'family access settings');
    await admin.getByLabel('Working days the care team aims to answer a family’s question in').fill('12');
    await follow(admin, admin.getByRole('button', { name: 'Save settings' }));
    expect(await textOf(admin.locator('.nhsuk-error-summary'))).toContain('The working days to answer must be from 1 to 10');
    await checkPageIsAccessible(admin, 'family access settings with an error');
    await admin.context().close();
  });
});
