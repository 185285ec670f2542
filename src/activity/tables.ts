import { COMPARE } from './comparison.js';
import { days, percent, ratePer1000 } from './figures.js';
import { monthsFrom, monthShort, type Month } from './period.js';
import type { AttendanceRow, OutcomeRow, PracticeRow, VolumeRow } from './store.js';

/**
 * The page's tables as data: the HTML page and each CSV are written from the
 * same rows, so they can never disagree. A cell is text, a number (shown with
 * thousands separators on the page, plain in the CSV) or null (no figure).
 */
export type Cell = string | number | null;
export type Column = { heading: string; numeric?: boolean };
export type ActivityTable = { id: TableId; title: string; caption: string; columns: Column[]; rows: Cell[][] };

export const TABLE_IDS = ['practices', 'months', 'outcomes', 'waiting', 'attendance'] as const;
export type TableId = (typeof TABLE_IDS)[number];

export type ActivityData = {
  scopeName: string; from: Month; to: Month;
  practices: PracticeRow[]; volumes: VolumeRow[]; outcomes?: OutcomeRow; attendance: AttendanceRow[];
};

/** What each table is made from, so a CSV of one table runs only its own queries. */
export const TABLE_SOURCE: Record<TableId, 'volumes' | 'outcomes' | 'attendance'> = {
  practices: 'volumes', months: 'volumes', outcomes: 'outcomes', waiting: 'outcomes', attendance: 'attendance',
};

const num = (heading: string): Column => ({ heading, numeric: true });
const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((a, x) => a + f(x), 0);

function practiceTable(d: ActivityData, months: number, period: string): ActivityTable {
  const byPractice = new Map(d.volumes.filter((v) => v.practice_id).map((v) => [v.practice_id, v]));
  const line = (name: string, ods: string, hub: string, children: number, advice: number, referrals: number): Cell[] => [
    name, ods, hub, children, advice, ratePer1000(advice, children, months), referrals, ratePer1000(referrals, children, months),
  ];
  const rows = d.practices.map((p) => {
    const v = byPractice.get(p.id);
    return line(p.name, p.ods_code, p.cluster_name ?? 'Not in a hub', p.children, v?.advice ?? 0, v?.referrals ?? 0);
  });
  const children = sum(d.practices, (p) => p.children);
  rows.push(line('All practices', '', '', children, sum(d.practices, (p) => byPractice.get(p.id)?.advice ?? 0), sum(d.practices, (p) => byPractice.get(p.id)?.referrals ?? 0)));
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

function monthTable(d: ActivityData, children: number, period: string): ActivityTable {
  const byMonth = new Map(d.volumes.filter((v) => v.month).map((v) => [v.month, v]));
  return {
    id: 'months', title: 'By month',
    caption: `Advice requests and referrals by month, ${d.scopeName}, ${period}`,
    columns: [
      { heading: 'Month' }, num('Advice requests'), num('Advice requests per 1,000 children a year'), num('Referrals'), num('Referrals per 1,000 children a year'),
    ],
    rows: monthsFrom(d.from, d.to).map((m) => {
      const v = byMonth.get(m);
      return [monthShort(m), v?.advice ?? 0, ratePer1000(v?.advice ?? 0, children, 1), v?.referrals ?? 0, ratePer1000(v?.referrals ?? 0, children, 1)];
    }),
  };
}

function outcomeTable(d: ActivityData, period: string): ActivityTable {
  const o = d.outcomes!; // loaded whenever this table is asked for (TABLE_SOURCE)
  const seen = o.seen_community + o.seen_hospital;
  const line = (measure: string, n: number, of: number, compare = ''): Cell[] => [measure, n, of, percent(n, of), compare];
  return {
    id: 'outcomes', title: 'What happened to referrals',
    caption: `Outcomes of referrals and advice requests, ${d.scopeName}, ${period}`,
    columns: [{ heading: 'Measure' }, num('Number'), num('Out of'), num('Share (%)'), { heading: 'Published figure for comparison' }],
    rows: [
      line('Resolved without a face-to-face visit (advice or returned to the GP at triage)', o.without_visit, o.triaged, COMPARE.withoutVisit),
      line('Booked to the hub or cluster clinic at triage', o.hub_clinic, o.triaged, COMPARE.hubClinic),
      line('Sent to hospital or specialist services at triage', o.hospital, o.triaged, COMPARE.hospital),
      line('Discussed at the hub MDT at triage', o.mdt, o.triaged),
      line('Ambulatory care at home at triage', o.ambulatory, o.triaged),
      line('Urgent same-day assessment at triage', o.urgent, o.triaged),
      line('Referrals seen so far, in the community or in hospital', seen, o.referrals, COMPARE.seen),
      line('Of those seen: seen in the community (hub or cluster clinic)', o.seen_community, seen, COMPARE.community),
      line('Of those seen: seen in hospital (referred on)', o.seen_hospital, seen),
      line('Advice requests answered without a referral following', o.advice_answered - o.advice_converted, o.advice_answered, COMPARE.adviceWithoutReferral),
    ],
  };
}

function waitingTable(d: ActivityData, period: string): ActivityTable {
  const o = d.outcomes!; // loaded whenever this table is asked for (TABLE_SOURCE)
  return {
    id: 'waiting', title: 'Waiting',
    caption: `Days waited, ${d.scopeName}, ${period}`,
    columns: [{ heading: 'Wait' }, num('Number that got there'), num('Median (days)'), num('90th percentile (days)'), { heading: 'Published figure for comparison' }],
    rows: [
      ['Referral to triage decision', o.triage_waits, days(o.triage_median), days(o.triage_p90), ''],
      ['Referral to first seen in a hub or cluster clinic', o.seen_waits, days(o.seen_median), days(o.seen_p90), COMPARE.seenWait],
      ['Advice request to answer', o.answer_waits, days(o.answer_median), days(o.answer_p90), ''],
    ],
  };
}

function attendanceTable(d: ActivityData, period: string): ActivityTable {
  const line = (hub: string, seen: number, dna: number): Cell[] => [hub, seen, dna, percent(dna, seen + dna)];
  const rows = d.attendance.map((a) => line(a.cluster_name, a.seen, a.did_not_attend));
  rows.push(line('All hubs', sum(d.attendance, (a) => a.seen), sum(d.attendance, (a) => a.did_not_attend)));
  return {
    id: 'attendance', title: 'Did not attend',
    caption: `Hub and cluster clinic appointments that were attended or missed, ${d.scopeName}, ${period}`,
    columns: [{ heading: 'Hub' }, num('Seen'), num('Did not attend'), num('Did-not-attend rate (%)')],
    rows,
  };
}

/** Every table, or only the one asked for (a CSV). */
export function activityTables(d: ActivityData, period: string, only?: TableId): ActivityTable[] {
  const months = monthsFrom(d.from, d.to).length;
  const children = sum(d.practices, (p) => p.children);
  const build: Record<TableId, () => ActivityTable> = {
    practices: () => practiceTable(d, months, period), months: () => monthTable(d, children, period),
    outcomes: () => outcomeTable(d, period), waiting: () => waitingTable(d, period), attendance: () => attendanceTable(d, period),
  };
  return (only ? [only] : TABLE_IDS).map((id) => build[id]());
}

const NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** A cell as the page shows it: numbers with thousands separators, no figure in words. */
export const shownCell = (cell: Cell): string => (cell === null ? 'Not available' : typeof cell === 'number' ? NUMBER.format(cell) : cell);
