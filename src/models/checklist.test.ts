import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { londonToday } from '../platform/time/form-dates.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';

const email = (role: string) => `${role}@demo.joinery.test`;
const today = () => { const [y, m, d] = londonToday().split('-'); return { 'scoredOn[day]': String(Number(d)), 'scoredOn[month]': String(Number(m)), 'scoredOn[year]': y }; };

describe('the integration checklist', () => {
  let j: TestJoinery;
  let lead: TestClient;
  let analyst: TestClient;
  const scores = () => rows<{ item_id: string; rating: string; scored_by_name: string; cluster_id: string | null }>(j.db.owner,
    sql`SELECT item_id, rating, scored_by_name, cluster_id::text FROM integration_checklist_score WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY recorded_at`);

  beforeAll(async () => {
    j = await startJoinery('pglite', 150);
    lead = await TestClient.signIn(j.app, email('admin'));
    analyst = await TestClient.signIn(j.app, email('ics-analyst'));
  });
  afterAll(() => j?.close());

  it('shows the nine areas with placeholder items, labelled as placeholders', async () => {
    const page = await lead.get('/models/checklist');
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain('Integration checklist: the ICS as a whole');
    expect(text).toContain('These items are placeholders written by Joinery, not the published checklist’s wording.');
    for (const area of ['Parents and carers', 'NHS 111', 'Community pharmacy', 'General practice', 'Urgent care services', 'Paramedics and ambulance service', 'Emergency departments', 'Hospital-based paediatrics', 'Ninth area']) {
      expect(text).toContain(area);
    }
  });

  it('two people score an item differently: both kept, the disagreement shown; red needs an action; a bad score saves nothing', async () => {
    await lead.get('/models/checklist/score?item=parents-voice&hub=ics');
    const bad = await lead.post('/models/checklist/score', { item: 'parents-voice', hub: 'ics', rating: 'red', evidence: '', action: '', owner: '', ...today() });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('Enter the evidence for this score');
    expect(pageText(bad.body)).toContain('Enter the action that will improve this');
    expect(await scores()).toEqual([]);
    expect((await lead.post('/models/checklist/score', { item: 'parents-voice', hub: 'ics', rating: 'green', evidence: 'Parent panel meets monthly', action: '', owner: '', ...today() })).statusCode).toBe(303);
    await analyst.get('/models/checklist/score?item=parents-voice&hub=ics');
    expect((await analyst.post('/models/checklist/score', { item: 'parents-voice', hub: 'ics', rating: 'red', evidence: 'Panel has not met since spring', action: 'Restart the panel', owner: 'CYP lead', ...today() })).statusCode).toBe(303);
    expect((await scores()).map((s) => [s.item_id, s.rating, s.cluster_id])).toEqual([['parents-voice', 'green', null], ['parents-voice', 'red', null]]);
    const text = pageText((await lead.get('/models/checklist?hub=ics')).body);
    expect(text).toMatch(/Disagreement: .+ red, .+ green/);
    expect(text).toContain('2 scores');
    const [audit] = await rows<{ what: string }>(j.db.owner, sql`SELECT what FROM audit_event WHERE action = 'models.checklist-scored' ORDER BY at LIMIT 1`);
    expect(audit.what).toBe('Integration checklist item parents-voice scored green for the ICS');
    const csv = await lead.get('/models/checklist.csv');
    expect(csv.body.split('\r\n')[0]).toBe('Date,Item,Hub,Rating,Evidence,Owner,Action,Scored by');
    expect(csv.body).toContain('Restart the panel');
  });

  it('the hub lead scores their hub, with an item the data answer pre-filled and saying so; the ICS’s own checklist and other roles are refused', async () => {
    const [led] = await rows<{ id: string; email: string; name: string }>(j.db.owner, sql`SELECT cl.id::text, cl.name, p.email FROM cluster cl JOIN professional p ON p.ics_id = cl.ics_id AND p.id = cl.lead_paediatrician_id
      WHERE cl.ics_id = ${j.ics.icsId}::uuid ORDER BY cl.name LIMIT 1`);
    const paed = await TestClient.signIn(j.app, led.email);
    expect(pageText((await paed.get('/models/checklist')).body)).toContain(`Integration checklist: ${led.name}`);
    const form = await paed.get(`/models/checklist/score?item=gp-named-paediatrician&hub=${led.id}`);
    expect(form.statusCode).toBe(200);
    expect(pageText(form.body)).toContain('Pre-filled from Joinery’s data: A link consultant paediatrician for every practice, met (100%)');
    expect(form.body).toMatch(/value="green" checked/);
    expect((await paed.post('/models/checklist/score', { item: 'gp-named-paediatrician', hub: led.id, rating: 'green', evidence: 'Named on the hub page', action: '', owner: '', ...today() })).statusCode).toBe(303);
    expect((await scores()).at(-1)).toMatchObject({ item_id: 'gp-named-paediatrician', cluster_id: led.id });
    expect((await paed.get('/models/checklist?hub=ics')).statusCode).toBe(403);
    expect((await paed.post('/models/checklist/score', { item: 'parents-voice', hub: 'ics', rating: 'green', evidence: 'x', ...today() })).statusCode).toBe(403);
    const gp = await TestClient.signIn(j.app, email('gp'));
    expect((await gp.get('/models/checklist')).statusCode).toBe(403);
  });

  it('loads the published items: a bad file loads nothing and says why; a good one replaces the placeholders and keeps the scores', async () => {
    await lead.get('/models/checklist/import');
    const bad = await lead.post('/models/checklist/import', { checklist: JSON.stringify({ format: 'joinery-integration-checklist', version: 1, items: [{ id: 'x', area: 'moon', wording: 'W' }] }) });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('items.0.area');
    const items = [{ id: 'parents-voice', area: 'parents-carers', wording: 'Loaded wording for families' }, { id: 'new-item', area: 'ambulance', wording: 'Loaded ambulance item' }];
    const ok = await lead.post('/models/checklist/import', { checklist: JSON.stringify({ format: 'joinery-integration-checklist', version: 1, items }) });
    expect(ok.statusCode).toBe(303);
    const text = pageText((await lead.get('/models/checklist?hub=ics')).body);
    expect(text).toContain('Loaded wording for families');
    expect(text).toContain('Loaded ambulance item');
    expect((await scores()).length).toBe(3);
    const out = JSON.parse((await lead.get('/models/checklist.json')).body);
    expect(out.format).toBe('joinery-integration-checklist');
    expect(out.scores).toHaveLength(3);
  });
});
