import { sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import { ACTIVITY_TYPES, type ActivityType } from '../population/schema.js';
import type { OwnBuffer } from './writer.js';

/**
 * Activity events held as columns of small integers and written with one
 * INSERT … SELECT FROM unnest(...) per chunk. Five years at 500,000
 * children is ~10 million rows, so no object, string or JSON is made per
 * event: the child, organisations, sites, types and reasons are indexes
 * into short lists sent once per statement, the time is minutes since
 * 1970 (UTC) and the month a month number. Each column travels as one
 * integer array literal cast in SQL, the same on PGlite and the server.
 */

/** Admissions' emergency flag and outpatients' first attendance: null, false or true. */
export const NONE = 0;
export const NO = 1;
export const YES = 2;

/** An event as stored; month is a month number (months.ts). */
export type DecodedEvent = {
  childId: string; type: ActivityType; occurredAt: string; month: number; ageYears: number; practiceId: string; clusterId: string;
  organisationId: string; siteId: string; reasonCode: string; emergency: boolean | null; bedDays: number | null; firstAttendance: boolean | null;
};

const COLUMNS = ['child', 'type', 'minute', 'month', 'age', 'organisation', 'site', 'reason', 'emergency', 'bedDays', 'first'] as const;

export class ActivityColumns implements OwnBuffer {
  readonly table = 'activity_event';
  count = 0;
  private n = 0;
  /** One array per column, in COLUMNS order. */
  private cols: Int32Array[] = COLUMNS.map(() => new Int32Array(1 << 16));
  // Children of this batch: their ids, practices and clusters, by slot (from 1, as SQL arrays count).
  private children: string[] = [];
  private practices: string[] = [];
  private clusters: string[] = [];
  private places: string[];
  private placeSlots: Map<string, number>;
  private typeSlots = new Map<ActivityType, number>(ACTIVITY_TYPES.map((t, i) => [t, i + 1]));
  private reasonSlots: Map<string, number>;
  /** The record's contact each event counts, by the event's place in the buffer (most have none: older history, prescriptions). */
  private contacts = new Map<number, string>();

  constructor(
    private icsId: string,
    /** Every organisation and site an event can name. */
    places: readonly string[],
    private reasons: readonly string[],
    private chunk = 25_000,
  ) {
    this.places = [...new Set(places)];
    this.placeSlots = new Map(this.places.map((p, i) => [p, i + 1]));
    this.reasonSlots = new Map(reasons.map((r, i) => [r, i + 1]));
  }

  get length(): number {
    return this.n;
  }

  /** Starts a child's events: its slot for push(). */
  child(id: string, practiceId: string, clusterId: string): number {
    this.children.push(id);
    this.practices.push(practiceId);
    this.clusters.push(clusterId);
    return this.children.length;
  }

  place(id: string): number {
    const slot = this.placeSlots.get(id);
    if (slot === undefined) throw new Error(`activity: unknown organisation or site ${id}`);
    return slot;
  }

  type(t: ActivityType): number {
    return this.typeSlots.get(t)!;
  }

  reason(key: string): number {
    const slot = this.reasonSlots.get(key);
    if (slot === undefined) throw new Error(`activity: unknown reason ${key}`);
    return slot;
  }

  /** One event; every argument a slot or small number. bedDays −1 is none. */
  push(child: number, type: number, minute: number, month: number, age: number, organisation: number, site: number, reason: number,
    emergency: number, bedDays: number, first: number): void {
    if (this.n === this.cols[0].length) this.grow();
    const i = this.n++;
    const c = this.cols;
    c[0][i] = child;
    c[1][i] = type;
    c[2][i] = minute;
    c[3][i] = month;
    c[4][i] = age;
    c[5][i] = organisation;
    c[6][i] = site;
    c[7][i] = reason;
    c[8][i] = emergency;
    c[9][i] = bedDays;
    c[10][i] = first;
    this.count++;
  }

  private grow(): void {
    this.cols = this.cols.map((col) => {
      const bigger = new Int32Array(col.length * 2);
      bigger.set(col);
      return bigger;
    });
  }

  private decode(i: number): DecodedEvent {
    const c = this.cols;
    const flag = (x: number) => (x === NONE ? null : x === YES);
    return {
      childId: this.children[c[0][i] - 1], type: ACTIVITY_TYPES[c[1][i] - 1], occurredAt: new Date(c[2][i] * 60_000).toISOString(),
      month: c[3][i], ageYears: c[4][i], practiceId: this.practices[c[0][i] - 1], clusterId: this.clusters[c[0][i] - 1],
      organisationId: this.places[c[5][i] - 1], siteId: this.places[c[6][i] - 1], reasonCode: this.reasons[c[7][i] - 1],
      emergency: flag(c[8][i]), bedDays: c[9][i] < 0 ? null : c[9][i], firstAttendance: flag(c[10][i]),
    };
  }

  /** The buffered events as rows, as they will be stored (for tests and checks; the writer never makes these). */
  peek(): DecodedEvent[] {
    return Array.from({ length: this.n }, (_, i) => this.decode(i));
  }

  /**
   * Events pushed since `from` (a length read before) that start at or after
   * `fromMinute`, other than prescriptions: those the record holds as contacts.
   * Each has its place, for link().
   */
  attendancesSince(from: number, fromMinute: number): (DecodedEvent & { index: number; minute: number })[] {
    const out: (DecodedEvent & { index: number; minute: number })[] = [];
    const prescription = this.type('prescription');
    for (let i = from; i < this.n; i++) {
      if (this.cols[2][i] >= fromMinute && this.cols[1][i] !== prescription) out.push({ ...this.decode(i), index: i, minute: this.cols[2][i] });
    }
    return out;
  }

  /** The event at `index` counts the record's contact `contactId` (docs/decisions/0012). */
  link(index: number, contactId: string): void {
    this.contacts.set(index, contactId);
  }

  /** Hands over everything buffered as insert statements, and starts empty again. */
  take(): ((tx: Tx) => Promise<void>)[] {
    const n = this.n;
    const lists = { children: this.children, practices: this.practices, clusters: this.clusters };
    const contacts = this.contacts;
    this.contacts = new Map();
    this.children = [];
    this.practices = [];
    this.clusters = [];
    this.n = 0;
    if (n === 0) return [];
    const out: ((tx: Tx) => Promise<void>)[] = [];
    for (let from = 0; from < n; from += this.chunk) {
      // Built now: the buffers are reused as soon as this returns.
      const to = Math.min(n, from + this.chunk);
      const parts = this.cols.map((col) => `{${col.subarray(from, to).join(',')}}`);
      out.push((tx) => this.insert(tx, lists, [...parts, contactList(contacts, from, to)]));
    }
    return out;
  }

  private async insert(tx: Tx, lists: { children: string[]; practices: string[]; clusters: string[] }, parts: string[]): Promise<void> {
    const list = (xs: readonly string[]) => `{${xs.join(',')}}`;
    const [child, type, minute, month, age, organisation, site, reason, emergency, bedDays, first, contact] = parts;
    // The lists are parsed once (a materialised CTE): pulled up into the select they would be parsed again for every row.
    await tx.execute(sql`WITH d AS MATERIALIZED (
        SELECT ${list(lists.children)}::text::uuid[] AS children, ${list(lists.practices)}::text::uuid[] AS practices,
               ${list(lists.clusters)}::text::uuid[] AS clusters, ${list(this.places)}::text::uuid[] AS places,
               ${list(ACTIVITY_TYPES)}::text::text[] AS types, ${list(this.reasons)}::text::text[] AS reasons)
      INSERT INTO activity_event (ics_id, child_id, type, occurred_at, month, age_years, practice_id, cluster_id,
        organisation_id, site_id, reason_code, emergency, bed_days, first_attendance, contact_id)
      SELECT ${this.icsId}::uuid, d.children[u.child], d.types[u.type], timestamptz 'epoch' + u.minute * interval '1 minute', make_date(u.month / 12, u.month % 12 + 1, 1),
             u.age, d.practices[u.child], d.clusters[u.child], d.places[u.organisation], d.places[u.site], d.reasons[u.reason],
             nullif(u.emergency, ${NONE}) = ${YES}, nullif(u.bed_days, -1), nullif(u.first, ${NONE}) = ${YES}, u.contact
        FROM d, unnest(${child}::text::int[], ${type}::text::int[], ${minute}::text::int[], ${month}::text::int[], ${age}::text::int[],
                    ${organisation}::text::int[], ${site}::text::int[], ${reason}::text::int[], ${emergency}::text::int[],
                    ${bedDays}::text::int[], ${first}::text::int[], ${contact}::text::uuid[])
             AS u(child, type, minute, month, age, organisation, site, reason, emergency, bed_days, first, contact)`);
  }
}

/** The contact ids of events from..to as an array literal, NULL where none; cut after the last (unnest pads the rest with NULL). */
function contactList(contacts: ReadonlyMap<number, string>, from: number, to: number): string {
  let last = -1;
  for (const i of contacts.keys()) if (i >= from && i < to && i > last) last = i;
  const ids: string[] = [];
  for (let i = from; i <= last; i++) ids.push(contacts.get(i) ?? 'NULL');
  return `{${ids.join(',')}}`;
}
