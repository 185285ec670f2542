/**
 * Statistical process control for one measure: the NHS "Making Data Count" XmR chart,
 * following NHS-R's NHSRplotthedots 0.2.x so that Joinery's charts and the analysts' R
 * agree point for point. Pure functions, no I/O.
 *
 * The rules, per segment (the series split at each rebase point):
 * - mean of the values; moving ranges between neighbours; when fixed after n points, both
 *   use only the segment's first n points and the limits carry forward unchanged;
 * - screening (default on): moving ranges not below 3.267 × their mean are dropped before
 *   the mean moving range is taken again;
 * - process limits mean ± 2.66 × mean moving range; the "2-sigma" lines at 2/3 of that;
 * - special cause, in precedence order: outside the limits; part of 7 points each higher
 *   (or each lower) than the one before; 2 of 3 points beyond a 2-sigma line where all three
 *   sit on the same side of the mean; part of 7 points on one side of the mean (a point on
 *   the mean breaks the run). Runs never cross a rebase.
 */

export type Improvement = 'increase' | 'decrease' | 'neutral';
export type PointType =
  | 'common_cause'
  | 'special_cause_improvement'
  | 'special_cause_concern'
  | 'special_cause_neutral_high'
  | 'special_cause_neutral_low';
export type Assurance = 'consistent_pass' | 'consistent_fail' | 'inconsistent';

export interface SpcOptions {
  improvement: Improvement;
  target?: number;
  /** Limits come from the first n points of each segment only. */
  fixAfterPoints?: number;
  /**
   * Indexes of the points that start a new segment with its own mean and limits: whole
   * numbers from 0 to values.length - 1 (a rebase at 0 changes nothing). Any other index
   * is a RangeError.
   */
  rebaseAt?: readonly number[];
  screenOutliers?: boolean;
}

export interface SpcPoint {
  value: number;
  mean: number;
  /** Null when the limits cannot be calculated (a one-point segment, or no moving range left after screening). */
  lpl: number | null;
  upl: number | null;
  type: PointType;
}

export interface SpcResult {
  points: SpcPoint[];
  /** The latest point's type: what the Making Data Count variation icon shows. */
  variation: PointType | null;
  /** Against the target, using the latest segment's limits; null without a target or for a neutral measure. */
  assurance: Assurance | null;
  warnings: string[];
}

const LIMIT = 2.66;
const NEAR_LIMIT = 2 * (LIMIT / 3); // same order of operations as the package, so the 2-sigma lines match to the bit
const SCREEN = 3.267;
const RUN = 7;
/** The package warns about trial limits for segments shorter than this (its default option is 13). */
const TRIAL_LIMIT_POINTS = 13;
/** The package refuses to fix limits on fewer points than this. */
const MIN_FIX_POINTS = 12;

/** @throws RangeError when a rebaseAt index is not a whole number from 0 to values.length - 1. */
export function spc(values: readonly number[], options: SpcOptions): SpcResult {
  const rebaseAt = options.rebaseAt ?? [];
  checkRebaseAt(values.length, rebaseAt);
  const points: SpcPoint[] = [];
  const warnings: string[] = [];
  if (values.length === 0) return { points, variation: null, assurance: null, warnings: ['There are no values to chart.'] };
  let last: Limits | undefined;
  const starts = segmentStarts(rebaseAt);
  starts.forEach((start, k) => {
    const segment = values.slice(start, starts[k + 1] ?? values.length);
    const limits = processLimits(segment, options.fixAfterPoints, options.screenOutliers ?? true);
    const types = pointTypes(segment, limits, options.improvement);
    segment.forEach((value, i) => points.push({ value, mean: limits.mean, lpl: finite(limits.lpl), upl: finite(limits.upl), type: types[i] }));
    const where = starts.length > 1 ? `The segment starting at point ${start} has` : 'The series has';
    if (segment.length < TRIAL_LIMIT_POINTS) {
      warnings.push(`${where} ${segment.length} point${segment.length === 1 ? '' : 's'}: its limits are trial limits, to be revised as points are added until there are at least ${TRIAL_LIMIT_POINTS}.`);
    }
    if (Number.isNaN(limits.upl)) warnings.push(`${where} no variation between points to set limits from, so it has no process limits.`);
    last = limits;
  });
  if (options.fixAfterPoints !== undefined && options.fixAfterPoints < MIN_FIX_POINTS) {
    warnings.push(`Limits fixed after ${options.fixAfterPoints} points: Making Data Count (and NHSRplotthedots) fix limits on at least ${MIN_FIX_POINTS}.`);
  }
  return {
    points,
    variation: points.at(-1)?.type ?? null,
    assurance: last && options.target !== undefined ? assurance(options.target, last, options.improvement) : null,
    warnings,
  };
}

export interface Limits {
  mean: number;
  lpl: number;
  upl: number;
  /** The 2-sigma lines. */
  nearLower: number;
  nearUpper: number;
}

/** Mean and limits for one segment; the limits are NaN when there is no moving range to use. */
function processLimits(segment: readonly number[], fixAfterPoints: number | undefined, screenOutliers: boolean): Limits {
  const basis = segment.slice(0, fixAfterPoints ?? segment.length);
  const mean = rMean(basis);
  const ranges = basis.slice(1).map((v, i) => Math.abs(v - basis[i]));
  let meanRange = rMean(ranges);
  if (screenOutliers) {
    const cut = SCREEN * meanRange;
    // Strictly below the cut, as the package does: a series with no variation keeps no range at all.
    meanRange = rMean(ranges.filter((r) => r < cut));
  }
  return {
    mean,
    lpl: mean - LIMIT * meanRange,
    upl: mean + LIMIT * meanRange,
    nearLower: mean - NEAR_LIMIT * meanRange,
    nearUpper: mean + NEAR_LIMIT * meanRange,
  };
}

/** Each point's type within one segment, taking the first rule that applies. */
export function pointTypes(y: readonly number[], limits: Limits, improvement: Improvement): PointType[] {
  // Comparisons with NaN limits are false, so a segment without limits has no limit-based special cause.
  const outside = y.map((v) => v > limits.upl || v < limits.lpl);
  const side = y.map((v) => Math.sign(v - limits.mean));
  const near = y.map((v, i) => !outside[i] && (v < limits.nearLower || v > limits.nearUpper));
  const trend = partOfRun(trendEnds(y));
  const direction = trendDirection(y, trend);
  const twoOfThree = twoInThree(near, side);
  const shift = partOfRun(shiftEnds(side));
  return y.map((_, i) => {
    // +1: the special cause points upwards; -1: downwards; 0: common cause
    let up = 0;
    if (outside[i]) up = side[i] === 1 ? 1 : -1;
    else if (trend[i]) up = direction[i] === 1 ? 1 : -1;
    else if (twoOfThree[i] || shift[i]) up = side[i] > 0 ? 1 : -1;
    return typeFor(up, improvement);
  });
}

function typeFor(up: number, improvement: Improvement): PointType {
  if (up === 0) return 'common_cause';
  if (improvement === 'neutral') return up > 0 ? 'special_cause_neutral_high' : 'special_cause_neutral_low';
  return up === (improvement === 'increase' ? 1 : -1) ? 'special_cause_improvement' : 'special_cause_concern';
}

/** +1 / -1 at the last of 7 points each strictly higher / lower than the one before; equal neighbours break a trend. */
export function trendEnds(y: readonly number[]): number[] {
  return y.map((_, i) => {
    if (i < RUN - 1) return 0;
    const steps = y.slice(i - RUN + 1, i + 1).slice(1).map((v, k) => Math.sign(v - y[i - RUN + 1 + k]));
    if (steps.every((s) => s === 1)) return 1;
    if (steps.every((s) => s === -1)) return -1;
    return 0;
  });
}

/** +1 / -1 at the last of 7 points all above / all below the mean; a point on the mean (side 0) breaks the run. */
function shiftEnds(side: readonly number[]): number[] {
  return side.map((s, i) => (i >= RUN - 1 && s !== 0 && side.slice(i - RUN + 1, i).every((t) => t === s) ? s : 0));
}

/** A point belongs to a run when a run of 7 ends at it or at one of the next 6 points. */
export function partOfRun(ends: readonly number[]): boolean[] {
  return ends.map((_, i) => ends.slice(i, i + RUN).some((e) => e !== 0));
}

/**
 * Which way a trend point is heading. A point inside a trend looks at the step after it,
 * the last point of a trend at the step before it: so a point where a rise turns into a
 * fall is coloured with the trend that continues from it (the package's fix for its issue #171).
 */
export function trendDirection(y: readonly number[], inTrend: readonly boolean[]): number[] {
  return y.map((v, i) => (inTrend[i] && inTrend[i + 1] ? Math.sign(y[i + 1] - v) : i > 0 ? Math.sign(v - y[i - 1]) : 0));
}

/**
 * Points beyond a 2-sigma line that are in some run of 3 consecutive points with at least 2
 * beyond a 2-sigma line and all 3 on the same side of the mean. Only the points beyond the
 * line are flagged, not the third point between them.
 */
export function twoInThree(near: readonly boolean[], side: readonly number[]): boolean[] {
  const qualifies = (from: number) => {
    if (from < 0 || from + 3 > near.length) return false;
    const window = [from, from + 1, from + 2];
    return window.filter((k) => near[k]).length >= 2 && Math.abs(window.reduce((sum, k) => sum + side[k], 0)) === 3;
  };
  return near.map((isNear, i) => isNear && (qualifies(i - 2) || qualifies(i - 1) || qualifies(i)));
}

/** Against the latest limits: a target beyond them is met always or never; between them, sometimes. */
export function assurance(target: number, limits: Pick<Limits, 'lpl' | 'upl'>, improvement: Improvement): Assurance | null {
  if (improvement === 'neutral') return null;
  const higherIsBetter = improvement === 'increase';
  if (target > limits.upl) return higherIsBetter ? 'consistent_fail' : 'consistent_pass';
  if (target < limits.lpl) return higherIsBetter ? 'consistent_pass' : 'consistent_fail';
  return 'inconsistent';
}

/**
 * Every rebase index must name a point: the one check, so callers (the CLI among them)
 * report the library's message rather than keeping their own copy of the rule. One line
 * per bad index.
 */
function checkRebaseAt(length: number, rebaseAt: readonly number[]): void {
  const problems = rebaseAt.flatMap((i) => {
    if (!Number.isInteger(i)) return [`rebaseAt ${i} is not a whole number: each rebaseAt is a point's index, from 0`];
    if (i < 0 || i >= length) {
      return [`rebaseAt ${i} is out of range: ${length === 0 ? 'there are no points' : `indexes run from 0 to ${length - 1}`}`];
    }
    return [];
  });
  if (problems.length) throw new RangeError(problems.join('\n'));
}

/** The first point and each rebase point, in order; a rebase at point 0 changes nothing. The indexes are already checked. */
function segmentStarts(rebaseAt: readonly number[]): number[] {
  return [...new Set([0, ...rebaseAt])].sort((a, b) => a - b);
}

/**
 * The mean as R computes it: the sum divided by n, then corrected by the mean of the
 * residuals. R sums in extended precision; a compensated sum gets the same double in
 * practice, so limits that land near a value fall on the same side as in R. NaN when empty.
 */
function rMean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const first = accurateSum(xs) / xs.length;
  return first + accurateSum(xs.map((x) => x - first)) / xs.length;
}

function accurateSum(xs: readonly number[]): number {
  let sum = 0;
  let lost = 0;
  for (const x of xs) {
    const t = sum + x;
    lost += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + lost;
}

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);
