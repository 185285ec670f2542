import type { Tx } from '../platform/db/client.js';
import { addMonths } from '../platform/time/form-dates.js';
import { STANDARDS, judge, type Judged, type Standard, type StandardId, type StandardStatus } from './standards.js';
import { attestations, hubsOfIcs, standardCounts, type AttestationRow, type HubRow, type Period } from './standards-data.js';

/**
 * Each standard per hub for the twelve months up to today, and over time: the
 * same figure for each half-year of the five years before today, oldest first.
 * The page, its chart, its CSV and `joinery standards --json` all print this.
 */

export const YEARS_SHOWN = 5;
/** Half-years over time: enough periods for a trend, each long enough (with teaching's six-month look back) to judge. */
export const PERIODS_OVER_TIME = YEARS_SHOWN * 2;

export type HubStandard = Judged & { hub: string; hubId: string; unit: string; period: string; median: number | null };
export type StandardReport = { id: StandardId; title: string; unit: string; periods: string[]; hubs: (HubStandard & { overTime: HubStandard[] })[] };

const periodWords = (p: Period) => `${p.from} to ${dayBefore(p.to)}`;
const dayBefore = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** The twelve months up to today (exclusive). */
export const yearTo = (today: string): Period => ({ from: addMonths(today, -12), to: today });

/** The half-years over time, oldest first, the last ending (exclusive) today. */
export const halfYearsTo = (today: string): Period[] =>
  Array.from({ length: PERIODS_OVER_TIME }, (_, k) => PERIODS_OVER_TIME - 1 - k).map((back) => ({ from: addMonths(today, -6 * (back + 1)), to: addMonths(today, -6 * back) }));

type Measured = { p: Period; counts: Awaited<ReturnType<typeof standardCounts>>; attested: AttestationRow[] };

/** One hub's figure for one standard in one period: the counts judged, or the attestation made by its end. */
function judgedFor(s: Standard, h: HubRow, { p, counts, attested }: Measured, hideSmall: boolean): HubStandard {
  const c = counts[s.id];
  const a = attested.find((x) => x.standard_id === s.id && x.cluster_id === h.id);
  const got = c?.get(h.id) ?? (c ? { numerator: 0, denominator: 0 } : null);
  const past = s.id === 'link-paediatrician' && !c;
  const judged = judge(s, past ? null : got, {
    hideSmall, attestation: a ? { status: a.status, evidence: a.evidence, attestedOn: a.attested_on, by: a.recorded_by_name } : null,
  });
  if (past && judged.status === 'no-data') judged.note = 'Who led each hub in the past is not kept';
  const median = judged.figure !== null && got && 'median' in got ? got.median ?? null : null;
  return { ...judged, hub: h.name, hubId: h.id, unit: s.unit, period: periodWords(p), median };
}

export async function standardsReport(tx: Tx, icsId: string, o: { today: string; hideSmall: boolean; hubIds?: readonly string[]; overTime?: boolean }): Promise<{ period: string; standards: StandardReport[] }> {
  const hubs = (await hubsOfIcs(tx, icsId)).filter((h) => !o.hubIds || o.hubIds.includes(h.id));
  // Who leads a hub is known only as things stand: the periods ending today are judged on it, earlier ones are not.
  const measure = async (p: Period): Promise<Measured> => ({ p, counts: await standardCounts(tx, icsId, p, p.to === o.today), attested: await attestations(tx, icsId, p.to) });
  const year = await measure(yearTo(o.today));
  const halves: Measured[] = [];
  if (o.overTime !== false) for (const p of halfYearsTo(o.today)) halves.push(await measure(p));
  const standards = STANDARDS.map((s) => ({
    id: s.id, title: s.title, unit: s.unit, periods: halves.map((m) => periodWords(m.p)),
    hubs: hubs.map((h) => ({ ...judgedFor(s, h, year, o.hideSmall), overTime: halves.map((m) => judgedFor(s, h, m, o.hideSmall)) })),
  }));
  return { period: periodWords(year.p), standards };
}

const hubJson = (h: HubStandard) => ({ hub: h.hub, status: h.status as StandardStatus, figure: h.figure, unit: h.unit, period: h.period });

/**
 * The CLI's and API's shape, as issue 22 gives it; with the periods over time
 * (half-years, oldest first) each standard also carries `overTime`, each
 * period's hubs in the same shape.
 */
export const standardsJson = (r: { standards: StandardReport[] }, o: { overTime?: boolean } = {}) => ({
  standards: r.standards.map((s) => ({
    id: s.id, title: s.title,
    hubs: s.hubs.map(hubJson),
    ...(o.overTime ? { overTime: s.periods.map((period, k) => ({ period, hubs: s.hubs.map((h) => hubJson(h.overTime[k])) })) } : {}),
  })),
});
