import type { Rng } from '../platform/random/seeded.js';

/**
 * How big each layer is. An average English practice lists ~10,000 people,
 * ~21% of them children, so ~2,000 children per practice; clusters hold 4–6
 * practices; an ICS has 2–5 places, but a demo-sized one is a single place.
 */
export const CHILDREN_PER_PRACTICE = 2000;

export function practiceCount(children: number): number {
  const n = Math.max(4, Math.round(children / CHILDREN_PER_PRACTICE));
  return n === 7 ? 8 : n; // 7 cannot be split into clusters of 4–6
}

/** Splits n ≥ 4 practices (n ≠ 7) into clusters of 4–6, about 5 each. */
export function clusterSizes(n: number, rng: Rng): number[] {
  if (n < 4 || n === 7) throw new Error(`cannot split ${n} practices into clusters of 4–6`);
  let k = Math.max(1, Math.round(n / 5));
  while (6 * k < n) k++;
  while (4 * k > n) k--;
  // Start every hub at 4 and hand out the rest one by one at random, so hubs of 4, 5 and 6 all occur.
  const sizes = Array<number>(k).fill(4);
  for (let left = n - 4 * k; left > 0; left--) {
    const open = sizes.flatMap((s, i) => (s < 6 ? [i] : []));
    sizes[rng.pick(open)]++;
  }
  return sizes;
}

export function placeCount(children: number, clusters: number): number {
  const p = children < 60_000 ? 1 : Math.min(5, Math.max(2, Math.round(children / 100_000)));
  return Math.min(p, clusters);
}

/**
 * Splits `total` into `parts` integers of at least `min`, each roughly
 * proportional to a weight drawn in [1 − spread, 1 + spread]; cumulative
 * rounding makes them sum exactly to total.
 */
export function split(total: number, parts: number, rng: Rng, spread: number, min = 1): number[] {
  if (total < parts * min) throw new Error(`cannot split ${total} into ${parts} parts of at least ${min}`);
  const weights = Array.from({ length: parts }, () => rng.uniform(1 - spread, 1 + spread));
  const sum = weights.reduce((a, b) => a + b, 0);
  const free = total - parts * min;
  const out: number[] = [];
  let cum = 0;
  let given = 0;
  for (const w of weights) {
    cum += (w / sum) * free;
    const upTo = Math.round(cum);
    out.push(min + upTo - given);
    given = upTo;
  }
  return out;
}
