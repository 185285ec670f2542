import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { recordObservations } from './observations.js';
import { missedObservations } from './store.js';
import { demoWard, inIcs, onWard, plainChild, type Ward } from './test-fixtures.js';

/** The occupancy CSV's rows (month, days on the ward, capacity in places × days, occupancy), oldest first. */
const occupancyRows = (csv: string) => csv.trimEnd().split('\r\n').slice(1).map((line) => line.split(','));

/**
 * The ICS's set-up pages for its virtual ward over HTTP: who may change the
 * pathways, timers and rota; bad input named and nothing saved; and each
 * change taking effect for new episodes and escalations only.
 */
describe('virtual ward set-up pages', () => {
  let j: TestJoinery;
  let w: Ward;
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
  const BASE = '/admin/virtual-ward';

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    w = await demoWard(j);
  }, 300_000);
  afterAll(() => j?.close());

  const pathwayRow = async (id: string) => (await rows<{ version: number; observe_every_hours: number; active: boolean; name: string }>(j.db.owner,
    sql`SELECT version, observe_every_hours, active, name FROM ward_pathway WHERE ics_id = ${j.ics.icsId}::uuid AND id = ${id}`))[0];
  const wardRow = async () => (await rows<{ id: string; version: number; capacity: number; responses: Record<string, { response: string; minutes: number }> }>(j.db.owner,
    sql`SELECT id, version, capacity, responses FROM virtual_ward WHERE ics_id = ${j.ics.icsId}::uuid`))[0];
  const bronchiolitisForm = (over: Record<string, string | string[]> = {}) => ({
    name: 'Bronchiolitis', inclusion: 'Aged under 2 years with bronchiolitis\nFeeding at least half of the usual amount', exclusion: 'Apnoeas in the last 24 hours',
    observations: ['respiratoryRate', 'heartRate', 'spo2', 'carer'], observeEveryHours: '2', expectedStayDays: '3',
    dischargeCriteria: 'Feeding three quarters of usual for 24 hours', active: 'yes', ...over,
  });

  it('lets the ICS clinical lead and an administrator in, and refuses the ward’s own nurse, its consultant and a GP', async () => {
    for (const role of ['clinical-lead', 'admin']) {
      const page = await (await signIn(role)).get(BASE);
      expect(page.statusCode, role).toBe(200);
      expect(pageText(page.body)).toContain('Bronchiolitis');
      expect(pageText(page.body)).toContain('Escalation rota');
      expect(page.body).toContain('href="/admin/virtual-ward"');
    }
    for (const role of ['care-coordinator', 'paediatrician', 'gp']) {
      const client = await signIn(role);
      expect((await client.get(BASE)).statusCode, role).toBe(403);
      expect((await client.post(`${BASE}/pathways/asthma`, { name: 'Asthma' })).statusCode, role).toBe(403);
      expect((await client.post(`${BASE}/timers`, { 'low.minutes': '5' })).statusCode, role).toBe(403);
      expect((await client.post(`${BASE}/rota`, { 'rota-0': w.gp.professionalId })).statusCode, role).toBe(403);
      expect((await client.get(`${BASE}/capacity`)).statusCode, role).toBe(403);
      expect((await client.post(`${BASE}/capacity`, { capacity: '90', version: '1' })).statusCode, role).toBe(403);
    }
    expect((await wardRow()).capacity).not.toBe(90);
    expect((await pathwayRow('asthma')).version).toBe(1);
  });

  it('names every bad field of a pathway and saves nothing', async () => {
    const lead = await signIn('clinical-lead');
    const bad = await lead.post(`${BASE}/pathways/asthma`, {
      name: '', inclusion: '  \n ', exclusion: 'Life-threatening features', observeEveryHours: '0', expectedStayDays: 'two', dischargeCriteria: 'Stable', active: 'yes', version: '1',
    });
    expect(bad.statusCode).toBe(400);
    const text = pageText(bad.body);
    expect(text).toContain('There is a problem');
    expect(text).toContain('Enter the pathway’s name');
    expect(text).toContain('Enter inclusion criteria, one on each line');
    expect(text).toContain('Choose at least one observation to record');
    expect(text).toContain('How often observations are due must be from 1 to 48 hours');
    expect(text).toContain('Enter the expected length of stay as a whole number of days, from 1 to 60');
    expect(bad.body).toContain('Life-threatening features');
    expect(await pathwayRow('asthma')).toMatchObject({ version: 1, name: 'Asthma' });
  });

  it('saves a pathway as a new version that children referred afterwards follow, while those referred before keep theirs', async () => {
    const before = await plainChild(j, w.gp);
    const at = new Date('2026-12-01T08:00:00Z');
    const oldEpisode = await onWard(j, w, before, 'bronchiolitis', at);
    const lead = await signIn('clinical-lead');
    const saved = await lead.post(`${BASE}/pathways/bronchiolitis`, { ...bronchiolitisForm(), version: '1' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${BASE}/pathways/bronchiolitis?done=pathway`);
    expect(await pathwayRow('bronchiolitis')).toMatchObject({ version: 2, observe_every_hours: 2 });
    const page = pageText((await lead.get(`${BASE}/pathways/bronchiolitis`)).body);
    expect(page).toContain('Version 2: Bronchiolitis, every 2 hours, 3 days; saved by');
    expect(page).toContain('Version 1: Bronchiolitis, every 4 hours');

    const after = await plainChild(j, w.gp);
    const newEpisode = await onWard(j, w, after, 'bronchiolitis', at);
    const nurse = await signIn('care-coordinator');
    expect(pageText((await nurse.get(`/virtual-ward/episodes/${oldEpisode}`)).body)).toContain('observations every 4 hours');
    expect(pageText((await nurse.get(`/virtual-ward/episodes/${newEpisode}`)).body)).toContain('observations every 2 hours');
    // Three hours in, only the child on the new version has missed observations.
    const wardId = (await wardRow()).id;
    const missed = await inIcs(j, (tx) => missedObservations(tx, j.ics.icsId, wardId, new Date(at.getTime() + 3 * 3_600_000)));
    expect(missed.map((m) => m.episode_id)).toContain(newEpisode);
    expect(missed.map((m) => m.episode_id)).not.toContain(oldEpisode);
    const [audit] = await rows<{ what: string; why: string }>(j.db.owner, sql`SELECT what, why FROM audit_event WHERE action = 'ward.pathway-edit' ORDER BY id DESC LIMIT 1`);
    expect(audit).toEqual({ what: 'Virtual ward pathway changed: Bronchiolitis (version 2)', why: 'ICS clinical lead' });

    // A save from a page opened before that one is refused, not written over it.
    const stale = await (await signIn('admin')).post(`${BASE}/pathways/bronchiolitis`, { ...bronchiolitisForm({ observeEveryHours: '6' }), version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(pageText(stale.body)).toContain('Someone saved this pathway after you opened it');
    expect(await pathwayRow('bronchiolitis')).toMatchObject({ version: 2, observe_every_hours: 2 });
  });

  it('adds a pathway that referrals can choose, and one closed to referrals leaves the choice', async () => {
    const admin = await signIn('admin');
    const made = await admin.post(`${BASE}/pathways`, bronchiolitisForm({ name: 'Croup', observeEveryHours: '4', expectedStayDays: '1' }));
    expect(made.statusCode).toBe(303);
    expect(made.headers.location).toBe(`${BASE}/pathways/croup?done=pathway`);
    const gp = await signIn('gp');
    const child = await plainChild(j, w.gp);
    expect((await gp.get(`/children/${child}/virtual-ward`)).body).toContain('value="croup"');
    expect((await admin.post(`${BASE}/pathways`, bronchiolitisForm({ name: 'Croup' }))).statusCode).toBe(400);
    const closed = await admin.post(`${BASE}/pathways/croup`, bronchiolitisForm({ name: 'Croup', active: 'no', version: '1' }));
    expect(closed.statusCode).toBe(303);
    expect((await gp.get(`/children/${child}/virtual-ward`)).body).not.toContain('value="croup"');
    expect(pageText((await admin.get(BASE)).body)).toContain('closed to referrals, version 2');
  });

  it('refuses timers where a higher level waits longer than a lower one, and new timers apply to escalations raised afterwards', async () => {
    const ward = await wardRow();
    const lead = await signIn('clinical-lead');
    const form = { version: String(ward.version), 'low.response': 'A nurse calls the family back', 'low.minutes': '45', 'medium.response': 'Video review', 'medium.minutes': '20',
      'high.response': 'Visit at home or conveyance', 'high.minutes': '25', 'emergency.response': 'Call 999 now', 'emergency.minutes': '' };
    const bad = await lead.post(`${BASE}/timers`, form);
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('Enter the emergency level’s timer as a whole number of minutes');
    const slower = await lead.post(`${BASE}/timers`, { ...form, 'emergency.minutes': '5' });
    expect(pageText(slower.body)).toContain('The high level’s timer must be no longer than the medium level’s (20 minutes)');
    expect((await wardRow()).responses).toEqual(ward.responses);

    const child = await plainChild(j, w.gp, { toddler: true });
    const episodeId = await onWard(j, w, child);
    const earlier = await inIcs(j, (tx) => recordObservations(tx, w.nurse, episodeId, { respiratoryRate: 55, heartRate: 155, spo2: 93, respiratoryDistress: 'mild' }));
    const saved = await lead.post(`${BASE}/timers`, { ...form, 'high.minutes': '15', 'emergency.minutes': '5' });
    expect(saved.statusCode).toBe(303);
    expect((await wardRow()).responses.medium).toEqual({ response: 'Video review', minutes: 20 });
    const later = await inIcs(j, (tx) => recordObservations(tx, w.nurse, episodeId, { respiratoryRate: 55, heartRate: 155, spo2: 93, respiratoryDistress: 'mild' }));
    const due = async (id: string | null) => (await rows<{ minutes: number; response: string }>(j.db.owner,
      sql`SELECT extract(epoch FROM response_due_at - raised_at)::int / 60 AS minutes, response FROM ward_escalation WHERE id = ${id}::uuid`))[0];
    expect(await due(earlier.escalationId)).toEqual({ minutes: 30, response: 'Video review by a nurse or doctor' });
    expect(await due(later.escalationId)).toEqual({ minutes: 20, response: 'Video review' });
    const [change] = await rows<{ setting: string; changed_by_name: string }>(j.db.owner, sql`SELECT setting, changed_by_name FROM ward_setting_change ORDER BY saved_at DESC LIMIT 1`);
    expect(change.setting).toBe('responses');
    expect(pageText((await lead.get(BASE)).body)).toContain(`response timers changed by ${change.changed_by_name}`);
  });

  it('refuses a rota with someone who cannot acknowledge or someone twice, and a saved rota owns the next escalation', async () => {
    const lead = await signIn('clinical-lead');
    const { version } = await wardRow();
    const [first, ...rest] = w.rota.map((r) => r.professional_id);
    const page = await lead.get(`${BASE}/rota`);
    expect(page.body).toContain(`<option value="${first}" selected>`);
    expect(page.body).not.toContain(`value="${w.gp.professionalId}"`);
    const gp = await lead.post(`${BASE}/rota`, { version: String(version), 'rota-0': first, 'rota-1': w.gp.professionalId });
    expect(gp.statusCode).toBe(400);
    expect(pageText(gp.body)).toContain('Choose someone from the list: an active community children’s nurse or paediatrician');
    const twice = await lead.post(`${BASE}/rota`, { version: String(version), 'rota-0': first, 'rota-1': first });
    expect(pageText(twice.body)).toContain('is already on the rota at position 1');
    const empty = await lead.post(`${BASE}/rota`, { version: String(version), 'rota-0': '', 'rota-1': '' });
    expect(pageText(empty.body)).toContain('Choose at least one person for the rota');
    expect((await demoWard(j)).rota.map((r) => r.professional_id)).toEqual([first, ...rest]);

    const reordered = [...rest, first];
    const saved = await lead.post(`${BASE}/rota`, { version: String(version), ...Object.fromEntries(reordered.map((p, i) => [`rota-${i}`, p])), [`rota-${reordered.length}`]: '' });
    expect(saved.statusCode).toBe(303);
    expect((await demoWard(j)).rota.map((r) => r.professional_id)).toEqual(reordered);
    const child = await plainChild(j, w.gp, { toddler: true });
    const episodeId = await onWard(j, w, child);
    const { escalationId } = await inIcs(j, (tx) => recordObservations(tx, w.nurse, episodeId, { respiratoryRate: 55, heartRate: 155, spo2: 93, respiratoryDistress: 'mild' }));
    const [x] = await rows<{ owner_id: string }>(j.db.owner, sql`SELECT owner_id FROM ward_escalation WHERE id = ${escalationId}::uuid`);
    expect(x.owner_id).toBe(reordered[0]);
    expect((await lead.post(`${BASE}/rota`, { version: String(version), 'rota-0': first })).statusCode).toBe(409);
  });

  it('changes the ward’s capacity, refusing what is not a whole number of children, and occupancy counts it from today only', async () => {
    const admin = await signIn('admin');
    const ward = await wardRow();
    const form = await admin.get(`${BASE}/capacity`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`name="capacity" type="text" value="${ward.capacity}"`);
    for (const [capacity, message] of [['', 'Enter the ward’s capacity as a whole number of children, from 1 to 500'], ['twelve', 'Enter the ward’s capacity as a whole number of children, from 1 to 500'],
      ['0', 'The ward’s capacity must be from 1 to 500 children'], ['501', 'The ward’s capacity must be from 1 to 500 children']]) {
      const bad = await admin.post(`${BASE}/capacity`, { capacity, version: String(ward.version) });
      expect(bad.statusCode, capacity).toBe(400);
      expect(pageText(bad.body)).toContain('There is a problem');
      expect(pageText(bad.body)).toContain(message);
      expect(bad.body).toContain('href="#capacity"');
    }
    expect(await wardRow()).toMatchObject({ capacity: ward.capacity, version: ward.version });

    const before = occupancyRows((await admin.get('/population/virtual-ward/occupancy.csv')).body);
    const newCapacity = ward.capacity + 10;
    const saved = await admin.post(`${BASE}/capacity`, { capacity: String(newCapacity), version: String(ward.version) });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${BASE}?done=capacity`);
    expect(await wardRow()).toMatchObject({ capacity: newCapacity, version: ward.version + 1 });
    const page = pageText((await admin.get(`${BASE}?done=capacity`)).body);
    expect(page).toContain(`cares for up to ${newCapacity} children at once`);
    expect(page).toContain('Capacity saved. Occupancy is measured against it from today');
    expect(page).toMatch(new RegExp(`capacity changed from ${ward.capacity} to ${newCapacity} children by `));
    const [audit] = await rows<{ what: string; why: string }>(j.db.owner, sql`SELECT what, why FROM audit_event WHERE action = 'ward.capacity' ORDER BY id DESC LIMIT 1`);
    expect(audit).toEqual({ what: `Virtual ward capacity changed from ${ward.capacity} to ${newCapacity} children`, why: 'administrator' });

    // Today has ten more places; every earlier day, this month's and last month's, keeps the capacity it had.
    const after = occupancyRows((await admin.get('/population/virtual-ward/occupancy.csv')).body);
    expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
    const [month, occupied, capacityDays] = before.at(-1)!;
    expect(after.at(-1)!.slice(0, 3)).toEqual([month, occupied, String(Number(capacityDays) + 10)]);

    // A save from a form opened before that one is refused, not written over it.
    const stale = await (await signIn('clinical-lead')).post(`${BASE}/capacity`, { capacity: '5', version: String(ward.version) });
    expect(stale.statusCode).toBe(409);
    expect(pageText(stale.body)).toContain('Someone changed the ward’s capacity after you opened the page');
    expect((await wardRow()).capacity).toBe(newCapacity);
  });
});
