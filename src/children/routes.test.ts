import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, DEMO_PASSWORD, pageText } from '../../test/http.js';
import { formatNhsNumber } from '../platform/identity/nhs-number.js';

const kinds = await databaseKinds();
type ChildRow = { id: string; nhs_number: string; given_name: string; family_name: string; date_of_birth: string };

describe.each(kinds)('finding a child and opening their summary (%s)', (kind) => {
  let j: TestJoinery;
  let mine: ChildRow;
  let notMine: ChildRow;
  let otherIcsChild: ChildRow;

  const one = async <T>(query: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, query))[0];
  const auditCount = async (childId: string, action: string) =>
    (await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = ${action}`)).n;
  /** Who was audited doing `action` to the child, and why, oldest first. */
  const auditedAs = (childId: string, action: string) =>
    rows<{ professional_id: string; why: string }>(j.db.owner, sql`SELECT professional_id, why FROM audit_event WHERE child_id = ${childId}::uuid AND action = ${action} ORDER BY id`);
  const gpId = async () => (await one<{ id: string }>(sql`SELECT id FROM professional WHERE email = 'gp@demo.joinery.test'`)).id;

  beforeAll(async () => {
    j = await startJoinery(kind);
    const gp = sql`${(await one<{ id: string }>(sql`SELECT organisation_id AS id FROM professional WHERE email = 'gp@demo.joinery.test'`)).id}::uuid`;
    mine = await one<ChildRow>(sql`SELECT id, nhs_number, given_name, family_name, date_of_birth::text FROM child
      WHERE ics_id = ${j.ics.icsId}::uuid AND registered_practice_id = ${gp}
        AND EXISTS (SELECT 1 FROM child_related_person r WHERE r.ics_id = ${j.ics.icsId}::uuid AND r.ics_id = child.ics_id AND r.child_id = child.id AND r.parental_responsibility)
      ORDER BY id LIMIT 1`);
    notMine = await one<ChildRow>(sql`SELECT id, nhs_number, given_name, family_name, date_of_birth::text FROM child
      WHERE ics_id = ${j.ics.icsId}::uuid AND registered_practice_id <> ${gp} ORDER BY id LIMIT 1`);
    otherIcsChild = await one<ChildRow>(sql`SELECT id, nhs_number, given_name, family_name, date_of_birth::text FROM child
      WHERE ics_id = ${j.other.icsId}::uuid ORDER BY id LIMIT 1`);
  });
  afterAll(() => j?.close());

  it('a GP finds their patient by NHS number typed with spaces and opens the summary', async () => {
    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test', DEMO_PASSWORD);
    const found = await gp.get(`/children?q=${encodeURIComponent(formatNhsNumber(mine.nhs_number))}`);
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`/children/${mine.id}`);
    expect(found.body).toContain('Care relationship');

    const summary = await gp.get(`/children/${mine.id}`);
    expect(summary.statusCode).toBe(200);
    expect(summary.body).toContain(formatNhsNumber(mine.nhs_number));
    expect(summary.body).toContain('Registered practice');
    expect(summary.body).toMatch(/Parental responsibility[\s\S]*Yes/);
    expect(summary.body).toContain('Who has accessed this record');
    const [event] = await rows<{ why: string }>(j.db.owner, sql`SELECT why FROM audit_event WHERE child_id = ${mine.id}::uuid AND action = 'child.view-summary'`);
    expect(event.why).toMatch(/^Registered practice: /);
  });

  it('finds a child by surname and date of birth, and by part of the name', async () => {
    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test', DEMO_PASSWORD);
    const [y, m, d] = mine.date_of_birth.split('-');
    const byDob = await gp.get(`/children?q=${encodeURIComponent(mine.family_name)}&dob%5Bday%5D=${Number(d)}&dob%5Bmonth%5D=${Number(m)}&dob%5Byear%5D=${y}`);
    expect(byDob.body).toContain(`/children/${mine.id}`);
    const otherDay = String(Number(d) === 1 ? 2 : Number(d) - 1);
    const wrongDob = await gp.get(`/children?q=${encodeURIComponent(mine.family_name)}&dob%5Bday%5D=${otherDay}&dob%5Bmonth%5D=${Number(m)}&dob%5Byear%5D=${y}`);
    expect(wrongDob.body).not.toContain(`/children/${mine.id}`);
    const partial = `${mine.given_name.slice(0, 3)} ${mine.family_name.slice(0, 3)}`;
    const byName = await gp.get(`/children?q=${encodeURIComponent(partial.toLowerCase())}`);
    expect(byName.statusCode).toBe(200);
    expect(byName.body).toContain(`/children/${mine.id}`);
    expect(await auditCount(mine.id, 'child.search-result')).toBeGreaterThanOrEqual(2);
    const shown = await auditedAs(mine.id, 'child.search-result');
    const gpSearched = { professional_id: await gpId(), why: 'Search by a gp' };
    expect(shown).toEqual(shown.map(() => gpSearched));
  });

  it('shows a clear error for an invalid NHS number and keeps what was typed', async () => {
    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test', DEMO_PASSWORD);
    const res = await gp.get('/children?q=999+123+4577');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('NHS number is not valid: check the 10 digits');
    expect(res.body).toContain('value="999 123 4577"');
  });

  it('never finds or opens another ICS’s child', async () => {
    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test', DEMO_PASSWORD);
    const search = await gp.get(`/children?q=${otherIcsChild.nhs_number}`);
    expect(search.body).not.toContain(otherIcsChild.id);
    expect(search.body).toContain('No children match');
    expect((await gp.get(`/children/${otherIcsChild.id}`)).statusCode).toBe(404);
    expect((await gp.get(`/children/${otherIcsChild.id}/access-log`)).statusCode).toBe(404);
    expect((await gp.get('/children/not-a-uuid')).statusCode).toBe(404);
  });

  it('without a relationship: no access, then break-glass with a reason, reviewed by the privacy officer', async () => {
    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test', DEMO_PASSWORD);
    const refused = await gp.get(`/children/${notMine.id}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('You do not have access to this child’s record');
    expect(refused.body).not.toContain(notMine.family_name.toUpperCase());
    expect(await auditCount(notMine.id, 'child.access-refused')).toBe(1);
    expect(await auditedAs(notMine.id, 'child.access-refused')).toEqual([{ professional_id: await gpId(), why: 'You do not have a care relationship with this child.' }]);

    const tooShort = await gp.post(`/children/${notMine.id}/break-glass`, { reason: 'ED' });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.body).toContain('Enter why you need emergency access, in at least 10 characters');

    const noCsrf = await gp.post(`/children/${notMine.id}/break-glass`, { reason: 'Seen in ED, needs record' }, { csrf: null });
    expect(noCsrf.statusCode).toBe(403);
    expect(await auditCount(notMine.id, 'child.break-glass')).toBe(0);

    const granted = await gp.post(`/children/${notMine.id}/break-glass`, { reason: 'Child brought to out-of-hours clinic, unwell' });
    expect(granted.statusCode).toBe(303);
    const opened = await gp.get(`/children/${notMine.id}`);
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('emergency access');
    expect(await auditCount(notMine.id, 'child.break-glass')).toBe(1);
    expect(await auditedAs(notMine.id, 'child.break-glass')).toEqual([{ professional_id: await gpId(), why: 'Child brought to out-of-hours clinic, unwell' }]);

    const po = await new TestClient(j.app).signIn('privacy-officer@demo.joinery.test', DEMO_PASSWORD);
    const list = await po.get('/privacy/break-glass');
    expect(list.body).toContain('Child brought to out-of-hours clinic, unwell');
    expect(list.body).toContain(`href="/children/${notMine.id}/access-log"`);
    const id = /\/privacy\/break-glass\/([0-9a-f-]{36})\/review/.exec(list.body)![1];
    const unanswered = await po.post(`/privacy/break-glass/${id}/review`, { note: 'x' });
    expect(unanswered.statusCode).toBe(400);
    expect(unanswered.body).toContain(`href="#outcome-${id}"`);
    expect(unanswered.body).toContain('Select whether the access was appropriate');
    expect((await po.post(`/privacy/break-glass/${id}/review`, { outcome: 'appropriate' })).statusCode).toBe(303);
    expect((await po.get('/privacy/break-glass')).body).not.toContain(id);
    expect((await po.get('/privacy/break-glass?show=reviewed')).body).toContain('Appropriate: the reason justified access');
    expect((await po.post(`/privacy/break-glass/${id}/review`, { outcome: 'appropriate' })).statusCode).toBe(409);
  });

  it('the summary shows this child’s flags (not those ended over a year ago), family with parental responsibility first, care team and active conditions oldest first, none sensitive and none of another child', async () => {
    const ics = j.ics.icsId;
    const flag = (childId: string, kind: string, startedOn: string, endedOn: string | null) => j.db.owner.execute(sql`INSERT INTO child_flag (ics_id, id, child_id, kind, started_on, ended_on)
      VALUES (${ics}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, ${kind}, ${startedOn}::date, ${endedOn}::date)`);
    const problem = (childId: string, display: string, status: string, startedOn: string, sensitive: string | null = null) => j.db.owner.execute(sql`
      INSERT INTO record_entry (ics_id, id, child_id, kind, display, status, started_on, sensitive_category)
      VALUES (${ics}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, 'problem', ${display}, ${status}, ${startedOn}::date, ${sensitive})`);
    // The demo child has no flags of its own, so each one shown or not is one of these.
    expect(await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM child_flag WHERE child_id = ${mine.id}::uuid`)).toEqual({ n: 0 });
    await flag(mine.id, 'child-protection-plan', '2024-03-01', null);
    await flag(mine.id, 'looked-after', '2015-01-01', '2019-06-30');
    await flag(notMine.id, 'looked-after', '2024-01-01', null);
    await problem(mine.id, 'Eczema QB', 'active', '2021-05-01');
    await problem(mine.id, 'Asthma QA', 'active', '2019-02-01');
    await problem(mine.id, 'Resolved croup QD', 'resolved', '2018-01-01');
    await problem(mine.id, 'Sensitive problem QC', 'active', '2020-01-01', 'sexual-health');
    await problem(notMine.id, 'Another child’s diabetes QE', 'active', '2020-01-01');
    const nurse = await one<{ id: string; name: string }>(sql`SELECT id, name FROM professional WHERE ics_id = ${ics}::uuid AND role = 'school-nurse' ORDER BY id LIMIT 1`);
    await j.db.owner.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
      VALUES (${ics}::uuid, ${crypto.randomUUID()}::uuid, ${mine.id}::uuid, ${nurse.id}::uuid, 'School nurse for the asthma plan QF')`);
    const family = await rows<{ given_name: string; family_name: string; parental_responsibility: boolean }>(j.db.owner, sql`
      SELECT p.given_name, p.family_name, r.parental_responsibility FROM child_related_person r JOIN related_person p ON p.ics_id = r.ics_id AND p.id = r.related_person_id
       WHERE r.ics_id = ${j.ics.icsId}::uuid AND p.ics_id = ${j.ics.icsId}::uuid AND r.child_id = ${mine.id}::uuid ORDER BY r.parental_responsibility DESC, p.family_name, p.given_name`);
    try {
      const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test', DEMO_PASSWORD);
      const page = await gp.get(`/children/${mine.id}`);
      expect(page.statusCode).toBe(200);
      const text = pageText(page.body);
      expect(text).toContain('Child protection plan');
      expect(text).not.toContain('Looked after child');
      expect(text).toMatch(/Asthma QA[\s\S]*Eczema QB/);
      for (const hidden of ['Resolved croup QD', 'Sensitive problem QC', 'Another child’s diabetes QE']) expect(text).not.toContain(hidden);
      expect(text).toContain(nurse.name);
      expect(text).toContain('School nurse for the asthma plan QF');
      // Every family member, those with parental responsibility first.
      const familySection = text.slice(text.indexOf('Family and people with parental responsibility'), text.indexOf('Professionals caring for this child'));
      const at = family.map((p) => familySection.indexOf(`${p.given_name} ${p.family_name}`));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    } finally {
      await j.db.owner.execute(sql`DELETE FROM child_flag WHERE child_id IN (${mine.id}::uuid, ${notMine.id}::uuid)`);
      await j.db.owner.execute(sql`DELETE FROM record_entry WHERE child_id IN (${mine.id}::uuid, ${notMine.id}::uuid) AND display LIKE '% Q_'`);
      await j.db.owner.execute(sql`DELETE FROM care_team_member WHERE child_id = ${mine.id}::uuid AND professional_id = ${nurse.id}::uuid`);
    }
  });

  it('the access log shows who has seen the record', async () => {
    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test', DEMO_PASSWORD);
    await gp.get(`/children/${mine.id}`);
    const log = await gp.get(`/children/${mine.id}/access-log`);
    expect(log.statusCode).toBe(200);
    const gpName = (await one<{ name: string }>(sql`SELECT name FROM professional WHERE email = 'gp@demo.joinery.test'`)).name;
    expect(log.body).toContain(gpName);
    expect(log.body).toContain('Child summary');
  });

  it('roles that do not care for children cannot search or open them', async () => {
    for (const role of ['ics-analyst', 'admin']) {
      const c = await new TestClient(j.app).signIn(`${role}@demo.joinery.test`, DEMO_PASSWORD);
      expect((await c.get('/children?q=smith')).statusCode).toBe(403);
      const res = await c.get(`/children/${mine.id}`);
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain('Use emergency access');
    }
  });

  it('signing in: wrong passwords are refused, then throttled; sign-out ends the session', async () => {
    const c = new TestClient(j.app);
    await c.get('/sign-in');
    const wrong = await c.post('/sign-in', { email: 'health-visitor@demo.joinery.test', password: 'not-the-password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The email address or password is not right');
    for (let i = 0; i < 4; i++) await c.post('/sign-in', { email: 'health-visitor@demo.joinery.test', password: 'nope' });
    const blocked = await c.post('/sign-in', { email: 'health-visitor@demo.joinery.test', password: DEMO_PASSWORD });
    expect(blocked.statusCode).toBe(429);

    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test', DEMO_PASSWORD);
    expect((await gp.post('/sign-out', {})).statusCode).toBe(303);
    expect((await gp.get('/')).headers.location).toMatch(/^\/sign-in/);
  });

  it('a session idle for longer than the limit is ended (fetching page assets does not count as activity)', async () => {
    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test', DEMO_PASSWORD);
    await j.db.owner.execute(sql`UPDATE session SET last_seen_at = now() - interval '31 minutes'`);
    expect((await gp.get('/assets/nhsuk-frontend.min.css')).statusCode).toBe(200);
    const res = await gp.get(`/children/${mine.id}`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toContain('expired=1');
  });

  it('session cookies are HttpOnly and SameSite', async () => {
    const c = new TestClient(j.app);
    await c.get('/sign-in');
    const res = await c.post('/sign-in', { email: 'gp@demo.joinery.test', password: DEMO_PASSWORD });
    const cookie = res.cookies.find((x) => x.name === 'joinery_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
  });

  it('health names the database kind and migration version', async () => {
    const res = await j.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: kind, migration: expect.stringMatching(/^\d{4}_/) });
  });
});
