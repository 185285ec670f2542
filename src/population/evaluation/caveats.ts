/**
 * The plain-words warnings both evaluations give, and the thresholds behind
 * them. Each says what was seen and why it matters for the answer.
 */
import { chiSquareSurvival, normalCdf } from './distributions.js';
import type { PrePeriodFit, Ratio, Relative } from './result.js';

/** Fewer months than these and the trend, the seasons or the effect are poorly pinned down. */
export const MIN_PRE_MONTHS = 24;
export const MIN_POST_MONTHS = 12;
/** Average events a month (treated clusters together) below which an estimate is at the mercy of a few events. */
export const SMALL_COUNT = 20;
/** Fewer treated or comparator clusters than this, and cluster differences can pass for an effect. */
export const FEW_CLUSTERS = 3;
/** Treated clusters' pre-period rate this much above the comparators' suggests they may have been picked for high values. */
export const HIGH_BEFORE_RATIO = 1.1;

const pct = (x: number) => `${Math.round(Math.abs(x) * 100)}%`;
const fixed = (x: number, digits = 2) => x.toFixed(digits);

export function shortSeries(preMonths: number, postMonths: number): string[] {
  const out: string[] = [];
  if (preMonths < MIN_PRE_MONTHS) {
    out.push(`Only ${preMonths} month${preMonths === 1 ? '' : 's'} before the start: with fewer than ${MIN_PRE_MONTHS} the trend and the seasonal pattern ` +
      'that the comparison rests on are uncertain.');
  }
  if (postMonths < MIN_POST_MONTHS) {
    out.push(`Only ${postMonths} month${postMonths === 1 ? '' : 's'} at full effect: with fewer than ${MIN_POST_MONTHS} an effect is hard to tell ` +
      'apart from a seasonal swing or a passing change, and it is too early to judge whether it lasts.');
  }
  return out;
}

/** Dispersion below which widening the interval (by under 5%) is not worth a warning, however significant. */
const MATERIAL_DISPERSION = 1.1;

/** Counts more variable than Poisson: judged by the Pearson χ² test at the 5% level, and enough to matter. */
export function overdispersion(fit: PrePeriodFit, chiSquare: number): string[] {
  if (fit.dispersion <= MATERIAL_DISPERSION || chiSquareSurvival(chiSquare, fit.residualDf) >= 0.05) return [];
  return [`The monthly counts vary more than chance alone would make them (dispersion ${fixed(fit.dispersion)}): the interval has been ` +
    `widened by ${fixed(Math.sqrt(fit.dispersion))}× to allow for it, but something unmodelled is moving the counts.`];
}

/** Positive lag-1 autocorrelation beyond what chance gives (one-sided 2.5% level, ±1.96/√pairs). */
export function autocorrelation(rho: number, pairs: number, factor: number): string[] {
  if (pairs < 3 || rho * Math.sqrt(pairs) < 1.96) return [];
  return [`Neighbouring months are alike (lag-1 autocorrelation ${fixed(rho)}): the interval has been widened ${fixed(factor)}× to allow ` +
    'for it, but with a short series the uncertainty may still be understated.'];
}

export function smallCounts(meanPerMonth: number): string[] {
  if (meanPerMonth >= SMALL_COUNT) return [];
  return [`Small counts (about ${Math.round(meanPerMonth)} events a month in the clusters with the model): the estimate is imprecise ` +
    'and a few unusual months can move it.'];
}

/**
 * Regression to the mean: clusters often get a new service because their
 * rates were high, and high rates tend to fall back on their own. We cannot
 * know why clusters were chosen, so say when they started well above the rest.
 */
export function highBefore(ratio: Ratio): string[] {
  if (ratio.ratio < HIGH_BEFORE_RATIO || ratio.ci95[0] <= 1) return [];
  return [`Before the start, the rate in the clusters with the model was ${pct(ratio.ratio - 1)} above the other clusters'. If they were chosen ` +
    'because their rates were high, part of any fall may be regression to the mean (high values drifting back), not the model.'];
}

/** The months just before the start stood above the fitted trend: a fall afterwards may partly be a return to usual levels. */
export function peakBeforeStart(meanResidual: number, months: number, dispersion: number): string[] {
  const z = (meanResidual * Math.sqrt(months)) / Math.sqrt(Math.max(dispersion, 1));
  if (normalCdf(-z) >= 0.025) return [];
  return [`The ${months} months before the start were above the pre-period trend: if the model was started in response to a rise, ` +
    'part of any fall afterwards may be regression to the mean, not the model.'];
}

export function fewClusters(treated: number, comparators: number): string[] {
  const out: string[] = [];
  if (treated < FEW_CLUSTERS) {
    out.push(`Only ${treated} cluster${treated === 1 ? ' has' : 's have'} the model: differences between clusters that have nothing to do ` +
      'with it can look like an effect, and the interval may be too narrow.');
  }
  if (comparators < FEW_CLUSTERS) {
    out.push(`Only ${comparators} comparison cluster${comparators === 1 ? '' : 's'}: the comparison may not represent what would have ` +
      'happened without the model.');
  }
  return out;
}

export function divergingTrends(difference: Relative & { p: number }): string[] {
  if (difference.p >= 0.05) return [];
  const way = difference.effect < 0 ? 'falling' : 'rising';
  return [`Before the start, the rate in the clusters with the model was already ${way} by about ${pct(difference.effect)} a year ` +
    'relative to the others (p = ' + difference.p.toFixed(3) + '): the groups were not moving in parallel, so the difference-in-differences ' +
    'estimate may be biased.'];
}

/** Clusters' changes from before to after vary more than Poisson counts would (χ² test at 5%). */
export function unevenChanges(dispersion: number, chiSquare: number, df: number): string[] {
  if (dispersion <= MATERIAL_DISPERSION || chiSquareSurvival(chiSquare, df) >= 0.05) return [];
  return [`The clusters changed by different amounts from before to after, more than chance explains (dispersion ${fixed(dispersion)} ` +
    'between clusters): the interval allows for this, so it is wider, and the effect may differ from cluster to cluster.'];
}
