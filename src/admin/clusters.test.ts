import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pageText, type TestClient } from '../../test/http.js';
import { startAdminTest, type AdminTest } from './test-setup.js';

type Named = { id: string; name: string };

describe('an administrator manages clusters', () => {
  let t: AdminTest;
  let place: Named;
  let paediatricians: Named[];

  const clusterOf = async (practiceId: string) =>
    (await t.one<{ cluster_id: string } | undefined>(sql`SELECT cluster_id FROM cluster_practice WHERE practice_id = ${practiceId}::uuid`))?.cluster_id;

  /** A new GP practice: the generator puts every practice in a cluster, so tests make their own free ones. */
  async function newPractice(admin: TestClient, name: string, odsCode: string): Promise<string> {
    await admin.get('/admin/organisations/new');
    const res = await admin.post('/admin/organisations', { name, kind: 'gp-practice', odsCode, placeId: place.id });
    expect(res.statusCode).toBe(303);
    return (await t.one<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${t.icsId}::uuid AND ods_code = ${odsCode}`)).id;
  }

  async function newCluster(admin: TestClient, name: string, leadId = paediatricians[0].id): Promise<string> {
    await admin.get('/admin/clusters/new');
    const res = await admin.post('/admin/clusters', { name, placeId: place.id, leadId });
    expect(res.statusCode).toBe(303);
    const id = /^\/admin\/clusters\/([0-9a-f-]{36})\?notice=cluster-added$/.exec(String(res.headers.location))![1];
    return id;
  }

  beforeAll(async () => {
    t = await startAdminTest('pglite');
    place = await t.one<Named>(sql`SELECT id, name FROM place WHERE ics_id = ${t.icsId}::uuid ORDER BY name LIMIT 1`);
    paediatricians = await t.all<Named>(
      sql`SELECT id, name FROM professional WHERE ics_id = ${t.icsId}::uuid AND role = 'paediatrician' AND active ORDER BY name LIMIT 2`,
    );
  });
  afterAll(() => t?.close());

  it('adds a cluster with a lead paediatrician and lists it', async () => {
    const admin = await t.signIn();
    const id = await newCluster(admin, 'Riverside Child Health Hub');
    const page = pageText((await admin.get(`/admin/clusters/${id}?notice=cluster-added`)).body);
    expect(page).toContain('Cluster added');
    expect(page).toContain(`Lead paediatrician ${paediatricians[0].name}`);
    expect(page).toContain('No practices in this cluster yet');
    const list = pageText((await admin.get('/admin/clusters')).body);
    expect(list).toContain(`Name Riverside Child Health Hub Place ${place.name} Practices 0 Lead paediatrician ${paediatricians[0].name}`);
    expect((await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'admin.cluster-created' AND details->>'clusterId' = ${id}`)).n).toBe(1);
  });

  it('refuses a cluster without a name, place or paediatrician lead', async () => {
    const admin = await t.signIn();
    const gp = await t.one<Named>(sql`SELECT id FROM professional WHERE ics_id = ${t.icsId}::uuid AND role = 'gp' LIMIT 1`);
    await admin.get('/admin/clusters/new');
    const blank = await admin.post('/admin/clusters', { name: '', placeId: '', leadId: '' });
    expect(blank.statusCode).toBe(400);
    const text = pageText(blank.body);
    expect(text).toContain('Enter the cluster name');
    expect(text).toContain('Select a place');
    expect(text).toContain('Select a lead paediatrician');
    const notPaediatrician = await admin.post('/admin/clusters', { name: 'GP Led Hub', placeId: place.id, leadId: gp.id });
    expect(notPaediatrician.statusCode).toBe(400);
    expect(pageText(notPaediatrician.body)).toContain('Select a lead paediatrician from the list');
    expect(notPaediatrician.body).toContain('value="GP Led Hub"');
    expect((await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM cluster WHERE name = 'GP Led Hub'`)).n).toBe(0);
  });

  it('adds a free practice to a cluster and shows it on the cluster page', async () => {
    const admin = await t.signIn();
    const clusterId = await newCluster(admin, 'Eastgate Hub');
    const practiceId = await newPractice(admin, 'Eastgate Surgery', 'ZE001');

    const page = await admin.get(`/admin/clusters/${clusterId}`);
    expect(page.body).toContain(`<option value="${practiceId}">Eastgate Surgery (ZE001)</option>`);
    const res = await admin.post(`/admin/clusters/${clusterId}/practices`, { practiceId });
    expect(res.statusCode).toBe(303);
    expect(await clusterOf(practiceId)).toBe(clusterId);

    const after = await admin.get(`/admin/clusters/${clusterId}?notice=practice-added`);
    const text = pageText(after.body);
    expect(text).toContain('Practice added to the cluster');
    expect(text).toContain('Practice Eastgate Surgery ODS code ZE001');
    expect(after.body).toContain(`/admin/clusters/${clusterId}/practices/${practiceId}/remove`);
    // No longer offered: it is in a cluster now.
    expect(after.body).not.toContain(`<option value="${practiceId}">`);
    expect(pageText((await admin.get('/admin/clusters')).body)).toContain(`Eastgate Hub Place ${place.name} Practices 1 `);
    const [event] = await t.all<{ what: string }>(sql`SELECT what FROM audit_event WHERE action = 'admin.cluster-practice-added' AND details->>'practiceId' = ${practiceId}`);
    expect(event.what).toBe('Practice Eastgate Surgery (ZE001) added to cluster Eastgate Hub');
  });

  it('refuses clearly to add a practice that is already in another cluster', async () => {
    const admin = await t.signIn();
    const taken = await t.one<{ id: string; name: string; ods_code: string; cluster_id: string; cluster_name: string }>(
      sql`SELECT o.id, o.name, o.ods_code, c.id AS cluster_id, c.name AS cluster_name
            FROM cluster_practice cp JOIN organisation o ON o.ics_id = cp.ics_id AND o.id = cp.practice_id
            JOIN cluster c ON c.ics_id = cp.ics_id AND c.id = cp.cluster_id
           WHERE cp.ics_id = ${t.icsId}::uuid LIMIT 1`,
    );
    const clusterId = await newCluster(admin, 'Hilltop Hub');
    await admin.get(`/admin/clusters/${clusterId}`);
    const res = await admin.post(`/admin/clusters/${clusterId}/practices`, { practiceId: taken.id });
    expect(res.statusCode).toBe(400);
    const text = pageText(res.body);
    expect(text).toContain('There is a problem');
    expect(text).toContain(`${taken.name} (${taken.ods_code}) is already in the ${taken.cluster_name} cluster`);
    expect(text).toContain('remove it from that cluster first');
    expect(await clusterOf(taken.id)).toBe(taken.cluster_id);

    // Adding twice to the same cluster is also explained, not an error page.
    const practiceId = await newPractice(admin, 'Hilltop Medical Centre', 'ZH001');
    await admin.get(`/admin/clusters/${clusterId}`);
    expect((await admin.post(`/admin/clusters/${clusterId}/practices`, { practiceId })).statusCode).toBe(303);
    const again = await admin.post(`/admin/clusters/${clusterId}/practices`, { practiceId });
    expect(again.statusCode).toBe(400);
    expect(pageText(again.body)).toContain('Hilltop Medical Centre (ZH001) is already in this cluster');
  });

  it('refuses to add an organisation that is not a GP practice', async () => {
    const admin = await t.signIn();
    const school = await t.one<Named>(sql`SELECT id FROM organisation WHERE ics_id = ${t.icsId}::uuid AND kind = 'school' LIMIT 1`);
    const clusterId = await newCluster(admin, 'Schoolside Hub');
    await admin.get(`/admin/clusters/${clusterId}`);
    const res = await admin.post(`/admin/clusters/${clusterId}/practices`, { practiceId: school.id });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain('Select a GP practice from the list');
    expect(await clusterOf(school.id)).toBeUndefined();
    expect((await admin.post(`/admin/clusters/${clusterId}/practices`, {})).statusCode).toBe(400);
  });

  it('removes a practice from a cluster', async () => {
    const admin = await t.signIn();
    const clusterId = await newCluster(admin, 'Westfield Hub');
    const practiceId = await newPractice(admin, 'Westfield Practice', 'ZW001');
    await admin.get(`/admin/clusters/${clusterId}`);
    await admin.post(`/admin/clusters/${clusterId}/practices`, { practiceId });
    await admin.get(`/admin/clusters/${clusterId}`);
    const res = await admin.post(`/admin/clusters/${clusterId}/practices/${practiceId}/remove`, {});
    expect(res.statusCode).toBe(303);
    expect(await clusterOf(practiceId)).toBeUndefined();
    const page = pageText((await admin.get(`/admin/clusters/${clusterId}?notice=practice-removed`)).body);
    expect(page).toContain('Practice removed from the cluster');
    expect(page).toContain('No practices in this cluster yet');
    expect((await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'admin.cluster-practice-removed' AND details->>'practiceId' = ${practiceId}`)).n).toBe(1);
    // Removing it again: it is not in this cluster, so there is nothing there.
    expect((await admin.post(`/admin/clusters/${clusterId}/practices/${practiceId}/remove`, {})).statusCode).toBe(404);
  });

  it('changes the lead paediatrician, and only to a paediatrician', async () => {
    const admin = await t.signIn();
    const clusterId = await newCluster(admin, 'Lakeside Hub');
    await admin.get(`/admin/clusters/${clusterId}`);
    const res = await admin.post(`/admin/clusters/${clusterId}/lead`, { leadId: paediatricians[1].id });
    expect(res.statusCode).toBe(303);
    expect(pageText((await admin.get(`/admin/clusters/${clusterId}`)).body)).toContain(`Lead paediatrician ${paediatricians[1].name}`);
    expect((await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'admin.cluster-lead-changed' AND details->>'clusterId' = ${clusterId}`)).n).toBe(1);

    const gp = await t.one<Named>(sql`SELECT id FROM professional WHERE ics_id = ${t.icsId}::uuid AND role = 'gp' LIMIT 1`);
    const refused = await admin.post(`/admin/clusters/${clusterId}/lead`, { leadId: gp.id });
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toContain('Select a lead paediatrician from the list');
    const lead = await t.one<{ lead: string }>(sql`SELECT lead_paediatrician_id AS lead FROM cluster WHERE id = ${clusterId}::uuid`);
    expect(lead.lead).toBe(paediatricians[1].id);
  });

  it('sets the working days a hub has to triage and to answer advice, within their limits', async () => {
    const admin = await t.signIn();
    const clusterId = await newCluster(admin, 'Promise Hub');
    const days = async () => t.one<{ triage: number; advice: number }>(sql`SELECT triage_working_days AS triage, advice_working_days AS advice FROM cluster WHERE id = ${clusterId}::uuid`);
    const page = pageText((await admin.get(`/admin/clusters/${clusterId}`)).body);
    expect(page).toContain('Working days to triage a referral 2');
    expect(page).toContain('Working days to answer advice 1');

    const blank = await admin.post(`/admin/clusters/${clusterId}/working-days`, { triageWorkingDays: '', adviceWorkingDays: 'soon' });
    expect(blank.statusCode).toBe(400);
    expect(pageText(blank.body)).toContain('There is a problem Enter the working days to triage, as a number Enter the working days to answer advice, as a number');
    expect(blank.body).toContain('href="#triageWorkingDays"');
    const outside = await admin.post(`/admin/clusters/${clusterId}/working-days`, { triageWorkingDays: '11', adviceWorkingDays: '2.5' });
    expect(outside.statusCode).toBe(400);
    expect(pageText(outside.body)).toContain('Working days to triage must be between 1 and 10');
    expect(pageText(outside.body)).toContain('Enter a whole number of working days to answer advice');
    expect(outside.body).toContain('value="11"');
    expect(await days()).toEqual({ triage: 2, advice: 1 });

    const saved = await admin.post(`/admin/clusters/${clusterId}/working-days`, { triageWorkingDays: '5', adviceWorkingDays: '3' });
    expect(saved.statusCode).toBe(303);
    expect(await days()).toEqual({ triage: 5, advice: 3 });
    expect(pageText((await admin.get(String(saved.headers.location))).body)).toContain('Working days saved');
    const [event] = await t.all<{ what: string }>(sql`SELECT what FROM audit_event WHERE action = 'admin.cluster-working-days-changed' AND details->>'clusterId' = ${clusterId}`);
    expect(event.what).toBe('Cluster Promise Hub: 5 working days to triage, 3 to answer advice');

    // Only a notice of the list shows: an inherited name (constructor, say) shows no banner at all.
    for (const notice of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'no-such-notice']) {
      for (const url of [`/admin/clusters/${clusterId}?notice=${notice}`, `/admin/clusters?notice=${notice}`]) {
        const res = await admin.get(url);
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).not.toContain('nhsuk-notification-banner');
        expect(res.body, url).not.toContain('[native code]');
        expect(res.body, url).not.toMatch(/function \w*\(/);
      }
    }

    const gp = await t.signIn('gp@demo.joinery.test');
    expect((await gp.post(`/admin/clusters/${clusterId}/working-days`, { triageWorkingDays: '1', adviceWorkingDays: '1' })).statusCode).toBe(403);
    expect(await days()).toEqual({ triage: 5, advice: 3 });
  });
});
