/**
 * The population dashboards at scale: each page through HTTP (session,
 * service, rollup reads, SPC, SVG and audit) as the ICS analyst, against one
 * raw GROUP BY over the events table (what a dashboard without rollups would
 * pay), and a care-model evaluation read from the rollups. Prints the data
 * size with the figures.
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rows, type Database } from '../src/platform/db/client.js';
import { evaluateModel } from '../src/population/service.js';
import { TestClient } from '../test/http.js';
import { percentile, summarise, timeEach } from './stats.js';
import { page } from './load.js';

export type PopulationBenchOptions = { icsId: string; password: string; domain?: string; samples?: number };

const fmt = (n: number) => n.toLocaleString('en-GB');

export async function populationBench(db: Database, app: FastifyInstance, opts: PopulationBenchOptions) {
  const domain = opts.domain ?? 'bench.joinery.test';
  const samples = opts.samples ?? 100;
  const [size] = await rows<{ events: number; rollup: number; first: string | null; last: string | null }>(
    db.owner,
    sql`SELECT (SELECT count(*)::int FROM activity_event WHERE ics_id = ${opts.icsId}::uuid) AS events,
               (SELECT count(*)::int FROM population_rollup WHERE ics_id = ${opts.icsId}::uuid) AS rollup,
               (SELECT min(month)::text FROM activity_event WHERE ics_id = ${opts.icsId}::uuid) AS first,
               (SELECT max(month)::text FROM activity_event WHERE ics_id = ${opts.icsId}::uuid) AS last`,
  );
  const [hub] = await rows<{ id: string; name: string }>(db.owner, sql`SELECT id, name FROM cluster WHERE ics_id = ${opts.icsId}::uuid ORDER BY name LIMIT 1`);
  const [practice] = await rows<{ id: string }>(
    db.owner, sql`SELECT practice_id AS id FROM cluster_practice WHERE ics_id = ${opts.icsId}::uuid AND cluster_id = ${hub.id}::uuid LIMIT 1`,
  );
  console.log(`\nPopulation dashboards: ${fmt(size.events)} activity events (${size.first ?? '–'} to ${size.last ?? '–'}), ${fmt(size.rollup)} rollup rows`);

  // What one chart would cost without rollups: ED attendances by month over the whole ICS, straight from the events.
  const raw = () => db.tenant(opts.icsId, (tx) => rows(tx, sql`SELECT month, count(*) FROM activity_event WHERE ics_id = ${opts.icsId}::uuid AND type = 'ed' GROUP BY month`));
  await timeEach(2, raw);
  const rawTimes = await timeEach(Math.max(5, Math.round(samples / 10)), raw);
  console.log(summarise('raw GROUP BY over activity_event (ED by month, whole ICS)', rawTimes));

  const client = await new TestClient(app).signIn(`ics-analyst@${domain}`, opts.password);
  const cases: [string, string][] = [
    ['dashboard, whole ICS (15 indicators, 60 months each)', '/population'],
    ['dashboard, one hub', `/population?scope=cluster:${hub.id}`],
    ['ED attendances, whole ICS (XmR chart + table)', '/population/indicators/ed-attendances'],
    ['ED attendances, one practice', `/population/indicators/ed-attendances?scope=practice:${practice.id}`],
    ['ED attendances by IMD quintile, whole ICS', '/population/indicators/ed-attendances?breakdown=imd'],
    ['ED attendances by practice (funnel), whole ICS', '/population/indicators/ed-attendances?breakdown=practice'],
    ['mental health access by ethnicity, whole ICS', '/population/indicators/mental-health-access?breakdown=ethnicity'],
    ['ED attendances CSV, whole ICS', '/population/indicators/ed-attendances.csv'],
  ];
  let indicatorP95 = 0;
  for (const [label, url] of cases) {
    const get = () => page(client, url);
    await timeEach(3, get); // warm the caches and the plans first
    const times = await timeEach(samples, get);
    console.log(summarise(label, times));
    if (url === '/population/indicators/ed-attendances') indicatorP95 = percentile([...times].sort((a, b) => a - b), 95);
  }
  const rawP50 = percentile([...rawTimes].sort((a, b) => a - b), 50);
  console.log(`  ED attendances page p95 is ${(indicatorP95 / rawP50).toFixed(2)}× one raw GROUP BY's median (${rawP50.toFixed(0)} ms)`);

  const models = await rows<{ model: string }>(db.owner, sql`SELECT DISTINCT model FROM care_model_implementation WHERE ics_id = ${opts.icsId}::uuid`);
  for (const { model } of models) {
    for (const method of ['its', 'did'] as const) {
      const evaluate = () => db.tenant(opts.icsId, (tx) => evaluateModel(tx, opts.icsId, { indicatorId: 'ed-attendances', model, method }));
      const result = await evaluate();
      const times = await timeEach(10, evaluate);
      console.log(summarise(`evaluate ${model} on ED attendances (${method})`, times));
      console.log(`  effect ${(result.effect * 100).toFixed(1)}% (95% CI ${(result.ci95[0] * 100).toFixed(1)}% to ${(result.ci95[1] * 100).toFixed(1)}%), ` +
        `injected ${result.trueEffect === null ? 'none recorded' : `${(result.trueEffect * 100).toFixed(1)}%`}`);
    }
  }
}
