import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pageText } from '../../test/http.js';
import { startAdminTest, type AdminTest } from './test-setup.js';

type Org = { id: string; name: string; ods_code: string; kind: string; place_id: string | null };

describe('an administrator manages organisations', () => {
  let t: AdminTest;
  const orgCount = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM organisation WHERE ics_id = ${t.icsId}::uuid`)).n;
  const audits = async (action: string) =>
    (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE ics_id = ${t.icsId}::uuid AND action = ${action}`)).n;
  const byOds = (ods: string) => t.one<Org | undefined>(sql`SELECT id, name, ods_code, kind, place_id FROM organisation WHERE ics_id = ${t.icsId}::uuid AND ods_code = ${ods}`);

  beforeAll(async () => {
    t = await startAdminTest('pglite');
  });
  afterAll(() => t?.close());

  it('adds an organisation and sees it listed under its kind', async () => {
    const admin = await t.signIn();
    const place = await t.one<{ id: string; name: string }>(sql`SELECT id, name FROM place WHERE ics_id = ${t.icsId}::uuid ORDER BY name LIMIT 1`);
    await admin.get('/admin/organisations/new');
    const res = await admin.post('/admin/organisations', { name: 'Brookside Family Hub', kind: 'voluntary-sector', odsCode: 'zz901', placeId: place.id });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/organisations?notice=organisation-added');

    // The code is stored upper case, however it was typed.
    const saved = await byOds('ZZ901');
    expect(saved).toMatchObject({ name: 'Brookside Family Hub', kind: 'voluntary-sector', place_id: place.id });

    const listed = pageText((await admin.get('/admin/organisations?kind=voluntary-sector&notice=organisation-added')).body);
    expect(listed).toContain('Organisation added');
    expect(listed).toContain(`Name Brookside Family Hub Kind Voluntary sector organisation ODS code ZZ901 Place ${place.name}`);
    const otherKind = pageText((await admin.get('/admin/organisations?kind=school')).body);
    expect(otherKind).not.toContain('Brookside Family Hub');

    const [event] = await t.all<{ what: string; details: { organisationId: string } }>(
      sql`SELECT what, details FROM audit_event WHERE action = 'admin.organisation-created' AND ics_id = ${t.icsId}::uuid`,
    );
    expect(event.what).toContain('Brookside Family Hub (ZZ901)');
    expect(event.details.organisationId).toBe(saved!.id);
  });

  it('refuses a duplicate ODS code with a field error and creates nothing', async () => {
    const admin = await t.signIn();
    const existing = await t.one<Org>(sql`SELECT ods_code FROM organisation WHERE ics_id = ${t.icsId}::uuid AND kind = 'gp-practice' LIMIT 1`);
    const [before, auditsBefore] = [await orgCount(), await audits('admin.organisation-created')];
    await admin.get('/admin/organisations/new');
    const res = await admin.post('/admin/organisations', { name: 'Copycat Surgery', kind: 'gp-practice', odsCode: existing.ods_code, placeId: '' });
    expect(res.statusCode).toBe(400);
    const text = pageText(res.body);
    expect(text).toContain('There is a problem');
    expect(res.body).toMatch(new RegExp(`href="#odsCode">\\s*An organisation with ODS code ${existing.ods_code} already exists`));
    expect(res.body).toContain('value="Copycat Surgery"');
    expect(await orgCount()).toBe(before);
    expect(await audits('admin.organisation-created')).toBe(auditsBefore);
  });

  it('lets another ICS use the same ODS code: codes are unique within an ICS', async () => {
    const theirs = await t.one<Org>(sql`SELECT ods_code FROM organisation WHERE ics_id = ${t.otherIcsId}::uuid AND ods_code NOT IN
      (SELECT ods_code FROM organisation WHERE ics_id = ${t.icsId}::uuid) LIMIT 1`);
    const admin = await t.signIn();
    await admin.get('/admin/organisations/new');
    const res = await admin.post('/admin/organisations', { name: 'Shared Code Clinic', kind: 'community-provider', odsCode: theirs.ods_code });
    expect(res.statusCode).toBe(303);
    expect(await byOds(theirs.ods_code)).toMatchObject({ name: 'Shared Code Clinic' });
  });

  it('shows a message for each wrong field and keeps what was typed', async () => {
    const admin = await t.signIn();
    await admin.get('/admin/organisations/new');
    const before = await orgCount();
    const res = await admin.post('/admin/organisations', { name: 'x'.repeat(201), kind: 'castle', odsCode: 'A8', placeId: 'not-a-place' });
    expect(res.statusCode).toBe(400);
    const text = pageText(res.body);
    expect(text).toContain('The organisation name must be 200 characters or fewer');
    expect(text).toContain('Select the kind of organisation');
    expect(text).toContain('ODS code must be 3 to 6 letters or numbers, like A81001 or RJ1');
    expect(text).toContain('Select a place from the list');
    expect(res.body).toContain('value="A8"');

    const blank = await admin.post('/admin/organisations', {});
    expect(blank.statusCode).toBe(400);
    expect(pageText(blank.body)).toContain('Enter the organisation name');
    expect(pageText(blank.body)).toContain('Enter the ODS code');

    const unknownPlace = await admin.post('/admin/organisations', { name: 'Nowhere', kind: 'school', odsCode: 'NW1', placeId: crypto.randomUUID() });
    expect(unknownPlace.statusCode).toBe(400);
    expect(pageText(unknownPlace.body)).toContain('Select a place from the list');
    expect(await orgCount()).toBe(before);
  });

  it('changes an organisation, audits it, and notices someone else’s change', async () => {
    const admin = await t.signIn();
    const school = await t.one<Org>(sql`SELECT id, name, ods_code, kind, place_id FROM organisation WHERE ics_id = ${t.icsId}::uuid AND kind = 'school' LIMIT 1`);
    const form = await admin.get(`/admin/organisations/${school.id}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="${school.ods_code}"`);
    const version = /name="version" value="([0-9a-f]+)"/.exec(form.body)![1];

    const saved = await admin.post(`/admin/organisations/${school.id}`, {
      name: `${school.name} Academy`, kind: 'school', odsCode: school.ods_code, placeId: school.place_id ?? '', version,
    });
    expect(saved.statusCode).toBe(303);
    expect((await byOds(school.ods_code))?.name).toBe(`${school.name} Academy`);
    const [event] = await t.all<{ details: { changed: string[] } }>(
      sql`SELECT details FROM audit_event WHERE action = 'admin.organisation-updated' AND details->>'organisationId' = ${school.id}`,
    );
    expect(event.details.changed).toEqual(['name']);

    // The form loaded before that save is now stale.
    const stale = await admin.post(`/admin/organisations/${school.id}`, {
      name: 'Overwritten', kind: 'school', odsCode: school.ods_code, placeId: school.place_id ?? '', version,
    });
    expect(stale.statusCode).toBe(409);
    expect((await byOds(school.ods_code))?.name).toBe(`${school.name} Academy`);
  });

  it('refuses to take another organisation’s ODS code on change', async () => {
    const admin = await t.signIn();
    const [a, b] = await t.all<Org>(sql`SELECT id, name, ods_code, kind FROM organisation WHERE ics_id = ${t.icsId}::uuid AND kind = 'school' ORDER BY ods_code LIMIT 2`);
    await admin.get(`/admin/organisations/${a.id}`);
    const res = await admin.post(`/admin/organisations/${a.id}`, { name: a.name, kind: 'school', odsCode: b.ods_code });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain(`An organisation with ODS code ${b.ods_code} already exists`);
    expect((await byOds(a.ods_code))?.id).toBe(a.id);
  });

  it('does not turn a practice in a cluster into another kind', async () => {
    const admin = await t.signIn();
    const p = await t.one<Org>(sql`SELECT o.id, o.name, o.ods_code FROM organisation o JOIN cluster_practice cp ON cp.ics_id = o.ics_id AND cp.practice_id = o.id
      WHERE o.ics_id = ${t.icsId}::uuid LIMIT 1`);
    await admin.get(`/admin/organisations/${p.id}`);
    const res = await admin.post(`/admin/organisations/${p.id}`, { name: p.name, kind: 'school', odsCode: p.ods_code });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain('Remove it from the cluster before changing its kind');
    expect((await byOds(p.ods_code))?.kind).toBe('gp-practice');
  });

  it('pages a long list and keeps the filter in the links', async () => {
    const admin = await t.signIn();
    const schools = (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM organisation WHERE ics_id = ${t.icsId}::uuid AND kind = 'school'`)).n;
    const all = (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM organisation WHERE ics_id = ${t.icsId}::uuid`)).n;
    const page = await admin.get('/admin/organisations?kind=school');
    expect(pageText(page.body)).toContain(`${schools} organisation`);
    if (all > 100) expect((await admin.get('/admin/organisations')).body).toContain('href="/admin/organisations?page=2"');
    // A bad filter is a clear 400, not a crash.
    expect((await admin.get('/admin/organisations?kind=castle')).statusCode).toBe(400);
  });
});
