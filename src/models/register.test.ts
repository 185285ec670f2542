import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';

const email = (role: string) => `${role}@demo.joinery.test`;

/** The form as a CYP lead fills it in for a child health hub. */
const hubForm = (over: Record<string, string | string[]> = {}) => ({
  name: 'north-hub', title: 'North child health hub', type: 'child-health-hub',
  practices: '4', children: '4,200', paediatricianSessionsPerMonth: '4', jointClinicEveryWeeks: '6', mdtEveryWeeks: '6', adviceResponseHours: '24',
  practiceChampions: '3', fundingPerYear: '85000', staffGroups: ['gp', 'paediatrician', 'health-visitor'], hours: 'Weekdays 9am to 5pm',
  'startDate[day]': '1', 'startDate[month]': '4', 'startDate[year]': '2024', lead: 'Dr A Example',
  mechanisms: ['shared-responsibility', 'upskilling-gps'], earlyIndicators: ['ed-attendances'], finalOutcomes: ['emergency-admissions'],
  ...over,
});

describe('the register of care models', () => {
  let j: TestJoinery;
  let lead: TestClient;
  let analyst: TestClient;
  const register = () => rows<{ name: string; title: string; type: string; configuration: Record<string, unknown>; version: number }>(
    j.db.owner, sql`SELECT name, title, type, configuration, version FROM care_model WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY name`,
  );

  beforeAll(async () => {
    j = await startJoinery('pglite', 150);
    lead = await TestClient.signIn(j.app, email('admin'));
    analyst = await TestClient.signIn(j.app, email('ics-analyst'));
  });
  afterAll(() => j?.close());

  it('the migration makes a register entry of every model already recorded as started, typed by its name', async () => {
    const [hub] = await rows<{ id: string }>(j.db.owner, sql`SELECT id::text FROM cluster WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY name LIMIT 1`);
    await j.db.owner.execute(sql`INSERT INTO care_model_implementation (ics_id, model, cluster_id, start_month, ramp_months)
      VALUES (${j.ics.icsId}::uuid, 'child-health-hub', ${hub.id}::uuid, '2023-01-01', 6), (${j.ics.icsId}::uuid, 'phone-first', ${hub.id}::uuid, '2024-01-01', 0)`);
    const migration = fs.readFileSync(path.join(import.meta.dirname, '../../migrations/0054_care_model_register.sql'), 'utf8');
    await j.db.owner.execute(sql.raw(migration.slice(migration.indexOf('INSERT INTO "care_model"'))));
    expect((await register()).map((m) => [m.name, m.type, m.version])).toEqual([['child-health-hub', 'child-health-hub', 1], ['phone-first', 'other', 1]]);
    const page = await lead.get('/models');
    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).toContain('child-health-hub');
    await j.db.owner.execute(sql`DELETE FROM care_model WHERE ics_id = ${j.ics.icsId}::uuid`);
    // A start recorded but not described still shows in the register, marked so.
    expect(pageText((await lead.get('/models')).body)).toContain('Started, not yet described');
  });

  it('the CYP lead adds a model with its configuration and logic model, audited', async () => {
    await lead.get('/models/new');
    const res = await lead.post('/models', hubForm());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/models?saved=north-hub');
    const [saved] = (await register()).filter((m) => m.name === 'north-hub');
    expect(saved.type).toBe('child-health-hub');
    expect(saved.configuration).toMatchObject({ practices: 4, children: 4200, adviceResponseHours: 24, startDate: '2024-04-01', staffGroups: ['gp', 'paediatrician', 'health-visitor'] });
    const [audit] = await rows<{ what: string; role: string }>(j.db.owner, sql`SELECT what, role FROM audit_event WHERE action = 'models.added'`);
    expect(audit).toEqual({ what: 'Care model north-hub added to the register', role: 'admin' });
    const page = pageText((await lead.get('/models/north-hub')).body);
    expect(page).toContain('Advice answered within 24 hours');
    expect(page).toContain('Children covered 4,200');
    expect(page).toContain('Early indicators ED attendances');
  });

  it('refuses bad input field by field and saves nothing', async () => {
    await lead.get('/models/new');
    const bad = await lead.post('/models', hubForm({
      name: 'North Hub!', title: '', type: 'spaceship', practices: 'four', adviceResponseHours: '9999', 'startDate[day]': '31', 'startDate[month]': '2',
      staffGroups: ['wizards'], earlyIndicators: ['no-such-indicator'],
    }));
    expect(bad.statusCode).toBe(400);
    for (const f of ['name', 'title', 'type', 'practices', 'adviceResponseHours', 'startDate', 'staffGroups', 'earlyIndicators']) expect(bad.body).toContain(`href="#${f}"`);
    expect(pageText(bad.body)).toContain('Practices covered must be a whole number, like 5');
    expect(pageText(bad.body)).toContain('The start date must be a real date');
    const same = await lead.post('/models', hubForm({ finalOutcomes: ['ed-attendances'] }));
    expect(pageText(same.body)).toContain('north-hub is in the register already');
    expect((await register()).map((m) => m.name)).toEqual(['north-hub']);
  });

  it('a change from a stale page is refused and changes nothing', async () => {
    await analyst.get('/models/north-hub/edit');
    const first = await analyst.post('/models/north-hub', hubForm({ version: '1', title: 'North hub, renamed' }));
    expect(first.statusCode).toBe(303);
    const stale = await lead.post('/models/north-hub', hubForm({ version: '1', title: 'Someone else’s title' }));
    expect(stale.statusCode).toBe(409);
    expect((await register()).map((m) => [m.title, m.version])).toEqual([['North hub, renamed', 2]]);
  });

  it('exports the register as JSON and loads it back, all or nothing', async () => {
    const out = await lead.get('/models/register.json');
    expect(out.statusCode).toBe(200);
    const shared = JSON.parse(out.body);
    expect(shared.format).toBe('joinery-care-model-register');
    expect(shared.models.map((m: { name: string }) => m.name)).toEqual(['north-hub']);

    shared.models.push({ ...shared.models[0], name: 'south-hub', title: 'South hub' });
    await lead.get('/models/import');
    const broken = { ...shared, models: [...shared.models, { ...shared.models[0], name: 'bad-one', type: 'child-health-hub', earlyIndicators: ['nothing'] }] };
    const refused = await lead.post('/models/import', { register: JSON.stringify(broken) });
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toContain('bad-one: Select early indicators from the list');
    expect((await register()).map((m) => m.name)).toEqual(['north-hub']);
    expect((await lead.post('/models/import', { register: 'not json' })).statusCode).toBe(400);

    const loaded = await lead.post('/models/import', { register: JSON.stringify(shared) });
    expect(loaded.statusCode).toBe(200);
    expect(pageText(loaded.body)).toContain('1 added: south-hub.');
    expect(pageText(loaded.body)).toContain('1 replaced: north-hub.');
    expect((await register()).map((m) => m.name)).toEqual(['north-hub', 'south-hub']);
    const csv = await lead.get('/models/register.csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\r\n')[0]).toContain('Name,Title,Type,Practices covered');
  });

  it('a hub lead sees only the models running in the hubs they lead; GPs and others see none; only keepers change it', async () => {
    const [led] = await rows<{ id: string; email: string }>(j.db.owner, sql`SELECT cl.id::text, p.email FROM cluster cl JOIN professional p ON p.id = cl.lead_paediatrician_id
      WHERE cl.ics_id = ${j.ics.icsId}::uuid ORDER BY cl.name LIMIT 1`);
    await j.db.owner.execute(sql`INSERT INTO care_model_implementation (ics_id, model, cluster_id, start_month) VALUES (${j.ics.icsId}::uuid, 'north-hub', ${led.id}::uuid, '2024-04-01')
      ON CONFLICT DO NOTHING`);
    const hubLead = await TestClient.signIn(j.app, led.email);
    const list = pageText((await hubLead.get('/models')).body);
    expect(list).toContain('North hub, renamed');
    expect(list).not.toContain('South hub');
    expect((await hubLead.get('/models/south-hub')).statusCode).toBe(404);
    expect((await hubLead.get('/models/north-hub')).statusCode).toBe(200);
    expect((await hubLead.get('/models/new')).statusCode).toBe(403);
    expect((await hubLead.get('/models/register.json')).statusCode).toBe(403);
    const gp = await TestClient.signIn(j.app, email('gp'));
    expect((await gp.get('/models')).statusCode).toBe(403);
    expect((await gp.post('/models', hubForm({ name: 'gp-model' }))).statusCode).toBe(403);
    expect((await register()).map((m) => m.name)).toEqual(['north-hub', 'south-hub']);
  });

  it('compares the models: configuration side by side, each outcome measured or too early to judge, early indicators charted, every table as CSV', async () => {
    const page = await analyst.get('/models/compare');
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain('Model North hub, renamed Practices covered 4 Children covered 4,200 Paediatrician sessions a month 4 Joint clinic every 6 weeks');
    // south-hub runs in no hub: its outcome cannot be judged, and the page says why.
    expect(text).toContain('Model South hub Outcome Emergency admissions Effect Too early to judge 95% interval Basis No hub has been recorded as starting it.');
    // This small ICS has one hub, so north-hub has nothing to be compared with: too early, and why.
    expect(text).toContain('Effect Too early to judge 95% interval Basis Difference-in-differences needs clusters without the model to compare with');
    expect(text).toMatch(/Families who would recommend \(last 12 months\) \d+% of \d+/);
    const effects = await analyst.get('/models/compare/effects.csv');
    const lines = effects.body.trim().split('\r\n');
    expect(lines[0]).toBe('Model,Outcome,Effect,95% interval,Judged,Why not yet');
    expect(lines).toContain('south-hub,emergency-admissions,,,too early to judge,No hub has been recorded as starting it.');
    const configuration = await analyst.get('/models/compare/configuration.csv');
    expect(configuration.body.split('\r\n')[1]).toMatch(/^"North hub, renamed",4,"4,200",4,6 weeks,6 weeks,24 hours,/);
    const early = await analyst.get('/models/compare/early.csv');
    expect(early.body.split('\r\n')[0]).toBe('Model,Indicator,Month,"Per 1,000",Mean,Lower process limit,Upper process limit,Variation');
    const gp = await TestClient.signIn(j.app, email('gp'));
    expect((await gp.get('/models/compare')).statusCode).toBe(403);
  });

  it('no other ICS sees this register', async () => {
    const other = await TestClient.signIn(j.app, 'admin@other.joinery.test');
    expect(pageText((await other.get('/models')).body)).toContain('No care model is in the register yet.');
    expect((await other.get('/models/north-hub')).statusCode).toBe(404);
  });
});
