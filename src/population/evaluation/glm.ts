/**
 * Weighted least squares and the Poisson log-linear model (fitted by
 * iteratively reweighted least squares, with an offset for the population),
 * plus the quasi-Poisson dispersion and the residual autocorrelation the
 * evaluations use to widen their intervals. Pure functions, no I/O.
 *
 * Designs are given row by row as their non-zero entries, so a model with a
 * fixed effect for every cluster and every month (difference-in-differences)
 * costs only a few operations a row rather than a dense matrix.
 */
import { cholesky, choleskyInverse, choleskySolve } from './linear-algebra.js';
import { studentTQuantile } from './distributions.js';

/** One row of a design matrix: the columns holding non-zero entries, and those entries. */
export type DesignRow = { cols: readonly number[]; vals: readonly number[] };
export type Design = { columns: number; rows: readonly DesignRow[] };

/** A design from an ordinary (dense) matrix, one array per row. */
export function denseDesign(matrix: readonly (readonly number[])[]): Design {
  const columns = matrix[0]?.length ?? 0;
  return {
    columns,
    rows: matrix.map((r) => {
      if (r.length !== columns) throw new RangeError('every row of the design must have the same number of columns');
      const cols: number[] = [];
      const vals: number[] = [];
      r.forEach((v, j) => {
        if (v !== 0) {
          cols.push(j);
          vals.push(v);
        }
      });
      return { cols, vals };
    }),
  };
}

/** Xβ for every row. */
export function predict(design: Design, beta: ArrayLike<number>): Float64Array {
  const out = new Float64Array(design.rows.length);
  design.rows.forEach((r, i) => {
    let s = 0;
    for (let k = 0; k < r.cols.length; k++) s += r.vals[k] * beta[r.cols[k]];
    out[i] = s;
  });
  return out;
}

/** XᵀWX and XᵀWz, accumulated row by row from the non-zero entries. */
function normalEquations(design: Design, w: ArrayLike<number>, z: ArrayLike<number>): { xtwx: Float64Array; xtwz: Float64Array } {
  const p = design.columns;
  const xtwx = new Float64Array(p * p);
  const xtwz = new Float64Array(p);
  design.rows.forEach((r, i) => {
    const wi = w[i];
    if (wi === 0) return;
    for (let a = 0; a < r.cols.length; a++) {
      const ca = r.cols[a];
      const wa = wi * r.vals[a];
      xtwz[ca] += wa * z[i];
      for (let b = 0; b <= a; b++) xtwx[ca * p + r.cols[b]] += wa * r.vals[b];
    }
  });
  // Rows may list columns in any order: fold both triangles into a symmetric matrix.
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) {
      const s = xtwx[i * p + j] + xtwx[j * p + i];
      xtwx[i * p + j] = s;
      xtwx[j * p + i] = s;
    }
  }
  return { xtwx, xtwz };
}

export type LeastSquaresFit = {
  coefficients: Float64Array;
  /** (XᵀWX)⁻¹, row-major p × p: the coefficients' covariance when the weights are 1 / variance. */
  unscaledCovariance: Float64Array;
  fitted: Float64Array;
  /** Σ wᵢ(yᵢ − ŷᵢ)². */
  weightedRss: number;
  residualDf: number;
};

/** Weighted least squares: the β minimising Σ wᵢ(yᵢ − xᵢβ)². */
export function weightedLeastSquares(design: Design, y: ArrayLike<number>, weights?: ArrayLike<number>): LeastSquaresFit {
  const n = design.rows.length;
  const p = design.columns;
  if (y.length !== n || (weights && weights.length !== n)) throw new RangeError('the design, outcome and weights must have the same number of rows');
  const w = weights ?? new Float64Array(n).fill(1);
  const { xtwx, xtwz } = normalEquations(design, w, y);
  const l = cholesky(xtwx, p);
  const coefficients = choleskySolve(l, p, xtwz);
  const fitted = predict(design, coefficients);
  let weightedRss = 0;
  for (let i = 0; i < n; i++) weightedRss += w[i] * (y[i] - fitted[i]) ** 2;
  return { coefficients, unscaledCovariance: choleskyInverse(l, p), fitted, weightedRss, residualDf: n - p };
}

export type PoissonFit = {
  coefficients: Float64Array;
  /** (XᵀWX)⁻¹ at the estimate: the covariance of the coefficients if the counts were exactly Poisson. */
  unscaledCovariance: Float64Array;
  /** Expected counts μ. */
  fitted: Float64Array;
  /** (y − μ) / √μ. */
  pearsonResiduals: Float64Array;
  pearsonChiSquare: number;
  deviance: number;
  residualDf: number;
  /** Pearson χ² / residual df: 1 for Poisson counts, more when they vary more than chance (quasi-Poisson). */
  dispersion: number;
  iterations: number;
};

function poissonDeviance(y: ArrayLike<number>, mu: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) d += 2 * ((y[i] > 0 ? y[i] * Math.log(y[i] / mu[i]) : 0) - (y[i] - mu[i]));
  return d;
}

/**
 * The Poisson log-linear model log μᵢ = offsetᵢ + xᵢβ by maximum likelihood,
 * through iteratively reweighted least squares (working response
 * η − offset + (y − μ)/μ, weights μ), halving a step that makes the deviance
 * worse. Starts from μ = y + 0.1 as R's glm does.
 */
export function poissonGlm(design: Design, counts: ArrayLike<number>, offset?: ArrayLike<number>, opts: { maxIterations?: number; tolerance?: number } = {}): PoissonFit {
  const n = design.rows.length;
  const p = design.columns;
  if (counts.length !== n || (offset && offset.length !== n)) throw new RangeError('the design, counts and offset must have the same number of rows');
  for (let i = 0; i < n; i++) {
    if (!(counts[i] >= 0) || !Number.isFinite(counts[i])) throw new RangeError(`counts must be finite and not negative (row ${i} is ${counts[i]})`);
    if (offset && !Number.isFinite(offset[i])) throw new RangeError(`the offset must be finite (row ${i} is ${offset[i]}): is a denominator zero?`);
  }
  if (n <= p) throw new RangeError(`the model has ${p} terms but only ${n} data points: it needs more data than terms`);
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 1e-10;
  const off = offset ?? new Float64Array(n);
  let mu: Float64Array = Float64Array.from({ length: n }, (_, i) => counts[i] + 0.1);
  let eta: Float64Array = mu.map(Math.log);
  let beta: Float64Array | null = null;
  let deviance = Infinity;
  let iterations = 0;
  let converged = false;
  const z = new Float64Array(n);
  while (iterations < maxIterations && !converged) {
    iterations++;
    for (let i = 0; i < n; i++) z[i] = eta[i] - off[i] + (counts[i] - mu[i]) / mu[i];
    const { xtwx, xtwz } = normalEquations(design, mu, z);
    let next = choleskySolve(cholesky(xtwx, p), p, xtwz);
    let nextEta = addOffset(predict(design, next), off);
    let nextMu = nextEta.map(Math.exp);
    let nextDeviance = poissonDeviance(counts, nextMu);
    for (let half = 0; beta && !(nextDeviance <= deviance * (1 + 1e-12) + 1e-12) && half < 30; half++) {
      const previous = beta;
      next = next.map((b, j) => (b + previous[j]) / 2);
      nextEta = addOffset(predict(design, next), off);
      nextMu = nextEta.map(Math.exp);
      nextDeviance = poissonDeviance(counts, nextMu);
    }
    converged = beta !== null && Math.abs(nextDeviance - deviance) / (Math.abs(nextDeviance) + 0.1) < tolerance;
    beta = next;
    eta = nextEta;
    mu = nextMu;
    deviance = nextDeviance;
  }
  if (!beta || !converged) throw new RangeError(`the Poisson model did not converge in ${maxIterations} iterations: a term may have only zero counts`);
  const { xtwx } = normalEquations(design, mu, z);
  const pearsonResiduals = new Float64Array(n);
  let pearsonChiSquare = 0;
  for (let i = 0; i < n; i++) {
    pearsonResiduals[i] = (counts[i] - mu[i]) / Math.sqrt(mu[i]);
    pearsonChiSquare += pearsonResiduals[i] ** 2;
  }
  const residualDf = n - p;
  return {
    coefficients: beta, unscaledCovariance: choleskyInverse(cholesky(xtwx, p), p), fitted: mu, pearsonResiduals,
    pearsonChiSquare, deviance, residualDf, dispersion: pearsonChiSquare / residualDf, iterations,
  };
}

function addOffset(eta: Float64Array, offset: ArrayLike<number>): Float64Array {
  for (let i = 0; i < eta.length; i++) eta[i] += offset[i];
  return eta;
}

/** Pairs of rows one month apart in the same series (a gap, such as the excluded ramp-up, breaks the pairing). */
export function neighbouringPairs(months: ArrayLike<number>, series?: ArrayLike<number | string>): [number, number][] {
  const index = new Map<number | string, Map<number, number>>();
  for (let i = 0; i < months.length; i++) {
    const key = series ? series[i] : 0;
    let rows = index.get(key);
    if (!rows) index.set(key, (rows = new Map()));
    rows.set(months[i], i);
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < months.length; i++) {
    const j = index.get(series ? series[i] : 0)!.get(months[i] + 1);
    if (j !== undefined) pairs.push([i, j]);
  }
  return pairs;
}

export type Autocorrelation = {
  /** Lag-1 autocorrelation corrected for the bias that fitting gives residuals (about 0 when months are independent). */
  rho: number;
  /** As measured, before the correction. */
  raw: number;
  pairs: number;
};

/**
 * Lag-1 autocorrelation of a Poisson fit's Pearson residuals, from
 * neighbouring months within each series. Residuals of a fitted model are
 * negatively correlated even when the months are independent (r ≈ (I − H)ε,
 * H the hat matrix), by about −p/n: −0.14 for an interrupted time series of
 * 48 months and 8 terms, enough to hide real autocorrelation. So the
 * expectation under independence, −Σ h(t, t+1) / (n − p), is subtracted.
 */
export function residualAutocorrelation(design: Design, fit: PoissonFit, months: ArrayLike<number>, series?: ArrayLike<number | string>): Autocorrelation {
  const pairs = neighbouringPairs(months, series);
  const r = fit.pearsonResiduals;
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < r.length; i++) denominator += r[i] * r[i];
  for (const [i, j] of pairs) numerator += r[i] * r[j];
  const raw = denominator > 0 ? numerator / denominator : 0;
  const p = design.columns;
  let hat = 0;
  for (const [i, j] of pairs) {
    const a = design.rows[i];
    const b = design.rows[j];
    let v = 0;
    for (let x = 0; x < a.cols.length; x++) {
      for (let y = 0; y < b.cols.length; y++) v += a.vals[x] * fit.unscaledCovariance[a.cols[x] * p + b.cols[y]] * b.vals[y];
    }
    hat += Math.sqrt(fit.fitted[i] * fit.fitted[j]) * v;
  }
  return { rho: raw + hat / fit.residualDf, raw, pairs: pairs.length };
}

/**
 * How much to widen a standard error for positive lag-1 autocorrelation ρ:
 * √((1 + ρ)/(1 − ρ)), the ratio of an AR(1) process's long-run standard
 * deviation to its marginal one. That is exact for a mean over a long run of
 * months and an overstatement for shorter runs, so it errs on the side of
 * wider intervals. Negative ρ (usually noise, or an artefact of fitting) is
 * never used to narrow an interval.
 */
export function autocorrelationInflation(rho: number): number {
  const r = Math.min(Math.max(rho, 0), 0.9);
  return Math.sqrt((1 + r) / (1 - r));
}

export type Estimate = { estimate: number; se: number; ci95: [number, number] };

/** A coefficient with its standard error and 95% interval from the t distribution with df degrees of freedom. */
export function tInterval(estimate: number, se: number, df: number): Estimate {
  const t = studentTQuantile(0.975, Math.max(df, 1));
  return { estimate, se, ci95: [estimate - t * se, estimate + t * se] };
}
