import { describe, expect, it } from 'vitest';
import { builtInIndicators, type Indicator } from '../indicators/definitions.js';
import { categoryRows, funnelRows } from './breakdowns.js';
import { breakdownPeriod, chartWindow, isPointInTime, valueWords } from './figures.js';
import { chartSeries, pointsFromTotals } from './series.js';
import { core20Words } from './indicator.js';
import { funnelLimits } from '../funnel.js';
import { findScope, type ScopeChoices } from './scopes.js';
import { spc } from '../spc.js';
import { addMonths } from '../../platform/time/months.js';

const indicator = (id: string): Indicator => builtInIndicators().find((i) => i.id === id)!;
const ED = indicator('ed-attendances');
const OVER_RELIANCE = indicator('reliever-over-reliance');
const RESOLVED = indicator('resolved-without-visit');

describe('the months a dashboard reads', () => {
  it('reads the 60 months before the current one', () => {
    expect(chartWindow('2026-11-24')).toEqual({ from: '2021-11-01', to: '2026-10-01' });
    expect(chartWindow('2026-01-01')).toEqual({ from: '2021-01-01', to: '2025-12-01' });
  });

  it('adds up the latest 12 months of events, but uses the latest month alone for children at a point in time', () => {
    expect(isPointInTime(ED)).toBe(false);
    expect(isPointInTime(OVER_RELIANCE)).toBe(true);
    expect(breakdownPeriod(ED, '2021-11-01', '2026-10-01')).toEqual({ from: '2025-11-01', to: '2026-10-01', months: 12 });
    expect(breakdownPeriod(ED, '2026-06-01', '2026-10-01')).toEqual({ from: '2026-06-01', to: '2026-10-01', months: 5 });
    expect(breakdownPeriod(OVER_RELIANCE, '2021-11-01', '2026-10-01')).toEqual({ from: '2026-10-01', to: '2026-10-01', months: 1 });
  });
});

const period = { from: '2026-01-01', to: '2026-02-01', months: 2 };
const point = (month: string, category: string, numerator: number, denominator: number) => ({ month, category, numerator, denominator, value: null });

describe('a breakdown by a category of the children', () => {
  const points = [
    point('2025-12-01', '1', 99, 99), // before the period: left out
    point('2026-01-01', '1', 30, 100), point('2026-02-01', '1', 30, 100),
    point('2026-01-01', '3', 4, 200), point('2026-02-01', '3', 2, 200),
    point('2026-01-01', '5', 20, 300), point('2026-02-01', '5', 22, 300),
  ];

  it('adds up the period for each category in order, listing those with no data and leaving out an unknown one with none', () => {
    const { rows } = categoryRows(points, ED, 'imd', period, { numerator: 108, denominator: 1200 }, false, 'All');
    expect(rows.map((r) => [r.label, r.numerator, r.denominator, r.value])).toEqual([
      ['Quintile 1 – most deprived (Core20)', 60, 100, 3600],
      ['Quintile 2', 0, 0, null],
      ['Quintile 3', 6, 200, 180],
      ['Quintile 4', 0, 0, null],
      ['Quintile 5 – least deprived', 42, 300, 840],
    ]);
    expect(rows.map((r) => r.core20)).toEqual([true, false, false, false, false]);
    expect(categoryRows([...points, point('2026-01-01', 'unknown', 1, 10)], ED, 'imd', period, { numerator: 109, denominator: 1210 }, false, 'All').rows.at(-1)!.label).toBe('Not known');
  });

  it('withholds a count of 1 to 7 from a reader who may not see it, and the smallest other count beside the total', () => {
    const { rows, total } = categoryRows(points, ED, 'imd', period, { numerator: 108, denominator: 1200 }, true, 'All');
    expect(rows[2].shown).toEqual({ numerator: 'Suppressed', denominator: 200, value: null, suppressed: true });
    // Otherwise 108 − 60 − 42 would give the 6 back.
    expect(rows.map((r) => r.shown.numerator)).toEqual([60, 0, 'Suppressed', 0, 'Suppressed']);
    expect(total.shown).toMatchObject({ numerator: 108, denominator: 600, suppressed: false });
  });

  it('withholds a whole area total of 1 to 7, at any scope', () => {
    const few = [point('2026-01-01', '1', 2, 500), point('2026-02-01', '5', 3, 500)];
    const { total } = categoryRows(few, ED, 'imd', period, { numerator: 5, denominator: 1000 }, true, 'All');
    expect(total.shown).toMatchObject({ numerator: 'Suppressed', value: null, suppressed: true });
  });

  it('adds up counts of a share rather than averaging them, and says Core20 against the least deprived in words', () => {
    const { rows } = categoryRows([point('2026-01-01', '1', 5, 10), point('2026-02-01', '1', 5, 10)], RESOLVED, 'imd', period, { numerator: 10, denominator: 20 }, false, 'All');
    expect(rows[0]).toMatchObject({ numerator: 10, denominator: 20, value: 50 });
    const { rows: imd, total } = categoryRows(points, ED, 'imd', period, { numerator: 108, denominator: 1200 }, false, 'All');
    expect(core20Words(ED, imd)).toBe(`In the most deprived fifth of areas (Core20): ${valueWords(3600, 'per-1000-year')}, 4.29 times the least deprived fifth (${valueWords(840, 'per-1000-year')}).`);
    expect(total).toMatchObject({ label: 'All', denominator: 600, value: 1080, shown: { suppressed: false } });
  });
});

describe('a funnel of practices', () => {
  const names = new Map([['a', { name: 'Alpha', odsCode: 'A1' }], ['b', { name: 'Bravo', odsCode: 'B1' }], ['c', { name: 'Charlie', odsCode: 'C1' }]]);
  const units = [
    { id: 'a', numerator: 30, denominator: 2400, value: 150 },
    { id: 'b', numerator: 90, denominator: 2400, value: 450 },
    { id: 'c', numerator: 5, denominator: 2400, value: 25 },
  ];
  const overall = { numerator: 125, denominator: 7200 };

  it('ranks by value, puts each against Poisson limits around the whole area, and withholds small ones last', () => {
    const f = funnelRows(units, ED, period, overall, false, names);
    expect(f.kind).toBe('poisson');
    expect(f.centre).toBeCloseTo((125 / 7200) * 12000, 8);
    expect(f.rows.map((r) => [r.name, r.denominator, r.position])).toEqual([['Bravo', 1200, 'above-outer'], ['Alpha', 1200, 'within'], ['Charlie', 1200, 'below-outer']]);
    const withheld = funnelRows(units, ED, period, overall, true, names);
    // Charlie's 5 is withheld, and Alpha's 30 with it: 125 − 90 − 30 would give the 5 back.
    expect(withheld.rows.map((r) => [r.name, r.shown.numerator, r.position])).toEqual([['Bravo', 90, 'above-outer'], ['Alpha', 'Suppressed', null], ['Charlie', 'Suppressed', null]]);
    expect(withheld.rows[2].limits).toBeNull();
    const limits = funnelLimits('poisson', 125 / 7200, 2400)!;
    expect(f.rows[1].limits!.upper95).toBeCloseTo(limits.upper95 * 12000, 8);
    // The funnel is drawn over the average children a month of those shown.
    expect(f.curve[0].x).toBeCloseTo(1200 * 0.9, 6);
    expect(f.curve.at(-1)!.x).toBeCloseTo(1200 * 1.05, 6);
  });

  it('uses binomial limits for a share', () => {
    const f = funnelRows([{ id: 'a', numerator: 40, denominator: 100, value: 40 }], RESOLVED, period, { numerator: 40, denominator: 100 }, false, names);
    expect(f.kind).toBe('binomial');
    expect(f.rows[0].limits!.lower95).toBeCloseTo(30.94, 2); // Wilson: 40 of 100 at 95%
    expect(f.rows[0].denominator).toBe(100);
  });
});

describe('a month-by-month series', () => {
  const months = Array.from({ length: 14 }, (_, i) => addMonths('2025-01-01', i));
  const points = months.map((month, i) => ({ month, numerator: i % 2 ? 20 : 3, denominator: 400, value: ((i % 2 ? 20 : 3) / 400) * 12000 }));

  it('keeps the SPC of every month but withholds the value and type of a small one', () => {
    const s = chartSeries(points, ED, true);
    const full = spc(points.map((p) => p.value), { improvement: 'decrease' });
    expect(s.months.map((m) => m.mean)).toEqual(full.points.map((p) => p.mean));
    expect(s.months[0]).toMatchObject({ shown: { numerator: 'Suppressed', value: null, suppressed: true }, type: null });
    expect(s.months[1].type).toBe(full.points[1].type);
    expect(s.variation).toBe(full.variation);
    expect(chartSeries(points.slice(0, 13), ED, true).variation).toBeNull();
  });

  it('withholds a second month among those a breakdown adds up, so the 12-month total gives no small month back', () => {
    // One small month in the latest 12: 12 months' total less the other 11 would give it back.
    const lone = months.map((month, i) => ({ month, numerator: i === 13 ? 4 : 20 + i, denominator: 400, value: ((i === 13 ? 4 : 20 + i) / 400) * 12000 }));
    const s = chartSeries(lone, ED, true);
    const hidden = s.months.flatMap((m) => (m.shown.suppressed ? [m.month] : []));
    // The smallest other month in the period (March 2025, 22) joins it; February 2025 is outside the period.
    expect(hidden).toEqual(['2025-03-01', '2026-02-01']);
    expect(chartSeries(lone, ED, false).months.some((m) => m.shown.suppressed)).toBe(false);
  });

  it('leaves out a month with no denominator, and builds points from every measure’s totals', () => {
    expect(chartSeries([{ month: '2025-01-01', numerator: 1, denominator: 0, value: null }], ED, false).months).toEqual([]);
    const totals = [
      { measure: 'ed', month: '2025-02-01', value: 10 }, { measure: 'children', month: '2025-02-01', value: 100 },
      { measure: 'children', month: '2025-01-01', value: 100 }, { measure: 'gp-contacts', month: '2025-01-01', value: 7 },
    ];
    expect(pointsFromTotals(totals, ED)).toEqual([
      { month: '2025-01-01', numerator: 0, denominator: 100, value: 0 },
      { month: '2025-02-01', numerator: 10, denominator: 100, value: 1200 },
    ]);
  });
});

describe('reading a scope from a form', () => {
  const id = '3f2b8c1e-0000-4000-8000-000000000001';
  const choices = {
    options: [
      { value: 'ics', text: 'Whole ICS', name: 'Whole ICS', scope: { kind: 'ics' } },
      { value: `practice:${id}`, text: 'Practice: P', name: 'P', scope: { kind: 'practice', id } },
    ],
  } as unknown as ScopeChoices;

  it('finds the ICS or a listed area, whatever the case of its id, and nothing else', () => {
    expect(findScope('ics', choices)?.name).toBe('Whole ICS');
    expect(findScope(`practice:${id.toUpperCase()}`, choices)?.name).toBe('P');
    expect(findScope(`cluster:${id}`, choices)).toBeUndefined();
    expect(findScope('practice:not-an-id', choices)).toBeUndefined();
    expect(findScope('ICS', choices)).toBeUndefined();
  });
});
