import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import { addMonths } from '../../platform/time/months.js';
import { measure } from '../measures.js';
import { listIndicators, rate, type Indicator } from '../indicators/definitions.js';
import { indicatorSeries, WARD_PATHWAY, type Scope } from '../rollups/series.js';
import { shownWithTotal, type Counts, type Shown } from '../suppression.js';
import { populationDashboard, suppressesSmallNumbers } from './dashboard.js';
import { chartWindow, monthWords, roundValue } from './figures.js';

/**
 * The children's virtual ward's figures: its indicators (those counting
 * stays on the ward) for an area, each linking to its SPC chart, table and
 * CSV, and the ward's occupancy against its capacity month by month.
 */
export const isVirtualWardIndicator = (i: Pick<Indicator, 'numerator'>) => measure(i.numerator).kind === 'ward';

/** Two years of months: enough for an XmR chart's limits (at least 12 points) to settle, and to see last winter beside this one. */
export const OCCUPANCY_MONTHS = 24;

export type OccupancyRow = { month: string; monthStart: string; occupiedDays: number; capacityDays: number; percent: number | null };

/**
 * Occupancy: the days children spent on the ward in a month (each stay's
 * days inside the month, live stays up to today) against its capacity on
 * each of those days. The whole ward, whatever the area chosen: capacity
 * belongs to the ward, not to a hub or practice.
 */
export async function wardOccupancy(tx: Tx, icsId: string, today: string, months = OCCUPANCY_MONTHS): Promise<OccupancyRow[]> {
  const last = `${today.slice(0, 7)}-01`;
  const first = addMonths(last, -(months - 1));
  const found = await rows<{ month: string; occupied: number }>(tx, sql`
    SELECT m.month::date::text AS month,
           coalesce((SELECT sum(greatest(0,
                       least(coalesce((e.discharged_at AT TIME ZONE 'Europe/London')::date, ${today}::date + 1), (m.month + interval '1 month')::date, ${today}::date + 1)
                       - greatest((e.admitted_at AT TIME ZONE 'Europe/London')::date, m.month::date)))
                       FROM ward_episode e WHERE e.ics_id = ${icsId}::uuid AND e.admitted_at IS NOT NULL), 0)::int AS occupied
      FROM generate_series(${first}::date, ${last}::date, interval '1 month') m(month) ORDER BY 1`);
  const capacityOn = await capacityByDay(tx, icsId);
  return found.map((r) => {
    const end = [addMonths(r.month, 1), nextDay(today)].sort()[0];
    let capacity = 0;
    for (let day = r.month; day < end; day = nextDay(day)) capacity += capacityOn(day);
    return {
      month: monthWords(r.month), monthStart: r.month, occupiedDays: Number(r.occupied), capacityDays: capacity,
      percent: capacity > 0 ? Math.round((1000 * Number(r.occupied)) / capacity) / 10 : null,
    };
  });
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The ICS's places on the ward on a London date: each ward's capacity that
 * day. A capacity changed on the set-up page counts from the day it was
 * saved; before that, the ward had what the change replaced.
 */
async function capacityByDay(tx: Tx, icsId: string): Promise<(day: string) => number> {
  const wards = await rows<{ id: string; capacity: number }>(tx, sql`SELECT id, capacity FROM virtual_ward WHERE ics_id = ${icsId}::uuid`);
  const changes = await rows<{ ward_id: string; day: string; before: number }>(tx, sql`
    SELECT ward_id, (saved_at AT TIME ZONE 'Europe/London')::date::text AS day, before FROM ward_setting_change
     WHERE ics_id = ${icsId}::uuid AND setting = 'capacity' ORDER BY saved_at, id`);
  return (day) => wards.reduce((sum, w) => {
    const next = changes.find((c) => c.ward_id === w.id && c.day > day);
    return sum + Number(next ? next.before : w.capacity);
  }, 0);
}

/** The figures shown by pathway: counts for those per 1,000 children (a pathway has no population), else the indicator's value. */
const BY_PATHWAY = ['ward-admissions', 'ward-length-of-stay', 'ward-to-hospital', 'ward-reattendance-7d', 'ward-reattendance-30d', 'ward-bed-days-saved'];

export type PathwayTable = { columns: string[]; rows: { pathway: string; cells: string[] }[]; total: string[]; period: string };

const pathwayWords = (id: string) => id.charAt(0).toUpperCase() + id.slice(1).replace(/-/g, ' ').replace(/\biv\b/, 'IV');

function cellOf(indicator: Indicator, shown: Shown): string {
  const counted = indicator.unit.endsWith('-year');
  if (counted) return typeof shown.numerator === 'string' ? shown.numerator : String(roundValue(shown.numerator));
  if (shown.value === null) return typeof shown.numerator === 'string' || typeof shown.denominator === 'string' ? 'Suppressed' : 'None';
  return indicator.unit === 'percent' ? `${roundValue(shown.value)}%` : String(roundValue(shown.value));
}

/** The last 12 complete months of the ward's main figures for each pathway, small numbers suppressed with their total. */
export async function wardByPathway(tx: Tx, actor: Actor, scope: Scope, today: string): Promise<PathwayTable> {
  const to = chartWindow(today).to;
  const months = { from: addMonths(to, -11), to };
  const indicators = (await listIndicators(tx, actor.icsId)).filter((i) => BY_PATHWAY.includes(i.id));
  const suppress = suppressesSmallNumbers(actor);
  const columns: { indicator: Indicator; rows: Map<string, Counts>; total: Counts }[] = [];
  for (const indicator of indicators) {
    const byPathway = new Map<string, Counts>();
    for (const p of await indicatorSeries(tx, actor.icsId, indicator, scope, months, WARD_PATHWAY)) {
      const c = byPathway.get(p.category) ?? { numerator: 0, denominator: 0, value: null };
      c.numerator += p.numerator;
      c.denominator += p.denominator;
      byPathway.set(p.category, c);
    }
    const total = { numerator: 0, denominator: 0, value: null as number | null };
    for (const c of byPathway.values()) {
      c.value = rate(indicator, c.numerator, c.denominator);
      total.numerator += c.numerator;
      total.denominator += c.denominator;
    }
    total.value = rate(indicator, total.numerator, total.denominator);
    columns.push({ indicator, rows: byPathway, total });
  }
  const pathways = [...new Set(columns.flatMap((c) => [...c.rows.keys()]))].sort();
  const shown = columns.map((c) => shownWithTotal(pathways.map((p) => c.rows.get(p) ?? { numerator: 0, denominator: 0, value: null }), c.total, suppress));
  return {
    columns: columns.map((c) => c.indicator.name.replace(/^Virtual ward: /, '')),
    rows: pathways.map((p, i) => ({ pathway: pathwayWords(p), cells: columns.map((c, k) => cellOf(c.indicator, shown[k].rows[i])) })),
    total: columns.map((c, k) => cellOf(c.indicator, shown[k].total)),
    period: `${monthWords(months.from)} to ${monthWords(months.to)}`,
  };
}

export async function virtualWardFigures(tx: Tx, actor: Actor, query: unknown, today: string) {
  const view = await populationDashboard(tx, actor, query, today, { only: isVirtualWardIndicator, what: 'Virtual ward figures' });
  if (!view.report) return { view, occupancy: [], byPathway: null };
  return { view, occupancy: await wardOccupancy(tx, actor.icsId, today), byPathway: await wardByPathway(tx, actor, view.report.scope.scope, today) };
}
