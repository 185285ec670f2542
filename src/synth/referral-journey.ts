import { REFERRAL_MOVES, type ReferralState } from '../referrals/index.js';
import type { ClinicNext } from '../clinics/index.js';
import type { ReferralKind, Urgency } from '../referrals/index.js';
import { isoDate, isoTimestamp } from './dates.js';
import type { Slot } from './clinic-sessions.js';
import type { Row } from './writer.js';

/** Minutes since 1970-01-01 UTC: times compare and add as plain numbers. */
export const at = (day: number, minute: number) => day * 1440 + minute;
export const dayOf = (t: number) => Math.floor(t / 1440);
export const stamp = (t: number) => isoTimestamp(dayOf(t), t % 1440);

export type Person = { id: string; name: string; role: string };

export type JourneyStart = {
  id: string; icsId: string; childId: string; kind: ReferralKind; urgency: Urgency; referrer: Person; practiceId: string; clusterId: string;
  decisionMaker: Person; reason: string; question: string; tried: string; created: number; dueOn: number;
};

type Booking = {
  slot: Slot; state: 'booked' | 'seen' | 'did-not-attend' | 'moved'; by: Person; at: number;
  ended?: { by: Person; at: number; note: string | null }; seenJointly?: boolean; plan?: string; next?: ClinicNext; nextService?: string | null;
};

/**
 * One referral's life as the app would have recorded it: each move legal
 * from the state before it, at a later time than the last, and nothing after
 * `today`, so a history that would run into the future simply stops where
 * today finds it. Tracks the same milestones on the referral row as
 * referrals/store.ts moveTo (first triage decision, first seen, where,
 * conversion of advice), so the history and live moves count alike.
 */
export class Journey {
  state: ReferralState = 'awaiting-triage';
  kind: ReferralKind;
  /** False once a move would have fallen after today: every later move is dropped. */
  live = true;
  private t: number;
  private dueOn: number;
  private events: { t: number; from: ReferralState | null; to: ReferralState; by: Person; note: string | null }[] = [];
  private messages: { t: number; by: Person; body: string }[] = [];
  private bookings: Booking[] = [];
  private triaged: { t: number; outcome: ReferralState } | null = null;
  private firstSeen: number | null = null;
  private seenIn: 'community' | 'hospital' | null = null;
  private converted: number | null = null;
  private notes: string | null = null;
  private service: string | null = null;
  /** The MDT case it was brought as, when it was decided "discuss at the hub MDT" and listed. */
  mdtCaseId: string | null = null;
  /** When advice was given (each time), with the advice: the advice letters. */
  readonly adviceGiven: { t: number; note: string | null }[] = [];

  constructor(private start: JourneyStart, private today: number) {
    this.kind = start.kind;
    this.t = start.created;
    this.dueOn = start.dueOn;
    this.events.push({ t: this.t, from: null, to: 'awaiting-triage', by: start.referrer, note: null });
  }

  get id(): string {
    return this.start.id;
  }

  /** The time of the last move, and its day. */
  get now(): number {
    return this.t;
  }

  get day(): number {
    return dayOf(this.t);
  }

  /** Whether a move on that day can still happen (today or before, and nothing stopped the story). */
  can(day: number): boolean {
    return this.live && day <= this.today;
  }

  /** Makes a move at `t` (or just after the last one); false, and the story ends, if that falls after today. */
  move(t: number, to: ReferralState, by: Person, detail: { note?: string | null; service?: string | null } = {}, dueAfterConvert?: (day: number) => number): boolean {
    const when = Math.max(t, this.t + 1);
    if (!this.can(dayOf(when))) return (this.live = false);
    if (!REFERRAL_MOVES[this.state].some((m) => m.to === to)) throw new Error(`synthetic referral: illegal move ${this.state} → ${to}`);
    const note = detail.note ?? null;
    const service = detail.service ?? null;
    if (this.state === 'awaiting-triage' && to !== 'withdrawn') this.triaged ??= { t: when, outcome: to };
    if (to === 'referred-on') this.seenIn ??= 'hospital';
    if (to === 'seen') {
      this.firstSeen ??= when;
      this.seenIn ??= 'community';
    }
    if (to === 'awaiting-triage' && this.kind === 'advice' && this.state === 'advice-given') {
      this.kind = 'referral';
      this.converted = when;
      if (dueAfterConvert) this.dueOn = dueAfterConvert(dayOf(when));
    }
    if (to === 'advice-given') this.adviceGiven.push({ t: when, note });
    this.notes = note ?? this.notes;
    this.service = service ?? this.service;
    this.events.push({ t: when, from: this.state, to, by, note: note ?? service });
    this.state = to;
    this.t = when;
    return true;
  }

  /** A message at the last move's time. */
  message(by: Person, body: string): void {
    this.messages.push({ t: this.t, by, body });
  }

  /** Books the slot at the last move's time (the 'booked' move comes first). */
  book(slot: Slot, by: Person): Booking {
    const b: Booking = { slot, state: 'booked', by, at: this.t };
    this.bookings.push(b);
    return b;
  }

  /** When it became a referral (created as one, or advice converted): the referral letter's time; null for advice only. */
  get referredAt(): number | null {
    return this.start.kind === 'referral' ? this.start.created : this.converted;
  }
  get icsId(): string {
    return this.start.icsId;
  }
  get urgency(): string {
    return this.start.urgency;
  }
  get reasonText(): string {
    return this.start.reason;
  }
  get question(): string {
    return this.start.question;
  }
  get tried(): string {
    return this.start.tried;
  }

  get dueDay(): number {
    return this.dueOn;
  }

  /** Writes the referral, its events, messages and bookings, with ids from `nextId` in write order. */
  write(add: (table: string, row: Row) => void, nextId: () => string): void {
    const s = this.start;
    const ics = s.icsId;
    add('referral', {
      ics_id: ics, id: s.id, child_id: s.childId, kind: this.kind, referrer_id: s.referrer.id, referring_practice_id: s.practiceId, cluster_id: s.clusterId,
      decision_maker_id: s.decisionMaker.id, urgency: s.urgency, reason: s.reason, question: s.question, tried: s.tried, state: this.state,
      outcome_notes: this.notes, referred_on_service: this.service, due_on: isoDate(this.dueOn),
      triaged_at: this.triaged && stamp(this.triaged.t), triage_outcome: this.triaged?.outcome ?? null, first_seen_at: this.firstSeen === null ? null : stamp(this.firstSeen),
      seen_in: this.seenIn, converted_at: this.converted === null ? null : stamp(this.converted), version: this.events.length, mdt_case_id: this.mdtCaseId,
      created_at: stamp(s.created), updated_at: stamp(this.t),
    });
    for (const e of this.events) {
      add('referral_event', { ics_id: ics, id: nextId(), referral_id: s.id, from_state: e.from, to_state: e.to, note: e.note, changed_by: e.by.id, changed_by_name: e.by.name, changed_at: stamp(e.t) });
    }
    for (const m of this.messages) {
      add('referral_message', { ics_id: ics, id: nextId(), referral_id: s.id, author_id: m.by.id, author_name: m.by.name, author_role: m.by.role, body: m.body, sent_at: stamp(m.t) });
    }
    for (const b of this.bookings) {
      add('clinic_booking', {
        ics_id: ics, id: nextId(), slot_id: b.slot.id, referral_id: s.id, child_id: s.childId, state: b.state, booked_by: b.by.id, booked_by_name: b.by.name,
        booked_at: stamp(b.at), ended_by: b.ended?.by.id ?? null, ended_by_name: b.ended?.by.name ?? null, ended_at: b.ended ? stamp(b.ended.at) : null,
        end_note: b.ended?.note ?? null, seen_jointly: b.seenJointly ?? null, plan: b.plan ?? null, next: b.next ?? null, next_service: b.nextService ?? null,
      });
    }
  }
}
