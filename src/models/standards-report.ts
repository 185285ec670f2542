import type { Tx } from '../platform/db/client.js';
import { addMonths } from '../platform/time/form-dates.js';
import { STANDARDS, judge, type Judged, type StandardId, type StandardStatus } from './standards.js';
import { attestations, hubsOfIcs, standardCounts, type AttestationRow, type Period } from './standards-data.js';

/**
 * Each standard per hub for the twelve months up to today, with the same
 * figure for each of the four years before (over time). The page, its CSV and
 * `joinery standards --json` all print this.
 */

export const YEARS_SHOWN = 5;

export type HubStandard = Judged & { hub: string; hubId: string; unit: string; period: string; median: number | null };
export type StandardReport = { id: StandardId; title: string; unit: string; hubs: (HubStandard & { history: HubStandard[] })[] };

const periodWords = (p: Period) => `${p.from} to ${dayBefore(p.to)}`;
const dayBefore = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** The twelve-month periods, newest first, each ending (exclusive) on today less whole years. */
export const periodsTo = (today: string): Period[] =>
  Array.from({ length: YEARS_SHOWN }, (_, k) => ({ from: addMonths(today, -12 * (k + 1)), to: addMonths(today, -12 * k) }));

export async function standardsReport(tx: Tx, icsId: string, o: { today: string; hideSmall: boolean; hubIds?: readonly string[] }): Promise<{ period: string; standards: StandardReport[] }> {
  const hubs = (await hubsOfIcs(tx, icsId)).filter((h) => !o.hubIds || o.hubIds.includes(h.id));
  const periods = periodsTo(o.today);
  const measured: { p: Period; counts: Awaited<ReturnType<typeof standardCounts>>; attested: AttestationRow[] }[] = [];
  for (const [k, p] of periods.entries()) {
    measured.push({ p, counts: await standardCounts(tx, icsId, p, k === 0), attested: await attestations(tx, icsId, p.to) });
  }
  const standards = STANDARDS.map((s) => ({
    id: s.id, title: s.title, unit: s.unit,
    hubs: hubs.map((h) => {
      const [now, ...before] = measured.map(({ p, counts, attested }, k): HubStandard => {
        const c = counts[s.id];
        const a = attested.find((x) => x.standard_id === s.id && x.cluster_id === h.id);
        const got = c?.get(h.id) ?? (c ? { numerator: 0, denominator: 0 } : null);
        const judged = judge(s, k > 0 && s.id === 'link-paediatrician' ? null : got, {
          hideSmall: o.hideSmall, attestation: a ? { status: a.status, evidence: a.evidence, attestedOn: a.attested_on, by: a.recorded_by_name } : null,
        });
        if (k > 0 && s.id === 'link-paediatrician' && judged.status === 'no-data') judged.note = 'Who led each hub in the past is not kept';
        const median = judged.figure !== null && 'median' in (got ?? {}) ? (got as { median?: number | null }).median ?? null : null;
        return { ...judged, hub: h.name, hubId: h.id, unit: s.unit, period: periodWords(p), median };
      });
      return { ...now, history: before };
    }),
  }));
  return { period: periodWords(periods[0]), standards };
}

/** The CLI's and API's shape, as issue 22 gives it. */
export const standardsJson = (r: { standards: StandardReport[] }) => ({
  standards: r.standards.map((s) => ({
    id: s.id, title: s.title,
    hubs: s.hubs.map((h) => ({ hub: h.hub, status: h.status as StandardStatus, figure: h.figure, unit: h.unit, period: h.period })),
  })),
});
