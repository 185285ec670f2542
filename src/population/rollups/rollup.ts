import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../platform/db/client.js';
import { textArray } from '../../platform/db/bulk.js';
import { addMonths, monthsBetween } from '../../platform/time/months.js';
import { londonDateAndTime } from '../../platform/time/form-dates.js';
import {
  MEASURES, COHORT_PROBLEM_CODES, COUNTED_BIRTHDAYS, DIABETES_TECHNOLOGY, ageBandSql, ethnicGroupSql, imdQuintileSql, sexSql, type Measure, type MeasureKind,
} from '../measures.js';

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
 * eth, amount) rows once in total and once per breakdown.
 */
function grouped(source: SQL): SQL {
  return sql`SELECT measure,
           CASE WHEN GROUPING(age) = 0 THEN 'age' WHEN GROUPING(sex) = 0 THEN 'sex' WHEN GROUPING(imd) = 0 THEN 'imd'
                WHEN GROUPING(eth) = 0 THEN 'ethnicity' ELSE 'all' END AS dimension,
           month, practice_id, max(cluster_id::text)::uuid AS cluster_id, coalesce(age, sex, imd, eth, '') AS category, sum(amount) AS value
      FROM (${source}) s
     GROUP BY GROUPING SETS ((measure, month, practice_id), (measure, month, practice_id, age), (measure, month, practice_id, sex),
                             (measure, month, practice_id, imd), (measure, month, practice_id, eth))`;
}

const INSERT = sql`INSERT INTO population_rollup (ics_id, measure, dimension, month, practice_id, cluster_id, category, value)`;

/** The grouped source into the rollup, as it is. */
const insertGrouped = (icsId: string, source: SQL): SQL =>
  sql`${INSERT} SELECT ${icsId}::uuid, measure, dimension, month, practice_id, cluster_id, category, value FROM (${grouped(source)}) g`;

/** The grouped source added to what the rollup holds. */
const addGrouped = (icsId: string, source: SQL): SQL => sql`${insertGrouped(icsId, source)}
  ON CONFLICT (ics_id, measure, dimension, month, practice_id, category) DO UPDATE SET value = population_rollup.value + excluded.value`;

/**
 * The grouped source read as changes (+1 as a child arrives, -1 as they
 * leave), written as each month's running total: a total holds from the
 * month of its change until the series' next change (or the range's end),
 * and months that come to nothing are left out.
 */
const insertRunningTotals = (icsId: string, source: SQL, range: MonthRange): SQL => sql`
  ${INSERT}
  SELECT ${icsId}::uuid, measure, dimension, mo.month::date, practice_id, cluster_id, category, value
    FROM (SELECT measure, dimension, practice_id, cluster_id, category, month,
                 sum(value) OVER series AS value,
                 coalesce(lead(month) OVER series, ${addMonths(range.to, 1)}::date) AS until
            FROM (${grouped(source)}) g
          WINDOW series AS (PARTITION BY measure, dimension, practice_id, category ORDER BY month)) t
   CROSS JOIN LATERAL generate_series(t.month, t.until - interval '1 month', interval '1 month') mo(month)
   WHERE t.value <> 0`;

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

/**
 * Rollups are a few large sorts and groupings: compiling them (JIT) costs
 * more than it saves, and they spill to disk at the default working memory.
 * Both settings last to the end of the caller's transaction.
 */
async function tuneForRollups(tx: Tx): Promise<void> {
  await tx.execute(sql`SET LOCAL jit = off`);
  await tx.execute(sql`SET LOCAL work_mem = '256MB'`);
}

/**
 * Rewrites the practice rows of some measures and months from a source, then
 * the area totals from them. With `asChanges`, the source gives changes to be
 * summed month by month rather than each month's own amounts.
 */
async function rewrite(tx: Tx, icsId: string, ms: readonly Measure[], range: MonthRange, source: SQL, asChanges = false): Promise<void> {
  await tuneForRollups(tx);
  await clear(tx, icsId, ms, range);
  await tx.execute(asChanges ? insertRunningTotals(icsId, source, range) : insertGrouped(icsId, source));
  await rollUpAreas(tx, icsId, ms, range);
}

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

/** Only the event types some of the measures count (every type when a measure does not say). */
const ofTypes = (ms: readonly Measure[]) => {
  if (ms.some((m) => !m.types)) return sql`TRUE`;
  return sql`e.type = ANY(${textArray([...new Set(ms.flatMap((m) => m.types!))])})`;
};

/** Rows of (measure, month, practice, cluster, breakdowns, amount) for the events of `from` (activity_event's columns) that match the measures. */
const eventRows = (icsId: string, ms: readonly Measure[], from: SQL, where: SQL) => sql`
  SELECT m.measure, e.month, e.practice_id, e.cluster_id, ${sql.raw(ageBandSql('e.age_years'))} AS age, ${childColumns}, m.amount
    FROM ${from} e
    JOIN child c ON c.ics_id = ${icsId} AND c.id = e.child_id
   CROSS JOIN LATERAL unnest(${matches(ms)}, ${amounts(ms)}) AS m(measure, amount)
   WHERE ${where} AND ${ofTypes(ms)} AND m.measure IS NOT NULL`;

/** Activity events of the months (and the next, whose 7-day re-attendances look back into them). */
async function rollUpEvents(tx: Tx, icsId: string, range: MonthRange, ms: readonly Measure[] = ofKind('events')): Promise<void> {
  const r = { from: range.from, to: addMonths(range.to, 1) };
  await rewrite(tx, icsId, ms, r, eventRows(icsId, ms, sql`activity_event`, sql`e.ics_id = ${icsId} AND e.month BETWEEN ${r.from}::date AND ${r.to}::date`));
}

/** Event counts that only add up: a new event changes its own month's count, and nothing else. */
const ADDITIVE = ofKind('events').filter((m) => !m.looksAtOtherEvents);

/**
 * After an import added events, held in `added` (a table of activity_event's
 * columns, only the new rows), within `ranges` (the months it touched), the
 * latest month with activity being `latest`:
 * adds them to the additive counts, then rewrites the counts other events
 * bear on (7-day re-attendances, 12-month counts) and the area totals. The
 * additive part costs what the batch holds, not what its months hold.
 */
async function rollUpAddedActivity(tx: Tx, icsId: string, added: SQL, ranges: readonly MonthRange[], latest: string, types?: readonly string[]): Promise<void> {
  if (!ranges.length) return;
  const counts = (m: Measure) => !types || !m.types || m.types.some((t) => types.includes(t));
  const additive = ADDITIVE.filter(counts);
  const others = ofKind('events').filter((m) => m.looksAtOtherEvents && counts(m));
  const rolling = ofKind('rolling').filter(counts);
  await tuneForRollups(tx);
  if (additive.length) await tx.execute(addGrouped(icsId, eventRows(icsId, additive, added, sql`TRUE`)));
  for (const range of ranges) {
    if (additive.length) await rollUpAreas(tx, icsId, additive, range);
    if (others.length) await rollUpEvents(tx, icsId, range, others);
    await rollUpRolling(tx, icsId, range, latest, rolling);
  }
}

/**
 * Children reached in the 12 months to each month's end: these months and
 * the 11 after, up to the latest activity. Matching events are first summed
 * per child and month, then each such month is spread over the 12 months
 * whose window holds it, so the events are read once, not once per month.
 */
async function rollUpRolling(tx: Tx, icsId: string, range: MonthRange, latest: string, ms = ofKind('rolling')): Promise<void> {
  const to = [addMonths(range.to, 11), latest].sort()[0];
  if (to < range.from) return;
  const r = { from: range.from, to };
  for (const m of ms) {
    const onsets = m.cohort ? sql`, onsets AS (${conditionOnsets(icsId)})` : sql``;
    const inCohort = m.cohort
      ? sql.raw(`JOIN onsets o ON o.child_id = w.child_id AND o.${m.cohort}_from < (w.month + interval '1 month')::date`)
      : sql``;
    await rewrite(tx, icsId, [m], r, sql`
      WITH hits AS MATERIALIZED (
             SELECT e.child_id, e.month, count(*) AS n, max(e.age_years) AS age, max(e.occurred_at) AS last_at,
                    (array_agg(e.practice_id ORDER BY e.occurred_at DESC))[1] AS practice_id,
                    (array_agg(e.cluster_id ORDER BY e.occurred_at DESC))[1] AS cluster_id
               FROM activity_event e
              WHERE e.ics_id = ${icsId} AND e.month > ${r.from}::date - interval '12 months' AND e.month <= ${r.to}::date AND ${sql.raw(m.where)}
              GROUP BY e.child_id, e.month),
           windows AS (
             SELECT h.child_id, w.month::date AS month, max(h.age) AS age,
                    (array_agg(h.practice_id ORDER BY h.last_at DESC))[1] AS practice_id,
                    (array_agg(h.cluster_id ORDER BY h.last_at DESC))[1] AS cluster_id
               FROM hits h
              CROSS JOIN LATERAL generate_series(greatest(h.month, ${r.from}::date), least(h.month + interval '11 months', ${r.to}::date), interval '1 month') w(month)
              GROUP BY h.child_id, w.month
             HAVING sum(h.n) >= ${m.atLeast ?? 1})
           ${onsets}
      SELECT ${m.key}::text AS measure, w.month, w.practice_id, w.cluster_id, ${sql.raw(ageBandSql('w.age'))} AS age, ${childColumns}, 1 AS amount
        FROM windows w
        JOIN child c ON c.ics_id = ${icsId} AND c.id = w.child_id
        ${inCohort}`);
  }
}

/** Age in whole years in the middle of a month (as the population counts it), from its first day. */
const midMonthAge = (month: string, dob: string) => `date_part('year', age(${month} + interval '14 days', ${dob}))::int`;

/** The first day of the month a date falls in, or of the next month when the date is not a first. */
const monthFrom = (date: string) => `(date_trunc('month', (${date})::date - 1) + interval '1 month')::date`;

/**
 * Children in each month's population and its cohorts, by their registered
 * practice. A child's counts change only at the months they are born, reach
 * a counted birthday (COUNTED_BIRTHDAYS; age is taken mid-month), begin a
 * condition or turn 18, so each child gives a few stretches of months rather
 * than a row per month: +1 as a stretch starts and -1 after it ends, summed
 * into running totals.
 */
export async function rollUpPopulation(tx: Tx, icsId: string, range: MonthRange): Promise<void> {
  const ms = ofKind('cohort');
  const end = addMonths(range.to, 1);
  await rewrite(tx, icsId, ms, range, sql`
    WITH onsets AS (${conditionOnsets(icsId)}),
    kids AS (
      SELECT c.id, c.date_of_birth AS dob, c.registered_practice_id AS practice_id, cp.cluster_id, ${childColumns},
             o.asthma_from, o.diabetes_from, o.epilepsy_from, o.technology_from,
             greatest(${range.from}::date, date_trunc('month', c.date_of_birth)::date) AS first_month,
             least(${end}::date, ${sql.raw(monthFrom("c.date_of_birth + interval '18 years'"))}) AS stop
        FROM child c
        LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
        LEFT JOIN onsets o ON o.child_id = c.id
       WHERE c.ics_id = ${icsId} AND c.registered_practice_id IS NOT NULL
         AND c.date_of_birth < ${end}::date AND c.date_of_birth + interval '18 years' > ${range.from}::date),
    changes AS (
      SELECT DISTINCT k.id, ch.month
        FROM kids k
       CROSS JOIN LATERAL (
             SELECT k.first_month
             UNION ALL SELECT date_trunc('month', d)::date FROM unnest(ARRAY[k.asthma_from, k.diabetes_from, k.epilepsy_from, k.technology_from]) d
             UNION ALL SELECT ${sql.raw(monthFrom("k.dob + make_interval(years => n) - interval '14 days'"))}
                         FROM unnest(${sql.raw(`ARRAY[${COUNTED_BIRTHDAYS.join(', ')}]::int[]`)}) n) ch(month)
       WHERE ch.month >= k.first_month AND ch.month < k.stop),
    stretches AS (
      SELECT k.*, ch.month AS starts, coalesce(lead(ch.month) OVER (PARTITION BY ch.id ORDER BY ch.month), k.stop) AS ends
        FROM changes ch JOIN kids k ON k.id = ch.id),
    counted AS (
      SELECT m.measure, s.starts, s.ends, s.practice_id, s.cluster_id, ${sql.raw(ageBandSql('p.age'))} AS age, s.sex, s.imd, s.eth
        FROM stretches s
       CROSS JOIN LATERAL (
             SELECT greatest(0, ${sql.raw(midMonthAge('s.starts', 's.dob'))}) AS age,
                    coalesce(s.asthma_from < s.starts + interval '1 month', FALSE) AS asthma,
                    coalesce(s.diabetes_from < s.starts + interval '1 month', FALSE) AS diabetes,
                    coalesce(s.epilepsy_from < s.starts + interval '1 month', FALSE) AS epilepsy,
                    coalesce(s.technology_from < s.starts + interval '1 month', FALSE) AS diabetes_technology) p
       CROSS JOIN LATERAL unnest(${matches(ms)}) AS m(measure)
       WHERE m.measure IS NOT NULL)
    SELECT measure, starts AS month, practice_id, cluster_id, age, sex, imd, eth, 1 AS amount FROM counted
    UNION ALL
    SELECT measure, ends, practice_id, cluster_id, age, sex, imd, eth, -1 FROM counted WHERE ends < ${end}::date`, true);
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

/**
 * Stays on the children's virtual ward, by the month the child came onto the
 * ward and the practice they were registered with. What `w` holds:
 * - discharged: the stay has ended; days: its nights at home, from the day
 *   the child came onto the ward to the day they left (London dates);
 * - saves_beds: an ended stay that did not end in admission to hospital:
 *   each of its nights at home would otherwise have been a night in a
 *   hospital bed (bed days saved, as docs/decisions/0018 defines it);
 * - top_level: the highest escalation of the stay (1 low … 4 emergency);
 * - back_days: days from discharge to the child's next ED attendance or
 *   emergency admission (a re-attendance), when it came within 30 days;
 * - admitted_back_days: the same, for the next emergency admission alone:
 *   the family brought the child back and they were admitted.
 */
export async function rollUpVirtualWard(tx: Tx, icsId: string, range: MonthRange): Promise<void> {
  const ms = ofKind('ward');
  // The subqueries name the ICS itself, not e.ics_id: Citus routes a subquery to one shard only by its own filter.
  const month = sql`date_trunc('month', e.admitted_at AT TIME ZONE 'Europe/London')::date`;
  const back = (test: SQL) => sql`(SELECT min(extract(epoch FROM a.occurred_at - e.discharged_at)) / 86400 FROM activity_event a
      WHERE a.ics_id = ${icsId} AND a.child_id = e.child_id AND ${test}
        AND a.occurred_at > e.discharged_at AND a.occurred_at <= e.discharged_at + interval '30 days')`;
  const stays = sql`
    SELECT m.measure, w.month, w.practice_id, w.cluster_id, w.age, w.sex, w.imd, w.eth, w.pathway_id, m.amount
      FROM (SELECT ${month} AS month, c.registered_practice_id AS practice_id, cp.cluster_id, e.outcome, e.pathway_id,
                   ${sql.raw(ageBandSql("greatest(0, date_part('year', age((e.admitted_at AT TIME ZONE 'Europe/London')::date, c.date_of_birth)))"))} AS age,
                   ${childColumns},
                   e.discharged_at IS NOT NULL AS discharged,
                   ((e.discharged_at AT TIME ZONE 'Europe/London')::date - (e.admitted_at AT TIME ZONE 'Europe/London')::date) AS days,
                   e.discharged_at IS NOT NULL AND e.outcome <> 'admitted' AS saves_beds,
                   (SELECT max(CASE x.level WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'emergency' THEN 4 END)
                      FROM ward_escalation x WHERE x.ics_id = ${icsId} AND x.episode_id = e.id) AS top_level,
                   ${back(sql`(a.type = 'ed' OR (a.type = 'admission' AND a.emergency))`)} AS back_days,
                   ${back(sql`a.type = 'admission' AND a.emergency`)} AS admitted_back_days
              FROM ward_episode e
              JOIN child c ON c.ics_id = e.ics_id AND c.id = e.child_id
              LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
             WHERE e.ics_id = ${icsId} AND e.admitted_at IS NOT NULL AND c.registered_practice_id IS NOT NULL
               AND e.admitted_at >= (${range.from}::date::timestamp AT TIME ZONE 'Europe/London')
               AND e.admitted_at < ((${range.to}::date + interval '1 month')::timestamp AT TIME ZONE 'Europe/London')) w
     CROSS JOIN LATERAL unnest(${matches(ms)}, ${amounts(ms)}) AS m(measure, amount)
     WHERE m.measure IS NOT NULL`;
  await rewrite(tx, icsId, ms, range, stays);
  // And by pathway, a breakdown only the ward's measures have.
  await tx.execute(sql`${INSERT}
    SELECT ${icsId}::uuid, measure, 'pathway', month, practice_id, max(cluster_id::text)::uuid, pathway_id, sum(amount)
      FROM (${stays}) s GROUP BY measure, month, practice_id, pathway_id`);
  await rollUpAreas(tx, icsId, ms, range);
}

/**
 * One stay changed on a page or by the ward's clock (came onto the ward, was
 * escalated, was discharged): the ward's figures for the month it counts in
 * (the month the child came onto the ward) are rewritten in the caller's
 * transaction, as an added attendance's months are (decision 0012), with the
 * month's population counted if it was not yet.
 */
export async function rollUpWardStay(tx: Tx, icsId: string, admittedAt: string | Date): Promise<void> {
  const month = `${londonDateAndTime(admittedAt).date.slice(0, 7)}-01`;
  await rollUpVirtualWard(tx, icsId, { from: month, to: month });
  const [counted] = await rows(tx, sql`SELECT 1 FROM population_rollup
    WHERE ics_id = ${icsId}::uuid AND measure = 'children' AND dimension = 'all' AND month = ${month}::date LIMIT 1`);
  if (!counted) await rollUpPopulation(tx, icsId, { from: month, to: month });
}

/** The event types that count as a child brought back after the ward: ED attendances and emergency admissions. */
const BRINGS_BACK = ['ed', 'admission'];

/**
 * Added events that bring a child back within 30 days of leaving the ward
 * change that stay's re-attendance figures: the ward's figures for the
 * months those stays began are rewritten now, not at the next full rollup.
 */
async function rollUpStaysBroughtBack(tx: Tx, icsId: string, added: SQL): Promise<void> {
  const months = await rows<{ month: string }>(tx, sql`
    SELECT DISTINCT date_trunc('month', e.admitted_at AT TIME ZONE 'Europe/London')::date::text AS month
      FROM ${added} a
      JOIN ward_episode e ON e.ics_id = ${icsId}::uuid AND e.ics_id = a.ics_id AND e.child_id = a.child_id
     WHERE a.ics_id = ${icsId}::uuid AND (a.type = 'ed' OR (a.type = 'admission' AND a.emergency))
       AND e.admitted_at IS NOT NULL AND e.discharged_at IS NOT NULL
       AND a.occurred_at > e.discharged_at AND a.occurred_at <= e.discharged_at + interval '30 days'`);
  for (const run of monthRuns(months.map((m) => m.month), 1)) await rollUpVirtualWard(tx, icsId, run);
}

/** The first and last months with activity, or null when there is none. */
export async function activityMonths(tx: Tx, icsId: string): Promise<MonthRange | null> {
  const [r] = await rows<{ from: string | null; to: string | null }>(
    tx,
    sql`SELECT min(month)::text AS "from", max(month)::text AS "to" FROM activity_event WHERE ics_id = ${icsId}`,
  );
  return r.from && r.to ? { from: r.from, to: r.to } : null;
}

/**
 * After activity for these months was added or changed: its events, and the
 * 12-month counts that include them (up to the latest month with activity,
 * looked up when not given).
 */
export async function rollUpActivity(tx: Tx, icsId: string, range: MonthRange, latest?: string): Promise<void> {
  const to = latest ?? (await activityMonths(tx, icsId))?.to;
  if (!to) return;
  await rollUpEvents(tx, icsId, range);
  await rollUpRolling(tx, icsId, range, to);
}

/** Everything, for every month with activity: after generation, or to repair. */
export async function rollUpEverything(tx: Tx, icsId: string): Promise<MonthRange | null> {
  const span = await activityMonths(tx, icsId);
  if (!span) return null;
  await rollUpActivity(tx, icsId, span, span.to);
  await rollUpPopulation(tx, icsId, span);
  await rollUpReferrals(tx, icsId, span);
  await rollUpVirtualWard(tx, icsId, span);
  return span;
}

/**
 * Months as ranges: months up to `gap` apart go together. For activity 12,
 * since a month's rollup rewrites the 12-month counts of the 11 after it anyway.
 */
export function monthRuns(months: string[], gap = 12): MonthRange[] {
  const runs: MonthRange[] = [];
  for (const m of [...new Set(months)].sort()) {
    const last = runs.at(-1);
    if (last && m <= addMonths(last.to, gap)) last.to = m;
    else runs.push({ from: m, to: m });
  }
  return runs;
}

/**
 * After events were added (`added`: a table of activity_event's columns
 * holding only the new rows) in `months`, the activity's span having been
 * `before`: rewrites their rollups in the caller's transaction. Every writer
 * of events (the CSV import, a contact recorded on a page or over FHIR)
 * comes through here. With `types`, only the measures that can count those
 * event types are rewritten; so are the virtual ward stays an ED attendance
 * or emergency admission brings a child back after. Returns the ranges rewritten.
 */
export async function rollUpAddedEvents(
  tx: Tx, icsId: string, added: SQL, before: MonthRange | null, months: string[], types?: readonly string[],
): Promise<MonthRange[]> {
  if (!months.length) return [];
  // A rewrite from scratch covers every month from the first with activity to the last, so months the span
  // grows over, with no events of their own, still need their 12-month counts and population.
  months.sort();
  const span = before ? { from: [before.from, months[0]].sort()[0], to: [before.to, months.at(-1)!].sort()[1] } : { from: months[0], to: months.at(-1)! };
  const touched = [...new Set([...months, ...monthsBetween(span.from, span.to).filter((m) => !before || m < before.from || m > before.to)])];
  const runs = monthRuns(touched);
  await rollUpAddedActivity(tx, icsId, added, runs, span.to, types);
  if (!types || types.some((t) => BRINGS_BACK.includes(t))) await rollUpStaysBroughtBack(tx, icsId, added);
  // Population (the rates' denominators) is counted for months with activity: months new to the span need theirs.
  const counted = new Set((await rows<{ month: string }>(tx, sql`
    SELECT DISTINCT month::text AS month FROM population_rollup
     WHERE ics_id = ${icsId}::uuid AND measure = 'children' AND dimension = 'all' AND month = ANY(${sql.param(touched)}::date[])`)).map((r) => r.month));
  for (const run of monthRuns(touched.filter((m) => !counted.has(m)), 1)) await rollUpPopulation(tx, icsId, run);
  return runs;
}
