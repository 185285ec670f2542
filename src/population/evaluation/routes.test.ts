import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import { londonToday } from '../../platform/time/form-dates.js';
import { startJoinery, type TestJoinery } from '../../../test/joinery.js';
import { TestClient, pageText } from '../../../test/http.js';
import { chartWindow } from '../dashboards/figures.js';
import { addMonths } from '../../platform/time/months.js';
import { CannotEvaluateError, evaluateModel, type Evaluation } from './evaluate.js';
import { effectWords } from './view.js';
import { persistenceWords } from './routes.js';

const email = (role: string) => `${role}@demo.joinery.test`;

describe('care models: recording one and evaluating it', () => {
  let j: TestJoinery;
  let analyst: TestClient;
  let hubs: { id: string; name: string }[];
  const today = londonToday();
  // Two years before the latest complete month, with six months' ramp-up: a year and a half at full effect.
  const start = addMonths(chartWindow(today).to, -24);
  const implementations = () => rows<{ model: string; cluster_id: string; start_month: string; ramp_months: number }>(
    j.db.owner, sql`SELECT model, cluster_id::text, start_month::text, ramp_months FROM care_model_implementation WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY cluster_id`,
  );
  const form = (over: Record<string, string | string[]> = {}) => ({
    model: 'test-hub-model', clusters: [hubs[0].id], 'start[month]': String(Number(start.slice(5, 7))), 'start[year]': start.slice(0, 4), ramp: '6', ...over,
  });

  beforeAll(async () => {
    j = await startJoinery('pglite', 150);
    analyst = await TestClient.signIn(j.app, email('ics-analyst'));
    hubs = await rows(j.db.owner, sql`SELECT id::text, name FROM cluster WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY name`);
  });
  afterAll(() => j?.close());

  it('shows the form to an analyst, and refuses bad input field by field, saving nothing', async () => {
    const page = await analyst.get('/population/evaluations');
    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).toContain('No care model has been recorded yet.');
    expect(page.body).toContain('<form method="post" action="/population/evaluations"');
    const bad = await analyst.post('/population/evaluations', { model: 'Child Health Hub!', 'start[month]': '13', 'start[year]': '2024', ramp: '99' });
    expect(bad.statusCode).toBe(400);
    for (const field of ['model', 'clusters', 'start', 'ramp']) expect(bad.body).toContain(`href="#${field}"`);
    expect(pageText(bad.body)).toContain('Enter a name of up to 60 lower-case letters');
    expect(pageText(bad.body)).toContain('The start must be a real month and year');
    const foreign = await analyst.post('/population/evaluations', form({ clusters: ['00000000-0000-4000-8000-000000000000'] }));
    expect(foreign.statusCode).toBe(400);
    expect(pageText(foreign.body)).toContain('Select hubs from the list');
    expect(await implementations()).toEqual([]);
  });

  it('records a model in chosen hubs, audited, and refuses the same hub twice', async () => {
    const res = await analyst.post('/population/evaluations', form());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/population/evaluations?recorded=test-hub-model');
    expect(await implementations()).toEqual([{ model: 'test-hub-model', cluster_id: hubs[0].id, start_month: start, ramp_months: 6 }]);
    const [audit] = await rows<{ what: string; child_id: string | null }>(j.db.owner, sql`SELECT what, child_id FROM audit_event WHERE action = 'population.care-model-recorded'`);
    expect(audit.child_id).toBeNull();
    expect(audit.what).toContain(`Care model test-hub-model recorded as starting in`);
    const list = await analyst.get(res.headers.location as string);
    expect(pageText(list.body)).toContain('Care model recorded: test-hub-model.');
    expect(list.body).toContain('href="/population/evaluations/test-hub-model"');
    const again = await analyst.post('/population/evaluations', form());
    expect(again.statusCode).toBe(400);
    expect(pageText(again.body)).toContain(`${hubs[0].name} already has test-hub-model recorded`);
    expect((await analyst.post('/population/evaluations', form({ model: 'another' }), { csrf: null })).statusCode).toBe(403);
  });

  it('lets a GP see the models but not record one; refuses roles without population health', async () => {
    const gp = await TestClient.signIn(j.app, email('gp'));
    const page = await gp.get('/population/evaluations');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<form method="post" action="/population/evaluations"');
    expect((await gp.post('/population/evaluations', form({ model: 'gp-model' }))).statusCode).toBe(403);
    const senco = await TestClient.signIn(j.app, email('senco'));
    expect((await senco.get('/population/evaluations/test-hub-model')).statusCode).toBe(403);
  });

  it('evaluates the model against an indicator by either method, as the engine does', async () => {
    for (const method of ['its', 'did'] as const) {
      const res = await analyst.get(`/population/evaluations/test-hub-model?indicator=ed-attendances&method=${method}`);
      expect(res.statusCode).toBe(200);
      const text = pageText(res.body);
      const expected: Evaluation | Error = await j.db.tenant(j.ics.icsId, (tx) => evaluateModel(tx, j.ics.icsId, { indicatorId: 'ed-attendances', model: 'test-hub-model', method, today }))
        .catch((e: Error) => e);
      // Five years of months always let a time series run; a comparison needs hubs without the model, which a small ICS may lack.
      if (expected instanceof CannotEvaluateError && method === 'did') {
        expect(text).toContain(expected.message);
        continue;
      }
      if (expected instanceof Error) throw expected;
      expect(text).toContain(effectWords(expected));
      for (const caveat of expected.caveats) expect(text).toContain(caveat);
      expect(text).toContain('Months before the start');
      // The ICS's own autocorrelation, said in words beside the interval it widened.
      expect(text).toContain(persistenceWords(expected.fit.lagOneAutocorrelation, expected.fit.persistence));
      expect(res.body).toMatch(/<svg width="100%" class="population-chart__svg" role="img" aria-label="Line chart of ED attendances, ages 0 to 17 by month in the hubs with test-hub-model/);
      expect(res.body).toContain('>Start<');
    }
  });

  it('answers an unknown model 404 and a bad indicator or method 400', async () => {
    expect((await analyst.get('/population/evaluations/no-such-model')).statusCode).toBe(404);
    const bad = await analyst.get('/population/evaluations/test-hub-model?indicator=nope&method=rct');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#indicator"');
    expect(bad.body).toContain('href="#method"');
  });
});
