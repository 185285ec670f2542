import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pageText } from '../../test/http.js';
import { databaseKinds } from '../../test/database.js';
import { addClient, authenticate, issueToken } from '../fhir/clients.js';
import { startAdminTest, GP, type AdminTest } from './test-setup.js';
import { checkAppSqlAsCitusWould } from '../../test/citus-ready/heard-in-tests.js';

describe.each(await databaseKinds())('an administrator keeps the FHIR clients (%s)', (kind) => {
  let t: AdminTest;
  const register = (name: string) => t.db.tenant(t.icsId, (tx) => addClient(tx, t.icsId, { name, scopes: 'system/*.rs', organisationId: null }));
  const tokenFor = async (c: { clientId: string; clientSecret: string | null }) => {
    const issued = await issueToken(t.db, c.clientId, c.clientSecret!, undefined);
    return 'access_token' in issued ? issued.access_token : null;
  };
  const audit = (action: string, clientId: string) => t.all<{ what: string; actor_name: string; role: string }>(
    sql`SELECT what, actor_name, role FROM audit_event WHERE ics_id = ${t.icsId}::uuid AND action = ${action} AND details->>'clientId' = ${clientId}`,
  );

  beforeAll(async () => {
    t = await startAdminTest(kind);
  });
  afterAll(() => t?.close());

  it('lists the clients, and revoking one (after confirming) stops its tokens at once and is audited', async () => {
    const feed = await register('Riverside Surgery feed');
    const token = (await tokenFor(feed))!;
    expect('actor' in (await authenticate(t.db, token))).toBe(true);

    const admin = await t.signIn();
    const list = pageText((await admin.get('/admin/fhir-clients')).body);
    expect(list).toContain('Name Riverside Surgery feed Scopes system/*.rs Acts for Whole ICS');
    const confirm = await admin.get(`/admin/fhir-clients/${feed.clientId}/revoke`);
    expect(confirm.statusCode).toBe(200);
    expect(pageText(confirm.body)).toContain('Revoke Riverside Surgery feed?');
    expect(pageText(confirm.body)).toContain('Access tokens in use 1');

    const done = await admin.post(`/admin/fhir-clients/${feed.clientId}/revoke`, {});
    expect(done.statusCode).toBe(303);
    expect(await authenticate(t.db, token)).toMatchObject({ error: 'invalid_token' });
    expect(await tokenFor(feed)).toBeNull();
    expect(pageText((await admin.get(done.headers.location as string)).body)).toMatch(/FHIR client revoked.*Riverside Surgery feed .* Revoked/);
    const [event] = await audit('admin.fhir-client-revoked', feed.clientId);
    expect(event).toMatchObject({ what: 'FHIR client revoked: Riverside Surgery feed', role: 'admin' });

    // Revoked is final: no second revoke and no new secret.
    expect((await admin.post(`/admin/fhir-clients/${feed.clientId}/rotate`, {})).statusCode).toBe(409);
    expect((await admin.get(`/admin/fhir-clients/${feed.clientId}/rotate`)).statusCode).toBe(404);
  });

  it('gives a client a new secret, shown once; the old secret and its tokens stop working', async () => {
    const feed = await register('Hillside Hospital feed');
    const oldToken = (await tokenFor(feed))!;
    const admin = await t.signIn();
    await admin.get(`/admin/fhir-clients/${feed.clientId}/rotate`);
    const res = await admin.post(`/admin/fhir-clients/${feed.clientId}/rotate`, {});
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const secret = /<code>([A-Za-z0-9_-]{43})<\/code>/.exec(res.body)![1];
    expect(await authenticate(t.db, oldToken)).toMatchObject({ error: 'invalid_token' });
    expect(await tokenFor(feed)).toBeNull();
    expect(await tokenFor({ clientId: feed.clientId, clientSecret: secret })).not.toBeNull();
    expect(await audit('admin.fhir-client-secret-rotated', feed.clientId)).toHaveLength(1);
    expect(pageText((await admin.get('/admin/fhir-clients')).body)).not.toContain(secret);
  });

  it('refuses everyone but administrators, and a change without the form\'s CSRF token', async () => {
    const feed = await register('Lakeside Pharmacy feed');
    const gp = await t.signIn(GP);
    expect((await gp.get('/admin/fhir-clients')).statusCode).toBe(403);
    expect((await gp.post(`/admin/fhir-clients/${feed.clientId}/revoke`, {})).statusCode).toBe(403);
    const admin = await t.signIn();
    await admin.get('/admin/fhir-clients');
    expect((await admin.post(`/admin/fhir-clients/${feed.clientId}/revoke`, {}, { csrf: null })).statusCode).toBe(403);
    expect(await tokenFor(feed)).not.toBeNull();
    expect(await audit('admin.fhir-client-revoked', feed.clientId)).toHaveLength(0);
    expect((await admin.get('/admin/fhir-clients/not-an-id/revoke')).statusCode).toBe(404);
  });

  // The jobs, forms and pages here that the crawl of test/citus-queries.test.ts does not reach.
  checkAppSqlAsCitusWould(kind, () => t.db, () => t.icsId);
});
