import { COMPARE } from './comparison.js';
import { days, percent, ratePer1000 } from './figures.js';
import { monthsFrom, monthShort, type Month } from './period.js';
import type { AttendanceRow, OutcomeRow, PracticeRow, VolumeRow } from './store.js';
import { withheldFigures } from '../population/service.js';
import { SUPPRESSED_WORDS, type SumRule } from '../population/index.js';

/**
 * The page's tables as data: the HTML page and each CSV are written from the
 * same rows, so they can never disagree. A cell is text, a number (shown with
 * thousands separators on the page, plain in the CSV) or null (no figure).
 *
 * For a reader who may not see small numbers (policy.seesSmallNumbers),
 * counts of 1 to 7 read "Suppressed", and so do enough others beside each
 * total that none can be worked out by subtraction (population/suppression.ts);
 * a rate, share or wait made from a withheld count is withheld with it.
 */
export type Cell = string | number | null;
export type Column = { heading: string; numeric?: boolean };
export type ActivityTable = { id: TableId; title: string; caption: string; columns: Column[]; rows: Cell[][] };

export const TABLE_IDS = ['practices', 'months', 'outcomes', 'waiting', 'attendance'] as const;
export type TableId = (typeof TABLE_IDS)[number];

export type ActivityData = {
  scopeName: string; from: Month; to: Month;
  practices: PracticeRow[]; volumes: VolumeRow[]; outcomes?: OutcomeRow; attendance: AttendanceRow[];
  /** Whether small numbers are withheld from this reader. */
  suppress: boolean;
};

/** What each table is made from, so a CSV of one table runs only its own queries. */
export const TABLE_SOURCE: Record<TableId, 'volumes' | 'outcomes' | 'attendance'> = {
  practices: 'volumes', months: 'volumes', outcomes: 'outcomes', waiting: 'outcomes', attendance: 'attendance',
};

const num = (heading: string): Column => ({ heading, numeric: true });
const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((a, x) => a + f(x), 0);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** `values` hidden as withheldFigures says, or none for a reader who may see small numbers. */
const hiding = (d: ActivityData, values: number[], sums: SumRule[]) => (d.suppress ? withheldFigures(values, sums) : values.map(() => false));
const shown = (value: Cell, hidden: boolean): Cell => (hidden ? SUPPRESSED_WORDS : value);

/**
 * The practices' and the months' counts with the total they both add up to
 * (one figure, on both tables), hidden together: which practice and month
 * figures are withheld, and whether the totals are.
 */
function volumeFigures(d: ActivityData) {
  const byPractice = new Map(d.volumes.filter((v) => v.practice_id).map((v) => [v.practice_id, v]));
  const byMonth = new Map(d.volumes.filter((v) => v.month).map((v) => [v.month, v]));
  const months = monthsFrom(d.from, d.to);
  const practices = d.practices.map((p) => ({ children: p.children, advice: byPractice.get(p.id)?.advice ?? 0, referrals: byPractice.get(p.id)?.referrals ?? 0 }));
  const monthly = months.map((m) => ({ advice: byMonth.get(m)?.advice ?? 0, referrals: byMonth.get(m)?.referrals ?? 0 }));
  const total = { children: sum(practices, (p) => p.children), advice: sum(practices, (p) => p.advice), referrals: sum(practices, (p) => p.referrals) };
  const n = practices.length;
  const events = (key: 'advice' | 'referrals') => {
    const hidden = hiding(d, [...practices.map((p) => p[key]), ...monthly.map((m) => m[key]), total[key]], [
      { parts: range(n), total: n + months.length }, { parts: range(months.length).map((i) => n + i), total: n + months.length },
    ]);
    return { practices: hidden.slice(0, n), months: hidden.slice(n, n + months.length), total: hidden[n + months.length] };
  };
  const children = hiding(d, [...practices.map((p) => p.children), total.children], [{ parts: range(n), total: n }]);
  return { months, practices, monthly, total, hidden: { advice: events('advice'), referrals: events('referrals'), children: { practices: children.slice(0, n), total: children[n] } } };
}

function practiceTable(d: ActivityData, v: ReturnType<typeof volumeFigures>, period: string): ActivityTable {
  const months = v.months.length;
  const line = (name: string, ods: string, hub: string, f: { children: number; advice: number; referrals: number }, hidden: { children: boolean; advice: boolean; referrals: boolean }): Cell[] => [
    name, ods, hub, shown(f.children, hidden.children),
    shown(f.advice, hidden.advice), shown(ratePer1000(f.advice, f.children, months), hidden.advice || hidden.children),
    shown(f.referrals, hidden.referrals), shown(ratePer1000(f.referrals, f.children, months), hidden.referrals || hidden.children),
  ];
  const { advice, referrals, children } = v.hidden;
  const rows = d.practices.map((p, i) => line(p.name, p.ods_code, p.cluster_name ?? 'Not in a hub', v.practices[i], {
    children: children.practices[i], advice: advice.practices[i], referrals: referrals.practices[i],
  }));
  rows.push(line('All practices', '', '', v.total, { children: children.total, advice: advice.total, referrals: referrals.total }));
  return {
    id: 'practices', title: 'By practice',
    caption: `Advice requests and referrals by practice, ${d.scopeName}, ${period}`,
    columns: [
      { heading: 'Practice' }, { heading: 'ODS code' }, { heading: 'Hub' }, num('Registered children'),
      num('Advice requests'), num('Advice requests per 1,000 children a year'), num('Referrals'), num('Referrals per 1,000 children a year'),
    ],
    rows,
  };
}

function monthTable(d: ActivityData, v: ReturnType<typeof volumeFigures>, period: string): ActivityTable {
  const { advice, referrals, children } = v.hidden;
  return {
    id: 'months', title: 'By month',
    caption: `Advice requests and referrals by month, ${d.scopeName}, ${period}`,
    columns: [
      { heading: 'Month' }, num('Advice requests'), num('Advice requests per 1,000 children a year'), num('Referrals'), num('Referrals per 1,000 children a year'),
    ],
    rows: v.months.map((m, i) => {
      const f = v.monthly[i];
      return [
        monthShort(m),
        shown(f.advice, advice.months[i]), shown(ratePer1000(f.advice, v.total.children, 1), advice.months[i] || children.total),
        shown(f.referrals, referrals.months[i]), shown(ratePer1000(f.referrals, v.total.children, 1), referrals.months[i] || children.total),
      ];
    }),
  };
}

/**
 * Each outcome is a count out of another: what is left over (the rest of
 * those triaged, those not seen, the advice that did turn into a referral)
 * can be had by subtraction, so it joins the sums as a figure that is never
 * shown but hidden, with a complement, when it is small.
 */
function outcomeTable(d: ActivityData, period: string): ActivityTable {
  const o = d.outcomes!; // loaded whenever this table is asked for (TABLE_SOURCE)
  const seen = o.seen_community + o.seen_hospital;
  const routes = [o.without_visit, o.hub_clinic, o.hospital, o.mdt, o.ambulatory, o.urgent];
  const values = [
    ...routes, o.triaged - sum(routes, (r) => r), o.triaged, // 0–5 routes, 6 the rest, 7 triaged
    seen, o.referrals - seen, o.referrals, // 8 seen, 9 not seen, 10 referrals
    o.seen_community, o.seen_hospital, // 11, 12 (of seen, 8)
    o.advice_answered - o.advice_converted, o.advice_converted, o.advice_answered, // 13, 14 converted, 15 answered
  ];
  const hidden = hiding(d, values, [
    { parts: range(7), total: 7 }, { parts: [8, 9], total: 10 }, { parts: [11, 12], total: 8 }, { parts: [13, 14], total: 15 },
  ]);
  const line = (measure: string, n: number, of: number, compare = ''): Cell[] =>
    [measure, shown(values[n], hidden[n]), shown(values[of], hidden[of]), shown(percent(values[n], values[of]), hidden[n] || hidden[of]), compare];
  return {
    id: 'outcomes', title: 'What happened to referrals',
    caption: `Outcomes of referrals and advice requests, ${d.scopeName}, ${period}`,
    columns: [{ heading: 'Measure' }, num('Number'), num('Out of'), num('Share (%)'), { heading: 'Published figure for comparison' }],
    rows: [
      line('Resolved without a face-to-face visit (advice or returned to the GP at triage)', 0, 7, COMPARE.withoutVisit),
      line('Booked to the hub or cluster clinic at triage', 1, 7, COMPARE.hubClinic),
      line('Sent to hospital or specialist services at triage', 2, 7, COMPARE.hospital),
      line('Discussed at the hub MDT at triage', 3, 7),
      line('Ambulatory care at home at triage', 4, 7),
      line('Urgent same-day assessment at triage', 5, 7),
      line('Referrals seen so far, in the community or in hospital', 8, 10, COMPARE.seen),
      line('Of those seen: seen in the community (hub or cluster clinic)', 11, 8, COMPARE.community),
      line('Of those seen: seen in hospital (referred on)', 12, 8),
      line('Advice requests answered without a referral following', 13, 15, COMPARE.adviceWithoutReferral),
    ],
  };
}

/** A wait of few children is theirs alone: a withheld count withholds its median and 90th percentile. */
function waitingTable(d: ActivityData, period: string): ActivityTable {
  const o = d.outcomes!; // loaded whenever this table is asked for (TABLE_SOURCE)
  const wait = (what: string, n: number, median: number | null, p90: number | null, compare: string): Cell[] => {
    const [hidden] = hiding(d, [n], []);
    return [what, shown(n, hidden), shown(days(median), hidden), shown(days(p90), hidden), compare];
  };
  return {
    id: 'waiting', title: 'Waiting',
    caption: `Days waited, ${d.scopeName}, ${period}`,
    columns: [{ heading: 'Wait' }, num('Number that got there'), num('Median (days)'), num('90th percentile (days)'), { heading: 'Published figure for comparison' }],
    rows: [
      wait('Referral to triage decision', o.triage_waits, o.triage_median, o.triage_p90, ''),
      wait('Referral to first seen in a hub or cluster clinic', o.seen_waits, o.seen_median, o.seen_p90, COMPARE.seenWait),
      wait('Advice request to answer', o.answer_waits, o.answer_median, o.answer_p90, ''),
    ],
  };
}

function attendanceTable(d: ActivityData, period: string): ActivityTable {
  const n = d.attendance.length;
  const column = (pick: (a: { seen: number; did_not_attend: number }) => number) => {
    const total = sum(d.attendance, pick);
    return { values: [...d.attendance.map(pick), total], hidden: hiding(d, [...d.attendance.map(pick), total], [{ parts: range(n), total: n }]) };
  };
  const seen = column((a) => a.seen);
  const dna = column((a) => a.did_not_attend);
  const line = (hub: string, i: number): Cell[] => [
    hub, shown(seen.values[i], seen.hidden[i]), shown(dna.values[i], dna.hidden[i]),
    shown(percent(dna.values[i], seen.values[i] + dna.values[i]), seen.hidden[i] || dna.hidden[i]),
  ];
  return {
    id: 'attendance', title: 'Did not attend',
    caption: `Hub and cluster clinic appointments that were attended or missed, ${d.scopeName}, ${period}`,
    columns: [{ heading: 'Hub' }, num('Seen'), num('Did not attend'), num('Did-not-attend rate (%)')],
    rows: [...d.attendance.map((a, i) => line(a.cluster_name, i)), line('All hubs', n)],
  };
}

/** Every table, or only the one asked for (a CSV). */
export function activityTables(d: ActivityData, period: string, only?: TableId): ActivityTable[] {
  const volumes = volumeFigures(d);
  const build: Record<TableId, () => ActivityTable> = {
    practices: () => practiceTable(d, volumes, period), months: () => monthTable(d, volumes, period),
    outcomes: () => outcomeTable(d, period), waiting: () => waitingTable(d, period), attendance: () => attendanceTable(d, period),
  };
  return (only ? [only] : TABLE_IDS).map((id) => build[id]());
}

const NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** A cell as the page shows it: numbers with thousands separators, no figure in words. */
export const shownCell = (cell: Cell): string => (cell === null ? 'Not available' : typeof cell === 'number' ? NUMBER.format(cell) : cell);
