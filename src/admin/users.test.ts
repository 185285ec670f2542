import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pageText, TestClient } from '../../test/http.js';
import { ADMIN, startAdminTest, type AdminTest } from './test-setup.js';

type Prof = { id: string; name: string; email: string; role: string; organisation_id: string; active: boolean; password_hash: string | null };

describe('an administrator manages user accounts', () => {
  let t: AdminTest;
  let orgId: string;
  const find = (email: string) =>
    t.one<Prof | undefined>(sql`SELECT id, name, email, role, organisation_id, active, password_hash FROM professional WHERE email = ${email}`);
  const userCount = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM professional`)).n;

  beforeAll(async () => {
    t = await startAdminTest('pglite');
    orgId = (await t.one<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${t.icsId}::uuid AND kind = 'community-provider' LIMIT 1`)).id;
  });
  afterAll(() => t?.close());

  it('adds a user who can then sign in', async () => {
    const admin = await t.signIn();
    await admin.get('/admin/users/new');
    const res = await admin.post('/admin/users', {
      name: 'Priya Shah', email: '  Priya.Shah@Example.NHS.uk ', role: 'paediatrician', organisationId: orgId, password: 'a long enough passphrase',
    });
    expect(res.statusCode).toBe(303);
    const saved = await find('priya.shah@example.nhs.uk');
    expect(saved).toMatchObject({ name: 'Priya Shah', role: 'paediatrician', organisation_id: orgId, active: true });
    expect(saved!.password_hash).toMatch(/^\$argon2id\$/);

    const listed = pageText((await admin.get('/admin/users?role=paediatrician&notice=user-added')).body);
    expect(listed).toContain('User added');
    expect(listed).toContain('Priya Shah Email priya.shah@example.nhs.uk Role Paediatrician');

    const priya = await TestClient.signIn(t.app, 'priya.shah@example.nhs.uk', 'a long enough passphrase');
    expect(priya.signedIn).toBe(true);
    expect(pageText((await priya.get('/')).body)).toContain('Priya Shah (Paediatrician');

    const [event] = await t.all<{ details: { professionalId: string; withPassword: boolean } }>(
      sql`SELECT details FROM audit_event WHERE action = 'admin.user-created' AND details->>'professionalId' = ${saved!.id}`,
    );
    expect(event.details.withPassword).toBe(true);
  });

  it('refuses an email address already in use, in this ICS or another', async () => {
    const admin = await t.signIn();
    const before = await userCount();
    for (const email of ['GP@demo.joinery.test', 'gp@other.joinery.test']) {
      await admin.get('/admin/users/new');
      const res = await admin.post('/admin/users', { name: 'Second Account', email, role: 'paediatrician', organisationId: orgId, password: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toMatch(/href="#email">\s*A user with this email address already exists/);
      expect(res.body).toContain('value="Second Account"');
    }
    expect(await userCount()).toBe(before);
  });

  it('explains each wrong field and never sends the password back', async () => {
    const admin = await t.signIn();
    await admin.get('/admin/users/new');
    const res = await admin.post('/admin/users', {
      name: 'n'.repeat(201), email: 'not-an-email', role: 'wizard', organisationId: crypto.randomUUID(), password: 'too-short',
    });
    expect(res.statusCode).toBe(400);
    const text = pageText(res.body);
    expect(text).toContain('The user’s full name must be 200 characters or fewer');
    expect(text).toContain('Enter an email address in the correct format');
    expect(text).toContain('Select a role');
    expect(text).toContain('Password must be at least 12 characters');
    expect(res.body).not.toContain('too-short');

    // With the shape right, an organisation from nowhere is still refused.
    const unknownOrg = await admin.post('/admin/users', { name: 'No Org', email: 'no.org@example.nhs.uk', role: 'gp', organisationId: crypto.randomUUID() });
    expect(unknownOrg.statusCode).toBe(400);
    expect(pageText(unknownOrg.body)).toContain('Select an organisation from the list');
    expect(await find('no.org@example.nhs.uk')).toBeUndefined();
  });

  it('changes a user; a deactivated user is signed out and cannot sign in', async () => {
    const admin = await t.signIn();
    await admin.get('/admin/users/new');
    await admin.post('/admin/users', { name: 'Sam Lee', email: 'sam.lee@example.nhs.uk', role: 'health-visitor', organisationId: orgId, password: 'sam-lee-passphrase' });
    const sam = (await find('sam.lee@example.nhs.uk'))!;
    const samSession = await TestClient.signIn(t.app, sam.email, 'sam-lee-passphrase');

    const form = await admin.get(`/admin/users/${sam.id}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/name="active"[^>]*value="yes"[^>]*checked|value="yes"[^>]*checked/);
    const version = /name="version" value="([0-9a-f]+)"/.exec(form.body)![1];
    // Unticking "Active" sends no active field at all.
    const res = await admin.post(`/admin/users/${sam.id}`, { name: 'Samira Lee', role: 'school-nurse', organisationId: orgId, version });
    expect(res.statusCode).toBe(303);
    expect(await find(sam.email)).toMatchObject({ name: 'Samira Lee', role: 'school-nurse', active: false });

    const kicked = await samSession.get('/');
    expect(kicked.statusCode).toBe(302);
    expect(kicked.headers.location).toMatch(/^\/sign-in/);
    await expect(TestClient.signIn(t.app, sam.email, 'sam-lee-passphrase')).rejects.toThrow(/answered 401/);

    const [event] = await t.all<{ details: { changed: string[] } }>(
      sql`SELECT details FROM audit_event WHERE action = 'admin.user-updated' AND details->>'professionalId' = ${sam.id}`,
    );
    expect(event.details.changed).toEqual(['name', 'role', 'active']);

    // The earlier form is stale now.
    const stale = await admin.post(`/admin/users/${sam.id}`, { name: 'Sam Lee', role: 'health-visitor', organisationId: orgId, active: 'yes', version });
    expect(stale.statusCode).toBe(409);
  });

  it('links a user to their NHS CIS2 identity: 12 digits; one person may have an account for each role at each organisation, but not two with the same role at one; the list shows the last sign-in and its method', async () => {
    const admin = await t.signIn();
    await admin.get('/admin/users/new');
    await admin.post('/admin/users', { name: 'Ada Cole', email: 'ada.cole@example.nhs.uk', role: 'health-visitor', organisationId: orgId, password: 'ada-cole-passphrase' });
    const ada = (await find('ada.cole@example.nhs.uk'))!;
    const uidOf = async (id: string) => (await t.one<{ u: string | null }>(sql`SELECT nhsid_useruid AS u FROM professional WHERE id = ${id}::uuid`)).u;
    const save = async (nhsidUseruid: string) => {
      const form = await admin.get(`/admin/users/${ada.id}`);
      const version = /name="version" value="([0-9a-f]+)"/.exec(form.body)![1];
      return admin.post(`/admin/users/${ada.id}`, { name: 'Ada Cole', role: 'health-visitor', organisationId: orgId, active: 'yes', nhsidUseruid, version });
    };

    for (const bad of ['12345', '5550000000012', '55500000000x']) {
      const res = await save(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(pageText(res.body)).toContain('Enter the CIS2 user ID as 12 digits');
      expect(res.body).toContain(`value="${bad}"`);
    }
    expect(await uidOf(ada.id)).toBeNull();

    // Another health visitor at this organisation already holds this identity: CIS2 could not tell the two accounts apart.
    await t.db.owner.execute(sql`INSERT INTO sign_in_directory (email, ics_id) VALUES ('ben.cole@example.nhs.uk', ${t.icsId}::uuid)`);
    await t.db.owner.execute(sql`INSERT INTO professional (ics_id, id, email, name, role, organisation_id, nhsid_useruid)
      VALUES (${t.icsId}::uuid, ${crypto.randomUUID()}::uuid, 'ben.cole@example.nhs.uk', 'Ben Cole', 'health-visitor', ${orgId}::uuid, '555123456780')`);
    const taken = await save('555123456780');
    expect(taken.statusCode).toBe(400);
    expect(pageText(taken.body)).toContain('Another Health visitor account at this organisation is already linked to this CIS2 user ID. One person may have an account for each role at each organisation, but not two with the same role at the same one');
    expect(await uidOf(ada.id)).toBeNull();

    // The demo GP's identity is linked to accounts at other organisations or in other roles: this one may share it.
    const gpUid = (await t.one<{ u: string }>(sql`SELECT nhsid_useruid AS u FROM professional WHERE email = 'gp@demo.joinery.test'`)).u;
    expect(gpUid).toMatch(/^\d{12}$/);
    expect((await save(gpUid)).statusCode).toBe(303);
    expect(await uidOf(ada.id)).toBe(gpUid);

    expect((await save('555 123 456 789')).statusCode).toBe(303);
    expect(await uidOf(ada.id)).toBe('555123456789');
    const events = await t.all<{ details: { changed: string[]; after: { cis2Linked: boolean } } }>(
      sql`SELECT details FROM audit_event WHERE action = 'admin.user-updated' AND details->>'professionalId' = ${ada.id} ORDER BY at, id`);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event.details).toMatchObject({ changed: ['nhsidUseruid'], after: { cis2Linked: true } });
      for (const uid of [gpUid, '555123456789']) expect(JSON.stringify(event.details)).not.toContain(uid);
    }
    // Blank unlinks.
    expect((await save('')).statusCode).toBe(303);
    expect(await uidOf(ada.id)).toBeNull();

    const before = pageText((await admin.get('/admin/users?role=health-visitor')).body);
    expect(before).toMatch(/Ada Cole Email ada\.cole@example\.nhs\.uk Role Health visitor Organisation [^]*? Last sign-in Not yet /);
    await TestClient.signIn(t.app, ada.email, 'ada-cole-passphrase');
    const after = pageText((await admin.get('/admin/users?role=health-visitor')).body);
    expect(after).toMatch(/Ada Cole Email ada\.cole@example\.nhs\.uk Role Health visitor Organisation [^]*? Last sign-in \d{1,2} [A-Z][a-z]{2} \d{4}[^]*?\(password\)/);
  });

  it('refuses to link one CIS2 user ID to two accounts at an organisation that one national role confirms both of, as sign-in could not tell them apart', async () => {
    const admin = await t.signIn();
    const add = async (email: string, name: string, role: string, uid: string | null) => {
      const id = crypto.randomUUID();
      await t.db.owner.execute(sql`INSERT INTO sign_in_directory (email, ics_id) VALUES (${email}, ${t.icsId}::uuid)`);
      await t.db.owner.execute(sql`INSERT INTO professional (ics_id, id, email, name, role, organisation_id, nhsid_useruid)
        VALUES (${t.icsId}::uuid, ${id}::uuid, ${email}, ${name}, ${role}, ${orgId}::uuid, ${uid})`);
      return id;
    };
    await add('eve.hart.hv@example.nhs.uk', 'Eve Hart', 'health-visitor', '555222333444');
    const schoolNurse = await add('eve.hart.sn@example.nhs.uk', 'Eve Hart', 'school-nurse', null);
    const link = async (nhsidUseruid: string) => {
      const form = await admin.get(`/admin/users/${schoolNurse}`);
      const version = /name="version" value="([0-9a-f]+)"/.exec(form.body)![1];
      return admin.post(`/admin/users/${schoolNurse}`, { name: 'Eve Hart', role: 'school-nurse', organisationId: orgId, active: 'yes', nhsidUseruid, version });
    };
    // At a community trust the Nurse Access Role confirms a health visitor and a school nurse alike.
    const refused = await link('555222333444');
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toMatch(/This CIS2 user ID is also linked to a Health visitor account at .+, and one national role there confirms both that and School nurse, so the role chosen at CIS2 could not tell the two accounts apart\. Link the ID to only one of them/);
    expect((await t.one<{ u: string | null }>(sql`SELECT nhsid_useruid AS u FROM professional WHERE id = ${schoolNurse}::uuid`)).u).toBeNull();

    // The demo GP's paediatrician account there is confirmed by another national role: a school nurse account may share that ID.
    const gpUid = (await t.one<{ u: string }>(sql`SELECT nhsid_useruid AS u FROM professional WHERE email = 'gp@demo.joinery.test'`)).u;
    const [{ n }] = await t.all<{ n: number }>(sql`SELECT count(*)::int AS n FROM professional WHERE nhsid_useruid = ${gpUid} AND organisation_id = ${orgId}::uuid AND role = 'paediatrician'`);
    expect(n).toBe(1);
    expect((await link(gpUid)).statusCode).toBe(303);
  });

  it('does not let an administrator lock themselves out', async () => {
    const admin = await t.signIn();
    const me = (await find(ADMIN))!;
    await admin.get(`/admin/users/${me.id}`);
    const res = await admin.post(`/admin/users/${me.id}`, { name: me.name, role: 'gp', organisationId: me.organisation_id });
    expect(res.statusCode).toBe(400);
    const text = pageText(res.body);
    expect(text).toContain('You cannot deactivate your own account');
    expect(text).toContain('You cannot remove your own administrator role');
    expect(await find(ADMIN)).toMatchObject({ role: 'admin', active: true });
  });

  it('filters by role and pages at 50', async () => {
    const admin = await t.signIn();
    // Enough health visitors for two pages, added directly: this is about the list, not the form.
    for (let i = 0; i < 60; i++) {
      await t.db.owner.execute(sql`INSERT INTO sign_in_directory (email, ics_id) VALUES (${`hv${i}@paging.test`}, ${t.icsId}::uuid)`);
      await t.db.owner.execute(sql`INSERT INTO professional (ics_id, id, email, name, role, organisation_id)
        VALUES (${t.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${`hv${i}@paging.test`}, ${`Zz Visitor ${String(i).padStart(2, '0')}`}, 'health-visitor', ${orgId}::uuid)`);
    }
    const total = (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM professional WHERE ics_id = ${t.icsId}::uuid AND role = 'health-visitor'`)).n;
    const first = await admin.get('/admin/users?role=health-visitor');
    expect(first.statusCode).toBe(200);
    expect(pageText(first.body)).toContain(`${total} users, page 1 of 2`);
    expect(first.body.match(/href="\/admin\/users\/[0-9a-f-]{36}"/g)).toHaveLength(50);
    expect(first.body).toContain('class="nhsuk-pagination');
    expect(first.body).toContain('href="/admin/users?role=health-visitor&amp;page=2"');

    const second = await admin.get('/admin/users?role=health-visitor&page=2');
    expect(second.body.match(/href="\/admin\/users\/[0-9a-f-]{36}"/g)).toHaveLength(total - 50);
    expect(pageText(second.body)).toContain('Zz Visitor 59');
    // Every row is a health visitor.
    expect(pageText(second.body).match(/ Role Health visitor Organisation /g)).toHaveLength(total - 50);
    // Past the end shows the last page.
    expect(pageText((await admin.get('/admin/users?role=health-visitor&page=9')).body)).toContain('page 2 of 2');
  });
  it('searches users by words in the name, email or organisation, keeping the search in the paging', async () => {
    const admin = await t.signIn();
    const org = (await t.one<{ name: string }>(sql`SELECT name FROM organisation WHERE id = ${orgId}::uuid`)).name;
    // The 60 "Zz Visitor" accounts of the paging test: each word is found anywhere, so "visitor 5" is 05, 15, 25, 35, 45 and 50–59.
    const some = await admin.get('/admin/users?q=visitor+5');
    expect(some.statusCode).toBe(200);
    expect(pageText(some.body)).toContain('15 users');
    expect(some.body.match(/href="\/admin\/users\/[0-9a-f-]{36}"/g)).toHaveLength(15);
    expect(some.body).toContain('value="visitor 5"');

    const paged = await admin.get(`/admin/users?q=${encodeURIComponent(`paging.test ${org}`)}`);
    expect(pageText(paged.body)).toContain('60 users, page 1 of 2');
    expect(paged.body).toContain(`href="/admin/users?q=${encodeURIComponent(`paging.test ${org}`).replace(/%20/g, '+')}&amp;page=2"`);
    expect(pageText((await admin.get('/admin/users?q=visitor&role=gp')).body)).toContain('No users with this role match ‘visitor’');
    // Wildcards are typed literally: a percent sign matches no one rather than everyone.
    expect(pageText((await admin.get('/admin/users?q=%25')).body)).toContain('No users match ‘%’');

    const tooLong = await admin.get(`/admin/users?q=${'v'.repeat(101)}`);
    expect(tooLong.statusCode).toBe(400);
    expect(pageText(tooLong.body)).toContain('Your search must be 100 characters or fewer');
    expect(tooLong.body).not.toMatch(/href="\/admin\/users\/[0-9a-f-]{36}"/);
  });
});
