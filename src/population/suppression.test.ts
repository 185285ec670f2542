import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSmallNumber, shownCounts, withheldFigures, type SumRule } from './suppression.js';

describe('small-number suppression', () => {
  it('counts 1 to 7 as small, not 0 or 8', () => {
    expect([0, 1, 7, 7.5, 8, 250].map(isSmallNumber)).toEqual([false, true, true, false, false, false]);
    expect(isSmallNumber(0.5)).toBe(true);
  });

  it('withholds a small numerator and the rate made from it', () => {
    expect(shownCounts({ numerator: 3, denominator: 1200, value: 30 }, true)).toEqual({ numerator: 'Suppressed', denominator: 1200, value: null, suppressed: true });
  });

  it('withholds a small denominator and the rate made from it', () => {
    expect(shownCounts({ numerator: 0, denominator: 5, value: 0 }, true)).toEqual({ numerator: 0, denominator: 'Suppressed', value: null, suppressed: true });
    expect(shownCounts({ numerator: 9, denominator: 4, value: 2250 }, true)).toEqual({ numerator: 9, denominator: 'Suppressed', value: null, suppressed: true });
  });

  it('shows zero and counts of 8 or more as they are', () => {
    expect(shownCounts({ numerator: 0, denominator: 800, value: 0 }, true)).toEqual({ numerator: 0, denominator: 800, value: 0, suppressed: false });
    expect(shownCounts({ numerator: 8, denominator: 8, value: 100 }, true)).toEqual({ numerator: 8, denominator: 8, value: 100, suppressed: false });
  });

  it('changes nothing for a reader who may see small numbers', () => {
    fc.assert(fc.property(fc.nat(100), fc.nat(100), (numerator, denominator) => {
      const value = denominator ? numerator / denominator : null;
      expect(shownCounts({ numerator, denominator, value }, false)).toEqual({ numerator, denominator, value, suppressed: false });
    }));
  });

  it('never lets a count of 1 to 7 through, nor a rate made from one', () => {
    fc.assert(fc.property(fc.nat(20), fc.nat(20), (numerator, denominator) => {
      const shown = shownCounts({ numerator, denominator, value: denominator ? numerator / denominator : null }, true);
      for (const n of [shown.numerator, shown.denominator]) if (typeof n === 'number') expect(isSmallNumber(n)).toBe(false);
      if (isSmallNumber(numerator) || isSmallNumber(denominator)) expect(shown.value).toBeNull();
    }));
  });
});

/**
 * An attacker with the published table: every figure shown, which are hidden,
 * and which figures add up to which. They try to win back hidden counts.
 */
type Table = { values: number[]; sums: SumRule[] };

/** Subtraction, over and over: any sum with one figure unknown gives it; what is won back is used again. */
function subtractionAttack(t: Table, hidden: readonly boolean[]): Map<number, number> {
  const known = new Map(t.values.flatMap((v, i) => (hidden[i] ? [] : [[i, v] as const])));
  const won = new Map<number, number>();
  for (let progress = true; progress;) {
    progress = false;
    for (const { parts, total } of t.sums) {
      const unknown = [...parts, total].filter((i) => !known.has(i));
      if (unknown.length !== 1) continue;
      const [i] = unknown;
      const partsKnown = parts.reduce((a, p) => a + (p === i ? 0 : known.get(p)!), 0);
      const value = i === total ? partsKnown : known.get(total)! - partsKnown;
      known.set(i, value);
      won.set(i, value);
      progress = true;
    }
  }
  return won;
}

/** Rank by fraction-free (Bareiss) elimination over integers: the sums' coefficients are whole. */
function rank(rows: number[][]): number {
  const m = rows.map((r) => r.map(BigInt));
  let r = 0;
  let previous = 1n;
  for (let c = 0; c < (m[0]?.length ?? 0) && r < m.length; c++) {
    const k = m.findIndex((row, i) => i >= r && row[c] !== 0n);
    if (k < 0) continue;
    [m[r], m[k]] = [m[k], m[r]];
    for (let i = r + 1; i < m.length; i++) {
      for (let j = c + 1; j < m[i].length; j++) m[i][j] = (m[r][c] * m[i][j] - m[i][c] * m[r][j]) / previous;
      m[i][c] = 0n;
    }
    previous = m[r][c];
    r++;
  }
  return r;
}

/**
 * Any combination of the sums at all: a hidden figure is pinned down exactly
 * when leaving it out of the equations lowers their rank by one.
 */
function pinnedByAlgebra(t: Table, hidden: readonly boolean[]): number[] {
  const unknowns = hidden.flatMap((h, i) => (h ? [i] : []));
  const equations = (cols: number[]) => t.sums.map(({ parts, total }) => cols.map((i) => parts.filter((p) => p === i).length - (total === i ? 1 : 0)));
  const full = rank(equations(unknowns));
  return unknowns.filter((i) => rank(equations(unknowns.filter((j) => j !== i))) === full - 1);
}

/** A table with rows, columns, their totals and a grand total: figures row by row, totals last in each row, the totals row last. */
function gridTable(cells: number[][]): Table {
  const rows = cells.length;
  const cols = cells[0].length;
  const values: number[] = [];
  const at = (r: number, c: number) => r * (cols + 1) + c;
  const withTotals = [...cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)])];
  withTotals.push(Array.from({ length: cols + 1 }, (_, c) => withTotals.reduce((a, row) => a + row[c], 0)));
  for (const row of withTotals) values.push(...row);
  const sums: SumRule[] = [];
  for (let r = 0; r <= rows; r++) sums.push({ parts: Array.from({ length: cols }, (_, c) => at(r, c)), total: at(r, cols) });
  for (let c = 0; c <= cols; c++) sums.push({ parts: Array.from({ length: rows }, (_, r) => at(r, c)), total: at(rows, c) });
  return { values, sums };
}

/** A list of counts and its total, the shape of every breakdown. */
const listTable = (counts: number[]): Table => ({ values: [...counts, counts.reduce((a, b) => a + b, 0)], sums: [{ parts: counts.map((_, i) => i), total: counts.length }] });

// Counts skewed small, with zeros, so small numbers, zeros and totals of 1 to 7 all turn up often.
const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 8, max: 40 }), fc.integer({ min: 41, max: 900 }));

function expectNothingRecovered(t: Table) {
  const hidden = withheldFigures(t.values, t.sums);
  t.values.forEach((v, i) => { if (!hidden[i]) expect(isSmallNumber(v), `figure ${i} (${v}) is shown`).toBe(false); });
  expect([...subtractionAttack(t, hidden).keys()]).toEqual([]);
  expect(pinnedByAlgebra(t, hidden)).toEqual([]);
  // Where a total is shown, the hidden figures beside it are not themselves a small group.
  for (const { parts, total } of t.sums) {
    if (hidden[total]) continue;
    expect(isSmallNumber(parts.filter((i) => hidden[i]).reduce((a, i) => a + t.values[i], 0))).toBe(false);
  }
  return hidden;
}

describe('complementary suppression', () => {
  it('hides a second figure beside a lone small count, so the total less the rest gives nothing back', () => {
    // Quintiles 1 to 5 and the whole area: the 3 alone could be had as 123 − 40 − 30 − 25 − 25.
    const t = listTable([3, 40, 30, 25, 25]);
    const hidden = expectNothingRecovered(t);
    // The smallest other count is the one hidden with it; the rest and the total stay.
    expect(hidden).toEqual([true, false, false, true, false, false]);
  });

  it('does not let zeros beside a small count give it away', () => {
    // Zeros are shown but never count as the second hidden figure: the next smallest real count is hidden.
    const hidden = expectNothingRecovered(listTable([0, 5, 0, 0, 60]));
    expect(hidden).toEqual([false, true, false, false, true, false]);
    // Two small counts beside a shown total are a small group (3 between them): a third count joins them.
    expect(expectNothingRecovered(listTable([1, 2, 0, 30, 45]))).toEqual([true, true, false, true, false, false]);
  });

  it('hides a total of 1 to 7 itself', () => {
    const hidden = expectNothingRecovered(listTable([0, 3, 0, 2]));
    expect(hidden[4]).toBe(true);
  });

  it('wins nothing back from any list of counts and its total', () => {
    fc.assert(fc.property(fc.array(count, { minLength: 1, maxLength: 12 }), (counts) => { expectNothingRecovered(listTable(counts)); }), { numRuns: 500 });
  });

  it('wins nothing back from any table with row, column and grand totals, by subtraction or by combining them', () => {
    const grid = fc.integer({ min: 1, max: 5 }).chain((cols) => fc.array(fc.array(count, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 6 }));
    fc.assert(fc.property(grid, (cells) => { expectNothingRecovered(gridTable(cells)); }), { numRuns: 500 });
  });

  it('is what the attack would beat without it: primary suppression alone gives counts back', () => {
    const t = listTable([3, 40, 30, 25, 25]);
    expect(subtractionAttack(t, t.values.map(isSmallNumber))).toEqual(new Map([[0, 3]]));
  });
});
