import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, logGamma, normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './distributions.js';

// Reference values as R (qt, qnorm, pnorm, pt, pchisq(lower.tail = FALSE), lgamma) and SciPy give them.
describe('distribution functions', () => {
  it('gives Student-t quantiles to 8 significant figures', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.70620474, 6);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.30265273, 7);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138852, 8);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272456, 8);
    expect(studentTQuantile(0.975, 46)).toBeCloseTo(2.012895599, 8);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228138852, 8);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032142984, 7);
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.959963985, 8);
  });

  it('gives the normal and t distribution functions', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021049, 9);
    expect(normalCdf(-3)).toBeCloseTo(0.001349898032, 11);
    expect(studentTCdf(2.228138852, 10)).toBeCloseTo(0.975, 9);
    expect(studentTCdf(-1, 3)).toBeCloseTo(0.1955011, 7);
  });

  it('gives χ² tail areas and log-gamma', () => {
    expect(chiSquareSurvival(3.841458821, 1)).toBeCloseTo(0.05, 9);
    expect(chiSquareSurvival(18.30703805, 10)).toBeCloseTo(0.05, 9);
    expect(chiSquareSurvival(60, 40)).toBeCloseTo(0.02187346844, 10);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(101)).toBeCloseTo(363.7393755555636, 9);
  });

  it('refuses impossible arguments', () => {
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
    expect(() => normalQuantile(0)).toThrow(RangeError);
  });
});
