/**
 * Poisson random numbers from the seeded Rng: inversion for small means,
 * Hörmann's transformed rejection with squeeze (PTRS, 1993) for larger ones,
 * so a draw costs a few uniforms whatever the mean.
 */
import type { Rng } from '../../platform/random/seeded.js';
import { logGamma } from './distributions.js';

export function poissonDraw(rng: Rng, mean: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`a Poisson mean must be finite and not negative, got ${mean}`);
  if (mean === 0) return 0;
  if (mean < 30) {
    // Walk up the distribution function until it passes a uniform.
    const u = rng.next();
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    while (u > cdf && k < 1000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
  const root = Math.sqrt(mean);
  const logMean = Math.log(mean);
  const b = 0.931 + 2.53 * root;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -mean + k * logMean - logGamma(k + 1)) return k;
  }
}
