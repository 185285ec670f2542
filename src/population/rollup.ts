import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { textArray } from '../platform/db/bulk.js';
import {
  MEASURES, COHORT_PROBLEM_CODES, DIABETES_TECHNOLOGY, ageBandSql, ethnicGroupSql, imdQuintileSql, sexSql, type Measure, type MeasureKind,
} from './measures.js';

/**
 * Keeps population_rollup up to date a month at a time. Every writer of
 * activity (the generator, the CSV import) calls these for the months it
 * touched; the dashboards then read a few thousand rollup rows instead of
 * millions of events. Each call deletes and rewrites its months' rows in the
 * caller's transaction, so a rollup is never half-updated.
 */

/** First days of months, inclusive: '2022-04-01' … '2022-06-01'. */
export type MonthRange = { from: string; to: string };

const ofKind = (kind: MeasureKind) => MEASURES.filter((m) => m.kind === kind);
const keysOf = (ms: readonly Measure[]) => sql.raw(`ARRAY[${ms.map((m) => `'${m.key}'`).join(', ')}]::text[]`);

/** One array element per measure: its key when the row matches, else null (unnest then keeps the matches). */
const matches = (ms: readonly Measure[]) => sql.raw(`ARRAY[${ms.map((m) => `CASE WHEN ${m.where} THEN '${m.key}' END`).join(', ')}]::text[]`);
const amounts = (ms: readonly Measure[]) => sql.raw(`ARRAY[${ms.map((m) => m.amount ?? '1').join(', ')}]::numeric[]`);

const childColumns = sql.raw(`${sexSql('c.sex')} AS sex, ${imdQuintileSql('c.imd_decile')} AS imd, ${ethnicGroupSql('c.ethnic_category')} AS eth`);

/**
 * Sums a source of (measure, month, practice_id, cluster_id, age, sex, imd,
 * eth, amount) rows into the rollup: once in total and once per breakdown.
 */
function insertGrouped(icsId: string, source: SQL): SQL {
  return sql`INSERT INTO population_rollup (ics_id, measure, dimension, month, practice_id, cluster_id, category, value)
    SELECT ${icsId}::uuid, measure,
           CASE WHEN GROUPING(age) = 0 THEN 'age' WHEN GROUPING(sex) = 0 THEN 'sex' WHEN GROUPING(imd) = 0 THEN 'imd'
                WHEN GROUPING(eth) = 0 THEN 'ethnicity' ELSE 'all' END,
           month, practice_id, max(cluster_id::text)::uuid, coalesce(age, sex, imd, eth, ''), sum(amount)
      FROM (${source}) s
     GROUP BY GROUPING SETS ((measure, month, practice_id), (measure, month, practice_id, age), (measure, month, practice_id, sex),
                             (measure, month, practice_id, imd), (measure, month, practice_id, eth))`;
}

async function clear(tx: Tx, icsId: string, ms: readonly Measure[], range: MonthRange): Promise<void> {
  await tx.execute(sql`DELETE FROM population_rollup
    WHERE ics_id = ${icsId} AND measure = ANY(${keysOf(ms)}) AND month BETWEEN ${range.from}::date AND ${range.to}::date`);
}

/**
 * Sums the practice rows just written into hub, place and whole-ICS totals
 * (population_area_rollup), for the same measures and months. Reads only
 * rollup rows, so it costs little next to the events it follows.
 */
async function rollUpAreas(tx: Tx, icsId: string, ms: readonly Measure[], range: MonthRange): Promise<void> {
  await refreshAreaTotals(tx, icsId, ms.map((m) => m.key), range);
}

/** The hub, place and ICS totals of some measures and months, summed again from the practice rows. */
export async function refreshAreaTotals(tx: Tx, icsId: string, measureKeys: readonly string[], range: MonthRange): Promise<void> {
  const keys = textArray(measureKeys);
  await tx.execute(sql`DELETE FROM population_area_rollup
    WHERE ics_id = ${icsId} AND measure = ANY(${keys}) AND month BETWEEN ${range.from}::date AND ${range.to}::date`);
  await tx.execute(sql`INSERT INTO population_area_rollup (ics_id, level, area_id, measure, dimension, month, category, value)
    SELECT r.ics_id, a.level, a.area_id, r.measure, r.dimension, r.month, r.category, sum(r.value)
      FROM population_rollup r
      JOIN organisation o ON o.ics_id = r.ics_id AND o.id = r.practice_id
     CROSS JOIN LATERAL (VALUES ('ics', r.ics_id), ('place', o.place_id), ('cluster', r.cluster_id)) AS a(level, area_id)
     WHERE r.ics_id = ${icsId} AND r.measure = ANY(${keys}) AND r.month BETWEEN ${range.from}::date AND ${range.to}::date AND a.area_id IS NOT NULL
     GROUP BY r.ics_id, a.level, a.area_id, r.measure, r.dimension, r.month, r.category`);
}

/** Rewrites the practice rows of some measures and months from a source, then the area totals from them. */
async function rewrite(tx: Tx, icsId: string, ms: readonly Measure[], range: MonthRange, source: SQL): Promise<void> {
  await clear(tx, icsId, ms, range);
  await tx.execute(insertGrouped(icsId, source));
  await rollUpAreas(tx, icsId, ms, range);
}

const plusMonths = (month: string, n: number) => {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};

/** Each child's conditions and diabetes technology, with the date each began, from the shared record. */
const conditionOnsets = (icsId: string) => {
  const code = (list: readonly string[]) => sql.raw(list.map((c) => `'${c}'`).join(', '));
  const all = [...COHORT_PROBLEM_CODES.asthma, ...COHORT_PROBLEM_CODES.diabetes, ...COHORT_PROBLEM_CODES.epilepsy];
  return sql`SELECT child_id,
           min(started_on) FILTER (WHERE kind = 'problem' AND code IN (${code(COHORT_PROBLEM_CODES.asthma)})) AS asthma_from,
           min(started_on) FILTER (WHERE kind = 'problem' AND code IN (${code(COHORT_PROBLEM_CODES.diabetes)})) AS diabetes_from,
           min(started_on) FILTER (WHERE kind = 'problem' AND code IN (${code(COHORT_PROBLEM_CODES.epilepsy)})) AS epilepsy_from,
           min(started_on) FILTER (WHERE kind = 'procedure') AS technology_from
      FROM record_entry
     WHERE ics_id = ${icsId} AND status <> 'entered-in-error'
       AND ((kind = 'problem' AND code IN (${code(all)}))
         OR (kind = 'procedure' AND code_system = ${DIABETES_TECHNOLOGY.system} AND code IN (${code(DIABETES_TECHNOLOGY.codes)})))
     GROUP BY child_id`;
};

/** Activity events of the months (and the next, whose 7-day re-attendances look back into them). */
async function rollUpEvents(tx: Tx, icsId: string, range: MonthRange): Promise<void> {
  const ms = ofKind('events');
  const r = { from: range.from, to: plusMonths(range.to, 1) };
  await rewrite(tx, icsId, ms, r, sql`
    SELECT m.measure, e.month, e.practice_id, e.cluster_id, ${sql.raw(ageBandSql('e.age_years'))} AS age, ${childColumns}, m.amount
      FROM activity_event e
      JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
     CROSS JOIN LATERAL unnest(${matches(ms)}, ${amounts(ms)}) AS m(measure, amount)
     WHERE e.ics_id = ${icsId} AND e.month BETWEEN ${r.from}::date AND ${r.to}::date AND m.measure IS NOT NULL`);
}

/** Children reached in the 12 months to each month's end: these months and the 11 after, up to the latest activity. */
async function rollUpRolling(tx: Tx, icsId: string, range: MonthRange, latest: string): Promise<void> {
  const to = [plusMonths(range.to, 11), latest].sort()[0];
  if (to < range.from) return;
  const r = { from: range.from, to };
  for (const m of ofKind('rolling')) {
    const cohort = m.cohort ? sql.raw(`AND o.${m.cohort}_from < (mo.month + interval '1 month')::date`) : sql``;
    await rewrite(tx, icsId, [m], r, sql`
      WITH onsets AS (${conditionOnsets(icsId)})
      SELECT ${m.key}::text AS measure, mo.month::date AS month, w.practice_id, w.cluster_id, ${sql.raw(ageBandSql('w.age'))} AS age, ${childColumns}, 1 AS amount
        FROM generate_series(${r.from}::date, ${r.to}::date, interval '1 month') mo(month)
       CROSS JOIN LATERAL (
             SELECT e.child_id, (array_agg(e.practice_id ORDER BY e.occurred_at DESC))[1] AS practice_id,
                    (array_agg(e.cluster_id ORDER BY e.occurred_at DESC))[1] AS cluster_id, max(e.age_years) AS age
               FROM activity_event e
              WHERE e.ics_id = ${icsId} AND e.month > mo.month - interval '12 months' AND e.month <= mo.month AND ${sql.raw(m.where)}
              GROUP BY e.child_id
             HAVING count(*) >= ${m.atLeast ?? 1}) w
        JOIN child c ON c.ics_id = ${icsId} AND c.id = w.child_id
        LEFT JOIN onsets o ON o.child_id = w.child_id
       WHERE TRUE ${cohort}`);
  }
}

/** Children in each month's population and its cohorts, by their registered practice. */
export async function rollUpPopulation(tx: Tx, icsId: string, range: MonthRange): Promise<void> {
  const ms = ofKind('cohort');
  await rewrite(tx, icsId, ms, range, sql`
    WITH onsets AS (${conditionOnsets(icsId)})
    SELECT m.measure, mo.month::date AS month, c.registered_practice_id AS practice_id, cp.cluster_id, ${sql.raw(ageBandSql('p.age'))} AS age, ${childColumns}, 1 AS amount
      FROM generate_series(${range.from}::date, ${range.to}::date, interval '1 month') mo(month)
      JOIN child c ON c.ics_id = ${icsId} AND c.registered_practice_id IS NOT NULL
                  AND c.date_of_birth < mo.month + interval '1 month' AND c.date_of_birth > mo.month - interval '18 years'
      LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
      LEFT JOIN onsets o ON o.child_id = c.id
     CROSS JOIN LATERAL (
           SELECT greatest(0, date_part('year', age(mo.month + interval '14 days', c.date_of_birth)))::int AS age,
                  coalesce(o.asthma_from < mo.month + interval '1 month', FALSE) AS asthma,
                  coalesce(o.diabetes_from < mo.month + interval '1 month', FALSE) AS diabetes,
                  coalesce(o.epilepsy_from < mo.month + interval '1 month', FALSE) AS epilepsy,
                  coalesce(o.technology_from < mo.month + interval '1 month', FALSE) AS diabetes_technology) p
     CROSS JOIN LATERAL unnest(${matches(ms)}) AS m(measure)
     WHERE m.measure IS NOT NULL`);
}

/** Advice requests and referrals, by the month they were made and the practice that made them. */
export async function rollUpReferrals(tx: Tx, icsId: string, range: MonthRange): Promise<void> {
  const ms = ofKind('referrals');
  const month = sql`date_trunc('month', r.created_at AT TIME ZONE 'Europe/London')::date`;
  await rewrite(tx, icsId, ms, range, sql`
    SELECT m.measure, ${month} AS month, r.referring_practice_id AS practice_id, r.cluster_id,
           ${sql.raw(ageBandSql("greatest(0, date_part('year', age((r.created_at AT TIME ZONE 'Europe/London')::date, c.date_of_birth)))"))} AS age,
           ${childColumns}, 1 AS amount
      FROM referral r
      JOIN child c ON c.ics_id = r.ics_id AND c.id = r.child_id
     CROSS JOIN LATERAL unnest(${matches(ms)}) AS m(measure)
     WHERE r.ics_id = ${icsId} AND m.measure IS NOT NULL
       AND r.created_at >= (${range.from}::date::timestamp AT TIME ZONE 'Europe/London')
       AND r.created_at < ((${range.to}::date + interval '1 month')::timestamp AT TIME ZONE 'Europe/London')`);
}

/** The first and last months with activity, or null when there is none. */
export async function activityMonths(tx: Tx, icsId: string): Promise<MonthRange | null> {
  const [r] = await rows<{ from: string | null; to: string | null }>(
    tx,
    sql`SELECT min(month)::text AS "from", max(month)::text AS "to" FROM activity_event WHERE ics_id = ${icsId}`,
  );
  return r.from && r.to ? { from: r.from, to: r.to } : null;
}

/** After activity for these months was added or changed: its events, and the 12-month counts that include them. */
export async function rollUpActivity(tx: Tx, icsId: string, range: MonthRange): Promise<void> {
  const span = await activityMonths(tx, icsId);
  if (!span) return;
  await rollUpEvents(tx, icsId, range);
  await rollUpRolling(tx, icsId, range, span.to);
}

/** Everything, for every month with activity: after generation, or to repair. */
export async function rollUpEverything(tx: Tx, icsId: string): Promise<MonthRange | null> {
  const span = await activityMonths(tx, icsId);
  if (!span) return null;
  await rollUpActivity(tx, icsId, span);
  await rollUpPopulation(tx, icsId, span);
  await rollUpReferrals(tx, icsId, span);
  return span;
}
