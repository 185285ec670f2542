import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pageText, TestClient } from '../../test/http.js';
import { addClient, checkNewClient, issueToken } from '../fhir/clients.js';
import { ADMIN, startAdminTest, type AdminTest } from './test-setup.js';

/**
 * Separation of duties: an administrator cannot make a clinician and use the
 * account alone. In 'review' mode it works but is flagged and queued for the
 * privacy officer; in 'approval' mode it cannot be used until a different
 * administrator approves it.
 */
describe('a second person checks clinical accounts and FHIR clients that write', () => {
  let t: AdminTest;
  let practiceId: string;
  let secondAdmin: string;
  const PASSWORD = 'a long enough passphrase';
  const audits = (action: string) => t.all<{ what: string; details: Record<string, unknown> }>(sql`SELECT what, details FROM audit_event WHERE action = ${action} ORDER BY id`);

  async function addGp(admin: TestClient, name: string, email: string) {
    await admin.get('/admin/users/new');
    const res = await admin.post('/admin/users', { name, email, role: 'gp', organisationId: practiceId, password: PASSWORD });
    expect(res.statusCode).toBe(303);
  }
  async function trySignIn(email: string) {
    const browser = TestClient.anonymous(t.app);
    await browser.get('/sign-in');
    return { browser, res: await browser.post('/sign-in', { email, password: PASSWORD }) };
  }

  beforeAll(async () => {
    t = await startAdminTest('pglite');
    practiceId = (await t.one<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${t.icsId}::uuid AND kind = 'gp-practice' ORDER BY name LIMIT 1`)).id;
    // The ICS's other administrator, given the demo password so they can sign in.
    secondAdmin = (await t.one<{ email: string }>(sql`SELECT email FROM professional WHERE ics_id = ${t.icsId}::uuid AND role = 'admin' AND email <> ${ADMIN} ORDER BY email LIMIT 1`)).email;
    await t.db.owner.execute(sql`UPDATE professional SET password_hash = (SELECT password_hash FROM professional WHERE email = ${ADMIN}) WHERE email = ${secondAdmin}`);
  });
  afterAll(() => t?.close());

  it('in review mode (the default), a GP account works at once but is flagged and queued until the privacy officer reviews it', async () => {
    const admin = await t.signIn();
    expect(pageText((await admin.get('/admin/duties')).body)).toMatch(/Review It can be used at once, and the privacy officer reviews it afterwards/);
    await addGp(admin, 'Rita Review', 'rita.review@example.nhs.uk');
    const { browser, res } = await trySignIn('rita.review@example.nhs.uk');
    expect(res.statusCode).toBe(303);
    expect(browser.signedIn).toBe(true);
    expect(pageText((await admin.get('/admin/users?role=gp')).body)).toMatch(/Rita Review .*Active Not yet reviewed/);

    const officer = await t.signIn('privacy-officer@demo.joinery.test');
    const queue = await officer.get('/privacy/account-checks');
    expect(queue.statusCode).toBe(200);
    expect(pageText(queue.body)).toMatch(/Account added: GP at .* \(Rita Review\) Made by .* on /);
    const id = new RegExp('action="/privacy/account-checks/([0-9a-f-]{36})/reviewed"').exec(queue.body)![1];
    // An administrator may not review: it is the privacy officer's queue.
    expect((await admin.get('/privacy/account-checks')).statusCode).toBe(403);
    expect((await officer.post(`/privacy/account-checks/${id}/reviewed`, {})).statusCode).toBe(303);
    expect(pageText((await officer.get('/privacy/account-checks')).body)).not.toContain('Rita Review');
    expect(pageText((await admin.get('/admin/users?role=gp')).body)).not.toMatch(/Rita Review .*Not yet reviewed/);
    expect((await audits('admin.duty-check-opened')).at(-1)!.what).toMatch(/^Account added: GP at .*: queued for the privacy officer to review$/);
    expect((await audits('privacy.duty-reviewed')).at(-1)!.details.dutyCheckId).toBe(id);
  });

  it('refuses a mode that is not one of the two, and audits a change of mode', async () => {
    const admin = await t.signIn();
    await admin.get('/admin/duties');
    const bad = await admin.post('/admin/duties/mode', { mode: 'nobody' });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('Select how a second person checks clinical accounts and FHIR clients that can write');
    const ok = await admin.post('/admin/duties/mode', { mode: 'approval' });
    expect(ok.statusCode).toBe(303);
    expect((await admin.get('/admin/duties')).body).toMatch(/value="approval" checked/);
    expect((await audits('admin.duty-mode-changed')).at(-1)!.details).toEqual({ before: 'review', after: 'approval' });
  });

  it('in approval mode, a new GP cannot sign in until a different administrator approves; the one who made it cannot', async () => {
    const admin = await t.signIn();
    await addGp(admin, 'Alan Approval', 'alan.approval@example.nhs.uk');
    const refused = await trySignIn('alan.approval@example.nhs.uk');
    expect(refused.res.statusCode).toBe(403);
    expect(refused.browser.signedIn).toBe(false);
    expect(pageText(refused.res.body)).toContain('A change to this account is waiting for a second administrator to approve it');
    expect(pageText((await admin.get('/admin/users?role=gp')).body)).toMatch(/Alan Approval .*Active Waiting for approval/);

    const page = await admin.get('/admin/duties');
    expect(pageText(page.body)).toMatch(/Account added: GP at .* \(Alan Approval\) Asked for by .* You made this change, so another administrator must approve it/);
    const id = (await t.one<{ id: string }>(sql`SELECT d.id FROM duty_check d JOIN professional p ON p.id = d.professional_id WHERE p.email = 'alan.approval@example.nhs.uk'`)).id;
    const own = await admin.post(`/admin/duties/${id}/approve`, {});
    expect(own.statusCode).toBe(403);
    expect(pageText(own.body)).toContain('You made this change, so you cannot approve it. Another administrator must approve it.');
    expect((await audits('admin.duty-self-approval-refused')).at(-1)!.details.dutyCheckId).toBe(id);
    expect((await trySignIn('alan.approval@example.nhs.uk')).res.statusCode).toBe(403);

    const other = await TestClient.signIn(t.app, secondAdmin);
    await other.get('/admin/duties');
    expect((await other.post(`/admin/duties/${id}/approve`, {})).statusCode).toBe(303);
    const approved = await trySignIn('alan.approval@example.nhs.uk');
    expect(approved.res.statusCode).toBe(303);
    expect(approved.browser.signedIn).toBe(true);
    expect((await audits('admin.duty-approved')).at(-1)!.details.dutyCheckId).toBe(id);
    // Once decided, it cannot be approved again.
    expect((await other.post(`/admin/duties/${id}/approve`, {})).statusCode).toBe(409);
  });

  it('in approval mode, moving a clinician to another organisation signs them out until approved', async () => {
    const nurse = await TestClient.signIn(t.app, 'practice-nurse@demo.joinery.test');
    expect((await nurse.get('/')).statusCode).toBe(200);
    const admin = await t.signIn();
    const me = await t.one<{ id: string; name: string; organisation_id: string }>(sql`SELECT id, name, organisation_id FROM professional WHERE email = 'practice-nurse@demo.joinery.test'`);
    const elsewhere = (await t.one<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${t.icsId}::uuid AND kind = 'gp-practice' AND id <> ${me.organisation_id}::uuid ORDER BY name LIMIT 1`)).id;
    const form = await admin.get(`/admin/users/${me.id}`);
    const version = /name="version" value="([0-9a-f]+)"/.exec(form.body)![1];
    expect((await admin.post(`/admin/users/${me.id}`, { name: me.name, role: 'practice-nurse', organisationId: elsewhere, active: 'yes', version })).statusCode).toBe(303);
    expect((await nurse.get('/')).statusCode).toBe(302);
    expect(pageText((await admin.get(`/admin/users/${me.id}`)).body)).toContain('Waiting for approval');
  });

  it('in approval mode, a FHIR client that can write gets no token until approved; one that only reads is not held', async () => {
    const made = await t.db.tenant(t.icsId, async (tx) => {
      const writer = await addClient(tx, t.icsId, { name: 'Writer', scopes: 'system/*.rs system/Condition.cud', organisationId: null });
      const reader = await addClient(tx, t.icsId, { name: 'Reader', scopes: 'system/*.rs', organisationId: null });
      return {
        writer, reader,
        checks: [await checkNewClient(tx, t.icsId, writer.clientId, 'system/*.rs system/Condition.cud', 'Command line'), await checkNewClient(tx, t.icsId, reader.clientId, 'system/*.rs', 'Command line')],
      };
    });
    expect(made.checks).toEqual(['approval', null]);
    expect(await issueToken(t.db, made.writer.clientId, made.writer.clientSecret!, undefined)).toMatchObject({ error: 'invalid_client', description: expect.stringContaining('waiting for a second administrator') });
    expect(await issueToken(t.db, made.reader.clientId, made.reader.clientSecret!, undefined)).toMatchObject({ token_type: 'Bearer' });

    const admin = await t.signIn();
    const page = await admin.get('/admin/duties');
    expect(pageText(page.body)).toContain('FHIR client registered with write scopes: Writer (Writer)');
    const id = (await t.one<{ id: string }>(sql`SELECT id FROM duty_check WHERE fhir_client_id = ${made.writer.clientId}::uuid`)).id;
    expect((await admin.post(`/admin/duties/${id}/approve`, {})).statusCode).toBe(303);
    expect(await issueToken(t.db, made.writer.clientId, made.writer.clientSecret!, undefined)).toMatchObject({ token_type: 'Bearer' });
  });
});
