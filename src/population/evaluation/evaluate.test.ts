import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { generateIcs } from '../../synth/generate.js';
import { databaseKinds, freshDatabase } from '../../../test/database.js';
import { writeEvaluationFixture, type EvaluationFixture } from '../../../test/evaluation-fixture.js';
import { CannotEvaluateError, evaluateModel, UnknownIndicatorError, UnknownModelError, type EvaluationRequest } from './evaluate.js';

const TODAY = '2025-06-15';

describe.each(await databaseKinds())('evaluating a care model from the rollup (%s)', (kind) => {
  let db: Database;
  let icsId: string;
  let fixture: EvaluationFixture;
  const evaluate = (request: Omit<EvaluationRequest, 'today'>) => db.tenant(icsId, (tx) => evaluateModel(tx, icsId, { ...request, today: TODAY }));

  beforeAll(async () => {
    db = await freshDatabase(kind);
    ({ icsId } = await generateIcs(db, { children: 200, seed: 61, icsName: 'Evaluation ICS', demoEmailDomain: 'evaluation.joinery.test', today: TODAY }));
    fixture = await writeEvaluationFixture(db.owner, icsId, { today: TODAY, seed: 3 });
  });
  afterAll(async () => db?.close());

  it('runs an interrupted time series on the treated clusters\' whole months, with the injected truth', async () => {
    const r = await evaluate({ indicatorId: 'ed-attendances', model: fixture.model, method: 'its' });
    expect(Object.keys(r).slice(0, 3)).toEqual(['method', 'effect', 'ci95']);
    expect(r).toMatchObject({
      method: 'its', model: 'test-hub', trueEffect: -0.15, start: fixture.start, rampMonths: 6,
      indicator: { id: 'ed-attendances', unit: 'per-1000-year', improvement: 'decrease' },
      clusters: { treated: fixture.treated, comparators: fixture.comparators },
      preMonths: 30, postMonths: 12, excludedMonths: 6,
    });
    expect(r.ci95[0]).toBeLessThan(-0.15);
    expect(r.ci95[1]).toBeGreaterThan(-0.15);
    if (r.method !== 'its') throw new Error('expected ITS');
    // The current month (written with an absurd count) is left out.
    expect(r.details.series.at(-1)!.month).toBe(fixture.lastMonth);
    expect(r.details.series).toHaveLength(48);
    expect(r.caveats.at(-1)).toContain('no comparison group');
  });

  it('runs a difference-in-differences against the clusters without the model, and warns there are few', async () => {
    const r = await evaluate({ indicatorId: 'ed-attendances', model: fixture.model, method: 'did' });
    expect(r).toMatchObject({ method: 'did', trueEffect: -0.15, preMonths: 30, postMonths: 12, excludedMonths: 6 });
    expect(r.ci95[0]).toBeLessThan(-0.15);
    expect(r.ci95[1]).toBeGreaterThan(-0.15);
    if (r.method !== 'did') throw new Error('expected DiD');
    expect(r.details).toMatchObject({ treatedClusters: 2, comparatorClusters: 2 });
    expect(r.caveats).toEqual(expect.arrayContaining([expect.stringContaining('Only 2 clusters have the model'), expect.stringContaining('Only 2 comparison clusters')]));
  });

  it('gives no true effect for an indicator the model was given none for, and refuses one with no events', async () => {
    const r = await evaluate({ indicatorId: 'emergency-admissions', model: fixture.model, method: 'its' });
    expect(r.trueEffect).toBeNull();
    expect(r).toMatchObject({ method: 'its', indicator: { id: 'emergency-admissions' }, preMonths: 30, postMonths: 12 });
    await expect(evaluate({ indicatorId: 'outpatient-first', model: fixture.model, method: 'its' }))
      .rejects.toThrow(new CannotEvaluateError('No first outpatient attendances are recorded in whole months for this ICS: there is nothing to evaluate.'));
  });

  it('names an unknown indicator or model, listing the known ones', async () => {
    const indicator = await evaluate({ indicatorId: 'no-such-thing', model: fixture.model, method: 'its' }).catch((e: unknown) => e);
    expect(indicator).toBeInstanceOf(UnknownIndicatorError);
    expect((indicator as Error).message).toMatch(/There is no indicator "no-such-thing"\. Indicators: ed-attendances, /);
    const model = await evaluate({ indicatorId: 'ed-attendances', model: 'no-such-model', method: 'its' }).catch((e: unknown) => e);
    expect(model).toBeInstanceOf(UnknownModelError);
    expect((model as Error).message).toContain('Models recorded: ');
    expect((model as Error).message).toContain('test-hub');
  });

  it('says why when the data cannot support the method, and handles staggered starts', async () => {
    const [hub] = await db.owner.execute(sql`SELECT id::text FROM cluster WHERE ics_id = ${icsId} AND name = 'Evaluation hub 03'`).then((r) => (r as unknown as { rows: { id: string }[] }).rows);
    await db.owner.execute(sql`INSERT INTO care_model_implementation (ics_id, model, cluster_id, start_month, ramp_months)
                               VALUES (${icsId}, 'late-hub', ${hub.id}, '2025-04-01', 6)`);
    const late = await evaluate({ indicatorId: 'ed-attendances', model: 'late-hub', method: 'its' }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(CannotEvaluateError);
    expect((late as Error).message).toContain('full effect begins in October 2025');

    await db.owner.execute(sql`UPDATE care_model_implementation SET start_month = ${fixture.start}::date + interval '2 months'
                                WHERE ics_id = ${icsId} AND model = 'test-hub' AND cluster_id = (SELECT id FROM cluster WHERE ics_id = ${icsId} AND name = 'Evaluation hub 02')`);
    const staggered = await evaluate({ indicatorId: 'ed-attendances', model: fixture.model, method: 'did' });
    expect(staggered).toMatchObject({ start: fixture.start, rampMonths: 8, excludedMonths: 8, postMonths: 10 });
    expect(staggered.caveats[0]).toContain('The clusters started at different times');
    expect(staggered.caveats).toEqual(expect.arrayContaining([expect.stringContaining('1 comparison cluster has another care model recorded (late-hub)')]));
  });
});
