import type { Rng } from '../platform/random/seeded.js';
import { isoDate, isoTimestamp } from './dates.js';
import type { Cluster } from './structure.js';
import type { Row } from './writer.js';
import type { FeedbackService } from '../feedback/index.js';

const MONTHS = 60;
/** Answers a hub gets a month on average, per service: clinics most, meetings and care at home (the virtual ward's stays) fewest. */
const PER_MONTH: readonly [FeedbackService, number][] = [['hub-clinic', 9], ['advice', 6], ['mdt-outcome', 3], ['care-at-home', 2]];
const ANSWERS = ['very-good', 'good', 'neither', 'poor', 'very-poor', 'dont-know'] as const;
/** As families answer the FFT in community child health: mostly very good, a few poor, some who do not know. */
const WEIGHTS = [0.68, 0.2, 0.04, 0.025, 0.015, 0.04];
const GOOD_WORDS = ['The doctor listened to us and explained everything.', 'Seen close to home, no trip to the hospital.', 'Quick answer from the paediatrician.', 'Everyone knew our story.'];
const POOR_WORDS = ['We waited a long time to hear back.', 'Nobody told us what happens next.', 'The room was too small for the buggy.'];

/**
 * Five years of Friends and Family Test answers for every hub, for the
 * population pages: a few a month per service, a hub's share drifting a
 * little over time. Drawn from a stream of its own and written without
 * links (they stand for links long since used), so the rest of the ICS is
 * the same with or without it.
 */
export function feedbackRows(rng: Rng, ids: Rng, icsId: string, clusters: readonly Cluster[], todayDays: number): Row[] {
  const rows: Row[] = [];
  const today = new Date(`${isoDate(todayDays)}T00:00:00Z`);
  for (const cluster of clusters) {
    // Each hub is a little better or worse than the next; poorer answers a touch likelier in a weaker hub.
    const lean = rng.uniform(-0.08, 0.05);
    for (let back = MONTHS - 1; back >= 0; back--) {
      const first = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1) / 86_400_000;
      const last = Math.min(todayDays - 1, Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back + 1, 0) / 86_400_000);
      if (last < first) continue;
      for (const [service, mean] of PER_MONTH) {
        for (let n = rng.int(Math.floor(mean / 2), Math.ceil(mean * 1.5)); n > 0; n--) {
          const answer = ANSWERS[rng.weighted(WEIGHTS.map((w, i) => (i < 2 ? w * (1 + lean) : w * (1 - 2 * lean))))];
          const day = rng.int(first, last);
          const wrote = rng.chance(0.3);
          const poor = answer === 'poor' || answer === 'very-poor' || answer === 'neither';
          rows.push({
            ics_id: icsId, id: ids.uuid(), cluster_id: cluster.id, service_kind: service, event_date: isoDate(day), answer,
            free_text: wrote ? rng.pick(poor ? POOR_WORDS : GOOD_WORDS) : '', anonymous: rng.chance(0.6), link_id: null,
            answered_at: isoTimestamp(Math.min(todayDays, day + rng.int(0, 10)), rng.int(420, 1320)),
          });
        }
      }
    }
  }
  return rows;
}
