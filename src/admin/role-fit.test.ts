import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pageText, TestClient } from '../../test/http.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { ROLE_IDS } from '../platform/access/roles.js';
import { ROLE_ORGANISATION_KINDS } from '../platform/access/role-fit.js';
import { ORGANISATION_KINDS } from '../platform/access/organisation-kinds.js';
import { startAdminTest, type AdminTest } from './test-setup.js';

/** Roles must fit the kind of organisation: no "GP" at a school, from the form, an old record or a changed organisation. */
describe('a role fits its organisation', () => {
  let t: AdminTest;
  let schoolId: string;
  let practiceId: string;
  const orgOf = async (kind: string) => (await t.one<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${t.icsId}::uuid AND kind = ${kind} ORDER BY name LIMIT 1`)).id;
  const find = (email: string) => t.one<{ id: string; role: string; organisation_id: string } | undefined>(sql`SELECT id, role, organisation_id FROM professional WHERE email = ${email}`);

  beforeAll(async () => {
    t = await startAdminTest('pglite');
    schoolId = await orgOf('school');
    practiceId = await orgOf('gp-practice');
  });
  afterAll(() => t?.close());

  it('lists at least one kind of organisation for every role, and only real kinds', () => {
    for (const role of ROLE_IDS) {
      expect(ROLE_ORGANISATION_KINDS[role].length, role).toBeGreaterThan(0);
      for (const kind of ROLE_ORGANISATION_KINDS[role]) expect(ORGANISATION_KINDS).toContain(kind);
    }
    expect(ROLE_ORGANISATION_KINDS.gp).toEqual(['gp-practice']);
  });

  it('refuses to add a GP at a school, saying what would fit, and adds nothing', async () => {
    const admin = await t.signIn();
    await admin.get('/admin/users/new');
    const res = await admin.post('/admin/users', { name: 'Gail Pratt', email: 'gail.pratt@example.nhs.uk', role: 'gp', organisationId: schoolId, password: 'a long enough passphrase' });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain('A GP account must be at a GP practice, not a school. Choose a different organisation or role');
    expect(res.body).toMatch(/href="#organisationId"/);
    expect(await find('gail.pratt@example.nhs.uk')).toBeUndefined();

    // The same person at a practice is fine.
    const ok = await admin.post('/admin/users', { name: 'Gail Pratt', email: 'gail.pratt@example.nhs.uk', role: 'gp', organisationId: practiceId, password: 'a long enough passphrase' });
    expect(ok.statusCode).toBe(303);
  });

  it('refuses to change a SENCO into a GP at their school', async () => {
    const admin = await t.signIn();
    const senco = (await find('senco@demo.joinery.test'))!;
    const form = await admin.get(`/admin/users/${senco.id}`);
    const version = /name="version" value="([0-9a-f]+)"/.exec(form.body)![1];
    const res = await admin.post(`/admin/users/${senco.id}`, { name: 'Changed Name', role: 'gp', organisationId: senco.organisation_id, active: 'yes', version });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain('A GP account must be at a GP practice, not a school');
    expect(await find('senco@demo.joinery.test')).toMatchObject({ role: 'senco', organisation_id: senco.organisation_id });
  });

  it('refuses to turn a practice into a school while GPs work there', async () => {
    const admin = await t.signIn();
    const practice = await t.one<{ name: string; ods_code: string; place_id: string | null }>(sql`SELECT name, ods_code, place_id FROM organisation WHERE id = ${practiceId}::uuid`);
    const form = await admin.get(`/admin/organisations/${practiceId}`);
    const version = /name="version" value="([0-9a-f]+)"/.exec(form.body)?.[1] ?? '';
    // Take it out of its hub first, so the kind change meets only the role check.
    await t.db.owner.execute(sql`DELETE FROM cluster_practice WHERE practice_id = ${practiceId}::uuid`);
    const res = await admin.post(`/admin/organisations/${practiceId}`, { name: practice.name, kind: 'school', odsCode: practice.ods_code, placeId: practice.place_id ?? '', version });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toMatch(/A GP account must be at a GP practice, not a school\. Move or change the GP accounts at/);
    expect((await t.one<{ kind: string }>(sql`SELECT kind FROM organisation WHERE id = ${practiceId}::uuid`)).kind).toBe('gp-practice');
  });

  it('refuses sign-in to a GP account already saved at a school, with a page that says why', async () => {
    const email = 'old.gp.at.school@example.nhs.uk';
    await t.db.owner.execute(sql`INSERT INTO sign_in_directory (email, ics_id) VALUES (${email}, ${t.icsId}::uuid)`);
    await t.db.owner.execute(sql`INSERT INTO professional (ics_id, id, email, name, role, organisation_id, password_hash)
      VALUES (${t.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${email}, 'Old Record', 'gp', ${schoolId}::uuid, ${await hashPassword('an old misfit passphrase')})`);
    const browser = TestClient.anonymous(t.app);
    await browser.get('/sign-in');
    const res = await browser.post('/sign-in', { email, password: 'an old misfit passphrase' });
    expect(res.statusCode).toBe(403);
    expect(browser.signedIn).toBe(false);
    const text = pageText(res.body);
    expect(text).toContain('You cannot use this account');
    expect(text).toContain('A GP account must be at a GP practice, not a school, so this account cannot be used');
    // The wrong password still says nothing about the account.
    const wrong = await browser.post('/sign-in', { email, password: 'not the passphrase' });
    expect(wrong.statusCode).toBe(401);
    expect(pageText(wrong.body)).not.toContain('school');
  });

  it('ends a signed-in session once the account stops fitting', async () => {
    const senco = await TestClient.signIn(t.app, 'senco@demo.joinery.test');
    expect((await senco.get('/')).statusCode).toBe(200);
    await t.db.owner.execute(sql`UPDATE professional SET role = 'gp' WHERE email = 'senco@demo.joinery.test'`);
    const after = await senco.get('/');
    expect(after.statusCode).toBe(302);
    expect(after.headers.location).toMatch(/^\/sign-in/);
    await t.db.owner.execute(sql`UPDATE professional SET role = 'senco' WHERE email = 'senco@demo.joinery.test'`);
  });
});
