import type { Urgency } from '../referrals/index.js';
import type { ClinicNext } from '../clinics/index.js';
import type { ChildFacts, TeamMember } from './care-teams.js';
import type { MdtGenerator } from './mdt-meetings.js';
import { ClinicTimetable, SLOT_COUNT, SLOT_MINUTES } from './clinic-sessions.js';
import { ageOn, civilFromDays, isoDate } from './dates.js';
import { OrderedIds } from './ordered-ids.js';
import type { Rng } from '../platform/random/seeded.js';
import { WorkingCalendar } from './referral-calendar.js';
import { at, Journey, stamp, type Person } from './referral-journey.js';
import { referralLetters } from './referral-letters.js';
import { ReasonPicker, type Reason } from './referral-reasons.js';
import { GENERAL_OUTPATIENTS, NOTES } from './referral-text.js';
import type { Cluster, Practice, Structure } from './structure.js';
import type { BatchWriter } from './writer.js';

/** Written per child after the child tables, parents first. */
export const REFERRAL_TABLES = ['clinic_session', 'clinic_slot', 'referral', 'referral_event', 'referral_message', 'clinic_booking', 'worklist_item'] as const;

const YEARS = 5;
/**
 * Per 1,000 child-years, scaled by the deprivation and age factors below,
 * which average ~1.0 over the history's child-years (checked on generated
 * ICSs), so overall rates land on these.
 */
const REFERRALS_PER_1000 = 28;
const ADVICE_PER_1000 = 20;
/** Clinic slot uses per 1,000 child-years: ~16 first visits plus follow-ups, re-offers and moves. */
const SLOT_USES_PER_1000 = 21;
/** Sessions are sized so clinics run about this full, which keeps waits at 2–5 weeks. */
const TARGET_FILL = 0.7;

/** Most deprived decile ~1.24, least ~0.76: the most deprived quintile ~55% above the least (Aberdeen). */
export const deprivationFactor = (decile: number) => 1 + 0.054 * (5.5 - decile);
/** Infants and under-fives are referred most. */
export const ageFactor = (age: number) => (age < 1 ? 1.8 : age < 5 ? 1.3 : age < 12 ? 0.85 : 0.7);

const URGENCY: readonly Urgency[] = ['routine', 'soon', 'urgent'];
const URGENCY_MIX = [0.7, 0.22, 0.08];
/** Working days to triage (median 1) and to answer advice (mostly the same or next day). */
const TRIAGE_DELAY = [0.3, 0.32, 0.2, 0.11, 0.07];
const ADVICE_DELAY = [0.55, 0.35, 0.07, 0.03];

const OUTCOMES = ['advice-given', 'awaiting-booking', 'referred-on', 'mdt', 'ambulatory', 'urgent-same-day', 'returned'] as const;
type Outcome = (typeof OUTCOMES)[number];
/** Triage decisions, after the Aberdeen cluster results: 26% resolved without a visit, 50% to the cluster clinic, 24% on. */
const MIX = {
  usual: [26, 50, 20, 1.5, 1, 1, 0.5],
  urgent: [20, 40, 24, 1, 1, 13.5, 0.5],
  // Advice already tried: fewer resolved by more advice.
  converted: [8, 64, 24, 2, 1, 1, 0],
};
const NEXT: readonly ClinicNext[] = ['follow-up', 'discharged', 'referred-on'];

/** Today's open work put in every hub whatever its size, so the lists are alive even at a few hundred children. */
type Open = 'triage' | 'triage-late' | 'advice' | 'advice-late' | 'booking' | 'booked';
const OPEN_PER_HUB: readonly [Open, number][] = [['triage', 3], ['triage-late', 2], ['advice', 2], ['advice-late', 1], ['booking', 2], ['booked', 3]];

/** How a forced item's story is held or steered; natural history leaves it empty. */
type Plan = { hold?: 'triage' | 'booking'; outcome?: Outcome; triageDelay?: number; bookDelay?: number; futureOnly?: boolean; referrer?: Person };
type Ctx = { c: ChildFacts; urgency: Urgency; reason: Reason; referrer: Person; lead: Person; admin: Person; cluster: Cluster };

/**
 * Five years of advice requests and referrals from GPs and practice nurses to
 * their hub, each carried through triage, clinic bookings and outcomes as the
 * state machine allows, plus the hubs' clinic timetable and today's open work.
 * Draws from streams of its own, so the rest of the ICS is unchanged by it.
 */
export class ReferralGenerator {
  private cal: WorkingCalendar;
  private timetable: ClinicTimetable;
  private idsInOrder: OrderedIds;
  private reasons = new ReasonPicker();
  private people = new Map<string, Person>();
  private admins: Person[];
  private from: number;
  private lastWorking: number;
  private open = new Map<string, Map<number, Open[]>>();
  private visited = new Map<string, number>();
  private demoGp: Person | undefined;
  /** Hub and organisation names, and each professional's organisation: for the letters. */
  private names = new Map<string, string>();
  private orgOf = new Map<string, string>();

  /** The care team of the child being drawn (an MDT case made from a referral has its actions offered to them). */
  private team: TeamMember[] = [];

  constructor(private structure: Structure, private today: number, private rng: Rng, ids: Rng, private writer: BatchWriter, private mdt: MdtGenerator) {
    this.from = today - YEARS * 365;
    this.cal = new WorkingCalendar(this.from - 30, today + 200);
    this.lastWorking = this.cal.isWorking(today) ? today : this.cal.back(today, 1);
    this.idsInOrder = new OrderedIds(ids);
    for (const p of structure.rows.professional) {
      this.people.set(p.id as string, { id: p.id as string, name: p.name as string, role: p.role as string });
      this.orgOf.set(p.id as string, p.organisation_id as string);
    }
    for (const r of [...structure.rows.cluster, ...structure.rows.organisation]) this.names.set(r.id as string, r.name as string);
    this.admins = [...this.people.values()].filter((p) => p.role === 'hub-admin');
    const demoGpId = structure.demo.get('gp')?.id;
    this.demoGp = demoGpId ? this.people.get(demoGpId) : undefined;
    this.timetable = new ClinicTimetable({
      icsId: structure.icsId,
      clusters: structure.clusters,
      perMonth: (cluster) => Math.ceil(expectedSlotUses(cluster) / 12 / (SLOT_COUNT * TARGET_FILL)),
      window: { from: this.from, to: today + 92, today },
      cal: this.cal,
      rng,
      ids: this.idsInOrder,
      writer,
      createdBy: (cluster) => this.adminOf(cluster).id,
    });
    this.chooseOpenWork();
  }

  private person(id: string): Person {
    const p = this.people.get(id);
    if (!p) throw new Error(`no professional ${id}`);
    return p;
  }

  private adminOf(cluster: Cluster): Person {
    return this.admins.length ? this.admins[cluster.index % this.admins.length] : this.person(cluster.lead);
  }

  /** Picks which child (by position in its practice) carries each open item; the first hub's go to its first practice, the demo GP's. */
  private chooseOpenWork(): void {
    for (const cluster of this.structure.clusters) {
      const withChildren = cluster.practices.filter((p) => p.children > 0);
      if (!withChildren.length) continue;
      for (const [kind, n] of OPEN_PER_HUB) {
        for (let i = 0; i < n; i++) {
          const practice = cluster.index === 0 ? withChildren[0] : this.rng.pick(withChildren);
          const index = this.rng.int(0, practice.children - 1);
          const byIndex = this.open.get(practice.id) ?? new Map<number, Open[]>();
          this.open.set(practice.id, byIndex);
          byIndex.set(index, [...(byIndex.get(index) ?? []), kind]);
        }
      }
    }
  }

  /** The child's history over the last five years, year by year (their age and so their rate changes), then any open item they carry. */
  child(c: ChildFacts, team: TeamMember[]): void {
    const rng = this.rng;
    this.team = team;
    const perYear = ((REFERRALS_PER_1000 + ADVICE_PER_1000) / 1000) * deprivationFactor(c.decile);
    for (let y = 0; y < YEARS; y++) {
      const end = this.today - 365 * y;
      const start = Math.max(end - 365, c.dobDays + 7);
      if (start >= end) break;
      const lambda = perYear * ageFactor(ageOn(c.dobDays, (start + end) >> 1)) * ((end - start) / 365);
      for (let n = poisson(rng, lambda); n > 0; n--) {
        const day = this.drawDay(start, end);
        this.start(c, rng.chance(ADVICE_PER_1000 / (REFERRALS_PER_1000 + ADVICE_PER_1000)) ? 'advice' : 'referral', day, {});
      }
    }
    const index = this.visited.get(c.practice.id) ?? 0;
    this.visited.set(c.practice.id, index + 1);
    for (const kind of this.open.get(c.practice.id)?.get(index) ?? []) this.openItem(c, kind);
  }

  /** A working day in (start, end], a little more often in winter. */
  private drawDay(start: number, end: number): number {
    let day = end;
    for (let tries = 0; tries < 40; tries++) {
      day = start + 1 + Math.floor(this.rng.next() * (end - start));
      if (!this.cal.isWorking(day)) continue;
      const month = civilFromDays(day)[1];
      if (this.rng.next() * 1.15 < 1 + 0.15 * Math.cos((2 * Math.PI * (month - 1)) / 12)) return day;
    }
    return day;
  }

  private openItem(c: ChildFacts, kind: Open): void {
    const rng = this.rng;
    const back = (lo: number, hi: number) => this.cal.back(this.lastWorking, rng.int(lo, hi));
    // The first hub's open items come from the demo GP, so their sent list has today's work too.
    const referrer = this.demoGp && c.practice.gps.includes(this.demoGp.id) ? this.demoGp : undefined;
    switch (kind) {
      case 'triage': return this.start(c, 'referral', back(0, 1), { hold: 'triage', referrer });
      case 'triage-late': return this.start(c, 'referral', back(3, 5), { hold: 'triage', referrer });
      case 'advice': return this.start(c, 'advice', this.lastWorking, { hold: 'triage', referrer });
      case 'advice-late': return this.start(c, 'advice', back(2, 3), { hold: 'triage', referrer });
      case 'booking': return this.start(c, 'referral', back(3, 6), { outcome: 'awaiting-booking', triageDelay: 1, hold: 'booking', referrer });
      case 'booked': return this.start(c, 'referral', back(4, 8), { outcome: 'awaiting-booking', triageDelay: 1, bookDelay: 1, futureOnly: true, referrer });
    }
  }

  private work(): number {
    return this.rng.int(8 * 60 + 30, 17 * 60 + 45);
  }

  /** One advice request or referral from creation to wherever today finds it. */
  private start(c: ChildFacts, kind: 'advice' | 'referral', created: number, plan: Plan): void {
    const rng = this.rng;
    const practice: Practice = c.practice;
    const cluster = practice.cluster;
    const reason = this.reasons.pick(rng, ageOn(c.dobDays, created));
    const referrer = plan.referrer ?? this.person(practice.nurses.length && rng.chance(0.15) ? rng.pick(practice.nurses) : rng.pick(practice.gps));
    const ctx: Ctx = { c, urgency: URGENCY[rng.weighted(URGENCY_MIX)], reason, referrer, lead: this.person(cluster.lead), admin: this.adminOf(cluster), cluster };
    const question = rng.pick(reason.questions);
    const j = new Journey({
      id: this.idsInOrder.next(), icsId: this.structure.icsId, childId: c.id, kind, urgency: ctx.urgency, referrer, practiceId: practice.id, clusterId: cluster.id,
      decisionMaker: ctx.lead, reason: reason.reason, question, tried: rng.chance(0.85) ? rng.pick(reason.tried) : '', created: at(created, this.work()),
      dueOn: this.cal.add(created, kind === 'advice' ? 1 : 2),
    }, this.today);
    if (kind === 'advice') this.advice(j, ctx, question, plan);
    else this.triage(j, ctx, created, plan, false);
    this.finish(j, ctx);
  }

  private advice(j: Journey, ctx: Ctx, question: string, plan: Plan): void {
    const rng = this.rng;
    j.message(ctx.referrer, question);
    if (plan.hold === 'triage') return;
    const answer = rng.pick(ctx.reason.advice);
    if (!j.move(at(this.cal.add(j.day, plan.triageDelay ?? rng.weighted(ADVICE_DELAY)), this.work()), 'advice-given', ctx.lead, { note: answer })) return;
    j.message(ctx.lead, answer);
    if (!rng.chance(0.15)) return this.maybeClose(j, ctx.referrer, 0.85);
    const day = this.cal.add(j.day, rng.int(3, 25));
    if (j.move(at(day, this.work()), 'awaiting-triage', ctx.referrer, { note: rng.pick(NOTES.converted) }, (d) => this.cal.add(d, 2))) this.triage(j, ctx, j.day, {}, true);
  }

  /** The senior decision-maker's choice, and what follows from it. */
  private triage(j: Journey, ctx: Ctx, from: number, plan: Plan, converted: boolean): void {
    const rng = this.rng;
    if (plan.hold === 'triage') return;
    const delay = plan.triageDelay ?? (ctx.urgency === 'urgent' ? rng.int(0, 1) : rng.weighted(TRIAGE_DELAY));
    const t = at(this.cal.add(from, delay), this.work());
    const outcome = plan.outcome ?? OUTCOMES[rng.weighted(converted ? MIX.converted : ctx.urgency === 'urgent' ? MIX.urgent : MIX.usual)];
    const { lead, reason } = ctx;
    const later = (lo: number, hi: number) => at(this.cal.add(j.day, rng.int(lo, hi)), this.work());
    switch (outcome) {
      case 'advice-given':
        if (j.move(t, 'advice-given', lead, { note: rng.pick(reason.advice) })) this.maybeClose(j, ctx.referrer, 0.8);
        return;
      case 'awaiting-booking':
        if (j.move(t, 'awaiting-booking', lead, { note: rng.pick(NOTES.book) })) this.clinic(j, ctx, plan, false, 0);
        return;
      case 'referred-on':
        if (j.move(t, 'referred-on', lead, { service: this.service(reason) })) j.move(later(3, 15), 'closed', lead);
        return;
      case 'mdt': {
        if (!j.move(t, 'mdt', lead, { note: rng.pick(NOTES.mdt) })) return;
        // Listed at the hub's next meeting with room, as the app brings it (migration 0036 links the two); until it is held, it waits.
        const listed = this.mdt.fromTriage(ctx.c, this.team, j.day, j.question);
        if (listed) j.mdtCaseId = listed.id;
        if (listed && !listed.held) return;
        const next = listed ? at(this.cal.add(listed.day, rng.int(1, 5)), this.work()) : later(5, 20);
        const after = rng.weighted([0.5, 0.3, 0.2]);
        if (after === 0 && j.move(next, 'awaiting-booking', lead, { note: rng.pick(NOTES.afterMdt) })) this.clinic(j, ctx, {}, false, 0);
        if (after === 1 && j.move(next, 'advice-given', lead, { note: rng.pick(NOTES.afterMdt) })) this.maybeClose(j, ctx.referrer, 0.8);
        if (after === 2) j.move(next, 'closed', lead, { note: rng.pick(NOTES.afterMdt) });
        return;
      }
      case 'ambulatory':
        if (j.move(t, 'ambulatory', lead, { note: rng.pick(NOTES.ambulatory) })) j.move(later(3, 12), 'closed', lead, { note: rng.pick(NOTES.ambulatoryDone) });
        return;
      case 'urgent-same-day':
        if (j.move(t, 'urgent-same-day', lead, { note: rng.pick(NOTES.sameDay) })) j.move(j.now + rng.int(120, 300), 'closed', lead, { note: rng.pick(NOTES.sameDayDone) });
        return;
      case 'returned':
        if (j.move(t, 'returned', lead, { note: rng.pick(NOTES.returned) }) && rng.chance(0.5) && j.move(later(2, 8), 'awaiting-triage', ctx.referrer, { note: rng.pick(NOTES.sentAgain) })) {
          this.triage(j, ctx, j.day, { outcome: OUTCOMES[rng.weighted(MIX.usual.slice(0, -1))] }, converted);
        }
        return;
    }
  }

  /** Books the hub clinic, then (if the clinic has been held) the visit and its outcome; follow-ups and re-offers book again. */
  private clinic(j: Journey, ctx: Ctx, plan: Plan, followUp: boolean, depth: number): void {
    const rng = this.rng;
    if (plan.hold === 'booking' || depth > 3) return;
    const routine = ctx.urgency === 'routine' || followUp;
    const bookDay = this.cal.add(j.day, plan.bookDelay ?? (routine ? rng.int(0, 4) : rng.int(0, 1)));
    if (!j.can(bookDay)) return;
    // Days from triage to the earliest acceptable clinic; the next session with room adds ~2 weeks on average.
    const wait = followUp ? rng.int(42, 84) : ctx.urgency === 'urgent' ? 2 : ctx.urgency === 'soon' ? rng.int(3, 7) : rng.int(7, 14);
    const earliest = Math.max(bookDay + 2, j.day + wait, plan.futureOnly ? this.today + 1 : 0);
    let slot = this.timetable.book(ctx.cluster.id, earliest);
    if (!slot || !j.move(at(bookDay, this.work()), 'booked', ctx.admin)) return;
    let booking = j.book(slot, ctx.admin);

    if (rng.chance(0.05) && slot.day - bookDay > 3) {
      const moveDay = bookDay + rng.int(1, slot.day - bookDay - 1);
      const later = j.can(moveDay) ? this.timetable.book(ctx.cluster.id, slot.day + 7) : null;
      const note = rng.pick(NOTES.moved);
      if (later && j.move(at(moveDay, this.work()), 'booked', ctx.admin, { note })) {
        booking.state = 'moved';
        booking.ended = { by: ctx.admin, at: j.now, note };
        booking = j.book(later, ctx.admin);
        slot = later;
      }
    }
    if (slot.day >= this.today) return; // still to come: the booking is live

    const end = at(slot.day, slot.minute + SLOT_MINUTES);
    const clinician = this.person(slot.paediatricianId);
    if (rng.chance(0.08)) {
      if (!j.move(end, 'did-not-attend', ctx.admin)) return;
      booking.state = 'did-not-attend';
      booking.ended = { by: ctx.admin, at: j.now, note: null };
      if (rng.chance(0.85)) {
        if (j.move(at(this.cal.add(slot.day, rng.int(1, 3)), this.work()), 'awaiting-booking', ctx.admin)) this.clinic(j, ctx, {}, followUp, depth + 1);
      } else {
        j.move(at(this.cal.add(slot.day, rng.int(1, 5)), this.work()), 'returned', clinician, { note: NOTES.notAttended[0] });
      }
      return;
    }
    const next = NEXT[rng.weighted(followUp ? [0.05, 0.85, 0.1] : [0.15, 0.75, 0.1])];
    const planText = rng.pick(ctx.reason.plans);
    if (!j.move(end, 'seen', clinician, { note: planText })) return;
    const service = next === 'referred-on' ? this.service(ctx.reason) : null;
    booking.state = 'seen';
    booking.ended = { by: clinician, at: j.now, note: null };
    booking.seenJointly = rng.chance(0.9); // now and then the paediatrician sees the child alone
    booking.plan = planText;
    booking.next = next;
    booking.nextService = service;
    if (next === 'discharged') j.move(j.now + rng.int(2, 15), 'closed', clinician, { note: rng.pick(NOTES.discharged) });
    if (next === 'referred-on' && j.move(j.now + rng.int(2, 15), 'referred-on', clinician, { service })) j.move(at(this.cal.add(j.day, rng.int(5, 20)), this.work()), 'closed', ctx.lead);
    if (next === 'follow-up' && j.move(j.now + rng.int(2, 15), 'awaiting-booking', clinician, { note: rng.pick(NOTES.followUp) })) this.clinic(j, ctx, {}, true, depth + 1);
  }

  /** The referrer closes most answered requests once the advice has worked; the rest stay answered. */
  private maybeClose(j: Journey, referrer: Person, p: number): void {
    if (this.rng.chance(p)) j.move(at(this.cal.add(j.day, this.rng.int(1, 15)), this.work()), 'closed', referrer);
  }

  private service(reason: Reason): string {
    return this.rng.chance(0.3) ? GENERAL_OUTPATIENTS : this.rng.pick(reason.services);
  }

  /** Writes the referral; one still waiting for triage is on the decision-maker's worklist, as a submitted one would be. */
  private finish(j: Journey, ctx: Ctx): void {
    const add = (table: string, row: Record<string, unknown>) => this.writer.add(table, row);
    j.write(add, () => this.idsInOrder.next());
    referralLetters(j, ctx.c, { hub: this.names.get(ctx.cluster.id)!, practice: this.names.get(ctx.c.practice.id)! }, {
      referrer: ctx.referrer, lead: ctx.lead, leadOrg: this.orgOf.get(ctx.lead.id)!, referrerOrg: this.orgOf.get(ctx.referrer.id)!,
    }, () => this.idsInOrder.next(), add);
    if (j.state !== 'awaiting-triage') return;
    const what = j.kind === 'advice' ? 'Advice request' : 'Referral';
    add('worklist_item', {
      ics_id: this.structure.icsId, id: this.idsInOrder.next(), professional_id: ctx.lead.id, kind: j.kind === 'advice' ? 'advice-request' : 'referral',
      child_id: ctx.c.id, title: `${what} (${ctx.urgency})`, link: `/referrals/${j.id}`, details: { dueOn: isoDate(j.dueDay) },
      created_at: stamp(j.now), done_at: null,
    });
  }
}

/** Expected clinic slot uses a year in a hub, from its practices' children and deprivation. */
function expectedSlotUses(cluster: Cluster): number {
  let uses = 0;
  for (const p of cluster.practices) {
    const weight = p.lsoas.reduce((a, l) => a + l.children, 0) || 1;
    const factor = p.lsoas.reduce((a, l) => a + l.children * deprivationFactor(l.decile), 0) / weight;
    uses += (p.children * factor * SLOT_USES_PER_1000) / 1000;
  }
  return uses;
}

/** Knuth's inversion: the counts here are tiny (λ ≲ 0.2), so it is one or two draws. */
function poisson(rng: Rng, lambda: number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let s = p;
  const u = rng.next();
  while (u > s && k < 50) {
    k++;
    p *= lambda / k;
    s += p;
  }
  return k;
}
