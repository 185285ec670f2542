/**
 * Standard errors that stay honest when months are alike: a month's count
 * varies as a Poisson count (independent month to month) plus, often, a
 * variation of the rate that persists from one month to the next (staffing,
 * an outbreak, a winter that lasts). That second part is modelled as AR(1):
 * its covariance at a lag of k months is γ₁·φ^(k−1), where γ₁ is the
 * lag-1 autocovariance of the Pearson residuals and φ the persistence.
 *
 * Because the Poisson part is known to have variance 1 on the Pearson scale,
 * the persistent part's variance is what the dispersion adds beyond it
 * (dispersion − 1), and its persistence is γ₁ / (dispersion − 1). This is why
 * a lag-1 widening alone falls short: the Poisson noise dilutes the lag-1
 * autocorrelation of the residuals (0.25 when the two parts are equal and
 * φ is 0.5) while the persistent part still lasts at φ.
 *
 * The coefficient's variance is then the sandwich
 *   (XᵀWX)⁻¹ Xᵀ W^½ Σ W^½ X (XᵀWX)⁻¹,
 * with Σ the Pearson residuals' covariance above (dispersion on the
 * diagonal), never smaller than the quasi-Poisson variance. Newey–West
 * (weights falling with the lag, estimated autocovariances) was tried first
 * and is biased low with ~50 months; this parametric form estimates only
 * two numbers (γ₁ and φ) and so holds up in short series.
 */
import type { Design, PoissonFit } from './glm.js';
import { residualAutocorrelation } from './glm.js';

/** The persistence is capped: above it a 5-year series cannot tell it from a trend. */
export const MAX_PERSISTENCE = 0.9;
/** Lags whose weight φ^(k−1) has fallen below this add nothing worth the work. */
const NEGLIGIBLE = 1e-6;
/** A share of the quasi-Poisson variance the correction never goes below. */
const FLOOR = 0.5;

export type SerialVariation = {
  /** Lag-1 autocorrelation of the residuals, corrected for the bias fitting gives it. */
  lagOne: number;
  /** Neighbouring pairs of months it was measured from. */
  pairs: number;
  /** Lag-1 autocovariance of the Pearson residuals used (0 when the autocorrelation is not positive). */
  lagOneCovariance: number;
  /** φ: how much of a month's persistent variation carries to the next (0 none, 0.9 at most). */
  persistence: number;
};

/** Estimates the month-to-month variation of a Poisson fit's residuals, within each series (cluster). */
export function serialVariation(design: Design, fit: PoissonFit, months: ArrayLike<number>, series?: ArrayLike<number | string>): SerialVariation {
  const { rho, pairs } = residualAutocorrelation(design, fit, months, series);
  const lagOneCovariance = Math.max(rho, 0) * fit.dispersion;
  const extra = fit.dispersion - 1;
  const persistence = lagOneCovariance === 0 ? 0
    : extra <= lagOneCovariance / MAX_PERSISTENCE ? MAX_PERSISTENCE
    : lagOneCovariance / extra;
  return { lagOne: rho, pairs, lagOneCovariance, persistence };
}

/**
 * The standard error of coefficient j allowing for the serial variation,
 * and by how much it exceeds the quasi-Poisson one (a factor ≥ 1).
 */
export function serialStandardError(design: Design, fit: PoissonFit, months: ArrayLike<number>, j: number, variation: SerialVariation,
  series?: ArrayLike<number | string>): { se: number; factor: number } {
  const p = design.columns;
  const quasi = fit.unscaledCovariance[j * p + j] * fit.dispersion;
  // g_i = √μ_i · x_iᵀ(XᵀWX)⁻¹e_j: row i's weight in the coefficient, on the Pearson scale.
  const g = design.rows.map((r, i) => {
    let v = 0;
    for (let k = 0; k < r.cols.length; k++) v += r.vals[k] * fit.unscaledCovariance[r.cols[k] * p + j];
    return Math.sqrt(fit.fitted[i]) * v;
  });
  let variance = quasi;
  const { lagOneCovariance: g1, persistence: phi } = variation;
  if (g1 > 0) {
    const bySeries = new Map<number | string, number[]>();
    for (let i = 0; i < months.length; i++) {
      const key = series ? series[i] : 0;
      const rows = bySeries.get(key);
      if (rows) rows.push(i);
      else bySeries.set(key, [i]);
    }
    const maxLag = phi > 0 ? 1 + Math.ceil(Math.log(NEGLIGIBLE) / Math.log(phi)) : 1;
    let cross = 0;
    for (const rows of bySeries.values()) {
      rows.sort((a, b) => months[a] - months[b]);
      for (let a = 0; a < rows.length; a++) {
        for (let b = a + 1; b < rows.length; b++) {
          const lag = months[rows[b]] - months[rows[a]];
          if (lag > maxLag) break;
          cross += g[rows[a]] * g[rows[b]] * g1 * phi ** (lag - 1);
        }
      }
    }
    variance = Math.max(quasi + 2 * cross, quasi * FLOOR);
  }
  const se = Math.sqrt(variance);
  return { se, factor: quasi > 0 ? se / Math.sqrt(quasi) : 1 };
}

/**
 * The same for a single short series (an interrupted time series), where
 * the fit itself hides much of the variation: a trend and seasons fitted to
 * 4 years soak up a slowly wandering rate, so the residuals look less alike
 * than the months were. With M = I − H the residual-making matrix on the
 * Pearson scale and the months' covariance I + s·R(φ) (Poisson, plus a
 * persistent part of variance s), the residuals' expected sum of squares is
 * tr(M(I + sR)M) and of neighbouring products Σ (M(I + sR)M)ᵢ,ᵢ₊₁; s and φ
 * are chosen so the observed sums equal
 * them: a method of moments that allows for what the fit absorbs.
 *
 * The interval's degrees of freedom are Satterthwaite's: s is estimated from
 * one series, and the noisier it is (the larger φ, the fewer the months) the
 * fewer degrees of freedom the t quantile gets. Dense: a few dozen months only.
 */
export type SeriesError = { se: number; df: number; factor: number; variation: SerialVariation & { persistentVariance: number } };

export function seriesStandardError(design: Design, fit: PoissonFit, months: readonly number[], columns: readonly number[]): SeriesError[] {
  const { rho, pairs } = residualAutocorrelation(design, fit, months);
  const n = design.rows.length;
  const p = design.columns;
  // Z = W^½X, H = Z(XᵀWX)⁻¹Zᵀ, M = I − H.
  const z = design.rows.map((r, i) => {
    const row = new Float64Array(p);
    r.cols.forEach((c, k) => (row[c] = r.vals[k] * Math.sqrt(fit.fitted[i])));
    return row;
  });
  const zc = z.map((row) => {
    const out = new Float64Array(p);
    for (let b = 0; b < p; b++) for (let a = 0; a < p; a++) out[b] += row[a] * fit.unscaledCovariance[a * p + b];
    return out;
  });
  // Flat n × n matrices, row-major: this runs a dozen times per evaluation.
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      let h = 0;
      for (let a = 0; a < p; a++) h += zc[i][a] * z[k][a];
      m[i * n + k] = (i === k ? 1 : 0) - h;
    }
  }
  const neighbours: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) if (months[k] === months[i] + 1) neighbours.push([i, k]);
  const r = fit.pearsonResiduals;
  let s0 = 0;
  for (let i = 0; i < n; i++) s0 += r[i] * r[i];
  const s1 = neighbours.reduce((s, [i, k]) => s + r[i] * r[k], 0);
  const m1 = neighbours.reduce((s, [i, k]) => s + m[i * n + k], 0);
  const white = n - p;
  const correlation = (phi: number) => {
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) out[i * n + k] = phi ** Math.abs(months[i] - months[k]);
    return out;
  };
  const product = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < n; a++) {
        const v = x[i * n + a];
        if (v === 0) continue;
        for (let k = 0; k < n; k++) out[i * n + k] += v * y[a * n + k];
      }
    }
    return out;
  };
  // M R M for a persistence φ, with its trace and its sum over neighbours.
  const mrm = (phi: number) => {
    const matrix = product(product(m, correlation(phi)), m);
    let t0 = 0;
    for (let i = 0; i < n; i++) t0 += matrix[i * n + i];
    return { matrix, t0, t1: neighbours.reduce((s, [i, k]) => s + matrix[i * n + k], 0) };
  };
  const over = Math.max(s0 - white, 0);
  let persistence = 0;
  if (over > 0 && neighbours.length > 0) {
    const miss = (phi: number) => {
      const { t0, t1 } = mrm(phi);
      return m1 + (over / t0) * t1 - s1;
    };
    if (miss(0) < 0) {
      let lo = 0;
      let hi = MAX_PERSISTENCE;
      if (miss(hi) < 0) lo = hi;
      for (let step = 0; step < 12; step++) {
        const mid = (lo + hi) / 2;
        if (miss(mid) < 0) lo = mid;
        else hi = mid;
      }
      persistence = lo;
    }
  }
  const moments = mrm(persistence);
  const s = over / moments.t0;
  // Var(S₀) = 2‖M Σ M‖² for Gaussian residuals, Σ = I + sR: how well s is known.
  let frobenius = 0;
  for (let i = 0; i < n * n; i++) frobenius += (m[i] + s * moments.matrix[i]) ** 2;
  const varianceOfS = (2 * frobenius) / moments.t0 ** 2;
  const rr = correlation(persistence);
  const variation = { lagOne: rho, pairs, lagOneCovariance: s * persistence, persistence, persistentVariance: s };
  return columns.map((j) => {
    const g = zc.map((row) => row[j]);
    let poisson = 0;
    let persistent = 0;
    for (let i = 0; i < n; i++) {
      poisson += g[i] * g[i];
      for (let k = 0; k < n; k++) persistent += g[i] * g[k] * rr[i * n + k];
    }
    const variance = poisson + s * persistent;
    const df = s > 0 ? Math.min(white, (2 * variance ** 2) / (persistent ** 2 * varianceOfS)) : white;
    const quasi = fit.unscaledCovariance[j * p + j] * fit.dispersion;
    return { se: Math.sqrt(variance), df: Math.max(df, 1), factor: Math.sqrt(variance / quasi), variation };
  });
}
