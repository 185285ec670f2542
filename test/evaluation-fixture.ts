import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../src/platform/db/client.js';
import { bulkInsert } from '../src/platform/db/bulk.js';
import { refreshAreaTotals, monthlyRate, effectMultiplier, poissonDraw, monthDate, monthIndex } from '../src/population/service.js';
import { Rng } from '../src/platform/random/seeded.js';

/** ED attendances per child a month, averaged over ages 0–17 in the middle quintile. */
const edRate = (calendarMonth: number) => Array.from({ length: 18 }, (_, age) => monthlyRate('ed', age, 3, calendarMonth)).reduce((a, b) => a + b) / 18;

export type EvaluationFixture = {
  model: string;
  treated: string[];
  comparators: string[];
  /** First day of the model's start month, and of the last whole month written. */
  start: string;
  lastMonth: string;
  months: number;
};

/**
 * Care-model data for an evaluation, written straight into a generated ICS
 * (without depending on generated activity): every practice becomes its own
 * cluster, the first `treated` get `model` from 18 months before the latest
 * whole month with 6 months' ramp-up, and the rollup gets 48 whole months of
 * children, ED attendances (drawn from the generator's rates with the
 * injected effect) and emergency admissions (no effect) per practice, plus an absurd current (incomplete) month that an
 * evaluation must ignore. The rollup stands for practices of a realistic
 * size (2,000 children) whatever the generated ICS holds, so the ICS can be
 * tiny and quick to make while the counts look like a real one's.
 */
export async function writeEvaluationFixture(
  owner: Tx, icsId: string, opts: { today: string; effect?: number; treated?: number; model?: string; seed?: number; childrenPerPractice?: number },
): Promise<EvaluationFixture> {
  const { today, effect = -0.15, treated = 2, model = 'test-hub', seed = 1, childrenPerPractice = 2000 } = opts;
  const rng = new Rng(seed, 'evaluation-fixture');
  const practices = await rows<{ id: string; cluster_id: string; place_id: string }>(
    owner,
    sql`SELECT o.id::text, cp.cluster_id::text, cl.place_id::text
          FROM organisation o JOIN cluster_practice cp ON cp.ics_id = o.ics_id AND cp.practice_id = o.id
          JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
         WHERE o.ics_id = ${icsId} AND o.kind = 'gp-practice' ORDER BY o.id`,
  );
  // One cluster per practice: the first practice keeps its cluster, the others get new ones.
  const clusterOf: string[] = [];
  for (const [i, p] of practices.entries()) {
    if (i === 0) {
      clusterOf.push(p.cluster_id);
      continue;
    }
    const id = rng.uuid();
    await bulkInsert(owner, 'cluster', [{ ics_id: icsId, id, name: `Evaluation hub ${String(i + 1).padStart(2, '0')}`, place_id: p.place_id }]);
    await owner.execute(sql`UPDATE cluster_practice SET cluster_id = ${id} WHERE ics_id = ${icsId} AND practice_id = ${p.id}`);
    clusterOf.push(id);
  }
  await owner.execute(sql`UPDATE cluster SET name = 'Evaluation hub 01' WHERE ics_id = ${icsId} AND id = ${clusterOf[0]}`);

  const current = monthIndex(today);
  const first = current - 48;
  const start = current - 18;
  const rollup: Record<string, unknown>[] = [];
  practices.forEach((p, i) => {
    for (let m = first; m <= current; m++) {
      const mean = childrenPerPractice * edRate((m % 12) + 1) * (i < treated ? effectMultiplier(effect, m - start, 6) : 1);
      const ed = m === current ? 100_000 : poissonDraw(rng, mean);
      // Emergency admissions with no effect injected: their true effect is not recorded.
      const admissions = poissonDraw(rng, childrenPerPractice * (0.075 / 12));
      const base = { ics_id: icsId, dimension: 'all', month: monthDate(m), practice_id: p.id, cluster_id: clusterOf[i], category: '' };
      rollup.push({ ...base, measure: 'children', value: childrenPerPractice }, { ...base, measure: 'ed', value: ed }, { ...base, measure: 'emergency-admissions', value: admissions });
    }
  });
  await owner.execute(sql`DELETE FROM population_rollup WHERE ics_id = ${icsId}`);
  await owner.execute(sql`DELETE FROM population_area_rollup WHERE ics_id = ${icsId}`);
  await bulkInsert(owner, 'population_rollup', rollup);
  await refreshAreaTotals(owner, icsId, ['children', 'ed', 'emergency-admissions'], { from: monthDate(first), to: monthDate(current) });
  await bulkInsert(owner, 'care_model_implementation', clusterOf.slice(0, treated).map((clusterId) => ({
    ics_id: icsId, model, cluster_id: clusterId, start_month: monthDate(start), ramp_months: 6, effects: { 'ed-attendances': effect },
  })));
  const names = clusterOf.map((_, i) => `Evaluation hub ${String(i + 1).padStart(2, '0')}`);
  return { model, treated: names.slice(0, treated), comparators: names.slice(treated), start: monthDate(start), lastMonth: monthDate(current - 1), months: 48 };
}
