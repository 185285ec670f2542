import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, freshDatabase } from '../../../test/database.js';
import { rows, type Database, type Tx } from '../../platform/db/client.js';
import { generateIcs, type SynthResult } from '../../synth/generate.js';
import { ageBandSql, ethnicGroupSql, imdQuintileSql, sexSql } from '../measures.js';
import { rollUpActivity, rollUpPopulation } from './rollup.js';

/**
 * The rollups count children without walking every child through every
 * month. These tests hold them to the plain definitions, written here the
 * slow, obvious way: each child in each month, by their practice, counted
 * in total and in every breakdown.
 */

type Row = { measure: string; dimension: string; month: string; practice_id: string; category: string; value: number };

const child = sql.raw(`${sexSql('c.sex')} AS sex, ${imdQuintileSql('c.imd_decile')} AS imd, ${ethnicGroupSql('c.ethnic_category')} AS eth`);

/** Sums (measure, month, practice, age band, sex, imd, eth) rows once in total and once per breakdown. */
const byBreakdown = (source: SQL) => sql`
  SELECT measure, dimension, month::text AS month, practice_id::text AS practice_id, category, sum(n)::float8 AS value
    FROM (${source}) s
   CROSS JOIN LATERAL (VALUES ('all', ''), ('age', age), ('sex', sex), ('imd', imd), ('ethnicity', eth)) AS d(dimension, category)
   GROUP BY 1, 2, 3, 4, 5`;

const onsets = (icsId: string) => sql`
  SELECT child_id,
         min(started_on) FILTER (WHERE kind = 'problem' AND code = '195967001') AS asthma,
         min(started_on) FILTER (WHERE kind = 'problem' AND code IN ('46635009', '44054006')) AS diabetes,
         min(started_on) FILTER (WHERE kind = 'problem' AND code = '84757009') AS epilepsy,
         min(started_on) FILTER (WHERE kind = 'procedure' AND code IN ('continuous-glucose-monitor', 'insulin-pump')) AS technology
    FROM record_entry WHERE ics_id = ${icsId} AND status <> 'entered-in-error' GROUP BY child_id`;

/** Every child alive and under 18 in a month (age taken mid-month), by registered practice, in each cohort they had joined by its end. */
const population = (icsId: string, from: string, to: string) => byBreakdown(sql`
  WITH o AS (${onsets(icsId)})
  SELECT k.measure, mo::date AS month, c.registered_practice_id AS practice_id, ${sql.raw(ageBandSql('a.age'))} AS age, ${child}, 1 AS n
    FROM generate_series(${from}::date, ${to}::date, interval '1 month') mo
    JOIN child c ON c.ics_id = ${icsId} AND c.registered_practice_id IS NOT NULL
                AND c.date_of_birth < mo + interval '1 month' AND c.date_of_birth > mo - interval '18 years'
    LEFT JOIN o ON o.child_id = c.id
   CROSS JOIN LATERAL (SELECT greatest(0, date_part('year', age(mo + interval '14 days', c.date_of_birth)))::int AS age) a
   CROSS JOIN LATERAL (VALUES
         ('children', TRUE), ('children-0-4', a.age < 5), ('children-under-10', a.age < 10),
         ('asthma', o.asthma < mo + interval '1 month'), ('diabetes', o.diabetes < mo + interval '1 month'),
         ('diabetes-technology', o.diabetes < mo + interval '1 month' AND o.technology < mo + interval '1 month'),
         ('epilepsy', o.epilepsy < mo + interval '1 month')) AS k(measure, counted)
   WHERE k.counted`);

/** Children with enough matching events in the 12 months to each month's end, where their latest one was, at their oldest age then. */
const reached = (icsId: string, measure: string, test: string, atLeast: number, cohort: string | null, from: string, to: string) => byBreakdown(sql`
  WITH o AS (${onsets(icsId)})
  SELECT ${measure}::text AS measure, mo::date AS month, w.practice_id, ${sql.raw(ageBandSql('w.age'))} AS age, ${child}, 1 AS n
    FROM generate_series(${from}::date, ${to}::date, interval '1 month') mo
   CROSS JOIN LATERAL (
         SELECT e.child_id, max(e.age_years) AS age, (array_agg(e.practice_id ORDER BY e.occurred_at DESC))[1] AS practice_id
           FROM activity_event e
          WHERE e.ics_id = ${icsId} AND e.month > mo - interval '12 months' AND e.month <= mo AND ${sql.raw(test)}
          GROUP BY e.child_id HAVING count(*) >= ${atLeast}) w
    JOIN child c ON c.id = w.child_id
    LEFT JOIN o ON o.child_id = w.child_id
   WHERE ${cohort ? sql.raw(`o.${cohort} < mo + interval '1 month'`) : sql`TRUE`}`);

const ROLLING = [
  ['reliever-over-reliance', `e.type = 'prescription' AND e.reason_code = 'reliever'`, 6, 'asthma'],
  ['mental-health-access', `e.type = 'mental-health'`, 1, null],
  ['epilepsy-nurse-access', `e.type = 'community' AND e.reason_code = 'epilepsy-nurse'`, 1, 'epilepsy'],
] as const;

const COHORTS = ['children', 'children-0-4', 'children-under-10', 'asthma', 'diabetes', 'diabetes-technology', 'epilepsy'];

const key = (r: Row) => `${r.measure}|${r.dimension}|${r.month}|${r.practice_id}|${r.category}`;
const asMap = (rs: Row[]) => new Map(rs.map((r) => [key(r), r.value]));

describe.each(await databaseKinds())('population and 12-month rollups on %s', (kind) => {
  let db: Database;
  let result: SynthResult;
  beforeAll(async () => {
    db = await freshDatabase(kind);
    result = await generateIcs(db, { children: 900, seed: 47, today: '2026-10-31' });
  }, 600_000);
  afterAll(async () => {
    await db?.close();
  });

  const rolled = (measures: readonly string[], from: string, to: string) => rows<Row>(db.owner, sql`
    SELECT measure, dimension, month::text AS month, practice_id::text AS practice_id, category, value::float8 AS value
      FROM population_rollup
     WHERE ics_id = ${result.icsId} AND measure IN (${sql.join(measures.map((m) => sql`${m}`), sql`, `)})
       AND month BETWEEN ${from}::date AND ${to}::date`);

  const expectSame = async (measures: readonly string[], from: string, to: string, plain: SQL) => {
    const got = asMap(await rolled(measures, from, to));
    const want = asMap(await rows<Row>(db.owner, plain));
    expect(want.size).toBeGreaterThan(0);
    const differing = [...new Set([...got.keys(), ...want.keys()])].filter((k) => got.get(k) !== want.get(k)).slice(0, 5);
    expect(differing.map((k) => [k, got.get(k), want.get(k)])).toEqual([]);
  };

  const span = async () => {
    const [r] = await rows<{ from: string; to: string }>(db.owner, sql`
      SELECT min(month)::text AS "from", max(month)::text AS "to" FROM activity_event WHERE ics_id = ${result.icsId}`);
    return r;
  };

  it('counts each month\'s children and cohorts by practice, as walking every child through every month would', async () => {
    const { from, to } = await span();
    await expectSame(COHORTS, from, to, population(result.icsId, from, to));
  });

  it('counts children reached in 12 months as a month-by-month look back over the events would', async () => {
    const { from, to } = await span();
    for (const [measure, test, atLeast, cohort] of ROLLING) {
      await expectSame([measure], from, to, reached(result.icsId, measure, test, atLeast, cohort, from, to));
    }
  });

  it('rewrites a few months in the middle to the same counts, with children who were already there and the 11 months after', async () => {
    const { from: first } = await span();
    const range = { from: '2024-02-01', to: '2024-04-01' };
    const measures = [...COHORTS, ...ROLLING.map(([m]) => m)];
    const before = await rolled(measures, first, '2026-10-01');
    await db.owner.transaction(async (tx) => {
      await rollUpPopulation(tx as unknown as Tx, result.icsId, range);
      await rollUpActivity(tx as unknown as Tx, result.icsId, range);
    });
    const after = await rolled(measures, first, '2026-10-01');
    expect(asMap(after)).toEqual(asMap(before));
    expect(before.some((r) => r.month === '2024-03-01' && r.measure === 'children-0-4')).toBe(true);
  });
});
