/**
 * What the evaluation engines take and give back. Both methods answer the
 * same question, "by how much did the model change the indicator?", as a
 * relative effect (−0.15 = 15% fewer) with a 95% confidence interval, and say
 * in plain words what could make that answer wrong.
 */

/** One month of an indicator: events (numerator) over the population (denominator). */
export type MonthCount = { month: string; numerator: number; denominator: number };

/** Before the model started, in its ramp-up (left out of every fit), or at full effect. */
export type Period = 'pre' | 'ramp' | 'post';

/** A relative change (−0.15 = 15% lower) with its 95% confidence interval. */
export type Relative = { effect: number; ci95: [number, number] };
/** A ratio (1.2 = 20% higher) with its 95% confidence interval. */
export type Ratio = { ratio: number; ci95: [number, number] };

/**
 * How well the model describes the data: the error over the months before the
 * start (if it fits them badly, its counterfactual is doubtful), and the
 * dispersion and autocorrelation of the whole fit, which widen the interval.
 */
export type PrePeriodFit = {
  /** Mean of |observed − fitted| / observed over the pre-period months with events (0.08 = 8%). Null without such months. */
  meanAbsolutePercentageError: number | null;
  /** Pearson χ² / residual degrees of freedom: about 1 when the counts vary as chance alone makes them. */
  dispersion: number;
  /** Lag-1 autocorrelation of the Pearson residuals, corrected for the bias fitting gives them (neighbouring months alike when positive). */
  lagOneAutocorrelation: number;
  /** How much of a month's variation beyond chance carries into the next (φ of an AR(1), 0 to 0.9): what the interval allows for. */
  persistence: number;
  /** Terms in the model and the degrees of freedom left for the error. */
  parameters: number;
  residualDf: number;
};

export type ItsPoint = MonthCount & {
  period: Period;
  /** The model's expected events that month (null in the ramp-up, which is not modelled). */
  expected: number | null;
  /** Expected events had the model never started: the pre-period trend and seasons carried on. */
  counterfactual: number;
};

export type ItsDetails = {
  /** The model in plain words, including which months were left out. */
  description: string;
  /** The level change at full effect on the log scale, its standard error (after widening) and degrees of freedom. */
  logEffect: number;
  standardError: number;
  degreesOfFreedom: number;
  /** Relative change in the trend per year after the ramp-up (0 = the trend carried on as before); null when too few months to estimate it. */
  slopeChangePerYear: Relative | null;
  /** The pre-period trend, as a relative change per year. */
  trendPerYear: Relative;
  /** 12-month sine and cosine pairs fitted for the seasons. */
  harmonics: number;
  /** Factors the Poisson standard errors were multiplied by: √dispersion (quasi-Poisson) and for autocorrelation. */
  dispersionFactor: number;
  autocorrelationFactor: number;
  firstFullEffectMonth: string;
  series: ItsPoint[];
};

export type DidPoint = {
  month: string;
  period: Period;
  treated: { numerator: number; denominator: number };
  comparators: { numerator: number; denominator: number };
};

export type DidDetails = {
  description: string;
  logEffect: number;
  standardError: number;
  degreesOfFreedom: number;
  /** Treated clusters' pre-period rate ÷ the comparators'. */
  /** Where the interval's width came from: month-to-month variation within clusters, or how much the clusters' changes vary. */
  interval: 'within-clusters' | 'between-clusters';
  /** Pearson dispersion of the clusters' before-to-after changes (null with fewer than 4 clusters). */
  clusterChangeDispersion: number | null;
  preRateRatio: Ratio;
  /** How much faster (per year, relative) the treated clusters' rate was changing than the comparators' before the start; null with too few months. */
  preTrendDifferencePerYear: (Relative & { p: number }) | null;
  treatedClusters: number;
  comparatorClusters: number;
  /** Clusters left out because they had no events or no population in the months fitted. */
  droppedClusters: string[];
  dispersionFactor: number;
  autocorrelationFactor: number;
  firstFullEffectMonth: string;
  series: DidPoint[];
};

type Common = {
  /** Relative effect at full effect: −0.15 = 15% fewer than without the model. */
  effect: number;
  ci95: [number, number];
  preMonths: number;
  postMonths: number;
  /** Ramp-up months, left out of the fit. */
  excludedMonths: number;
  fit: PrePeriodFit;
  caveats: string[];
};

export type ItsResult = Common & { method: 'its'; details: ItsDetails };
export type DidResult = Common & { method: 'did'; details: DidDetails };
export type EngineResult = ItsResult | DidResult;
export type Method = EngineResult['method'];
export const METHODS: readonly Method[] = ['its', 'did'];
