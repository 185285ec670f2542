import * as echarts from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, MarkLineComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { FunnelPosition } from './funnel.js';
import type { Improvement, PointType } from './spc.js';
import { POINT_COLOURS, TARGET_COLOUR } from './spc-words.js';

echarts.use([LineChart, BarChart, ScatterChart, GridComponent, MarkLineComponent, MarkAreaComponent, SVGRenderer]);

/**
 * The dashboards' charts as SVG drawn on the server (no script in the
 * browser). Each chart is drawn twice: once for a phone (few axis labels, a
 * narrow viewBox, so its text stays readable when scaled to 320 px) and once
 * for a wider screen; the page's CSS shows one. Both scale to their
 * container (viewBox, width 100%) and carry role="img" with a summary; the
 * data table beside each chart is its accessible equivalent.
 */
export type ChartSvgs = { label: string; narrow: string; wide: string };

type Layout = { width: number; height: number; font: number; narrow: boolean };
const LAYOUTS: Layout[] = [
  { width: 340, height: 250, font: 13, narrow: true },
  { width: 720, height: 320, font: 13, narrow: false },
];

const TEXT = '#212b32';
const SECONDARY = '#4c6272';
const GRID_LINE = '#d8dde0';
const FONT = 'Arial, sans-serif';

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text styles ECharts writes as inline CSS that SVG also takes as presentation attributes. */
const PRESENTATION_ATTRIBUTES = new Set(['font-family', 'font-size', 'font-style', 'font-weight', 'fill', 'stroke', 'opacity']);

/**
 * Joinery's Content-Security-Policy refuses inline styles. ECharts' <style>
 * block holds only hover rules (a static chart has no hover), so it goes; its
 * style attributes become presentation attributes, which draw the same.
 */
function withoutInlineStyles(svg: string): string {
  return svg
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ style="([^"]*)"/g, (_all, css: string) =>
      css.split(';').map((declaration) => {
        const colon = declaration.indexOf(':');
        const property = declaration.slice(0, colon).trim();
        return colon > 0 && PRESENTATION_ATTRIBUTES.has(property) ? ` ${property}="${declaration.slice(colon + 1).trim()}"` : '';
      }).join(''));
}

/** ECharts' fixed-size SVG made responsive and labelled: width 100% of its container, height from the viewBox. */
export function accessibleSvg(svg: string, label: string): string {
  const open = /^<svg width="[\d.]+" height="[\d.]+"/;
  if (!open.test(svg)) throw new Error('unexpected SVG from ECharts');
  const name = escapeXml(label);
  return withoutInlineStyles(svg)
    .replace(open, `<svg width="100%" class="population-chart__svg" role="img" aria-label="${name}" focusable="false"`)
    .replace('>', `><title>${name}</title>`);
}

function draw(option: echarts.EChartsCoreOption, layout: Layout, label: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: layout.width, height: layout.height });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT, fontSize: layout.font, color: TEXT },
      ...option,
      // Nothing is hovered on a static SVG: without hover states a chart takes half the time to draw.
      series: (option.series as object[]).map((s) => ({ silent: true, emphasis: { disabled: true }, ...s })),
    });
    return accessibleSvg(chart.renderToSVGString(), label);
  } finally {
    chart.dispose();
  }
}

/**
 * Charts drawn lately, by kind and input. A chart is a pure function of its
 * input, so a hit is always right; drawing one takes milliseconds, and the
 * same dashboard is opened again and again between monthly rollups.
 */
const drawn = new Map<string, ChartSvgs>();
const KEEP = 300;

function both(kind: string, input: { label: string }, option: (layout: Layout) => echarts.EChartsCoreOption, height?: (layout: Layout) => number): ChartSvgs {
  const key = `${kind}:${JSON.stringify(input)}`;
  const hit = drawn.get(key);
  if (hit) {
    drawn.delete(key);
    drawn.set(key, hit);
    return hit;
  }
  const [narrow, wide] = LAYOUTS.map((l) => (height ? { ...l, height: height(l) } : l)).map((l) => draw(option(l), l, input.label));
  const svgs = { label: input.label, narrow, wide };
  drawn.set(key, svgs);
  if (drawn.size > KEEP) drawn.delete(drawn.keys().next().value!);
  return svgs;
}

/** What each axis measures, with its unit: "Month" and "ED attendances per 1,000 children aged 0 to 17 a year". */
export type AxisTitles = { x: string; y: string };

/** Roughly how many characters of the chart's text fit in a width: Arial averages a little over half its size. */
const charsIn = (width: number, layout: Layout) => Math.floor(width / (layout.font * 0.58));

/** A title broken into lines at spaces, none longer than fits, so a phone shows it whole. */
function wrapped(title: string, layout: Layout): string[] {
  const most = charsIn(layout.width - 16, layout);
  const lines: string[] = [];
  for (const word of title.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= most) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * An axis's title, wrapped to the chart's width. The vertical axis's sits
 * above the chart, left aligned, so it reads across rather than up the side
 * (which a phone would cut short); the horizontal axis's below it.
 */
function titled(axis: object, title: string, layout: Layout, place: 'top' | 'bottom') {
  const top = place === 'top';
  return {
    ...axis,
    name: wrapped(title, layout).join('\n'),
    // An inverted axis (the bar chart's categories, first at the top) starts at the top.
    nameLocation: top ? ('inverse' in axis && axis.inverse ? 'start' : 'end') : 'middle',
    nameGap: top ? 10 : layout.font + 12,
    nameTextStyle: { color: TEXT, fontSize: layout.font, lineHeight: layout.font + 4, ...(top ? { align: 'left', verticalAlign: 'bottom' } : { verticalAlign: 'top' }) },
  };
}

/**
 * The grid with room above the plot for the wrapped top title and below it
 * for the bottom one. Axis names are left out of ECharts' own fitting, which
 * would otherwise squeeze the plot to the width of a long title.
 */
const gridFor = (layout: Layout, axes: AxisTitles, right: number) => ({
  left: 4, right, top: 16 + wrapped(axes.y, layout).length * (layout.font + 4), bottom: layout.font + 20 + wrapped(axes.x, layout).length * (layout.font + 4),
  outerBoundsContain: 'axisLabel',
});

const axisNumber = (n: number) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2 }).format(n);

const valueAxis = (layout: Layout) => ({
  type: 'value',
  scale: true,
  splitNumber: layout.narrow ? 3 : 5,
  axisLabel: { color: SECONDARY, fontSize: layout.font, formatter: axisNumber },
  splitLine: { lineStyle: { color: GRID_LINE } },
});

const SHORT_MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });
const monthOfYear = (iso: string) => Number(iso.slice(5, 7));

/**
 * Which months get a label: on a phone, each January as its year (or every
 * third month of a short series); wider, January and July as "Jan 2024".
 */
function monthLabels(months: string[], layout: Layout) {
  const short = months.length <= 18;
  const shows = (iso: string) => (short ? (monthOfYear(iso) - 1) % 3 === 0 : layout.narrow ? monthOfYear(iso) === 1 : monthOfYear(iso) % 6 === 1);
  const text = (iso: string) => (layout.narrow && !short ? iso.slice(0, 4) : `${SHORT_MONTH.format(new Date(`${iso}T00:00:00Z`))} ${iso.slice(layout.narrow ? 2 : 0, 4)}`);
  return {
    interval: (i: number) => shows(months[i]),
    formatter: (_: string, i: number) => text(months[i]),
  };
}

export type XmrChartInput = {
  label: string;
  /** First days of months, oldest first. */
  months: string[];
  /** Null where the value is withheld (suppressed) or missing: no point is drawn. */
  values: (number | null)[];
  types: (PointType | null)[];
  mean: (number | null)[];
  lpl: (number | null)[];
  upl: (number | null)[];
  target: number | null;
  axes: AxisTitles;
};

const line = (data: (number | null)[], colour: string, type: 'solid' | 'dashed' | 'dotted', width = 1.5) => ({
  type: 'line', data, symbol: 'none', silent: true, connectNulls: false, z: 1,
  lineStyle: { color: colour, width, type },
});

/** Months along the bottom, labelled sparsely enough to read at phone width. */
function monthAxis(months: string[], layout: Layout) {
  const labels = monthLabels(months, layout);
  return {
    type: 'category', data: months, boundaryGap: false,
    axisLabel: { ...labels, color: SECONDARY, fontSize: layout.font, hideOverlap: true },
    axisTick: { interval: labels.interval },
    axisLine: { lineStyle: { color: SECONDARY } },
  };
}

/** A Making Data Count XmR chart: the monthly values, each point coloured by its type, the mean, the process limits and the target. */
export function xmrChart(input: XmrChartInput): ChartSvgs {
  return both('xmr', input, (layout) => {
    return {
      grid: gridFor(layout, input.axes, layout.narrow ? 12 : 24),
      xAxis: titled(monthAxis(input.months, layout), input.axes.x, layout, 'bottom'),
      yAxis: titled(valueAxis(layout), input.axes.y, layout, 'top'),
      series: [
        line(input.upl, SECONDARY, 'dashed', 1),
        line(input.lpl, SECONDARY, 'dashed', 1),
        line(input.mean, TEXT, 'solid', 1),
        ...(input.target === null ? [] : [line(input.months.map(() => input.target), TARGET_COLOUR, 'dashed', 1.5)]),
        {
          type: 'line', z: 3, connectNulls: false, showAllSymbol: true, symbol: 'circle', symbolSize: layout.narrow ? 6 : 7,
          lineStyle: { color: POINT_COLOURS.common_cause, width: 1.5 },
          data: input.values.map((v, i) => (v === null ? '-' : {
            value: v,
            itemStyle: { color: POINT_COLOURS[input.types[i] ?? 'common_cause'], borderColor: '#ffffff', borderWidth: 1 },
          })),
        },
      ],
    };
  });
}

export type BarChartInput = {
  label: string;
  categories: string[];
  /** Null where there is no value to draw: the bar is left out and `withheld` says why. */
  values: (number | null)[];
  /** Bars drawn in the highlight colour (Core20). */
  highlight: boolean[];
  /** The scope's overall value, drawn as a line for comparison. */
  overall: number | null;
  /** Words in place of a missing bar ("Suppressed", "No data"). */
  withheld: (string | null)[];
  /** x: what the bars measure; y: the categories. */
  axes: AxisTitles;
};

export const BAR_COLOUR = '#768692';
export const HIGHLIGHT_COLOUR = '#005eb8';

/** One bar per category, across the page so long names fit on a phone; the highlighted ones (Core20) in NHS blue. */
export function barChart(input: BarChartInput): ChartSvgs {
  return both('bar', input, (layout) => ({
    grid: gridFor(layout, input.axes, layout.narrow ? 56 : 72),
    yAxis: titled({
      type: 'category', data: input.categories, inverse: true,
      axisLabel: { color: TEXT, fontSize: layout.font, width: layout.narrow ? 110 : 200, overflow: 'break' },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: SECONDARY } },
    }, input.axes.y, layout, 'top'),
    xAxis: titled({ ...valueAxis(layout), scale: false }, input.axes.x, layout, 'bottom'),
    series: [{
      type: 'bar', barMaxWidth: 28,
      label: { show: true, position: 'right', color: TEXT, fontSize: layout.font, formatter: (p: { value: number }) => axisNumber(p.value) },
      markLine: input.overall === null ? undefined : {
        silent: true, symbol: 'none',
        lineStyle: { color: TEXT, type: 'dashed', width: 1.5 },
        label: { show: false },
        data: [{ xAxis: input.overall }],
      },
      data: input.values.map((v, i) => (v === null
        ? { value: 0, itemStyle: { color: 'none' }, label: { formatter: input.withheld[i] ?? '', position: 'insideLeft', color: SECONDARY } }
        : { value: v, itemStyle: { color: input.highlight[i] ? HIGHLIGHT_COLOUR : BAR_COLOUR } })),
    }],
  }), (layout) => {
    const room = gridFor(layout, input.axes, 0);
    return 28 + room.top + room.bottom + input.categories.length * (layout.narrow ? 44 : 40);
  });
}

export type FunnelChartInput = {
  label: string;
  points: { x: number; y: number; position: FunnelPosition }[];
  /** The limits, already in the chart's units, at increasing x. */
  curve: { x: number; lower95: number; upper95: number; lower998: number; upper998: number }[];
  centre: number;
  improvement: Improvement;
  /** x: the denominator; y: the rate. */
  axes: AxisTitles;
};

/** A point's colour and shape on the funnel: grey within the 95% limits; coloured beyond; a larger diamond beyond 99.8%. */
export function funnelMark(position: FunnelPosition, improvement: Improvement): { colour: string; symbol: 'circle' | 'diamond' } {
  if (position === 'within') return { colour: POINT_COLOURS.common_cause, symbol: 'circle' };
  const high = position.startsWith('above');
  const colour = improvement === 'neutral' ? POINT_COLOURS.special_cause_neutral_high
    : high === (improvement === 'increase') ? POINT_COLOURS.special_cause_improvement : POINT_COLOURS.special_cause_concern;
  return { colour, symbol: position.endsWith('outer') ? 'diamond' : 'circle' };
}

/** A funnel plot: each unit's rate against its denominator, inside the 95% (dashed) and 99.8% (solid) limits around the overall rate. */
export function funnelChart(input: FunnelChartInput): ChartSvgs {
  const curve = (pick: (c: FunnelChartInput['curve'][number]) => number, type: 'solid' | 'dashed') => ({
    type: 'line', symbol: 'none', silent: true, z: 1, data: input.curve.map((c) => [c.x, pick(c)]),
    lineStyle: { color: SECONDARY, width: 1, type },
  });
  return both('funnel', input, (layout) => ({
    grid: gridFor(layout, input.axes, layout.narrow ? 16 : 24),
    xAxis: titled({ ...valueAxis(layout), splitNumber: layout.narrow ? 3 : 6 }, input.axes.x, layout, 'bottom'),
    yAxis: titled(valueAxis(layout), input.axes.y, layout, 'top'),
    series: [
      curve((c) => c.upper998, 'solid'),
      curve((c) => c.lower998, 'solid'),
      curve((c) => c.upper95, 'dashed'),
      curve((c) => c.lower95, 'dashed'),
      { type: 'line', symbol: 'none', silent: true, z: 1, data: input.curve.map((c) => [c.x, input.centre]), lineStyle: { color: TEXT, width: 1.5 } },
      {
        type: 'scatter', z: 3,
        data: input.points.map((p) => {
          const mark = funnelMark(p.position, input.improvement);
          return {
            value: [p.x, p.y], symbol: mark.symbol, symbolSize: (mark.symbol === 'diamond' ? 12 : 8) + (layout.narrow ? 0 : 1),
            itemStyle: { color: mark.colour, borderColor: '#ffffff', borderWidth: 1 },
          };
        }),
      },
    ],
  }));
}

export type EvaluationChartInput = {
  label: string;
  months: string[];
  /** The hubs with the model; null where withheld. */
  treated: (number | null)[];
  /** Expected without the model, or the hubs without it. */
  comparison: (number | null)[];
  start: string;
  fullEffect: string;
  axes: AxisTitles;
};

export const TREATED_COLOUR = '#005eb8';

/** The hubs with a model month by month, against what they are compared with; the start marked and the ramp-up shaded. */
export function evaluationChart(input: EvaluationChartInput): ChartSvgs {
  return both('evaluation', input, (layout) => {
    return {
      grid: gridFor(layout, input.axes, layout.narrow ? 12 : 24),
      xAxis: titled(monthAxis(input.months, layout), input.axes.x, layout, 'bottom'),
      yAxis: titled(valueAxis(layout), input.axes.y, layout, 'top'),
      series: [
        { ...line(input.comparison, SECONDARY, 'dashed', 1.5), z: 2 },
        {
          type: 'line', z: 3, connectNulls: false, symbol: 'circle', symbolSize: layout.narrow ? 4 : 5, showAllSymbol: true,
          data: input.treated.map((v) => (v === null ? '-' : v)),
          lineStyle: { color: TREATED_COLOUR, width: 2 }, itemStyle: { color: TREATED_COLOUR },
          markArea: {
            silent: true, itemStyle: { color: 'rgba(0, 94, 184, 0.1)' },
            label: { show: !layout.narrow, color: SECONDARY, position: 'insideTop', fontSize: layout.font - 1 },
            data: [[{ xAxis: input.start, name: 'Ramp-up' }, { xAxis: input.fullEffect }]],
          },
          markLine: {
            silent: true, symbol: 'none', lineStyle: { color: TEXT, type: 'solid', width: 2 },
            label: { formatter: 'Start', color: TEXT, fontSize: layout.font },
            data: [{ xAxis: input.start }],
          },
        },
      ],
    };
  });
}

export type TrendChartInput = {
  label: string;
  /** The periods along the bottom, oldest first, as their axis labels. */
  periods: string[];
  /** One line per unit (a hub); null where a period has no figure (no data, attested or withheld): the line breaks there. */
  lines: { name: string; values: (number | null)[] }[];
  /** Shares at which the standard is met and partly met, drawn as dashed lines. */
  met: number;
  partly: number;
  axes: AxisTitles;
};

/** Line colours and point shapes for up to eight units, told apart by shape as well as colour. */
export const TREND_MARKS = [
  { colour: '#005eb8', symbol: 'circle' }, { colour: '#7c2855', symbol: 'rect' }, { colour: '#007f3b', symbol: 'triangle' }, { colour: '#330072', symbol: 'diamond' },
  { colour: '#425563', symbol: 'circle' }, { colour: '#8a1538', symbol: 'rect' }, { colour: '#00401e', symbol: 'triangle' }, { colour: '#003087', symbol: 'diamond' },
] as const;
export const trendMark = (i: number) => TREND_MARKS[i % TREND_MARKS.length];

/** A share over periods, one line per unit, against the met and partly-met thresholds (0 to 100%). */
export function trendChart(input: TrendChartInput): ChartSvgs {
  return both('trend', input, (layout) => ({
    grid: gridFor(layout, input.axes, layout.narrow ? 12 : 24),
    xAxis: titled({
      type: 'category', data: input.periods, boundaryGap: false,
      axisLabel: { color: SECONDARY, fontSize: layout.font, hideOverlap: true, interval: layout.narrow ? 2 : 0 },
      axisLine: { lineStyle: { color: SECONDARY } },
    }, input.axes.x, layout, 'bottom'),
    yAxis: titled({ ...valueAxis(layout), scale: false, min: 0, max: 100, interval: layout.narrow ? 25 : 20 }, input.axes.y, layout, 'top'),
    series: [
      line(input.periods.map(() => input.met), TEXT, 'dashed', 1),
      line(input.periods.map(() => input.partly), SECONDARY, 'dotted', 1),
      ...input.lines.map((l, i) => ({
        type: 'line', z: 3, connectNulls: false, showAllSymbol: true, symbol: trendMark(i).symbol, symbolSize: layout.narrow ? 6 : 8,
        data: l.values.map((v) => (v === null ? '-' : v)),
        lineStyle: { color: trendMark(i).colour, width: 2 }, itemStyle: { color: trendMark(i).colour },
      })),
    ],
  }));
}
