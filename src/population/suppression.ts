/**
 * Small-number suppression: a count from 1 to 7 could point to a handful of
 * children, so roles that do not care for children (policy.seesSmallNumbers)
 * see it as "1 to 7" in every breakdown and in a practice's own series, and
 * the rate made from it is withheld. A denominator of 1 to 7 withholds the
 * rate too. Zero is shown: it names no one. Pure, no I/O.
 */

export const SMALL_NUMBER_WORDS = '1 to 7';
export const SUPPRESSED_WORDS = 'Suppressed';

/** Whether a count is small enough to suppress: above 0 and no more than 7 (bed days may be fractional after summing: 0.5 counts). */
export const isSmallNumber = (n: number): boolean => n > 0 && n <= 7;

export type Counts = { numerator: number; denominator: number; value: number | null };

/** What a reader may see of one figure: each count as it is or in words, and the value or nothing. */
export type Shown = {
  numerator: number | string;
  denominator: number | string;
  value: number | null;
  /** True when the value was withheld (the page says "Suppressed" and the chart leaves the point out). */
  suppressed: boolean;
};

/** The figure as a reader sees it: unchanged when `suppress` is false (a clinician, or a total that is not a breakdown). */
export function shownCounts(c: Counts, suppress: boolean): Shown {
  const numeratorSmall = suppress && isSmallNumber(c.numerator);
  const denominatorSmall = suppress && isSmallNumber(c.denominator);
  const suppressed = numeratorSmall || denominatorSmall;
  return {
    numerator: numeratorSmall ? SMALL_NUMBER_WORDS : c.numerator,
    denominator: denominatorSmall ? SMALL_NUMBER_WORDS : c.denominator,
    value: suppressed ? null : c.value,
    suppressed,
  };
}
