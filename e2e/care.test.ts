import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { addMonths, londonToday } from '../src/platform/time/form-dates.js';
import { launchChromium, expectAccessible, screenshot, textOf, follow, signedIn as signInAs, JOURNEY } from './browser.js';
import { startServer } from './server.js';

/**
 * Multi-agency care in a real browser: a hub MDT from scheduling to the
 * letter, a care plan from start to the family's printout, tasks, and what
 * education may see. Every page visited is scanned for accessibility.
 */
describe('MDT meetings, care plans and tasks', JOURNEY, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let child: { id: string; nhs_number: string; given_name: string; family_name: string };
  const pros: Record<string, { id: string; name: string }> = {};
  const today = londonToday();
  const fillDate = async (page: Page, id: string, iso: string) => {
    const [y, m, d] = iso.split('-');
    await page.locator(`#${id}-day`).fill(String(Number(d)));
    await page.locator(`#${id}-month`).fill(String(Number(m)));
    await page.locator(`#${id}-year`).fill(y);
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    for (const role of ['gp', 'paediatrician', 'social-worker', 'senco', 'care-coordinator']) {
      [pros[role]] = await rows<{ id: string; name: string }>(server.db.owner, sql`SELECT id, name FROM professional WHERE email = ${`${role}@demo.joinery.test`}`);
    }
    [child] = await rows(server.db.owner, sql`SELECT c.id, c.nhs_number, c.given_name, c.family_name FROM child c
      WHERE c.registered_practice_id = (SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')
        AND c.school_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM care_plan p WHERE p.child_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.child_id = c.id AND m.professional_id IN (${pros['social-worker'].id}::uuid, ${pros.senco.id}::uuid))
      ORDER BY c.id LIMIT 1`);
    // A child of the lead's hub with 3 ED attendances this year: on the risk list the chair is offered.
    [frequent] = await rows(server.db.owner, sql`SELECT c.id, c.given_name, c.family_name FROM child c
      JOIN cluster_practice cp ON cp.practice_id = c.registered_practice_id JOIN cluster cl ON cl.id = cp.cluster_id
      WHERE cl.lead_paediatrician_id = ${pros.paediatrician.id}::uuid AND c.id <> ${child.id}::uuid ORDER BY c.id LIMIT 1`);
    for (const days of [15, 45, 120]) {
      await server.db.owner.execute(sql`INSERT INTO contact (ics_id, id, child_id, type, started_at, reason_display)
        VALUES (${server.ics.icsId}::uuid, gen_random_uuid(), ${frequent.id}::uuid, 'ed', now() - make_interval(days => ${days}), 'Wheeze')`);
    }
  });
  let frequent: { id: string; given_name: string; family_name: string };

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = (role: string, opts: { javaScript?: boolean } = {}) => signInAs(browser, server.baseUrl, `${role}@demo.joinery.test`, opts);

  it('the hub lead schedules MDTs; the GP brings a child; the meeting records actions for a social worker and a SENCO; the GP reads the letter', async () => {
    const lead = await signedIn('paediatrician');
    await lead.page.goto(`${server.baseUrl}/mdt`);
    await expectAccessible(lead.page, 'MDT meetings');
    await follow(lead.page, lead.page.getByRole('button', { name: 'Schedule MDT meetings' }));
    await expectAccessible(lead.page, 'schedule MDTs');
    await lead.page.getByLabel('Title').fill('Journey hub MDT');
    await fillDate(lead.page, 'firstDate', addMonths(today, 1));
    await lead.page.getByLabel('Where').fill('');
    await follow(lead.page, lead.page.getByRole('button', { name: 'Schedule the meetings' }));
    expect(await textOf(lead.page.getByRole('alert'))).toContain('Enter where the meeting is held');
    await expectAccessible(lead.page, 'schedule MDTs with errors');
    await lead.page.getByLabel('Where').fill('Willowbrook Surgery, meeting room 2');
    await follow(lead.page, lead.page.getByRole('button', { name: 'Schedule the meetings' }));
    await follow(lead.page, lead.page.getByRole('link', { name: 'Journey hub MDT' }).first());
    await expectAccessible(lead.page, 'MDT meeting');
    const meetingUrl = lead.page.url();
    for (const role of ['gp', 'social-worker', 'senco']) {
      await lead.page.getByLabel('Invite someone from any agency').selectOption(pros[role].id);
      await follow(lead.page, lead.page.getByRole('button', { name: 'Invite' }));
    }
    await screenshot(lead.page, 'mdt-meeting');

    // The GP brings a child: without JavaScript, as some practices browse.
    const gp = await signedIn('gp', { javaScript: false });
    await gp.page.goto(meetingUrl);
    await follow(gp.page, gp.page.getByRole('link', { name: 'Bring a child to this meeting' }));
    await expectAccessible(gp.page, 'bring a case');
    await gp.page.getByLabel('NHS number').fill(child.nhs_number);
    await gp.page.getByLabel('What do you want the meeting to answer?').fill('Wheeze at night and missed school: what support at home and school?');
    await follow(gp.page, gp.page.getByRole('button', { name: 'Add to the case list' }));
    expect(await textOf(gp.page.locator('table'))).toContain(child.family_name.toUpperCase());

    // The chair adds a child from the risk list.
    await lead.page.reload();
    await follow(lead.page, lead.page.getByRole('button', { name: `Add ${frequent.given_name} ${frequent.family_name} to the case list` }));
    expect(await textOf(lead.page.locator('#cases ~ table').first())).toContain(frequent.family_name.toUpperCase());
    await expectAccessible(lead.page, 'MDT meeting with the risk list');

    // A social worker reads the brief before the meeting.
    const sw = await signedIn('social-worker');
    await sw.page.goto(meetingUrl);
    await follow(sw.page, sw.page.getByRole('link', { name: 'Read every brief' }));
    expect(await textOf(sw.page.getByRole('heading', { level: 2 }).first())).toContain(child.family_name.toUpperCase());
    await expectAccessible(sw.page, 'MDT briefs');

    // The meeting: attendance, then the discussion and actions.
    await lead.page.reload();
    for (const role of ['paediatrician', 'gp', 'social-worker', 'senco']) await lead.page.getByRole('checkbox', { name: new RegExp(`^${pros[role].name},`) }).check();
    await follow(lead.page, lead.page.getByRole('button', { name: 'Save attendance' }));
    await follow(lead.page, lead.page.getByRole('link', { name: `Record the discussion of ${child.given_name} ${child.family_name}` }));
    await expectAccessible(lead.page, 'record the discussion');
    await lead.page.getByLabel('Summary of the discussion').fill('We heard about wheeze at night, damp at home and days off school.');
    await lead.page.getByLabel('What was decided').fill('Asthma review in the hub clinic; a school health care plan; housing support.');
    await lead.page.locator('#actions-0-description').fill('Talk with the family about damp and housing support');
    await lead.page.locator('#actions-0-ownerId').selectOption(pros['social-worker'].id);
    await fillDate(lead.page, 'actions-0-dueOn', addMonths(today, 2));
    await lead.page.locator('#actions-1-description').fill('Write an individual health care plan for school');
    await lead.page.locator('#actions-1-ownerId').selectOption(pros.senco.id);
    await lead.page.getByLabel('Asthma and wheeze').check();
    await follow(lead.page, lead.page.getByRole('button', { name: 'Save and send the outcome letter' }));
    expect(await textOf(lead.page.getByRole('alert'))).toContain('Enter the date it is due by');
    await expectAccessible(lead.page, 'record the discussion with errors');
    await fillDate(lead.page, 'actions-1-dueOn', addMonths(today, 2));
    await follow(lead.page, lead.page.getByRole('button', { name: 'Save and send the outcome letter' }));
    expect(await textOf(lead.page.getByRole('heading', { level: 1 }))).toContain('Outcome of the');
    await expectAccessible(lead.page, 'outcome letter');
    await screenshot(lead.page, 'mdt-letter');

    for (const [role, action] of [['social-worker', 'Talk with the family about damp and housing support'], ['senco', 'Write an individual health care plan for school']]) {
      const { page, context } = await signedIn(role);
      await page.goto(`${server.baseUrl}/tasks`);
      await expectAccessible(page, `tasks of ${role}`);
      await follow(page, page.getByRole('link', { name: action }));
      await expectAccessible(page, `task of ${role}`);
      await page.getByLabel('Done').check();
      await page.getByLabel('Outcome or reason').fill('Done on the visit.');
      await follow(page, page.getByRole('button', { name: 'Save' }));
      expect(await textOf(page.getByRole('table').or(page.locator('dl')).first())).toContain('Done');
      await context.close();
    }

    await gp.page.goto(`${server.baseUrl}/worklist`);
    await follow(gp.page, gp.page.getByRole('link', { name: /MDT outcome letter/ }).first());
    expect(await textOf(gp.page.locator('main'))).toContain('Asthma review in the hub clinic');
    await expectAccessible(gp.page, 'outcome letter as the GP');
    const pdf = await gp.page.request.get(`${gp.page.url()}.pdf`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    await gp.page.goto(`${server.baseUrl}/children/${child.id}/record`);
    await follow(gp.page, gp.page.locator('#letters ~ ul a').first());
    expect(await textOf(gp.page.locator('main'))).toContain('This is the letter exactly as sent');
    await expectAccessible(gp.page, 'letter filed in the record');
    await gp.context.close();
    await sw.context.close();
    await lead.context.close();
  });

  it('the GP starts a care plan; two people edit it at once; the key worker signs it off; the family version prints; education sees only its part', async () => {
    const gp = await signedIn('gp');
    await gp.page.goto(`${server.baseUrl}/children/${child.id}`);
    await follow(gp.page, gp.page.getByRole('link', { name: 'Care plan', exact: true }));
    await expectAccessible(gp.page, 'no care plan yet');
    await follow(gp.page, gp.page.getByRole('button', { name: 'Start a care plan' }));
    await expectAccessible(gp.page, 'start a care plan');
    await gp.page.getByLabel('Title').fill('Asthma and school plan');
    await gp.page.getByLabel('What matters to me').fill('Playing football with my friends.');
    await gp.page.getByLabel('Strengths').fill('Uses the spacer well.');
    await gp.page.getByLabel('Needs', { exact: true }).fill('Preventer twice a day; night cough.');
    await gp.page.getByLabel('At school or nursery (optional)').fill('Reliever in the classroom and on trips.');
    await gp.page.getByLabel('What to do').fill('Sit up; 1 puff of reliever every 30 to 60 seconds, up to 10.');
    await gp.page.getByLabel('Who to call').fill('Parent; 999 if no better.');
    await gp.page.getByLabel('Key worker').selectOption(pros['care-coordinator'].id);
    await follow(gp.page, gp.page.getByRole('button', { name: 'Save the plan' }));
    expect(await textOf(gp.page.getByRole('alert'))).toContain('Enter the review date');
    await expectAccessible(gp.page, 'start a care plan with errors');
    await fillDate(gp.page, 'reviewOn', addMonths(today, 6));
    await gp.page.getByLabel('Education').check();
    await follow(gp.page, gp.page.getByRole('button', { name: 'Save the plan' }));
    expect(await textOf(gp.page.getByRole('alert'))).toContain('The care plan has been started');
    await expectAccessible(gp.page, 'care plan');
    await follow(gp.page, gp.page.getByRole('link', { name: 'Add a goal' }));
    await expectAccessible(gp.page, 'add a goal');
    await gp.page.getByLabel('Goal', { exact: true }).fill('Take part in PE every week');
    await gp.page.getByLabel('How progress will be measured').fill('PE lessons attended each half term');
    await gp.page.getByLabel('Education').check();
    await follow(gp.page, gp.page.getByRole('button', { name: 'Save the goal' }));
    await follow(gp.page, gp.page.getByRole('link', { name: 'Add an action' }));
    await expectAccessible(gp.page, 'add an action');

    // Two people open the plan to change it; the second to save is told, and loses nothing silently.
    const kw = await signedIn('care-coordinator');
    await kw.page.goto(`${server.baseUrl}/children/${child.id}/care-plan/edit`);
    await expectAccessible(kw.page, 'change a care plan');
    await gp.page.goto(`${server.baseUrl}/children/${child.id}/care-plan/edit`);
    await gp.page.getByLabel('Strengths').fill('Uses the spacer well and tells an adult when wheezy.');
    await follow(gp.page, gp.page.getByRole('button', { name: 'Save the plan' }));
    await kw.page.getByLabel('Strengths').fill('Loves football.');
    await follow(kw.page, kw.page.getByRole('button', { name: 'Save the plan' }));
    expect(await textOf(kw.page.getByRole('heading', { level: 1 }))).toBe('The care plan has changed');
    await expectAccessible(kw.page, 'care plan conflict');

    await kw.page.goto(`${server.baseUrl}/children/${child.id}/care-plan`);
    expect(await textOf(kw.page.locator('main'))).toContain('tells an adult when wheezy');
    await follow(kw.page, kw.page.getByRole('link', { name: 'Sign off the plan with the family' }));
    await expectAccessible(kw.page, 'sign off a care plan');
    await kw.page.getByLabel('How did the family agree the plan?').fill('Agreed with Mum at home visit');
    await follow(kw.page, kw.page.getByRole('button', { name: 'Sign off the plan' }));
    expect(await textOf(kw.page.getByRole('alert'))).toContain('signed off');
    await follow(kw.page, kw.page.getByRole('link', { name: 'See every version' }));
    await expectAccessible(kw.page, 'care plan versions');
    await follow(kw.page, kw.page.getByRole('link', { name: 'Version 1' }));
    await expectAccessible(kw.page, 'care plan version');
    await kw.page.goto(`${server.baseUrl}/children/${child.id}/care-plan/print`);
    expect(await textOf(kw.page.locator('main'))).toContain('What we are working towards');
    await expectAccessible(kw.page, 'family version of the plan');
    await screenshot(kw.page, 'care-plan-print');
    await kw.page.goto(`${server.baseUrl}/care-plans/reviews`);
    await expectAccessible(kw.page, 'plan reviews');

    // Education (the SENCO, a member of the MDT that discussed the child) sees the school parts only.
    const senco = await signedIn('senco', { javaScript: false });
    await senco.page.goto(`${server.baseUrl}/children/${child.id}/care-plan`);
    const seen = await textOf(senco.page.locator('main'));
    expect(seen).toContain('Reliever in the classroom and on trips.');
    expect(seen).toContain('Take part in PE every week');
    expect(seen).not.toContain('Preventer twice a day');
    await expectAccessible(senco.page, 'care plan as education');
    await screenshot(senco.page, 'care-plan-education');
    for (const c of [gp, kw, senco]) await c.context.close();
  });
});
