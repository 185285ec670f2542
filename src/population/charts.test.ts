import { describe, expect, it } from 'vitest';
import { accessibleSvg, barChart, evaluationChart, funnelChart, funnelMark, HIGHLIGHT_COLOUR, trendChart, trendMark, xmrChart, type ChartSvgs } from './charts.js';
import { POINT_COLOURS } from './spc-words.js';
import { spc } from './spc.js';

/** Well-formed enough for a browser's XML parser: every element opened is closed, in order. */
function balanced(svg: string): boolean {
  const open: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      if (open.pop() !== name) return false;
    } else open.push(name);
  }
  return open.length === 0;
}

function expectResponsive(chart: ChartSvgs, label: string) {
  for (const svg of [chart.narrow, chart.wide]) {
    expect(svg.startsWith('<svg width="100%"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(balanced(svg)).toBe(true);
    const root = svg.slice(0, svg.indexOf('>') + 1);
    expect(root).toMatch(/viewBox="0 0 \d+ \d+"/);
    expect(root).not.toMatch(/\sheight="/);
    expect(root).toContain('role="img"');
    expect(root).toContain(`aria-label="${label}"`);
    expect(svg).toContain(`<title>${label}</title>`);
    // Nothing the Content-Security-Policy refuses (no inline style block or attribute), so it draws as designed.
    expect(svg).not.toMatch(/<style|\sstyle="/);
  }
  // Drawn narrower for a phone than for a wide screen.
  const width = (svg: string) => Number(/viewBox="0 0 (\d+)/.exec(svg)![1]);
  expect(width(chart.narrow)).toBeLessThan(width(chart.wide));
}

/** The chart's words as a reader sees them: its text, a wrapped title's lines joined by spaces. */
const wordsOf = (svg: string) => [...svg.replace(/<title>[\s\S]*?<\/title>/, '').matchAll(/<(?:text|tspan)[^>]*>([^<]*)</g)].map((m) => m[1].trim()).filter(Boolean).join(' ')
  .replace(/&amp;/g, '&');

/** Both drawings (phone and wide) carry each axis's title in full. */
function expectAxisTitles(chart: ChartSvgs, axes: { x: string; y: string }) {
  for (const svg of [chart.narrow, chart.wide]) {
    expect(wordsOf(svg)).toContain(axes.x);
    expect(wordsOf(svg)).toContain(axes.y);
  }
}

/** Symbols filled in one of the colours: a path (circle or diamond) with that fill. */
const marks = (svg: string, colours: readonly string[]) => [...svg.matchAll(/<path [^>]*fill="(#[0-9a-f]{6})"/gi)].filter((m) => colours.includes(m[1].toLowerCase())).length;

const months = Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(2024, i, 1)).toISOString().slice(0, 10));

describe('the XmR chart', () => {
  const values = months.map((_, i) => 100 + (i % 5) * 3 + (i > 17 ? 40 : 0));
  const r = spc(values, { improvement: 'decrease', target: 95 });
  const input = {
    label: 'XmR chart of a test measure',
    months,
    values: values.map((v, i) => (i === 3 ? null : v)),
    types: r.points.map((p, i) => (i === 3 ? null : p.type)),
    mean: r.points.map((p) => p.mean),
    lpl: r.points.map((p) => p.lpl),
    upl: r.points.map((p) => p.upl),
    target: 95,
    axes: { x: 'Month', y: 'ED attendances per 1,000 children aged 0 to 17 a year' },
  };

  it('is SVG that scales to its container, named for assistive technology', () => {
    expectResponsive(xmrChart(input), 'XmR chart of a test measure');
  });

  it('draws one mark per value shown, none for a withheld month, coloured by its type', () => {
    const chart = xmrChart(input);
    const colours = Object.values(POINT_COLOURS).map((c) => c.toLowerCase());
    for (const svg of [chart.narrow, chart.wide]) expect(marks(svg, colours)).toBe(months.length - 1);
    const concern = r.points.filter((p, i) => i !== 3 && p.type === 'special_cause_concern').length;
    expect(concern).toBeGreaterThan(0);
    expect(marks(chart.wide, [POINT_COLOURS.special_cause_concern])).toBe(concern);
  });

  it('gives a phone few axis labels: the years, not every month', () => {
    const { narrow } = xmrChart(input);
    expect(narrow).toContain('>2025<');
    expect(narrow).not.toContain('>Feb');
  });

  it('names what is measured, with its unit, and the months along the bottom', () => {
    expectAxisTitles(xmrChart(input), input.axes);
    // A long title wraps rather than being cut short on a phone.
    const long = { ...input, axes: { x: 'Month', y: 'Children with asthma with 6 or more reliever prescriptions in 12 months, % of children with asthma' } };
    expectAxisTitles(xmrChart(long), long.axes);
  });

  it('escapes the label', () => {
    expect(accessibleSvg('<svg width="10" height="10" viewBox="0 0 10 10"></svg>', 'A & "B" <C>')).toBe(
      '<svg width="100%" class="population-chart__svg" role="img" aria-label="A &amp; &quot;B&quot; &lt;C&gt;" focusable="false" viewBox="0 0 10 10"><title>A &amp; &quot;B&quot; &lt;C&gt;</title></svg>',
    );
    expect(() => accessibleSvg('<div></div>', 'x')).toThrow();
  });
});

describe('the bar chart', () => {
  it('draws a bar per value, Core20 in its own colour, and words for a withheld one, with its axes named', () => {
    const chart = barChart({
      label: 'Bars by quintile', categories: ['Quintile 1 – most deprived (Core20)', 'Quintile 2', 'Quintile 3'],
      values: [30, null, 20], highlight: [true, false, false], overall: 25, withheld: [null, 'Suppressed', null],
      axes: { x: 'ED attendances per 1,000 children aged 0 to 17 a year', y: 'IMD quintile' },
    });
    expectResponsive(chart, 'Bars by quintile');
    expectAxisTitles(chart, { x: 'ED attendances per 1,000 children aged 0 to 17 a year', y: 'IMD quintile' });
    expect(marks(chart.wide, [HIGHLIGHT_COLOUR.toLowerCase()])).toBe(1);
    expect(chart.wide).toContain('Suppressed');
  });
});

describe('the funnel plot', () => {
  it('draws one mark per unit, beyond the limits in the direction’s colour, against the denominator and the rate', () => {
    const chart = funnelChart({
      label: 'Funnel of practices',
      points: [{ x: 100, y: 10, position: 'within' }, { x: 200, y: 30, position: 'above-outer' }, { x: 300, y: 2, position: 'below-inner' }],
      curve: [100, 200, 300].map((x) => ({ x, lower95: 5, upper95: 15, lower998: 3, upper998: 20 })),
      centre: 10, improvement: 'decrease',
      axes: { x: 'Children aged 0 to 17 (denominator)', y: 'ED attendances per 1,000 children aged 0 to 17 a year' },
    });
    expectResponsive(chart, 'Funnel of practices');
    expectAxisTitles(chart, { x: 'Children aged 0 to 17 (denominator)', y: 'ED attendances per 1,000 children aged 0 to 17 a year' });
    const colours = Object.values(POINT_COLOURS).map((c) => c.toLowerCase());
    expect(marks(chart.narrow, colours)).toBe(3);
    expect(funnelMark('above-outer', 'decrease')).toEqual({ colour: POINT_COLOURS.special_cause_concern, symbol: 'diamond' });
    expect(funnelMark('below-inner', 'decrease')).toEqual({ colour: POINT_COLOURS.special_cause_improvement, symbol: 'circle' });
    expect(funnelMark('above-inner', 'neutral').colour).toBe(POINT_COLOURS.special_cause_neutral_high);
  });
});

describe('the evaluation chart', () => {
  it('marks the start and the ramp-up, and names its axes', () => {
    const chart = evaluationChart({
      label: 'Hubs with the model', months, treated: months.map((_, i) => 50 + i), comparison: months.map(() => 60), start: months[10], fullEffect: months[16],
      axes: { x: 'Month', y: 'Emergency admissions per 1,000 children aged 0 to 17 a year' },
    });
    expectResponsive(chart, 'Hubs with the model');
    expectAxisTitles(chart, { x: 'Month', y: 'Emergency admissions per 1,000 children aged 0 to 17 a year' });
    expect(chart.wide).toContain('>Start<');
    expect(chart.wide).toContain('>Ramp-up<');
  });
});

describe('the trend chart', () => {
  const axes = { x: 'Half-year ending', y: '% of urgent referrals seen within 24 hours' };
  const input = {
    label: 'Urgent referrals seen within 24 hours by hub',
    periods: ['Jun 2025', 'Dec 2025', 'Jun 2026', 'Dec 2026'],
    lines: [{ name: 'North hub', values: [null, null, 40, 100] }, { name: 'South hub', values: [95, null, 70, 90] }],
    met: 90, partly: 70, axes,
  };

  it('draws a mark only for a half-year with a figure, in each hub’s own colour: none where there are no data', () => {
    const chart = trendChart(input);
    expectResponsive(chart, input.label);
    expectAxisTitles(chart, axes);
    for (const svg of [chart.narrow, chart.wide]) {
      expect(marks(svg, [trendMark(0).colour])).toBe(2);
      expect(marks(svg, [trendMark(1).colour])).toBe(3);
    }
    // Hubs are told apart by shape as well as colour.
    expect(trendMark(0).symbol).not.toBe(trendMark(1).symbol);
  });
});
