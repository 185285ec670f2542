import { describe, expect, it } from 'vitest';
import { Rng } from '../../platform/random/seeded.js';
import { autocorrelationInflation, denseDesign, neighbouringPairs, poissonGlm, residualAutocorrelation, weightedLeastSquares } from './glm.js';
import { SingularMatrixError } from './linear-algebra.js';
import { poissonDraw } from './poisson.js';

describe('weighted least squares', () => {
  it('recovers exact coefficients from noiseless data, whatever the weights', () => {
    const x = Array.from({ length: 20 }, (_, i) => [1, i, Math.sin(i)]);
    const y = x.map(([, a, b]) => 3 - 0.5 * a + 2 * b);
    const fit = weightedLeastSquares(denseDesign(x), y, x.map((_, i) => 1 + (i % 3)));
    expect([...fit.coefficients].map((c) => Number(c.toFixed(10)))).toEqual([3, -0.5, 2]);
    expect(fit.weightedRss).toBeLessThan(1e-18);
  });

  it('matches the closed form of a straight line: slope Sxy/Sxx, variance σ²/Sxx', () => {
    const xs = [1, 2, 4, 5, 8];
    const ys = [2.1, 3.9, 8.2, 9.8, 16.5];
    const fit = weightedLeastSquares(denseDesign(xs.map((x) => [1, x])), ys);
    const mx = xs.reduce((a, b) => a + b) / 5;
    const my = ys.reduce((a, b) => a + b) / 5;
    const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
    expect(fit.coefficients[1]).toBeCloseTo(sxy / sxx, 12);
    expect(fit.coefficients[0]).toBeCloseTo(my - (sxy / sxx) * mx, 12);
    expect(fit.unscaledCovariance[3]).toBeCloseTo(1 / sxx, 12);
    expect(fit.residualDf).toBe(3);
  });

  it('refuses collinear terms', () => {
    expect(() => weightedLeastSquares(denseDesign([[1, 2], [2, 4], [3, 6]]), [1, 2, 3])).toThrow(SingularMatrixError);
  });
});

describe('Poisson regression', () => {
  it('with only a group term equals the log ratio of the groups\' rates, with SE √(1/Y₁ + 1/Y₀)', () => {
    const counts = [12, 7, 30, 19, 44, 41, 52];
    const population = [100, 80, 250, 300, 310, 290, 400];
    const group = [0, 0, 0, 1, 1, 1, 1];
    const fit = poissonGlm(denseDesign(group.map((g) => [1, g])), counts, population.map(Math.log));
    const sum = (g: number, xs: number[]) => xs.reduce((s, v, i) => s + (group[i] === g ? v : 0), 0);
    const y0 = sum(0, counts);
    const y1 = sum(1, counts);
    expect(fit.coefficients[0]).toBeCloseTo(Math.log(y0 / sum(0, population)), 10);
    expect(fit.coefficients[1]).toBeCloseTo(Math.log(y1 / sum(1, population) / (y0 / sum(0, population))), 10);
    expect(Math.sqrt(fit.unscaledCovariance[3])).toBeCloseTo(Math.sqrt(1 / y1 + 1 / y0), 10);
    expect(fit.residualDf).toBe(5);
  });

  it('recovers known coefficients when the counts are their expectations', () => {
    const rows = Array.from({ length: 48 }, (_, t) => [1, t / 12, Math.cos((2 * Math.PI * t) / 12), Math.sin((2 * Math.PI * t) / 12), t >= 30 ? 1 : 0]);
    const beta = [-3, 0.05, 0.1, -0.04, Math.log(0.85)];
    const population = rows.map((_, t) => 5000 + 10 * t);
    const mu = rows.map((r, t) => population[t] * Math.exp(r.reduce((s, v, j) => s + v * beta[j], 0)));
    const fit = poissonGlm(denseDesign(rows), mu, population.map(Math.log));
    beta.forEach((b, j) => expect(fit.coefficients[j]).toBeCloseTo(b, 9));
    expect(fit.deviance).toBeLessThan(1e-12);
    expect(fit.pearsonChiSquare).toBeLessThan(1e-12);
  });

  it('finds coefficients near the truth, and a dispersion near 1, on Poisson counts', () => {
    const rng = new Rng(3, 'glm-test');
    const rows = Array.from({ length: 2000 }, (_, i) => [1, (i % 10) / 10, i % 2]);
    const beta = [2, 0.7, -0.3];
    const counts = rows.map((r) => poissonDraw(rng, Math.exp(r.reduce((s, v, j) => s + v * beta[j], 0))));
    const fit = poissonGlm(denseDesign(rows), counts);
    beta.forEach((b, j) => expect(Math.abs(fit.coefficients[j] - b)).toBeLessThan(4 * Math.sqrt(fit.unscaledCovariance[j * 3 + j])));
    expect(fit.dispersion).toBeGreaterThan(0.9);
    expect(fit.dispersion).toBeLessThan(1.1);
  });

  it('gives the same fit from sparse rows as from a dense matrix', () => {
    const dense = [[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [1, 0, 0], [1, 1, 1]];
    const sparse = { columns: 3, rows: dense.map((r) => ({ cols: r.flatMap((v, j) => (v ? [j] : [])).reverse(), vals: r.filter((v) => v) })) };
    const counts = [5, 9, 3, 11, 6, 13];
    const a = poissonGlm(denseDesign(dense), counts);
    const b = poissonGlm(sparse, counts);
    [0, 1, 2].forEach((j) => expect(b.coefficients[j]).toBeCloseTo(a.coefficients[j], 12));
    expect(b.unscaledCovariance[1]).toBeCloseTo(a.unscaledCovariance[1], 12);
  });

  it('refuses more terms than data, negative counts and a zero population', () => {
    expect(() => poissonGlm(denseDesign([[1, 0], [1, 1]]), [1, 2])).toThrow(/more data than terms/);
    expect(() => poissonGlm(denseDesign([[1], [1], [1]]), [1, -2, 3])).toThrow(RangeError);
    expect(() => poissonGlm(denseDesign([[1], [1], [1]]), [1, 2, 3], [0, Math.log(0), 1])).toThrow(/denominator zero/);
  });
});

describe('autocorrelation', () => {
  it('pairs neighbouring months within a series only, across no gap', () => {
    expect(neighbouringPairs([1, 2, 3, 6, 7])).toEqual([[0, 1], [1, 2], [3, 4]]);
    expect(neighbouringPairs([1, 2, 1, 2], ['a', 'a', 'b', 'b'])).toEqual([[0, 1], [2, 3]]);
  });

  it('corrects the negative bias of fitted residuals: about 0 on average for independent months, while the raw value is about −p/n', () => {
    const rng = new Rng(11, 'acf-test');
    const rows = Array.from({ length: 48 }, (_, t) => [1, t / 12, Math.cos((2 * Math.PI * t) / 12), Math.sin((2 * Math.PI * t) / 12), t >= 30 ? 1 : 0, t >= 30 ? (t - 30) / 12 : 0]);
    const design = denseDesign(rows);
    let raw = 0;
    let corrected = 0;
    const reps = 300;
    for (let rep = 0; rep < reps; rep++) {
      const fit = poissonGlm(design, rows.map(() => poissonDraw(rng, 200)));
      const acf = residualAutocorrelation(design, fit, rows.map((_, t) => t));
      raw += acf.raw / reps;
      corrected += acf.rho / reps;
      expect(acf.pairs).toBe(47);
    }
    expect(raw).toBeLessThan(-0.07);
    expect(Math.abs(corrected)).toBeLessThan(0.03);
  });

  it('widens by the long-run factor for positive autocorrelation only', () => {
    expect(autocorrelationInflation(0.5)).toBeCloseTo(Math.sqrt(3), 12);
    expect(autocorrelationInflation(-0.3)).toBe(1);
    expect(autocorrelationInflation(0.99)).toBeCloseTo(Math.sqrt(1.9 / 0.1), 12);
  });
});

describe('Poisson draws', () => {
  it('have the right mean and variance for small and large means, and repeat with the seed', () => {
    for (const mean of [0.3, 2.5, 29, 40, 800]) {
      const rng = new Rng(mean, 'poisson-test');
      const n = 20_000;
      const xs = Array.from({ length: n }, () => poissonDraw(rng, mean));
      const m = xs.reduce((a, b) => a + b) / n;
      const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
      expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(mean / n));
      expect(Math.abs(v / mean - 1)).toBeLessThan(0.05);
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
    const again = (seed: number) => { const r = new Rng(seed, 'p'); return [1, 50, 500].map((m) => poissonDraw(r, m)); };
    expect(again(1)).toEqual(again(1));
  });
});
