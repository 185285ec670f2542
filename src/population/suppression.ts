/**
 * Small-number suppression: a count from 1 to 7 could point to a handful of
 * children, so roles that do not care for children (populationPolicy.seeSmallNumbers)
 * see it withheld in every table and CSV, and the rate made from it too. A
 * denominator of 1 to 7 withholds the rate as well. Where a table has a
 * total, more counts are withheld beside it (withheldFigures below), so the
 * total less the rest gives nothing back. Every withheld count reads
 * "Suppressed", small or not: telling the two apart would let a reader
 * narrow a hidden count down from its neighbours. Zero is shown: it names
 * no one. Pure, no I/O.
 */

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

/** Which of a figure's counts are withheld. */
export type Withheld = { numerator: boolean; denominator: boolean };

/**
 * The figure as a reader sees it. `hide` says which counts are withheld; true
 * withholds those of 1 to 7 (a figure with no total beside it), false none
 * (a clinician).
 */
export function shownCounts(c: Counts, hide: Withheld | boolean): Shown {
  const withheld = typeof hide === 'boolean' ? { numerator: hide && isSmallNumber(c.numerator), denominator: hide && isSmallNumber(c.denominator) } : hide;
  const suppressed = withheld.numerator || withheld.denominator;
  return {
    numerator: withheld.numerator ? SUPPRESSED_WORDS : c.numerator,
    denominator: withheld.denominator ? SUPPRESSED_WORDS : c.denominator,
    value: suppressed ? null : c.value,
    suppressed,
  };
}

/**
 * Rows that add up to a total (categories to the whole area, practices to
 * their hub): each count column is suppressed with its complements, so no
 * withheld count can be had back from the total.
 */
export function shownWithTotal(rows: readonly Counts[], total: Counts, suppress: boolean): { rows: Shown[]; total: Shown } {
  const hiddenIn = (pick: (c: Counts) => number) => {
    const values = [...rows.map(pick), pick(total)];
    return suppress ? withheldFigures(values, [{ parts: rows.map((_, i) => i), total: rows.length }]) : values.map(() => false);
  };
  const numerators = hiddenIn((c) => c.numerator);
  const denominators = hiddenIn((c) => c.denominator);
  const shown = [...rows, total].map((c, i) => shownCounts(c, { numerator: numerators[i], denominator: denominators[i] }));
  return { rows: shown.slice(0, -1), total: shown.at(-1)! };
}

/**
 * Complementary suppression. Hiding a count of 1 to 7 is not enough when
 * its total is shown: the total less the other counts gives it back. So
 * every table a non-clinical role sees says which of its figures add up to
 * which (a SumRule each: rows to a total row, months to a period's total),
 * and withheldFigures hides more until subtraction recovers nothing:
 *
 * 1. Every figure of 1 to 7 is hidden, totals included.
 * 2. A sum with exactly one hidden figure gets a second: the smallest
 *    non-zero figure shown among its parts.
 * 3. Where a sum's total is shown, the parts hidden in it must together
 *    come to 8 or more, or the group would itself be a small number (two
 *    hidden cells beside a total give away that they hold 3 children
 *    between them); more of the smallest parts are hidden until they do.
 * 4. For tables whose sums cross (rows and columns), each hidden figure is
 *    checked against every combination of the sums (linear algebra), and
 *    one more is hidden wherever a figure could still be worked out.
 *
 * Zero is shown and never hidden as a complement: it names no one, and a
 * hidden zero protects nothing (the group beside it would still sum to the
 * small count). Pure, no I/O.
 */
export type SumRule = { parts: readonly number[]; total: number };

export function withheldFigures(values: readonly number[], sums: readonly SumRule[]): boolean[] {
  const hidden = values.map(isSmallNumber);
  for (let changed = true; changed;) {
    changed = false;
    for (const rule of sums) {
      if (!lineIsSafe(values, hidden, rule)) changed = hideOneMore(values, hidden, rule) || changed;
    }
    if (changed) continue;
    const found = derivableFigure(hidden, sums);
    if (found !== null) changed = hideBeside(values, hidden, sums, found);
  }
  return hidden;
}

function lineIsSafe(values: readonly number[], hidden: readonly boolean[], rule: SumRule): boolean {
  const hiddenParts = rule.parts.filter((i) => hidden[i]);
  const count = hiddenParts.length + (hidden[rule.total] ? 1 : 0);
  if (count === 1) return false;
  if (hidden[rule.total] || hiddenParts.length === 0) return true;
  return !isSmallNumber(hiddenParts.reduce((a, i) => a + values[i], 0));
}

/** Hides the smallest non-zero part shown (the total only when no part can be); false when nothing is left to hide. */
function hideOneMore(values: readonly number[], hidden: boolean[], rule: SumRule): boolean {
  const candidates = rule.parts.filter((i) => !hidden[i] && values[i] !== 0);
  const pick = candidates.length ? candidates.reduce((a, i) => (values[i] < values[a] ? i : a)) : hidden[rule.total] ? null : rule.total;
  if (pick === null) return false;
  hidden[pick] = true;
  return true;
}

/** Hides one more figure in a sum that holds `figure`: progress is certain, as some figure in it is shown. */
function hideBeside(values: readonly number[], hidden: boolean[], sums: readonly SumRule[], figure: number): boolean {
  const holding = sums.filter((r) => r.total === figure || r.parts.includes(figure));
  const shown = [...new Set(holding.flatMap((r) => [...r.parts, r.total]))].filter((i) => !hidden[i]);
  if (shown.length === 0) return false;
  const nonZero = shown.filter((i) => values[i] !== 0);
  const from = nonZero.length ? nonZero : shown;
  hidden[from.reduce((a, i) => (values[i] < values[a] ? i : a))] = true;
  return true;
}

/**
 * A hidden figure that the sums pin down, or null. Each sum is an equation
 * in the hidden figures (the shown ones are known); a hidden figure is pinned
 * down when, in the reduced row echelon form, its pivot row has nothing in
 * any other column.
 */
export function derivableFigure(hidden: readonly boolean[], sums: readonly SumRule[]): number | null {
  const unknowns = hidden.flatMap((h, i) => (h ? [i] : []));
  const column = new Map(unknowns.map((i, c) => [i, c]));
  const matrix = sums.map((rule) => {
    const row = new Array<number>(unknowns.length).fill(0);
    for (const i of rule.parts) if (column.has(i)) row[column.get(i)!] += 1;
    if (column.has(rule.total)) row[column.get(rule.total)!] -= 1;
    return row;
  }).filter((row) => row.some((x) => x !== 0));
  let pivotRow = 0;
  const pivots: [number, number][] = [];
  for (let c = 0; c < unknowns.length && pivotRow < matrix.length; c++) {
    const r = matrix.findIndex((row, k) => k >= pivotRow && Math.abs(row[c]) > 1e-9);
    if (r < 0) continue;
    [matrix[pivotRow], matrix[r]] = [matrix[r], matrix[pivotRow]];
    const p = matrix[pivotRow][c];
    matrix[pivotRow] = matrix[pivotRow].map((x) => x / p);
    for (let k = 0; k < matrix.length; k++) {
      const f = matrix[k][c];
      if (k !== pivotRow && Math.abs(f) > 1e-9) matrix[k] = matrix[k].map((x, j) => x - f * matrix[pivotRow][j]);
    }
    pivots.push([pivotRow, c]);
    pivotRow++;
  }
  const pinned = pivots.find(([r, c]) => matrix[r].every((x, j) => j === c || Math.abs(x) < 1e-9));
  return pinned ? unknowns[pinned[1]] : null;
}
