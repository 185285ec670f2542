/**
 * Interrupted time series: segmented Poisson regression on the monthly
 * events of the clusters with the model (summed), with their population as
 * the offset:
 *
 *   log E[events] = log(population) + β₀ + β₁·years + seasons
 *                   + β₂·[full effect] + β₃·[full effect]·(years since full effect)
 *
 * β₂ is the level change when the model reaches full effect and β₃ the
 * change in trend after it; the relative effect is exp(β₂) − 1. The
 * ramp-up months (from the start to start + ramp) are left out, because the
 * effect is still growing then and a step would misdescribe them.
 *
 * Intervals: the months are taken to vary as Poisson counts plus a rate
 * that wanders from month to month (AR(1)); its size and persistence are
 * estimated from this series by a method of moments that allows for what the
 * trend and seasons absorb, the standard error is the sandwich under that
 * covariance, and the t quantile takes Satterthwaite's degrees of freedom
 * (serial-correlation.ts, decision record 0033). With no persistence this is
 * the quasi-Poisson interval. The simulation (autocorrelated-coverage.test.ts)
 * holds 95% ± 2 at AR(1) sd 5% with persistence 0.5 and 0; the lag-1
 * widening used before covered 90.5% there. Newey–West was tried and
 * rejected: with ~50 months and 8 terms it is biased low (86–87%).
 */
import { denseDesign, poissonGlm, predict, tInterval } from './glm.js';
import { seriesStandardError } from './serial-correlation.js';
import { autocorrelation, highBefore, overdispersion, peakBeforeStart, shortSeries, smallCounts } from './caveats.js';
import { calendarMonth, monthDate, monthIndex, monthWords } from './months.js';
import type { ItsPoint, ItsResult, MonthCount, Period, Relative } from './result.js';
import { prepare, rateRatio } from './monthly-counts.js';

export type ItsInput = {
  /** The clusters with the model, their events and population summed month by month. */
  series: readonly MonthCount[];
  /** The month the model started (YYYY-MM or its first day). */
  start: string;
  /** Months from the start to full effect; these are left out of the fit. */
  rampMonths: number;
  /** The other clusters summed, used only to say whether the treated ones started unusually high. */
  comparators?: readonly MonthCount[];
  /** 12-month harmonic pairs for the seasons; default 2 with 24 or more months before the start, 1 with 12, else none. */
  harmonics?: number;
};

/** Months just before the start checked for a peak (regression to the mean). */
const PEAK_MONTHS = 6;
/** Fewest months at full effect to estimate a change of trend as well as of level. */
const MIN_POST_FOR_SLOPE = 6;

export function interruptedTimeSeries(input: ItsInput): ItsResult {
  const { points, dropped, start, full } = prepare(input.series, input.start, input.rampMonths);
  const period = (i: number): Period => (i < start ? 'pre' : i < full ? 'ramp' : 'post');
  const fitted = points.filter((p) => period(p.index) !== 'ramp');
  const pre = fitted.filter((p) => p.index < start);
  const post = fitted.filter((p) => p.index >= full);
  const excludedMonths = points.length - fitted.length;
  if (post.length === 0) {
    throw new RangeError(`No months at full effect to evaluate: the model started in ${monthWords(start)} with ${input.rampMonths} months' ramp-up, ` +
      `so full effect begins in ${monthWords(full)}, and there is no data from then.`);
  }
  if (pre.length < 3) throw new RangeError(`An interrupted time series needs at least 3 months before the start (${monthWords(start)}); there ${pre.length === 1 ? 'is' : 'are'} ${pre.length}.`);
  if (pre.every((p) => p.numerator === 0) || post.every((p) => p.numerator === 0)) {
    throw new RangeError('There are no events at all before the start or none after it: a relative effect cannot be estimated from zero counts.');
  }

  const harmonics = input.harmonics ?? (pre.length >= 24 ? 2 : pre.length >= 12 ? 1 : 0);
  const withSlope = post.length >= MIN_POST_FOR_SLOPE;
  const row = (index: number, effectOn: boolean): number[] => {
    const years = (index - start) / 12;
    const r = [1, years];
    const angle = (2 * Math.PI * (calendarMonth(index) - 1)) / 12;
    for (let k = 1; k <= harmonics; k++) r.push(Math.cos(k * angle), Math.sin(k * angle));
    const on = effectOn && index >= full;
    r.push(on ? 1 : 0);
    if (withSlope) r.push(on ? (index - full) / 12 : 0);
    return r;
  };
  const design = denseDesign(fitted.map((p) => row(p.index, true)));
  const level = 2 + 2 * harmonics;
  if (fitted.length <= design.columns + 1) {
    throw new RangeError(`Too few months to fit the model: ${fitted.length} months for ${design.columns} terms.`);
  }
  const glm = poissonGlm(design, fitted.map((p) => p.numerator), fitted.map((p) => Math.log(p.denominator)));

  const monthsFitted = fitted.map((p) => p.index);
  const errors = new Map(seriesStandardError(design, glm, monthsFitted, [...Array(design.columns).keys()])
    .map((e, j) => [j, e]));
  const { variation, factor: autocorrelationFactor, df: levelDf } = errors.get(level)!;
  const { lagOne: rho, pairs } = variation;
  const dispersionFactor = Math.sqrt(glm.dispersion);
  const se = (j: number) => errors.get(j)!.se;
  const df = (j: number) => errors.get(j)!.df;
  const relative = (j: number): Relative => {
    const e = tInterval(glm.coefficients[j], se(j), df(j));
    return { effect: Math.expm1(e.estimate), ci95: [Math.expm1(e.ci95[0]), Math.expm1(e.ci95[1])] };
  };
  const levelEstimate = tInterval(glm.coefficients[level], se(level), levelDf);

  // Expected events with and without the model, month by month, for the chart and the fit.
  const counterfactualEta = predict(denseDesign(points.map((p) => row(p.index, false))), glm.coefficients);
  const expected = new Map(fitted.map((p, i) => [p.index, glm.fitted[i]]));
  const series: ItsPoint[] = points.map((p, i) => ({
    month: monthDate(p.index), numerator: p.numerator, denominator: p.denominator, period: period(p.index),
    expected: expected.get(p.index) ?? null, counterfactual: Math.exp(counterfactualEta[i]) * p.denominator,
  }));
  const preFitted = pre.map((p) => expected.get(p.index)!);
  const withEvents = pre.map((p, i) => [p.numerator, preFitted[i]]).filter(([y]) => y > 0);
  const fit = {
    meanAbsolutePercentageError: withEvents.length ? withEvents.reduce((s, [y, mu]) => s + Math.abs(y - mu) / y, 0) / withEvents.length : null,
    dispersion: glm.dispersion,
    lagOneAutocorrelation: rho,
    persistence: variation.persistence,
    parameters: design.columns,
    residualDf: glm.residualDf,
  };

  const lastPre = pre.slice(-PEAK_MONTHS);
  const lastPreResiduals = lastPre.map((p) => glm.pearsonResiduals[fitted.indexOf(p)]);
  const caveats = [
    ...shortSeries(pre.length, post.length),
    ...(dropped ? [`${dropped} month${dropped === 1 ? '' : 's'} with no population recorded ${dropped === 1 ? 'was' : 'were'} left out.`] : []),
    ...(harmonics === 0 ? ['Too few months before the start to model the seasons: a seasonal swing may be mistaken for an effect.'] : []),
    ...overdispersion(fit, glm.pearsonChiSquare),
    ...autocorrelation(rho, pairs, autocorrelationFactor),
    ...smallCounts(fitted.reduce((s, p) => s + p.numerator, 0) / fitted.length),
    ...(lastPre.length >= 3 ? peakBeforeStart(lastPreResiduals.reduce((a, b) => a + b, 0) / lastPre.length, lastPre.length, glm.dispersion) : []),
    ...(input.comparators?.length ? highBeforeComparators(pre, input.comparators, start) : []),
    'An interrupted time series has no comparison group: anything else that changed at the same time (another service, how activity is ' +
      'recorded, an epidemic) would show up as the model\'s effect.',
  ];

  return {
    method: 'its',
    effect: Math.expm1(levelEstimate.estimate),
    ci95: [Math.expm1(levelEstimate.ci95[0]), Math.expm1(levelEstimate.ci95[1])],
    preMonths: pre.length,
    postMonths: post.length,
    excludedMonths,
    fit,
    details: {
      description: `Segmented Poisson regression of the monthly events in the clusters with the model, with their population as the offset: ` +
        `a trend, ${harmonics ? `${harmonics} seasonal (12-month) harmonic pair${harmonics > 1 ? 's' : ''}` : 'no seasonal terms'}, and a change of level` +
        `${withSlope ? ' and of trend' : ''} from ${monthWords(full)}, when the model reached full effect. ` +
        (excludedMonths ? `The ${excludedMonths} ramp-up month${excludedMonths === 1 ? '' : 's'} from ${monthWords(start)} ${excludedMonths === 1 ? 'is' : 'are'} left out of the fit. ` : '') +
        'Intervals are quasi-Poisson, widened for autocorrelation between neighbouring months.',
      logEffect: levelEstimate.estimate,
      standardError: levelEstimate.se,
      degreesOfFreedom: levelDf,
      slopeChangePerYear: withSlope ? relative(level + 1) : null,
      trendPerYear: relative(1),
      harmonics,
      dispersionFactor,
      autocorrelationFactor,
      firstFullEffectMonth: monthDate(full),
      series,
    },
    caveats,
  };
}

function highBeforeComparators(pre: readonly { index: number; numerator: number; denominator: number }[], comparators: readonly MonthCount[], start: number): string[] {
  const theirs = comparators.filter((c) => monthIndex(c.month) < start);
  const treated = { numerator: pre.reduce((s, p) => s + p.numerator, 0), denominator: pre.reduce((s, p) => s + p.denominator, 0) };
  const other = { numerator: theirs.reduce((s, p) => s + p.numerator, 0), denominator: theirs.reduce((s, p) => s + p.denominator, 0) };
  if (!(other.numerator > 0 && other.denominator > 0 && treated.numerator > 0)) return [];
  return highBefore(rateRatio(treated, other, 1));
}
