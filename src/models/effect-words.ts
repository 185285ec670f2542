import type { MeasuredEffect } from './compare.js';

/** A relative change in words: −0.153 → "15% lower". */
export const percent = (share: number) => `${Math.round(share)}%`;

export function changeWords(relative: number): string {
  const p = Math.round(Math.abs(relative) * 100);
  if (p === 0) return 'no change';
  return `${p}% ${relative < 0 ? 'lower' : 'higher'}`;
}

/** The effect, its interval and how long it has been at full effect; or "too early to judge" and why. */
export function effectCells(o: MeasuredEffect): [string, string, string] {
  if (!o.judged) return ['Too early to judge', '', o.why];
  return [changeWords(o.effect), `${changeWords(o.ci95[0])} to ${changeWords(o.ci95[1])}`, `${o.postMonths} months at full effect`];
}
