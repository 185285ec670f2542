import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../../platform/db/client.js';
import type { MonthRange } from '../rollups/rollup.js';
import { scopeRollup, type Scope } from '../rollups/series.js';

/**
 * The dashboards' own rollup reads, beside series.ts: the list of every
 * indicator needs all their measures at once, so it reads each measure once
 * in one query rather than once per indicator (the children denominator
 * alone serves eight indicators). Rollup rows only, never events.
 */

export type MeasureMonth = { measure: string; month: string; value: number };

/** Each measure's total for each month with any rows, over the scope (breakdown 'all'). */
export async function measureTotals(tx: Tx, icsId: string, measures: readonly string[], scope: Scope, months: MonthRange): Promise<MeasureMonth[]> {
  if (measures.length === 0) return [];
  const found = await rows<{ measure: string; month: string; value: string }>(
    tx,
    sql`SELECT measure, month::text AS month, sum(value) AS value
          FROM ${scopeRollup(icsId, scope)}
           AND measure IN (${sql.join(measures.map((m) => sql`${m}`), sql`, `)}) AND dimension = 'all'
           AND month BETWEEN ${months.from}::date AND ${months.to}::date
         GROUP BY measure, month`,
  );
  return found.map((r) => ({ measure: r.measure, month: r.month, value: Number(r.value) }));
}
