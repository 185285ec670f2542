import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../test/database.js';
import { TestClient } from '../../test/http.js';
import { GP, startAdminTest, type AdminTest } from './test-setup.js';

const kinds = await databaseKinds();

describe.each(kinds)('who may reach the admin pages (%s)', (kind) => {
  let t: AdminTest;
  // One real id of each kind from this ICS and from the other one.
  let mine: { org: string; cluster: string; user: string; practice: string };
  let theirs: { org: string; cluster: string; user: string; practice: string };

  const idsOf = async (icsId: string) => {
    const r = await t.one<{ org: string; cluster: string; user: string; practice: string }>(sql`SELECT
      (SELECT id FROM organisation WHERE ics_id = ${icsId}::uuid AND kind = 'school' LIMIT 1) AS org,
      (SELECT id FROM cluster WHERE ics_id = ${icsId}::uuid LIMIT 1) AS cluster,
      (SELECT id FROM professional WHERE ics_id = ${icsId}::uuid AND role = 'gp' LIMIT 1) AS "user",
      (SELECT practice_id FROM cluster_practice WHERE ics_id = ${icsId}::uuid AND cluster_id = (SELECT id FROM cluster WHERE ics_id = ${icsId}::uuid LIMIT 1) LIMIT 1) AS practice`);
    return r;
  };
  const pages = (ids: typeof mine) => [
    '/admin/organisations', '/admin/organisations/new', `/admin/organisations/${ids.org}`,
    '/admin/clusters', '/admin/clusters/new', `/admin/clusters/${ids.cluster}`,
    '/admin/users', '/admin/users/new', `/admin/users/${ids.user}`,
  ];
  const posts = (ids: typeof mine): [string, Record<string, string>][] => [
    ['/admin/organisations', { name: 'Intruder Org', kind: 'school', odsCode: 'ZQ999' }],
    [`/admin/organisations/${ids.org}`, { name: 'Renamed', kind: 'school', odsCode: 'ZQ998' }],
    ['/admin/clusters', { name: 'Intruder Hub', placeId: crypto.randomUUID(), leadId: crypto.randomUUID() }],
    [`/admin/clusters/${ids.cluster}/practices`, { practiceId: ids.practice }],
    [`/admin/clusters/${ids.cluster}/practices/${ids.practice}/remove`, {}],
    [`/admin/clusters/${ids.cluster}/lead`, { leadId: ids.user }],
    ['/admin/users', { name: 'Intruder', email: 'intruder@example.test', role: 'admin', organisationId: ids.org, password: 'intruder-password' }],
    [`/admin/users/${ids.user}`, { name: 'Renamed', role: 'admin', organisationId: ids.org, active: 'yes' }],
  ];
  const adminAudits = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE action LIKE 'admin.%'`)).n;
  /** Everything the admin pages can change, to prove a refused request changed nothing. */
  const snapshot = () =>
    t.all(sql`SELECT
      (SELECT md5(string_agg(id::text || name || ods_code || kind || coalesce(place_id::text, ''), ',' ORDER BY id)) FROM organisation) AS orgs,
      (SELECT md5(string_agg(id::text || name || coalesce(lead_paediatrician_id::text, ''), ',' ORDER BY id)) FROM cluster) AS clusters,
      (SELECT md5(string_agg(practice_id::text || cluster_id::text, ',' ORDER BY practice_id)) FROM cluster_practice) AS members,
      (SELECT md5(string_agg(id::text || name || role || organisation_id::text || active::text, ',' ORDER BY id)) FROM professional) AS users`);

  beforeAll(async () => {
    t = await startAdminTest(kind);
    mine = await idsOf(t.icsId);
    theirs = await idsOf(t.otherIcsId);
  });
  afterAll(() => t?.close());

  it('shows an administrator every admin page', async () => {
    const admin = await t.signIn();
    for (const url of pages(mine)) expect((await admin.get(url)).statusCode, url).toBe(200);
  });

  it('refuses a GP every admin page and every change, and changes nothing', async () => {
    const gp = await t.signIn(GP);
    for (const url of pages(mine)) {
      const res = await gp.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('Only an administrator manages organisations, clusters and users.');
    }
    const before = await snapshot();
    const audits = await adminAudits();
    await gp.get('/');
    for (const [url, form] of posts(mine)) expect((await gp.post(url, form)).statusCode, url).toBe(403);
    expect(await snapshot()).toEqual(before);
    expect(await adminAudits()).toBe(audits);
  });

  it('sends someone who has not signed in to sign in', async () => {
    const res = await TestClient.anonymous(t.app).get('/admin/users');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/sign-in?next=%2Fadmin%2Fusers');
  });

  it('refuses a change without the form’s CSRF token, and changes nothing', async () => {
    const admin = await t.signIn();
    const before = await snapshot();
    const audits = await adminAudits();
    for (const [url, form] of posts(mine)) {
      expect((await admin.post(url, form, { csrf: null })).statusCode, url).toBe(403);
      expect((await admin.post(url, form, { csrf: 'x'.repeat(43) })).statusCode, url).toBe(403);
    }
    expect(await snapshot()).toEqual(before);
    expect(await adminAudits()).toBe(audits);
  });

  it('answers 404 for another ICS’s ids, unknown ids and malformed ids, and changes nothing', async () => {
    const admin = await t.signIn();
    const unknown = { org: crypto.randomUUID(), cluster: crypto.randomUUID(), user: crypto.randomUUID(), practice: crypto.randomUUID() };
    const malformed = { org: 'not-a-uuid', cluster: '12345', user: "1' OR '1'='1", practice: 'x' };
    const before = await snapshot();
    const audits = await adminAudits();
    for (const ids of [theirs, unknown, malformed]) {
      for (const url of pages(ids).filter((u) => !u.endsWith('s') && !u.endsWith('/new'))) {
        expect((await admin.get(url)).statusCode, url).toBe(404);
      }
      // Changes that name an id in the path.
      for (const [url, form] of posts(ids).filter(([u]) => /[0-9a-f-]{36}|not-a-uuid|12345|%27|'/.test(u))) {
        const res = await admin.post(url, form);
        expect(res.statusCode, url).toBe(404);
        expect(res.body).not.toContain('Intruder');
      }
    }
    // Another ICS's ids given as form values are simply not in the lists.
    await admin.get('/admin/users/new');
    const res = await admin.post('/admin/users', { name: 'Cross Tenant', email: 'cross@example.test', role: 'gp', organisationId: theirs.org });
    expect(res.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect(await adminAudits()).toBe(audits);
  });

  it('answers malformed input with a page, never a crash, and changes nothing', async () => {
    const admin = await t.signIn();
    const before = await snapshot();
    const audits = await adminAudits();
    const long = 'x'.repeat(10_000);
    const bodies: Record<string, string | string[]>[] = [
      {},
      { name: ['One', 'Two'], kind: ['school', 'gp-practice'], odsCode: ['A1', 'B2'], placeId: ['x', 'y'], leadId: ['a'], practiceId: ['b'] },
      { name: 'Nul\u0000Name', kind: 'school', odsCode: 'ZN001', email: 'nul\u0000@example.test', role: 'gp', organisationId: mine.org },
      { name: long, kind: long, odsCode: long, placeId: long, leadId: long, practiceId: long, email: long, role: long, password: long, version: long },
      { name: 'Line\nBreak', kind: 'school', odsCode: 'ZN002', role: 'gp', organisationId: mine.org, email: 'line@example.test' },
    ];
    // Remove takes no fields, so any body is fine there.
    for (const [url] of posts(mine).filter(([u]) => !u.endsWith('/remove'))) {
      for (const form of bodies) {
        const res = await admin.post(url, form);
        expect(res.statusCode, `${url} ${JSON.stringify(form).slice(0, 80)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }
      for (const [payload, type] of [['{"name":{"$gt":""},"kind":[1]}', 'application/json'], ['[1,2,3]', 'application/json'], ['not json', 'application/json'], ['a=b', 'text/plain']]) {
        const res = await admin.postRaw(url, payload, type);
        expect(res.statusCode, `${url} ${type} ${payload}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }
    }
    const nul = await admin.post('/admin/organisations', { name: 'Nul\u0000Name', kind: 'school', odsCode: 'ZN001' });
    expect(nul.body).toContain('The organisation name must not include tabs, line breaks or hidden characters');
    expect(await snapshot()).toEqual(before);
    expect(await adminAudits()).toBe(audits);
  });

  it('lists only this ICS’s organisations, clusters and users', async () => {
    const admin = await t.signIn();
    const users = await admin.get('/admin/users?role=gp');
    expect(users.body).toContain(`/admin/users/${mine.user}`);
    expect(users.body).not.toContain('@other.joinery.test');
    const clusters = await admin.get('/admin/clusters');
    expect(clusters.body).toContain(`/admin/clusters/${mine.cluster}`);
    expect(clusters.body).not.toContain(theirs.cluster);
  });

  it('writes an audit event for every change, in the administrator’s ICS', async () => {
    const admin = await t.signIn();
    const before = await adminAudits();
    await admin.get('/admin/organisations/new');
    await admin.post('/admin/organisations', { name: 'Audit Trail Practice', kind: 'gp-practice', odsCode: 'ZA001' });
    const practice = (await t.one<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${t.icsId}::uuid AND ods_code = 'ZA001'`)).id;
    await admin.post(`/admin/organisations/${practice}`, { name: 'Audit Trail Surgery', kind: 'gp-practice', odsCode: 'ZA001' });
    await admin.post(`/admin/clusters/${mine.cluster}/practices`, { practiceId: practice });
    await admin.post(`/admin/clusters/${mine.cluster}/practices/${practice}/remove`, {});
    const lead = (await t.one<{ id: string }>(sql`SELECT id FROM professional WHERE ics_id = ${t.icsId}::uuid AND role = 'paediatrician'
      AND id <> (SELECT lead_paediatrician_id FROM cluster WHERE id = ${mine.cluster}::uuid) LIMIT 1`)).id;
    await admin.post(`/admin/clusters/${mine.cluster}/lead`, { leadId: lead });
    const place = (await t.one<{ id: string }>(sql`SELECT id FROM place WHERE ics_id = ${t.icsId}::uuid LIMIT 1`)).id;
    await admin.post('/admin/clusters', { name: 'Audit Hub', placeId: place, leadId: lead });
    await admin.post('/admin/users', { name: 'Audit User', email: 'audit.user@example.test', role: 'gp', organisationId: practice });
    const user = (await t.one<{ id: string }>(sql`SELECT id FROM professional WHERE email = 'audit.user@example.test'`)).id;
    await admin.post(`/admin/users/${user}`, { name: 'Audit User', role: 'practice-nurse', organisationId: practice, active: 'yes' });

    const events = await t.all<{ action: string; ics_id: string; role: string }>(
      sql`SELECT action, ics_id, role FROM audit_event WHERE action LIKE 'admin.%' ORDER BY id`,
    );
    // A clinical account made or changed also opens a second-person check (separation of duties).
    expect(events.length - before).toBe(10);
    expect(events.slice(-10).map((e) => e.action)).toEqual([
      'admin.organisation-created', 'admin.organisation-updated', 'admin.cluster-practice-added', 'admin.cluster-practice-removed',
      'admin.cluster-lead-changed', 'admin.cluster-created', 'admin.user-created', 'admin.duty-check-opened',
      'admin.user-updated', 'admin.duty-check-opened',
    ]);
    for (const e of events) expect(e).toMatchObject({ ics_id: t.icsId, role: 'admin' });
  });
});
