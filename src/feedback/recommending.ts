import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { populationPolicy, spc, isSmallNumber, SUPPRESSED_WORDS } from '../population/service.js';
import type { PointType } from '../population/index.js';
import { monthlyCounts, type MonthCounts } from './store.js';
import type { FeedbackService } from './index.js';

/** How far back the dashboard looks: five years of months, as the other population pages do. */
export const RECOMMENDING_MONTHS = 60;

export type SeriesFilter = { hub: string | null; service: FeedbackService | null };

/** One figure as a reader may see it: counts, or "Suppressed" where 1 to 7 could point to a family. */
export type ShownShare = { answered: number | string; recommending: number | string; share: number | null };

export type RecommendingMonth = ShownShare & { month: string; type: PointType | null; mean: number | null; lpl: number | null; upl: number | null };

const monthStart = (iso: string, back: number) => {
  const [y, m] = iso.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 - back, 1));
  return d.toISOString().slice(0, 10);
};

/**
 * The share of answers that would recommend the service: very good or good
 * over every answer except "don't know" (the Friends and Family Test's
 * positive score), as a percentage to one decimal place. Counts of 1 to 7,
 * and the share made from them, are withheld when the role must not see
 * small numbers. Pure.
 */
export function shownShare(recommending: number, answered: number, suppress: boolean): ShownShare {
  const small = suppress && (isSmallNumber(recommending) || isSmallNumber(answered));
  const share = answered === 0 ? null : Math.round((1000 * recommending) / answered) / 10;
  return small
    ? { answered: isSmallNumber(answered) ? SUPPRESSED_WORDS : answered, recommending: SUPPRESSED_WORDS, share: null }
    : { answered, recommending, share };
}

const sum = (counts: MonthCounts[]) => counts.reduce((t, c) => ({ recommending: t.recommending + c.recommending, answered: t.answered + c.answered }), { recommending: 0, answered: 0 });

/** The months of one hub and service (or all of either) with SPC over the months shown; the hubs and services side by side over the last 12 months. */
export async function recommendingSeries(tx: Tx, actor: Actor, filter: SeriesFilter, today: string) {
  const suppress = !populationPolicy.seeSmallNumbers(actor).allowed;
  const from = monthStart(today, RECOMMENDING_MONTHS - 1);
  const to = monthStart(today, -1);
  const counts = await monthlyCounts(tx, actor.icsId, from, to);
  const chosen = counts.filter((c) => (!filter.hub || c.cluster_id === filter.hub) && (!filter.service || c.service_kind === filter.service));
  const months = Array.from({ length: RECOMMENDING_MONTHS }, (_, i) => monthStart(today, RECOMMENDING_MONTHS - 1 - i));
  const shareOf = (list: MonthCounts[]) => {
    const total = sum(list);
    return shownShare(total.recommending, total.answered, suppress);
  };
  const shown = months.map((m) => ({ month: m, ...shareOf(chosen.filter((c) => `${c.month}-01` === m)) }));
  // Limits from the months a reader may see: a withheld month is no point at all.
  const charted = shown.filter((m) => m.share !== null);
  const result = charted.length >= 2 ? spc(charted.map((m) => m.share!), { improvement: 'increase' }) : null;
  const byMonth = new Map(charted.map((m, i) => [m.month, result?.points[i]]));
  const series: RecommendingMonth[] = shown.map((m) => {
    const p = byMonth.get(m.month);
    return { ...m, type: p?.type ?? null, mean: p?.mean ?? null, lpl: p?.lpl ?? null, upl: p?.upl ?? null };
  });
  const lastYear = monthStart(today, 11);
  const recent = counts.filter((c) => `${c.month}-01` >= lastYear);
  const group = (key: (c: MonthCounts) => string, name: (c: MonthCounts) => string) => {
    const keys = [...new Map(recent.map((c) => [key(c), name(c)])).entries()];
    return keys.map(([k, label]) => ({ key: k, label, ...shareOf(recent.filter((c) => key(c) === k)) }));
  };
  return {
    series, variation: result?.variation ?? null, suppress,
    hubsLastYear: group((c) => c.cluster_id, (c) => c.cluster_name),
    servicesLastYear: group((c) => c.service_kind, (c) => c.service_kind),
  };
}
