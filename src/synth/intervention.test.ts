import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, freshDatabase } from '../../test/database.js';
import { rows, type Database } from '../platform/db/client.js';
import { ActivityGenerator } from './activity-events.js';
import type { DecodedEvent } from './activity-writer.js';
import type { ChildFacts } from './care-teams.js';
import { ageOn, parseIsoDate } from './dates.js';
import { generateIcs, type SynthResult } from './generate.js';
import {
  DEFAULT_EFFECTS, InterventionError, checkIntervention, chooseClusters, clusterCountFor, loadInterventionFile, monthlyVariation, parseIntervention, treatment, type Intervention,
} from './intervention.js';
import { parseMonth } from './months.js';
import { Rng } from '../platform/random/seeded.js';
import { buildStructure } from './structure.js';

const TODAY = '2026-10-31';
const today = parseIsoDate(TODAY);
const good = { model: 'child-health-hub', clusters: 2, start: '2023-04', rampMonths: 6, effects: { 'ed-attendances': -0.15, 'outpatient-first': -0.35, 'emergency-admissions': -0.12 } };

const structureFor = (children: number) => {
  const ids = new Rng(4, 'ids');
  return buildStructure({ icsId: ids.uuid(), icsName: 'Test ICS', children, todayDays: today, demoEmailDomain: 'test.joinery.test', demoPasswordHash: null }, new Rng(4, 'structure'), ids);
};

describe('an intervention file', () => {
  const fails = (value: unknown) => {
    try {
      parseIntervention(value);
    } catch (error) {
      expect(error).toBeInstanceOf(InterventionError);
      return (error as Error).message;
    }
    throw new Error('expected it to fail');
  };

  it('takes a valid file, with ramp and effects defaulting to the published hub results', () => {
    expect(parseIntervention(good)).toEqual(good);
    expect(parseIntervention({ model: 'hub', clusters: 1, start: '2024-01' })).toEqual({ model: 'hub', clusters: 1, start: '2024-01', rampMonths: 6, effects: DEFAULT_EFFECTS });
  });

  it('names the field that is wrong', () => {
    expect(fails({ ...good, model: 'Child Health Hub' })).toMatch(/^model: must be a lower-case id/);
    expect(fails({ ...good, model: undefined })).toMatch(/^model: must be text/);
    expect(fails({ ...good, clusters: 0 })).toMatch(/^clusters: must be at least 1/);
    expect(fails({ ...good, clusters: 1.5 })).toMatch(/^clusters: must be a whole number/);
    expect(fails({ ...good, start: '2023-4' })).toMatch(/^start: must be a month as "YYYY-MM"/);
    expect(fails({ ...good, start: '2023-13' })).toMatch(/^start: /);
    expect(fails({ ...good, rampMonths: 25 })).toMatch(/^rampMonths: must be from 0 to 24/);
    expect(fails({ ...good, effects: { 'ed-attendances': -1 } })).toMatch(/^effects\.ed-attendances: must be above -1/);
    expect(fails({ ...good, effects: { 'ed-attendances': 1.2 } })).toMatch(/^effects\.ed-attendances: must be below 1/);
    expect(fails({ ...good, effects: { 'gp-contacts': -0.1 } })).toMatch(/^effects\.gp-contacts: not an effect; use ed-attendances, emergency-admissions, outpatient-first/);
    expect(fails({ ...good, effects: {} })).toMatch(/^effects: must name at least one effect/);
    expect(fails({ ...good, colour: 'red' })).toMatch(/unknown field "colour"/);
    expect(fails([good])).toMatch(/JSON object/);
  });

  it('says when the file is missing or not JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-intervention-'));
    try {
      expect(() => loadInterventionFile(path.join(dir, 'none.json'))).toThrow(/cannot read the intervention file .*none\.json: no such file/);
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"model": ');
      expect(() => loadInterventionFile(path.join(dir, 'bad.json'))).toThrow(/bad\.json is not JSON/);
      fs.writeFileSync(path.join(dir, 'wrong.json'), JSON.stringify({ ...good, clusters: 0 }));
      expect(() => loadInterventionFile(path.join(dir, 'wrong.json'))).toThrow(/wrong\.json: clusters: must be at least 1/);
      fs.writeFileSync(path.join(dir, 'good.json'), JSON.stringify(good));
      expect(loadInterventionFile(path.join(dir, 'good.json'))).toEqual(good);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a comparator cluster and a start inside the five years generated', () => {
    expect(clusterCountFor(3000)).toBe(1);
    expect(clusterCountFor(20_000)).toBe(2);
    expect(() => checkIntervention(parseIntervention({ ...good, clusters: 1 }), 3000, today)).toThrow(/^clusters: an ICS of 3000 children has 1 cluster, so at most 0/);
    expect(() => checkIntervention(parseIntervention(good), 20_000, today)).toThrow(/^clusters: .* 2 clusters, so at most 1 /);
    expect(() => checkIntervention(parseIntervention({ ...good, clusters: 1, start: '2021-09' }), 20_000, today)).toThrow(/^start: must be a month from 2021-10 to 2026-10/);
    expect(() => checkIntervention(parseIntervention({ ...good, clusters: 1, start: '2026-11' }), 20_000, today)).toThrow(/^start: /);
    expect(() => checkIntervention(parseIntervention({ ...good, clusters: 1, start: '2021-10' }), 20_000, today)).not.toThrow();
  });
});

describe('the care model in the generated activity', () => {
  const structure = structureFor(60_000);

  it('goes to clusters chosen by the seed alone', () => {
    const chosen = chooseClusters(7, structure.clusters, 2).map((c) => c.id);
    expect(chosen).toHaveLength(2);
    expect(chooseClusters(7, structure.clusters, 2).map((c) => c.id)).toEqual(chosen);
    const others = new Set([8, 9, 10, 11, 12].map((seed) => chooseClusters(seed, structure.clusters, 2).map((c) => c.index).join()));
    expect(others.size).toBeGreaterThan(1);
    const indexes = chooseClusters(7, structure.clusters, 4).map((c) => c.index);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });

  it('adds month-to-month AR(1) variation to every cluster when asked, with the persistence and size asked for', () => {
    expect(() => parseIntervention({ ...good, monthlyVariation: { sd: 0.05, rho: 0.95 } })).toThrow('monthlyVariation.rho: must be from 0 to 0.9');
    expect(() => parseIntervention({ ...good, monthlyVariation: { sd: 0.05 } })).toThrow(/monthlyVariation\.rho/);
    const iv = parseIntervention({ ...good, monthlyVariation: { sd: 0.05, rho: 0.5 } });
    expect(treatment(parseIntervention(good), []).variation(structure.clusters[0].id, 700)).toBe(1);
    // A long run, so the sample's spread and lag-1 correlation are close to what was asked.
    const months = 4000;
    const byCluster = monthlyVariation(iv.monthlyVariation!, structure.clusters, 7, 0, months - 1);
    const t = treatment(iv, [], { byCluster, firstMonth: 0 });
    expect(t.clusterIds.size).toBe(0);
    const logs = Array.from({ length: months }, (_, m) => Math.log(t.variation(structure.clusters[1].id, m)));
    const mean = logs.reduce((a, b) => a + b, 0) / months;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / months);
    let lagOne = 0;
    for (let m = 1; m < months; m++) lagOne += (logs[m] - mean) * (logs[m - 1] - mean);
    expect(sd).toBeGreaterThan(0.045);
    expect(sd).toBeLessThan(0.055);
    expect(lagOne / (months * sd * sd)).toBeGreaterThan(0.44);
    expect(lagOne / (months * sd * sd)).toBeLessThan(0.56);
    expect(monthlyVariation(iv.monthlyVariation!, structure.clusters, 7, 0, months - 1)).toEqual(byCluster);
    expect(monthlyVariation(iv.monthlyVariation!, structure.clusters, 8, 0, months - 1).get(structure.clusters[1].id)).not.toEqual(byCluster.get(structure.clusters[1].id));
  });

  it('moves the rates by nothing before the start, in a straight line over the ramp, by the full effect after', () => {
    const chosen = chooseClusters(7, structure.clusters, 1);
    const t = treatment(parseIntervention(good), chosen);
    const start = parseMonth('2023-04')!;
    expect(t.clusterIds).toEqual(new Set([chosen[0].id]));
    expect(t.multiplier('ed', start - 1)).toBe(1);
    expect(t.multiplier('ed', start)).toBe(1);
    expect(t.multiplier('ed', start + 3)).toBeCloseTo(1 - 0.075, 10);
    expect(t.multiplier('ed', start + 6)).toBeCloseTo(0.85, 10);
    expect(t.multiplier('outpatient-first', start + 40)).toBeCloseTo(0.65, 10);
    expect(t.multiplier('emergency-admission', start + 12)).toBeCloseTo(0.88, 10);
    expect(t.multiplier('gp', start + 12)).toBe(1);
  });

  it('lowers treated clusters\' ED attendances and admissions by about the effect after the ramp, against the comparators', () => {
    // 60,000 children, half their clusters treated: ~25,000 ED attendances a side after the ramp.
    const iv: Intervention = { ...good, clusters: Math.floor(structure.clusters.length / 2) };
    const chosen = chooseClusters(7, structure.clusters, iv.clusters);
    const gen = new ActivityGenerator(structure, today, new Rng(7, 'activity'), treatment(iv, chosen));
    const rng = new Rng(8, 'facts');
    const treated = new Set(chosen.map((c) => c.id));
    const start = parseMonth(iv.start)!;
    const tally = { before: [0, 0], after: [0, 0], admissionsBefore: [0, 0], admissionsAfter: [0, 0] };
    const count = (events: DecodedEvent[]) => {
      for (const e of events) {
        const arm = treated.has(e.clusterId) ? 1 : 0;
        const period = e.month < start ? 'before' : e.month >= start + iv.rampMonths ? 'after' : null;
        if (!period) continue;
        if (e.type === 'ed') tally[period][arm]++;
        if (e.type === 'admission' && e.emergency) tally[period === 'before' ? 'admissionsBefore' : 'admissionsAfter'][arm]++;
      }
    };
    for (const practice of structure.practices) {
      for (let i = 0; i < practice.children; i++) {
        const dobDays = today - Math.floor(rng.next() * 18 * 365.25);
        gen.child({ dobDays, age: ageOn(dobDays, today), decile: rng.int(1, 10), male: true, todayDays: today, id: rng.uuid(), practice, conditions: new Map() } as unknown as ChildFacts, 'A');
      }
      count(gen.columns.peek());
      gen.columns.take();
    }
    // Relative change in treated clusters over that in the comparators (difference in differences on the log scale).
    const ratio = (before: number[], after: number[]) => after[1] / before[1] / (after[0] / before[0]);
    expect(ratio(tally.before, tally.after)).toBeGreaterThan(0.81);
    expect(ratio(tally.before, tally.after)).toBeLessThan(0.89);
    expect(ratio(tally.admissionsBefore, tally.admissionsAfter)).toBeGreaterThan(0.78);
    expect(ratio(tally.admissionsBefore, tally.admissionsAfter)).toBeLessThan(0.98);
  });
});

// Two clusters need ~13,000 children; one database kind is enough (the server when there is one).
const kind = (await databaseKinds()).at(-1)!;

describe(`an ICS generated with a care model (${kind})`, () => {
  let db: Database;
  let result: SynthResult;
  const iv = parseIntervention({ ...good, clusters: 1 });
  beforeAll(async () => {
    db = await freshDatabase(kind);
    result = await generateIcs(db, { children: 13_000, seed: 41, today: TODAY, intervention: iv });
  }, 900_000);
  afterAll(async () => {
    await db?.close();
  });

  it('writes one implementation row per chosen cluster with the effects as the truth', async () => {
    const found = await rows<{ model: string; cluster_id: string; start_month: string; ramp_months: number; effects: Record<string, number> }>(db.owner, sql`
      SELECT model, cluster_id, start_month::text, ramp_months, effects FROM care_model_implementation WHERE ics_id = ${result.icsId}`);
    expect(result.intervention?.clusters).toHaveLength(1);
    expect(found).toEqual([{ model: 'child-health-hub', cluster_id: result.intervention!.clusters[0].id, start_month: '2023-04-01', ramp_months: 6, effects: good.effects }]);
    expect(result.counts.care_model_implementation).toBe(1);
    const [{ name }] = await rows<{ name: string }>(db.owner, sql`SELECT name FROM cluster WHERE ics_id = ${result.icsId} AND id = ${found[0].cluster_id}`);
    expect(result.intervention!.clusters[0].name).toBe(name);
  });

  it('leaves the comparator alone and lowers ED in the treated cluster after the ramp', async () => {
    const [r] = await rows<{ tb: number; ta: number; cb: number; ca: number }>(db.owner, sql`
      SELECT count(*) FILTER (WHERE t AND month < '2023-04-01')::float AS tb, count(*) FILTER (WHERE t AND month >= '2023-10-01')::float AS ta,
             count(*) FILTER (WHERE NOT t AND month < '2023-04-01')::float AS cb, count(*) FILTER (WHERE NOT t AND month >= '2023-10-01')::float AS ca
        FROM (SELECT e.month, e.cluster_id IN (SELECT cluster_id FROM care_model_implementation WHERE ics_id = ${result.icsId}) AS t
                FROM activity_event e WHERE e.ics_id = ${result.icsId} AND e.type = 'ed') x`);
    const ratio = r.ta / r.tb / (r.ca / r.cb);
    expect(ratio).toBeGreaterThan(0.77);
    expect(ratio).toBeLessThan(0.93);
  });
});
