import { civilFromDays, daysFromCivil, isoTimestamp } from './dates.js';
import type { OrderedIds } from './ordered-ids.js';
import type { Rng } from '../platform/random/seeded.js';
import type { WorkingCalendar } from './referral-calendar.js';
import type { Cluster } from './structure.js';
import type { BatchWriter } from './writer.js';

export const SLOT_MINUTES = 20;
export const SLOT_COUNT = 12;
const STARTS_AT = 13 * 60; // an afternoon clinic, 13:00–17:00
const MAX_PER_MONTH = 4;

type Session = { id: string; day: number; paediatricianId: string; gpId: string; slots: string[]; used: number };

export type TimetableInput = {
  icsId: string;
  clusters: readonly Cluster[];
  /** Sessions a month the hub needs (clamped to 1–4). */
  perMonth: (cluster: Cluster) => number;
  /** Sessions from `from` to `to`; none created after `today`. */
  window: { from: number; to: number; today: number };
  cal: WorkingCalendar;
  rng: Rng;
  ids: OrderedIds;
  writer: BatchWriter;
  /** Who set the clinics up: the hub's clinic administrator. */
  createdBy: (cluster: Cluster) => string;
};

/** A slot given to a booking: when, and who runs the clinic. */
export type Slot = { id: string; day: number; minute: number; paediatricianId: string; gpId: string };

/**
 * The hubs' joint clinics (lead paediatrician and a GP of the hub, at one of
 * its practices in turn), monthly from the start of the history to a few
 * months ahead; a big hub runs as many sessions a month as its expected
 * demand needs, so waits stay at the 2–5 weeks the cluster model achieved.
 * Bookings take the first free slot of the first session on or after a day.
 */
export class ClinicTimetable {
  private sessions = new Map<string, Session[]>();

  constructor(input: TimetableInput) {
    const { clusters, perMonth, window, cal, rng, ids, writer, icsId, createdBy } = input;
    const [fy, fm] = civilFromDays(window.from);
    const [ty, tm] = civilFromDays(window.to);
    for (const cluster of clusters) {
      const k = Math.max(1, Math.min(MAX_PER_MONTH, perMonth(cluster)));
      const weekday = rng.int(2, 4); // Tuesday to Thursday
      const offset = rng.int(0, 3);
      const list: Session[] = [];
      let venue = rng.int(0, cluster.practices.length - 1);
      for (let month = fy * 12 + fm - 1; month <= ty * 12 + tm - 1; month++) {
        const [y, m] = [Math.floor(month / 12), (month % 12) + 1];
        for (let j = 0; j < k; j++) {
          const week = (offset + Math.floor((j * 4) / k)) % 4;
          const day = cal.onOrAfter(nthWeekday(y, m, weekday, week));
          if (day < window.from || day > window.to) continue;
          const practice = cluster.practices[venue++ % cluster.practices.length];
          const s: Session = { id: ids.next(), day, paediatricianId: cluster.lead, gpId: rng.pick(practice.gps), slots: [], used: 0 };
          writer.add('clinic_session', {
            ics_id: icsId, id: s.id, cluster_id: cluster.id, venue_id: practice.id, starts_at: isoTimestamp(day, STARTS_AT), slot_minutes: SLOT_MINUTES,
            slot_count: SLOT_COUNT, format: 'joint', paediatrician_id: s.paediatricianId, gp_id: s.gpId, cancelled_at: null, created_by: createdBy(cluster),
            created_at: isoTimestamp(Math.min(window.today, Math.max(window.from - 30, day - 70)), 10 * 60),
          });
          for (let i = 0; i < SLOT_COUNT; i++) {
            s.slots.push(ids.next());
            writer.add('clinic_slot', { ics_id: icsId, id: s.slots[i], session_id: s.id, starts_at: isoTimestamp(day, STARTS_AT + i * SLOT_MINUTES) });
          }
          list.push(s);
        }
      }
      list.sort((a, b) => a.day - b.day);
      this.sessions.set(cluster.id, list);
    }
  }

  /** The first free slot in the hub's first session on or after `earliest`, or null when every later session is full. */
  book(clusterId: string, earliest: number): Slot | null {
    const list = this.sessions.get(clusterId) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].day < earliest) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length; i++) {
      const s = list[i];
      if (s.used >= SLOT_COUNT) continue;
      const n = s.used++;
      return { id: s.slots[n], day: s.day, minute: STARTS_AT + n * SLOT_MINUTES, paediatricianId: s.paediatricianId, gpId: s.gpId };
    }
    return null;
  }
}

/** The (week + 1)th given weekday (0 = Sunday) of a month: weeks 0–3 always exist. */
function nthWeekday(y: number, m: number, weekday: number, week: number): number {
  const first = daysFromCivil(y, m, 1);
  const firstWeekday = (((first + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return first + ((weekday - firstWeekday + 7) % 7) + 7 * week;
}
