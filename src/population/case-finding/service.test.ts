import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { londonToday } from '../../platform/time/form-dates.js';
import { databaseKinds } from '../../../test/database.js';
import { startJoinery, type TestJoinery } from '../../../test/joinery.js';
import { TestClient, pageText } from '../../../test/http.js';
import { actorFor } from '../../../test/actors.js';
import { auditMark, auditSince } from '../../../test/audit.js';
import { caseFindingList, CASE_FINDING_PAGE_SIZE } from './service.js';
import { addEvents, ensureMeeting, eventsInYear, hasAsthma, pickChildren, referredInYear, type Picked } from './test-fixtures.js';

const kinds = await databaseKinds();
const LIST = '/population/case-finding';

/**
 * Case finding as the hub's lead paediatrician, a GP of one of its
 * practices, a paediatrician covering its triage and an analyst meet it:
 * who sees which children, why each is listed, what is audited, and
 * bringing a child to the hub MDT from the list.
 */
describe.each(kinds)('case finding (%s)', (kind) => {
  let j: TestJoinery;
  let lead: Actor;
  let gp: Actor;
  let hubId: string;
  let meetingId: string;
  // a: the GP's practice, 4 ED attendances, never referred; b: another practice, 3 ED; c: asthma, 7 relievers;
  // d: 3 ED but referred this year; e: 2 ED (under the threshold).
  const k: Record<'a' | 'b' | 'c' | 'd' | 'e', Picked> = {} as never;
  const ed: Record<string, number> = {};
  let relievers = 0;
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
  const ids = (html: string) => [...html.matchAll(/name="childId" value="([0-9a-f-]+)"/g)].map((m) => m[1]);
  /** The row of the list that names the child, as text. */
  const rowOf = (html: string, p: Picked) => pageText([...html.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((m) => m[0]).find((r) => r.includes(p.given_name) && r.includes(p.family_name.toUpperCase())) ?? '');

  beforeAll(async () => {
    j = await startJoinery(kind);
    lead = await actorFor(j.db, 'paediatrician@demo.joinery.test');
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
    [{ id: hubId }] = await rows<{ id: string }>(j.db.owner, sql`SELECT cluster_id AS id FROM cluster_practice WHERE ics_id = ${j.ics.icsId}::uuid AND practice_id = ${gp.organisationId}::uuid`);
    const [ledHub] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM cluster WHERE ics_id = ${j.ics.icsId}::uuid AND lead_paediatrician_id = ${lead.professionalId}::uuid`);
    expect(ledHub.id).toBe(hubId);
    const atGp = sql`c.registered_practice_id = ${gp.organisationId}::uuid`;
    const elsewhere = sql`c.registered_practice_id <> ${gp.organisationId}::uuid`;
    [k.a] = await pickChildren(j.db, j.ics.icsId, hubId, 1, sql`${atGp} AND ${referredInYear(j.ics.icsId, false)}`);
    [k.b] = await pickChildren(j.db, j.ics.icsId, hubId, 1, sql`${elsewhere} AND ${referredInYear(j.ics.icsId, false)}`, [k.a.id]);
    [k.c] = await pickChildren(j.db, j.ics.icsId, hubId, 1, hasAsthma(j.ics.icsId), [k.a.id, k.b.id]);
    [k.e] = await pickChildren(j.db, j.ics.icsId, hubId, 1, sql`NOT ${hasAsthma(j.ics.icsId)}`, [k.a.id, k.b.id, k.c.id]);
    [k.d] = await pickChildren(j.db, j.ics.icsId, hubId, 1, referredInYear(j.ics.icsId, true), [k.a.id, k.b.id, k.c.id, k.e.id]);
    for (const key of ['a', 'b', 'c', 'd', 'e'] as const) expect(k[key], `a child for ${key}`).toBeDefined();
    // What the generator gave each child already, so the expected counts hold whatever it makes.
    relievers = await eventsInYear(j.db, j.ics.icsId, k.c.id, sql`e.type = 'prescription' AND e.reason_code = 'reliever'`);
    await addEvents(j.db, j.ics.icsId, k.a.id, 'ed', 4);
    await addEvents(j.db, j.ics.icsId, k.b.id, 'ed', 3);
    await addEvents(j.db, j.ics.icsId, k.d.id, 'ed', 3);
    await addEvents(j.db, j.ics.icsId, k.e.id, 'ed', 2);
    await addEvents(j.db, j.ics.icsId, k.c.id, 'prescription', 7, { reasonCode: 'reliever' });
    for (const key of ['a', 'b', 'd', 'e'] as const) ed[key] = await eventsInYear(j.db, j.ics.icsId, k[key].id, sql`e.type = 'ed'`);
    expect(ed).toEqual({ a: 4, b: 3, d: 3, e: 2 });
    meetingId = await ensureMeeting(j.db, lead, hubId);
  }, 180_000);
  afterAll(() => j?.close());

  it('refuses roles that do not care for the children listed', async () => {
    const analyst = await signIn('ics-analyst');
    const page = await analyst.get(LIST);
    expect(page.statusCode).toBe(403);
    expect(pageText(page.body)).toContain('Only paediatricians and GPs see case-finding lists');
    expect((await analyst.post(`${LIST}/nominate`, { childId: k.a.id, cluster: hubId, rule: '' })).statusCode).toBe(403);
    expect((await (await signIn('senco')).get(LIST)).statusCode).toBe(403);
  });

  it('lists the lead’s hub with every rule’s reason for each child, and leaves out those under the thresholds', async () => {
    const lead = await signIn('paediatrician');
    const page = await lead.get(LIST);
    expect(page.statusCode).toBe(200);
    expect(rowOf(page.body, k.a)).toContain(`Frequent ED attenders: ${ed.a} ED attendances in the last 12 months (3 or more)`);
    expect(rowOf(page.body, k.a)).toContain(`ED attenders not yet known to the hub: ${ed.a} ED attendances in the last 12 months (3 or more); no referral or advice request to a hub in that time`);
    expect(rowOf(page.body, k.b)).toContain('Frequent ED attenders: 3 ED attendances in the last 12 months (3 or more)');
    expect(rowOf(page.body, k.c)).toContain(`Asthma at risk: ${relievers + 7} reliever inhaler prescriptions in the last 12 months (6 or more)`);
    // Referred this year: frequent, but known to the hub.
    expect(rowOf(page.body, k.d)).toContain('Frequent ED attenders');
    expect(rowOf(page.body, k.d)).not.toContain('not yet known to the hub');
    expect(rowOf(page.body, k.e)).toBe('');
    expect(ids(page.body)).toEqual(expect.arrayContaining([k.a.id, k.b.id, k.c.id, k.d.id]));
    // One rule at a time.
    const asthma = await lead.get(`${LIST}?cluster=${hubId}&rule=asthma-at-risk`);
    expect(rowOf(asthma.body, k.c)).toContain('Asthma at risk');
    expect(rowOf(asthma.body, k.a)).toBe('');
    expect(pageText(asthma.body)).toContain('Children with asthma who had 6 or more reliever inhaler prescriptions or 2 or more asthma attacks');
  });

  it('shows a GP only their own practice’s children, and refuses a hub they are not in', async () => {
    const gpClient = await signIn('gp');
    const page = await gpClient.get(LIST);
    expect(page.statusCode).toBe(200);
    expect(rowOf(page.body, k.a)).toContain('Frequent ED attenders');
    expect(rowOf(page.body, k.b)).toBe('');
    expect(pageText(page.body)).toContain('Only children registered at your practice are shown');
    const [otherHub] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM cluster WHERE ics_id = ${j.other.icsId}::uuid LIMIT 1`);
    expect((await gpClient.get(`${LIST}?cluster=${otherHub.id}`)).statusCode).toBe(403);
    expect((await gpClient.get(`${LIST}?cluster=not-a-hub`)).statusCode).toBe(400);
    expect(pageText((await gpClient.get(`${LIST}?rule=no-such-rule`)).body)).toContain('Choose a rule from the list');
  });

  it('lets a paediatrician covering the hub’s triage today see its list, and one without a hub none', async () => {
    // The hub leads first: a correlated subquery on a distributed table under a reference table does not run on Citus.
    const leads = (await rows<{ id: string }>(j.db.owner, sql`SELECT lead_paediatrician_id AS id FROM cluster
      WHERE ics_id = ${lead.icsId}::uuid AND lead_paediatrician_id IS NOT NULL`)).map((l) => l.id);
    const [other] = await rows<{ email: string; id: string }>(j.db.owner, sql`SELECT p.email, p.id FROM professional p
      WHERE p.ics_id = ${lead.icsId}::uuid AND p.role = 'paediatrician' AND p.id <> ${lead.professionalId}::uuid
        AND NOT (p.id = ANY(${sql.param(leads)}::uuid[])) ORDER BY p.email LIMIT 1`);
    // Give them the demo password so they can sign in like the demo users.
    await j.db.owner.execute(sql`UPDATE professional SET password_hash = (SELECT password_hash FROM professional WHERE id = ${lead.professionalId}::uuid) WHERE id = ${other.id}::uuid`);
    const client = await TestClient.signIn(j.app, other.email);
    expect(pageText((await client.get(LIST)).body)).toContain('You do not lead or cover a hub');
    await j.db.owner.execute(sql`INSERT INTO triage_cover (ics_id, id, cluster_id, cover_id, starts_on, ends_on, created_by)
      VALUES (${lead.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${hubId}::uuid, ${other.id}::uuid, ${londonToday()}::date, ${londonToday()}::date, ${lead.professionalId}::uuid)`);
    const page = await client.get(LIST);
    expect(rowOf(page.body, k.b)).toContain('Frequent ED attenders');
    // Not invited to the meeting: no buttons, and the MDT's own rule refuses a hand-made post.
    expect(ids(page.body)).toEqual([]);
    expect(pageText(page.body)).toContain('You are not invited to it');
    const refused = await client.post(`${LIST}/nominate`, { childId: k.b.id, cluster: hubId, rule: '' });
    expect(refused.statusCode).toBe(403);
    expect(pageText(refused.body)).toContain('You are not invited to this MDT meeting');
  });

  it('audits every child shown, in one batch, with the hub and the rules', async () => {
    const [{ t }] = await rows<{ t: string }>(j.db.owner, sql`SELECT clock_timestamp()::text AS t`);
    const result = await j.db.tenant(lead.icsId, (tx) => caseFindingList(tx, lead, {}, 1, londonToday()));
    const shown = result.list!.items.map((i) => i.childId);
    expect(shown.length).toBeGreaterThanOrEqual(4);
    const audited = await rows<{ child_id: string; why: string; details: { clusterId: string; rules: string[] } }>(j.db.owner, sql`SELECT child_id, why, details FROM audit_event
      WHERE action = 'population.case-finding' AND professional_id = ${lead.professionalId}::uuid AND at >= ${t}::timestamptz`);
    expect(audited.map((a) => a.child_id).sort()).toEqual([...shown].sort());
    const forA = audited.find((a) => a.child_id === k.a.id)!;
    expect(forA.why).toContain('lead paediatrician of the hub');
    expect(forA.details).toEqual({ clusterId: hubId, rules: ['frequent-ed', 'no-hub-contact-ed'] });
  });

  it('brings a child to the hub’s next meeting with the reason as the question, once', async () => {
    const client = await signIn('paediatrician');
    await client.get(`${LIST}?cluster=${hubId}&rule=frequent-ed`);
    const brought = await client.post(`${LIST}/nominate`, { childId: k.a.id, cluster: hubId, rule: 'frequent-ed', page: '1' });
    expect(brought.statusCode).toBe(303);
    const [listed] = await rows<{ meeting_id: string; source: string; question: string; brought_by: string }>(j.db.owner,
      sql`SELECT meeting_id, source, question, brought_by FROM mdt_case WHERE child_id = ${k.a.id}::uuid AND status = 'listed'`);
    expect(listed).toMatchObject({ meeting_id: meetingId, source: 'case-finding', brought_by: lead.professionalId });
    expect(listed.question).toContain(`Frequent ED attenders: ${ed.a} ED attendances in the last 12 months (3 or more)`);
    const [{ title }] = await rows<{ title: string }>(j.db.owner, sql`SELECT title FROM mdt_meeting WHERE id = ${meetingId}::uuid`);
    const after = await client.get(brought.headers.location as string);
    expect(pageText(after.body)).toContain(`${k.a.given_name} ${k.a.family_name} was brought to ${title}`);
    expect(rowOf(after.body, k.a)).toContain(`Brought to ${title}`);
    // The meeting's case list says where the child came from.
    expect(pageText((await client.get(`/mdt/${meetingId}`)).body)).toContain('(from case finding)');

    const again = await client.post(`${LIST}/nominate`, { childId: k.a.id, cluster: hubId, rule: 'frequent-ed' });
    expect(again.statusCode).toBe(409);
    expect(pageText(again.body)).toContain(`${k.a.given_name} ${k.a.family_name} is already on the case list of ${title}`);
    const [{ n }] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM mdt_case WHERE child_id = ${k.a.id}::uuid`);
    expect(n).toBe(1);
  });

  it('refuses a child the rules do not list, whatever the form says', async () => {
    const client = await signIn('paediatrician');
    await client.get(LIST);
    for (const [childId, rule] of [[k.e.id, ''], [k.d.id, 'no-hub-contact-ed'], [crypto.randomUUID(), '']]) {
      const refused = await client.post(`${LIST}/nominate`, { childId, cluster: hubId, rule });
      expect(refused.statusCode).toBe(409);
      expect(pageText(refused.body)).toContain('is not on the case-finding list');
    }
    // A GP cannot bring another practice's child, even one the lead sees.
    const gpClient = await signIn('gp');
    await gpClient.get(LIST);
    expect((await gpClient.post(`${LIST}/nominate`, { childId: k.b.id, cluster: hubId, rule: '' })).statusCode).toBe(409);
    expect((await client.post(`${LIST}/nominate`, { childId: 'nonsense', cluster: hubId, rule: '' })).statusCode).toBe(404);
    expect((await client.post(`${LIST}/nominate`, { childId: k.b.id, cluster: hubId, rule: '' }, { csrf: null })).statusCode).toBe(403);
    const [{ n }] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM mdt_case WHERE child_id IN (${k.e.id}::uuid, ${k.d.id}::uuid, ${k.b.id}::uuid)`);
    expect(n).toBe(0);
  });

  it('adds an ICS’s own rule from its page, and the list uses it', async () => {
    const analyst = await signIn('ics-analyst');
    expect((await analyst.get('/population/case-finding/rules')).statusCode).toBe(200);
    expect((await analyst.get('/population/case-finding/rules/new')).statusCode).toBe(200);
    const bad = await analyst.post('/population/case-finding/rules', { name: 'Admitted twice', 'criteria-0-measure': 'emergency-admissions', 'criteria-0-atLeast': 'two', windowMonths: '12' });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('Enter how many it takes as a whole number');
    expect(bad.body).toContain('value="Admitted twice"');
    const taken = await analyst.post('/population/case-finding/rules', { name: 'Frequent ED attenders', 'criteria-0-measure': 'ed', 'criteria-0-atLeast': '2', windowMonths: '12' });
    expect(pageText(taken.body)).toContain('A rule with this name already exists');
    const added = await analyst.post('/population/case-finding/rules', { name: 'Admitted twice', 'criteria-0-measure': 'emergency-admissions', 'criteria-0-atLeast': '2', windowMonths: '12' });
    expect(added.statusCode).toBe(303);
    expect(pageText((await analyst.get(added.headers.location as string)).body)).toContain('Rule added: Admitted twice');
    const [audit] = await rows<{ what: string }>(j.db.owner, sql`SELECT what FROM audit_event WHERE action = 'population.case-finding-rule-add'`);
    expect(audit.what).toBe('Case-finding rule added: Admitted twice');
    expect((await (await signIn('gp')).post('/population/case-finding/rules', { name: 'X' })).statusCode).toBe(403);

    const [f] = await pickChildren(j.db, j.ics.icsId, hubId, 1, sql`NOT EXISTS (SELECT 1 FROM activity_event e WHERE e.ics_id = ${j.ics.icsId}::uuid AND e.ics_id = c.ics_id AND e.child_id = c.id AND e.type = 'admission')`, Object.values(k).map((p) => p.id));
    await addEvents(j.db, j.ics.icsId, f.id, 'admission', 2, { emergency: true });
    const page = await (await signIn('paediatrician')).get(`${LIST}?rule=admitted-twice`);
    expect(rowOf(page.body, f)).toContain('Admitted twice: 2 emergency admissions in the last 12 months (2 or more)');
  });

  it('stops using an ICS’s own rule from its page: it lists no one, the stop is audited, and built-in rules stay', async () => {
    const analyst = await signIn('ics-analyst');
    const added = await analyst.post('/population/case-finding/rules', { name: 'Seen in ED once', 'criteria-0-measure': 'ed', 'criteria-0-atLeast': '1', windowMonths: '12' });
    expect(added.statusCode).toBe(303);
    const paediatrician = await signIn('paediatrician');
    expect(pageText((await paediatrician.get(`${LIST}?rule=seen-in-ed-once`)).body)).toMatch(/\d+ children? listed/);
    expect((await paediatrician.post('/population/case-finding/rules/seen-in-ed-once/stop', {})).statusCode).toBe(403);
    expect((await analyst.post('/population/case-finding/rules/seen-in-ed-once/stop', {}, { csrf: null })).statusCode).toBe(403);
    expect((await analyst.post('/population/case-finding/rules/frequent-ed/stop', {})).statusCode).toBe(409);
    expect((await analyst.post('/population/case-finding/rules/no-such-rule/stop', {})).statusCode).toBe(404);

    const ruleCount = (text: string) => Number(/(\d+) rules/.exec(text)![1]);
    const before = ruleCount(pageText((await analyst.get('/population/case-finding/rules')).body));
    const stopped = await analyst.post('/population/case-finding/rules/seen-in-ed-once/stop', {});
    expect(stopped.statusCode).toBe(303);
    const rulesPage = pageText((await analyst.get(stopped.headers.location as string)).body);
    expect(rulesPage).toContain('Rule stopped: Seen in ED once. It no longer lists children.');
    expect(ruleCount(rulesPage)).toBe(before - 1);
    expect(rulesPage.split('Seen in ED once').length - 1).toBe(1); // in the notice, no longer in the table
    expect(rulesPage).toContain('Frequent ED attenders');
    expect((await paediatrician.get(`${LIST}?rule=seen-in-ed-once`)).statusCode).toBe(400);
    const audits = await rows<{ what: string }>(j.db.owner, sql`SELECT what FROM audit_event WHERE action = 'population.case-finding-rule-stop'`);
    expect(audits.map((a) => a.what)).toEqual(['Case-finding rule stopped: Seen in ED once']);
    // Stopped once: a second stop finds nothing to stop.
    expect((await analyst.post('/population/case-finding/rules/seen-in-ed-once/stop', {})).statusCode).toBe(404);
  });

  it('pages the list 50 children at a time', async () => {
    const more = await pickChildren(j.db, j.ics.icsId, hubId, 60, sql`TRUE`, Object.values(k).map((p) => p.id));
    for (const p of more) await addEvents(j.db, j.ics.icsId, p.id, 'ed', 3);
    const client = await signIn('paediatrician');
    const first = await client.get(`${LIST}?cluster=${hubId}&rule=frequent-ed`);
    const [, total, pages] = /(\d+) children listed, page 1 of (\d+)/.exec(pageText(first.body))!.map(Number);
    expect(total).toBeGreaterThan(CASE_FINDING_PAGE_SIZE);
    expect(pages).toBe(Math.ceil(total / CASE_FINDING_PAGE_SIZE));
    const rowsOn = (html: string) => (html.match(/<tr class="nhsuk-table__row"/g) ?? []).length - 1;
    expect(rowsOn(first.body)).toBe(CASE_FINDING_PAGE_SIZE);
    const second = await client.get(`${LIST}?cluster=${hubId}&rule=frequent-ed&page=2`);
    expect(rowsOn(second.body)).toBe(Math.min(CASE_FINDING_PAGE_SIZE, total - CASE_FINDING_PAGE_SIZE));
    expect(ids(second.body).some((id) => ids(first.body).includes(id))).toBe(false);
    // Past the end: the last page.
    expect(rowsOn((await client.get(`${LIST}?cluster=${hubId}&rule=frequent-ed&page=99`)).body)).toBe(total - CASE_FINDING_PAGE_SIZE * (pages - 1));
  });

  it('viewing page 1 audits exactly the children that page shows, with who viewed them and why, and none of the rest of the list', async () => {
    // The list is longer than a page by now (the paging test above listed 60 more children).
    const client = await signIn('paediatrician');
    const mark = await auditMark(j.db);
    const page = await client.get(`${LIST}?cluster=${hubId}&rule=frequent-ed`);
    expect(page.statusCode).toBe(200);
    const [, total] = /(\d+) children listed, page 1 of (\d+)/.exec(pageText(page.body))!.map(Number);
    expect(total).toBeGreaterThan(CASE_FINDING_PAGE_SIZE);
    // Each row names its child by NHS number (a child already brought has no "Bring" form to carry its id).
    const shown = [...pageText(page.body).matchAll(/NHS number (\d{3} \d{3} \d{4})/g)].map((m) => m[1].replace(/ /g, ''));
    expect(new Set(shown).size).toBe(CASE_FINDING_PAGE_SIZE);
    const audited = await auditSince(j.db, mark, { action: 'population.case-finding' });
    const nhsNumbers = await rows<{ nhs_number: string }>(j.db.owner, sql`SELECT nhs_number FROM child WHERE id = ANY(${sql.param(audited.map((a) => a.child!))}::uuid[])`);
    expect(audited).toHaveLength(CASE_FINDING_PAGE_SIZE);
    expect(nhsNumbers.map((c) => c.nhs_number).sort()).toEqual([...shown].sort());
    const [hub] = await rows<{ name: string }>(j.db.owner, sql`SELECT name FROM cluster WHERE id = ${hubId}::uuid`);
    expect(audited).toEqual(audited.map((a) => ({
      actor: lead.professionalId, role: 'paediatrician', child: a.child, action: 'population.case-finding',
      what: `Listed by case finding for ${hub.name}: Frequent ED attenders`, why: 'case finding by a paediatrician; lead paediatrician of the hub',
      details: { clusterId: hubId, rules: ['frequent-ed'] },
    })));
  });

  it('says so, and saves nothing, when the hub has no meeting with room', async () => {
    await j.db.owner.execute(sql`UPDATE mdt_meeting SET status = 'cancelled' WHERE cluster_id = ${hubId}::uuid AND starts_at > now()`);
    const client = await signIn('paediatrician');
    const page = await client.get(LIST);
    expect(pageText(page.body)).toContain('The hub has no MDT meeting to come with room on its case list');
    const refused = await client.post(`${LIST}/nominate`, { childId: k.c.id, cluster: hubId, rule: '' });
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('has no MDT meeting to come with room on its case list');
    expect(await rows(j.db.owner, sql`SELECT 1 FROM mdt_case WHERE child_id = ${k.c.id}::uuid`)).toEqual([]);
  });
});
