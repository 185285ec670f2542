import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { addMonths } from '../../platform/time/months.js';
import { measure } from '../measures.js';
import type { Indicator } from '../indicators/definitions.js';
import { populationDashboard } from './dashboard.js';
import { monthWords } from './figures.js';

/**
 * The children's virtual ward's figures: its indicators (those counting
 * stays on the ward) for an area, each linking to its SPC chart, table and
 * CSV, and the ward's occupancy against its capacity month by month.
 */
export const isVirtualWardIndicator = (i: Pick<Indicator, 'numerator'>) => measure(i.numerator).kind === 'ward';

export type OccupancyRow = { month: string; occupiedDays: number; capacityDays: number; percent: number | null };

/**
 * Occupancy: the days children spent on the ward in a month (each stay's
 * days inside the month, live stays up to today) against its capacity on
 * each of those days. The whole ward, whatever the area chosen: capacity
 * belongs to the ward, not to a hub or practice.
 */
export async function wardOccupancy(tx: Tx, icsId: string, today: string, months = 12): Promise<OccupancyRow[]> {
  const last = `${today.slice(0, 7)}-01`;
  const first = addMonths(last, -(months - 1));
  const found = await rows<{ month: string; occupied: number; capacity: number }>(tx, sql`
    SELECT m.month::date::text AS month,
           coalesce((SELECT sum(greatest(0, least((coalesce(e.discharged_at AT TIME ZONE 'Europe/London', ${today}::date + 1))::date, (m.month + interval '1 month')::date, ${today}::date + 1)
                                  - greatest((e.admitted_at AT TIME ZONE 'Europe/London')::date, m.month::date))))
                       FROM ward_episode e WHERE e.ics_id = ${icsId}::uuid AND e.admitted_at IS NOT NULL), 0)::int AS occupied,
           (SELECT coalesce(sum(w.capacity), 0) FROM virtual_ward w WHERE w.ics_id = ${icsId}::uuid)
             * (least((m.month + interval '1 month')::date, ${today}::date + 1) - m.month::date) AS capacity
      FROM generate_series(${first}::date, ${last}::date, interval '1 month') m(month) ORDER BY 1`);
  return found.map((r) => ({
    month: monthWords(r.month), occupiedDays: Number(r.occupied), capacityDays: Number(r.capacity),
    percent: Number(r.capacity) > 0 ? Math.round((1000 * Number(r.occupied)) / Number(r.capacity)) / 10 : null,
  }));
}

export async function virtualWardFigures(tx: Tx, actor: Actor, query: unknown, today: string) {
  const view = await populationDashboard(tx, actor, query, today, { only: isVirtualWardIndicator, what: 'Virtual ward figures' });
  return { view, occupancy: view.report ? await wardOccupancy(tx, actor.icsId, today) : [] };
}
