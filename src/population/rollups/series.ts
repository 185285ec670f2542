import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../platform/db/client.js';
import type { Breakdown } from '../schema.js';
import { rate, type Indicator } from '../indicators/definitions.js';
import type { MonthRange } from './rollup.js';

/** The virtual ward's stays alone are also rolled up by pathway (rollUpVirtualWard). */
export const WARD_PATHWAY = 'pathway';

/** Where a dashboard looks: the whole ICS, a place, a cluster (hub) or a practice. */
export type Scope = { kind: 'ics' } | { kind: 'place' | 'cluster' | 'practice'; id: string };

export type SeriesPoint = { month: string; category: string; numerator: number; denominator: number; value: number | null };

/** Practice rows within a scope (population_rollup). */
function practicesIn(icsId: string, scope: Scope): SQL {
  switch (scope.kind) {
    case 'ics': return sql``;
    case 'cluster': return sql` AND cluster_id = ${scope.id}`;
    case 'practice': return sql` AND practice_id = ${scope.id}`;
    case 'place': return sql` AND practice_id IN (SELECT id FROM organisation WHERE ics_id = ${icsId} AND place_id = ${scope.id} AND kind = 'gp-practice')`;
  }
}

/**
 * Where a scope's totals are: a practice's own rows, or the summed hub,
 * place or ICS rows, so a wide scope reads as few rows as a narrow one.
 * Either source has measure, dimension, month, category and value.
 */
export function scopeRollup(icsId: string, scope: Scope): SQL {
  if (scope.kind === 'practice') return sql`population_rollup WHERE ics_id = ${icsId} AND practice_id = ${scope.id}`;
  const area = scope.kind === 'ics' ? icsId : scope.id;
  return sql`population_area_rollup WHERE ics_id = ${icsId} AND level = ${scope.kind} AND area_id = ${area}`;
}

/**
 * An indicator month by month for a scope, in total (breakdown 'all',
 * category '') or split by one breakdown. Reads the rollup only.
 */
export async function indicatorSeries(
  tx: Tx, icsId: string, indicator: Indicator, scope: Scope, months: MonthRange, breakdown: Breakdown | typeof WARD_PATHWAY = 'all',
): Promise<SeriesPoint[]> {
  const found = await rows<{ month: string; category: string; numerator: string | null; denominator: string | null }>(
    tx,
    sql`SELECT month::text AS month, category,
               sum(value) FILTER (WHERE measure = ${indicator.numerator}) AS numerator,
               sum(value) FILTER (WHERE measure = ${indicator.denominator}) AS denominator
          FROM ${scopeRollup(icsId, scope)}
           AND measure IN (${indicator.numerator}, ${indicator.denominator}) AND dimension = ${breakdown}
           AND month BETWEEN ${months.from}::date AND ${months.to}::date
         GROUP BY month, category
         ORDER BY month, category`,
  );
  return found.map((r) => {
    const numerator = Number(r.numerator ?? 0);
    const denominator = Number(r.denominator ?? 0);
    return { month: r.month, category: r.category, numerator, denominator, value: rate(indicator, numerator, denominator) };
  });
}

export type UnitTotal = { id: string; numerator: number; denominator: number; value: number | null };

/**
 * An indicator over a period for each practice or cluster in a scope: the
 * rows of a funnel plot or a league table.
 */
export async function indicatorByUnit(tx: Tx, icsId: string, indicator: Indicator, scope: Scope, months: MonthRange, unit: 'practice' | 'cluster'): Promise<UnitTotal[]> {
  const totals = sql`sum(value) FILTER (WHERE measure = ${indicator.numerator}) AS numerator,
               sum(value) FILTER (WHERE measure = ${indicator.denominator}) AS denominator`;
  const wanted = sql`measure IN (${indicator.numerator}, ${indicator.denominator}) AND dimension = 'all'
           AND month BETWEEN ${months.from}::date AND ${months.to}::date`;
  const found = await rows<{ id: string; numerator: string | null; denominator: string | null }>(
    tx,
    unit === 'practice'
      ? sql`SELECT practice_id::text AS id, ${totals} FROM population_rollup
             WHERE ics_id = ${icsId} AND ${wanted}${practicesIn(icsId, scope)} GROUP BY practice_id`
      : sql`SELECT area_id::text AS id, ${totals} FROM population_area_rollup
             WHERE ics_id = ${icsId} AND level = 'cluster' AND ${wanted}${hubsIn(icsId, scope)} GROUP BY area_id`,
  );
  return found.map((r) => {
    const numerator = Number(r.numerator ?? 0);
    const denominator = Number(r.denominator ?? 0);
    return { id: r.id, numerator, denominator, value: rate(indicator, numerator, denominator) };
  });
}

/** Hub rows within a scope (population_area_rollup at level 'cluster'). */
function hubsIn(icsId: string, scope: Scope): SQL {
  switch (scope.kind) {
    case 'ics': return sql``;
    case 'cluster': return sql` AND area_id = ${scope.id}`;
    case 'practice': return sql` AND area_id IN (SELECT cluster_id FROM cluster_practice WHERE ics_id = ${icsId} AND practice_id = ${scope.id})`;
    case 'place': return sql` AND area_id IN (SELECT id FROM cluster WHERE ics_id = ${icsId} AND place_id = ${scope.id})`;
  }
}
