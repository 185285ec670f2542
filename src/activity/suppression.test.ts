import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { activityTables, type ActivityData, type ActivityTable, type Cell } from './tables.js';
import { addMonths, monthsFrom } from './period.js';
import type { OutcomeRow } from './store.js';

/**
 * An analyst's copy of the activity tables, attacked: with the totals shown,
 * no withheld count may be won back by taking the shown ones from a total,
 * nor from a rate shown beside it.
 */
const HIDDEN = 'Suppressed';
const isSmall = (c: Cell) => typeof c === 'number' && c > 0 && c <= 7;

/** A column of counts and the total it adds up to: one hidden figure alone (the total shown) is one subtraction away. */
function winsBack(parts: Cell[], total: Cell): boolean {
  const hidden = parts.filter((c) => c === HIDDEN).length;
  return total !== HIDDEN && hidden === 1;
}

const outcomes = (o: Partial<OutcomeRow>): OutcomeRow => ({
  referrals: 0, triaged: 0, without_visit: 0, hub_clinic: 0, hospital: 0, mdt: 0, ambulatory: 0, urgent: 0,
  seen_community: 0, seen_hospital: 0, advice: 0, advice_answered: 0, advice_converted: 0,
  triage_waits: 0, triage_median: null, triage_p90: null, seen_waits: 0, seen_median: null, seen_p90: null, answer_waits: 0, answer_median: null, answer_p90: null, ...o,
});

/** Practices × months of advice requests and referrals, as the store returns them (a row per practice, a row per month). */
function dataOf(counts: { children: number; advice: number[]; referrals: number[] }[], suppress: boolean, from = '2026-01'): ActivityData {
  const months = monthsFrom(from, addMonths(from, counts[0].advice.length - 1));
  return {
    scopeName: 'Test hub', from, to: months.at(-1)!, suppress,
    practices: counts.map((c, i) => ({ id: `p${i}`, name: `Practice ${i}`, ods_code: `P${i}`, cluster_name: 'Test hub', children: c.children })),
    volumes: [
      ...counts.map((c, i) => ({ practice_id: `p${i}`, month: null, advice: c.advice.reduce((a, b) => a + b, 0), referrals: c.referrals.reduce((a, b) => a + b, 0) })),
      ...months.map((m, k) => ({ practice_id: null, month: m, advice: counts.reduce((a, c) => a + c.advice[k], 0), referrals: counts.reduce((a, c) => a + c.referrals[k], 0) })),
    ],
    outcomes: outcomes({ referrals: 40, triaged: 30, without_visit: 3, hub_clinic: 20, hospital: 7, seen_community: 18, seen_hospital: 9, advice_answered: 25, advice_converted: 2, triage_waits: 30, triage_median: 4, triage_p90: 9, seen_waits: 5, seen_median: 30, seen_p90: 41 }),
    attendance: [{ cluster_id: 'a', cluster_name: 'Hub A', seen: 40, did_not_attend: 3 }, { cluster_id: 'b', cluster_name: 'Hub B', seen: 35, did_not_attend: 9 }],
  };
}

const byId = (tables: ActivityTable[]) => Object.fromEntries(tables.map((t) => [t.id, t])) as Record<string, ActivityTable>;

function expectNothingWonBack(d: ActivityData) {
  const t = byId(activityTables(d, 'the period'));
  const practices = t.practices.rows.slice(0, -1);
  const total = t.practices.rows.at(-1)!;
  const countColumns: Record<string, number[]> = { practices: [3, 4, 6], months: [1, 3], outcomes: [1, 2], waiting: [1], attendance: [1, 2] };
  for (const table of Object.values(t)) {
    for (const row of table.rows) for (const col of countColumns[table.id]) expect(isSmall(row[col]), `${table.id}: ${row.join(' | ')}`).toBe(false);
  }
  for (const col of [3, 4, 6]) expect(winsBack(practices.map((r) => r[col]), total[col]), `practices column ${col}`).toBe(false);
  // The months add up to the same totals as the practices.
  expect(winsBack(t.months.rows.map((r) => r[1]), total[4])).toBe(false);
  expect(winsBack(t.months.rows.map((r) => r[3]), total[6])).toBe(false);
  // A rate beside a withheld count would give it back: count = rate × children × months ÷ 12,000.
  for (const r of t.practices.rows) {
    if (r[4] === HIDDEN || r[3] === HIDDEN) expect(r[5] === HIDDEN || r[5] === null).toBe(true);
    if (r[6] === HIDDEN || r[3] === HIDDEN) expect(r[7] === HIDDEN || r[7] === null).toBe(true);
  }
  for (const r of t.months.rows) {
    if (r[1] === HIDDEN) expect(r[2] === HIDDEN || r[2] === null).toBe(true);
    if (r[3] === HIDDEN) expect(r[4] === HIDDEN || r[4] === null).toBe(true);
  }
  return t;
}

describe('hub activity tables for a reader who may not see small numbers', () => {
  it('withholds a practice’s small count and the smallest other beside the total, with their rates', () => {
    const d = dataOf([
      { children: 900, advice: [1, 2], referrals: [10, 12] },
      { children: 1200, advice: [10, 15], referrals: [20, 20] },
      { children: 800, advice: [6, 6], referrals: [9, 9] },
    ], true);
    const t = expectNothingWonBack(d);
    // Practice 0's 3 advice requests, and practice 2's 12 with them: 40 − 25 alone would give back 3 + 12, not either.
    expect(t.practices.rows.map((r) => r[4])).toEqual(['Suppressed', 25, 'Suppressed', 40]);
    expect(t.practices.rows.map((r) => r[5])).toEqual(['Suppressed', expect.any(Number), 'Suppressed', expect.any(Number)]);
    // A clinician sees every figure.
    expect(byId(activityTables({ ...d, suppress: false }, 'the period')).practices.rows.map((r) => r[4])).toEqual([3, 25, 12, 40]);
  });

  it('treats what an outcome leaves over as a count too: 2 advice requests that became referrals are not 25 − 23 away', () => {
    const t = expectNothingWonBack(dataOf([{ children: 900, advice: [20, 20], referrals: [20, 20] }], true));
    const advice = t.outcomes.rows.at(-1)!;
    // The 23 without a referral are withheld with the 2 (never shown) that did, and so is the share; the 25 answered stay.
    expect(advice.slice(1, 4)).toEqual(['Suppressed', 25, 'Suppressed']);
    // Waits of 5 children are theirs alone: the count, median and 90th percentile are withheld.
    expect(t.waiting.rows[1].slice(1, 4)).toEqual(['Suppressed', 'Suppressed', 'Suppressed']);
    // Hub A's 3 missed appointments, and Hub B's 9 beside them, with their rates.
    expect(t.attendance.rows.map((r) => r[2])).toEqual(['Suppressed', 'Suppressed', 12]);
  });

  it('wins nothing back from any practices and months', () => {
    const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 8, max: 60 }));
    const practice = (months: number) => fc.record({
      children: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 8, max: 3000 })),
      advice: fc.array(count, { minLength: months, maxLength: months }),
      referrals: fc.array(count, { minLength: months, maxLength: months }),
    });
    const data = fc.integer({ min: 1, max: 6 }).chain((months) => fc.array(practice(months), { minLength: 1, maxLength: 6 }));
    fc.assert(fc.property(data, (counts) => { expectNothingWonBack(dataOf(counts, true)); }), { numRuns: 300 });
  });
});
