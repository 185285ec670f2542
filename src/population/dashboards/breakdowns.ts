import { AGE_BANDS, ETHNIC_GROUPS, IMD_QUINTILES, SEXES } from '../measures.js';
import { rate, type Indicator } from '../indicators/definitions.js';
import { funnelCurve, funnelLimits, funnelPosition, type FunnelKind, type FunnelLimits, type FunnelPosition } from '../funnel.js';
import { isYearlyRate, roundValue, unitFactor } from './figures.js';
import type { MonthRange } from '../rollups/rollup.js';
import type { SeriesPoint, UnitTotal } from '../rollups/series.js';
import { shownWithTotal, type Counts, type Shown } from '../suppression.js';

/**
 * An indicator split by one breakdown over a period (the latest 12 months,
 * or the latest month for counts of children at a point in time): by a
 * category of the children (deprivation, ethnicity, age, sex), or by the
 * practice or hub, with the funnel limits that say which differ by more
 * than chance. Pure: the rows come from the rollup reads.
 *
 * For yearly rates the denominator is a population each month, so over a
 * period it reads as the average a month; otherwise (events, children at a
 * point in time) it is a count and is added up.
 */
export const CATEGORY_BREAKDOWNS = ['imd', 'ethnicity', 'age', 'sex'] as const;
export type CategoryBreakdown = (typeof CATEGORY_BREAKDOWNS)[number];
export const UNIT_BREAKDOWNS = ['cluster', 'practice'] as const;
export type UnitBreakdown = (typeof UNIT_BREAKDOWNS)[number];

export type Period = MonthRange & { months: number };

/** The denominator a reader sees: the average a month for a yearly rate over several months, else the count. */
const shownDenominator = (indicator: Pick<Indicator, 'unit'>, denominator: number, period: Period) =>
  roundValue(isYearlyRate(indicator.unit) ? denominator / period.months : denominator);

const ORDER: Record<CategoryBreakdown, readonly string[]> = { imd: [...IMD_QUINTILES, 'unknown'], ethnicity: ETHNIC_GROUPS, age: AGE_BANDS, sex: SEXES };

/** Quintile 1, the most deprived fifth by the Index of Multiple Deprivation: Core20PLUS5's Core20. */
export const CORE20 = '1';

export function categoryLabel(breakdown: CategoryBreakdown, category: string): string {
  if (category === 'unknown' || category === 'Not stated') return category === 'unknown' ? 'Not known' : category;
  switch (breakdown) {
    case 'imd':
      if (category === CORE20) return 'Quintile 1 – most deprived (Core20)';
      return category === '5' ? 'Quintile 5 – least deprived' : `Quintile ${category}`;
    case 'age': return category === 'under 1' ? 'Under 1' : `Aged ${category}`;
    case 'sex': return category.charAt(0).toUpperCase() + category.slice(1);
    case 'ethnicity': return category;
  }
}

export type CategoryRow = {
  category: string; label: string; core20: boolean;
  numerator: number; denominator: number; value: number | null; shown: Shown;
};

/**
 * One row per category in the breakdown's order (each listed one, and any
 * other found) over the period, and the whole area's total last. The rows
 * add up to the total, so they are suppressed with it (shownWithTotal).
 */
export function categoryRows(
  points: readonly SeriesPoint[], indicator: Indicator, breakdown: CategoryBreakdown, period: Period,
  overall: { numerator: number; denominator: number }, suppress: boolean, totalLabel: string,
): { rows: CategoryRow[]; total: CategoryRow } {
  const sums = new Map<string, { numerator: number; denominator: number }>();
  for (const p of points) {
    if (p.month < period.from || p.month > period.to) continue;
    const s = sums.get(p.category) ?? { numerator: 0, denominator: 0 };
    s.numerator += p.numerator;
    s.denominator += p.denominator;
    sums.set(p.category, s);
  }
  const listed = ORDER[breakdown];
  const others = [...sums.keys()].filter((c) => !listed.includes(c)).sort();
  // 'Not known' deprivation appears only when some children have no decile.
  const categories = [...listed.filter((c) => c !== 'unknown' || sums.has(c)), ...others];
  const counts = categories.map((category) => countsOf(indicator, sums.get(category) ?? { numerator: 0, denominator: 0 }, period));
  const total = countsOf(indicator, overall, period);
  const shown = shownWithTotal(counts, total, suppress);
  return {
    rows: categories.map((category, i) => ({
      category, label: categoryLabel(breakdown, category), core20: breakdown === 'imd' && category === CORE20, ...counts[i], shown: shown.rows[i],
    })),
    total: { category: '', label: totalLabel, core20: false, ...total, shown: shown.total },
  };
}

/** The counts a reader sees for a period: the denominator as shownDenominator makes it. */
function countsOf(indicator: Indicator, s: { numerator: number; denominator: number }, period: Period): Counts {
  return { numerator: s.numerator, denominator: shownDenominator(indicator, s.denominator, period), value: rate(indicator, s.numerator, s.denominator) };
}

export type UnitRow = {
  id: string; name: string; odsCode: string | null;
  numerator: number; denominator: number; value: number | null; shown: Shown;
  /** In the indicator's unit; absent when suppressed or without a denominator. */
  limits: FunnelLimits | null;
  position: FunnelPosition | null;
};

export type Funnel = {
  kind: FunnelKind;
  /** The scope's overall value over the period, in the indicator's unit. */
  centre: number | null;
  rows: UnitRow[];
  /** Limits to draw, x being the shown denominator. */
  curve: { x: number; lower95: number; upper95: number; lower998: number; upper998: number }[];
};

const scaled = (l: FunnelLimits, factor: number): FunnelLimits => ({
  lower95: l.lower95 * factor, upper95: l.upper95 * factor, lower998: l.lower998 * factor, upper998: l.upper998 * factor,
});

/**
 * Practices or hubs against the scope's overall value: exact Poisson limits
 * for yearly rates (on the count of events), Wilson limits for proportions.
 * Ranked highest value first; withheld and empty rows last, by name.
 */
export function funnelRows(
  units: readonly UnitTotal[], indicator: Indicator, period: Period, overall: { numerator: number; denominator: number },
  suppress: boolean, names: ReadonlyMap<string, { name: string; odsCode: string | null }>,
): Funnel {
  const kind: FunnelKind = isYearlyRate(indicator.unit) ? 'poisson' : 'binomial';
  const factor = unitFactor(indicator);
  const target = overall.denominator > 0 ? overall.numerator / overall.denominator : null;
  const counts = units.map((u): Counts => ({ numerator: u.numerator, denominator: shownDenominator(indicator, u.denominator, period), value: u.value }));
  // The units add up to the scope's total, shown on its own page: they are suppressed with it.
  const shown = shownWithTotal(counts, countsOf(indicator, overall, period), suppress).rows;
  const rows = units.map((u, i): UnitRow => {
    const named = names.get(u.id) ?? { name: 'Not known', odsCode: null };
    const limits = target === null || shown[i].suppressed ? null : funnelLimits(kind, target, u.denominator);
    return {
      id: u.id, name: named.name, odsCode: named.odsCode, numerator: u.numerator, denominator: counts[i].denominator, value: u.value, shown: shown[i],
      limits: limits && scaled(limits, factor),
      position: limits && target !== null ? funnelPosition(kind, target, u.numerator, u.denominator) : null,
    };
  });
  rows.sort((a, b) => (b.shown.value ?? -Infinity) - (a.shown.value ?? -Infinity) || a.name.localeCompare(b.name));
  const perX = isYearlyRate(indicator.unit) ? period.months : 1;
  // The funnel spans the units drawn: a withheld one neither shows nor stretches it.
  const drawn = rows.filter((r) => !r.shown.suppressed && r.denominator > 0).map((r) => r.denominator * perX);
  const curve = target === null || drawn.length === 0 ? [] : funnelCurve(kind, target, Math.min(...drawn) * 0.9, Math.max(...drawn) * 1.05)
    .map(({ n, ...limits }) => ({ x: n / perX, ...scaled(limits, factor) }));
  return { kind, centre: target === null ? null : target * factor, rows, curve };
}
