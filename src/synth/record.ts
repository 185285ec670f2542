import { type AllergyCode, codeLists, type ContactReason, DMD, dueDays, medicine, type Medicine, observation, procedure, SNOMED, vaccine } from '../record/index.js';
import { DIABETES_TECHNOLOGY } from '../population/index.js';
import type { ContactType, EntryKind, SensitiveCategory } from '../record/schema.js';
import type { ChildFacts, TeamMember } from './care-teams.js';
import { conditionCode } from './conditions.js';
import { civilFromDays, daysFromCivil, isoDate, isoTimestamp } from './dates.js';
import type { DecodedEvent } from './activity-writer.js';
import { OrderedIds } from './ordered-ids.js';
import type { Rng } from '../platform/random/seeded.js';
import { GRADIENT } from './risk.js';
import type { Structure } from './structure.js';
import type { BatchWriter, Row } from './writer.js';

/**
 * A child's shared record, consistent with their conditions: problems,
 * immunisations by the schedule of their birth cohort (with gaps, more in
 * deprived areas), medication (repeat templates, the issues of the last 12
 * months, acute courses, repeats stopped in the last 6 months), allergies,
 * observations, procedures, anticipatory care and communication needs, a
 * rare sensitive entry for a teenager; and their contacts with services
 * from the first day of the month a year before `today`. Contacts the
 * population counts (ED, admissions, outpatients, GP, community, mental
 * health) are the child's activity events of that time, each linked to its
 * event (docs/decisions/0012); urgent care, out of hours and social care are
 * drawn here. Nothing is dated before the child's birth.
 *
 * Conventions the pages and dashboards can rely on:
 * - a repeat medicine's template is one entry (course repeat, status active,
 *   or stopped with ended_on and a stopReason); each issue of it in the last
 *   12 months is a further entry of the same code with status completed and
 *   started_on the issue date;
 * - an acute course is one entry (course acute, status completed, ended_on
 *   when the course ends);
 * - a missed immunisation is usually simply absent; some are recorded as
 *   not-done with a reason.
 */

const DAY_MINUTES = 24 * 60;
const YEAR = 365.25;

type Recorder = { id: string; name: string; org: string };
type Entry = {
  kind: EntryKind;
  code: string | null;
  system: string | null;
  display: string;
  status: string;
  started: number | null;
  ended?: number | null;
  details: Record<string, unknown>;
  sensitive?: SensitiveCategory | null;
  by: Recorder;
  /** Day recorded (default: started, or today). */
  recorded?: number;
};
type Contact = {
  type: ContactType;
  day: number;
  minute: number;
  /** Minutes from the start; null when unknown or still going on. */
  lengthMinutes: number | null;
  org: string;
  site: string | null;
  reason: { code: string | null; display: string } | null;
  emergency?: boolean | null;
  by: Recorder | null;
};

/** Month weights for unscheduled care: a winter peak (January first). */
const WINTER = [1.25, 1.1, 1.05, 0.95, 0.95, 0.9, 0.9, 0.8, 0.95, 1.05, 1.15, 1.3];
const WINTER_MAX = Math.max(...WINTER);
/** Relative chance of missing an immunisation appointment, most deprived decile first. */
const MISS_BY_DECILE = [1.7, 1.5, 1.35, 1.2, 1.05, 0.95, 0.85, 0.8, 0.75, 0.7];
/** ED attendance by decile: about 1.5 times as high in the most deprived quintile as in the least. */
const ED_BY_DECILE = [1.3, 1.25, 1.15, 1.05, 1, 0.95, 0.9, 0.87, 0.85, 0.83];
const NOT_DONE_REASONS = ['Did not attend appointment', 'Child unwell on the day, to rebook', 'Parent declined vaccination'];

/** Median weight (kg) and height (cm) by whole year of age, roughly the UK-WHO / UK90 references. */
const WEIGHT = [3.4, 9.6, 12.2, 14.3, 16.3, 18.3, 20.5, 22.9, 25.4, 28.1, 31.2, 35, 39.5, 45, 50.5, 55, 58.5, 61, 62.5];
const HEIGHT = [50, 75, 87, 96, 103, 110, 116, 122, 128, 133, 138, 143, 149, 156, 163, 167, 170, 172, 173];
const interpolate = (table: number[], years: number) => {
  const a = Math.max(0, Math.min(table.length - 2, Math.floor(years)));
  const f = Math.max(0, Math.min(1, years - a));
  return table[a] + (table[a + 1] - table[a]) * f;
};

type CohortDose = { vaccine: string; code: string; display: string; dose: number; due: number; school: boolean };

export class RecordGenerator {
  private staff = new Map<string, Recorder>();
  private cohorts = new Map<number, CohortDose[]>();
  private reasons: ContactReason[];
  /** Entry and contact ids in write order (see OrderedIds). */
  private idsInOrder: OrderedIds;
  readonly today: number;
  private yearAgo: number;
  /** The first day the record's contacts cover: the first of the month a year ago, so every 12-month count finds them. */
  readonly recordFrom: number;

  constructor(
    private structure: Structure,
    todayDays: number,
    private rng: Rng,
    ids: Rng,
    private writer: BatchWriter,
  ) {
    this.today = todayDays;
    this.yearAgo = todayDays - 364;
    const [y, m] = civilFromDays(todayDays);
    this.recordFrom = daysFromCivil(y - 1, m, 1);
    for (const p of structure.rows.professional) {
      this.staff.set(p.id as string, { id: p.id as string, name: p.name as string, org: p.organisation_id as string });
    }
    this.reasons = [...codeLists().contactReasons];
    this.idsInOrder = new OrderedIds(ids);
  }

  private who(id: string): Recorder {
    const r = this.staff.get(id);
    if (!r) throw new Error(`no professional ${id}`);
    return r;
  }

  // ---- writing ---------------------------------------------------------------

  private entry(c: ChildFacts, e: Entry): void {
    const recordedDay = Math.min(this.today, e.recorded ?? e.started ?? this.today);
    this.writer.add('record_entry', {
      ics_id: this.structure.icsId,
      id: this.idsInOrder.next(),
      child_id: c.id,
      kind: e.kind,
      code_system: e.code === null ? null : e.system,
      code: e.code,
      display: e.display,
      status: e.status,
      started_on: e.started === null ? null : isoDate(e.started),
      ended_on: e.ended == null ? null : isoDate(e.ended),
      details: e.details,
      sensitive_category: e.sensitive ?? null,
      recorded_by: e.by.id,
      recorded_by_name: e.by.name,
      recording_organisation_id: e.by.org,
      recorded_at: isoTimestamp(recordedDay, this.rng.int(8 * 60 + 30, 18 * 60)),
    } satisfies Row);
  }

  /** Contacts start from recordFrom, before `today` (today's hours may not have happened yet), never before birth. Returns its id, or null when out of range. */
  private contact(c: ChildFacts, k: Contact): string | null {
    if (k.day >= this.today || k.day < this.recordFrom || k.day < c.dobDays) return null;
    const id = this.idsInOrder.next();
    const startMinute = k.day * DAY_MINUTES + k.minute;
    const endMinute = k.lengthMinutes === null ? null : startMinute + k.lengthMinutes;
    // Still in hospital (or still in the department) today: no end yet.
    const ended = endMinute === null || endMinute > (this.today + 1) * DAY_MINUTES ? null : endMinute;
    this.writer.add('contact', {
      ics_id: this.structure.icsId,
      id,
      child_id: c.id,
      type: k.type,
      started_at: minuteStamp(startMinute),
      ended_at: ended === null ? null : minuteStamp(ended),
      organisation_id: k.org,
      site_id: k.site,
      reason_code: k.reason?.code ?? null,
      reason_display: k.reason?.display ?? null,
      emergency: k.type === 'admission' ? (k.emergency ?? false) : null,
      recorded_by: k.by?.id ?? null,
      recording_organisation_id: k.org,
      recorded_at: minuteStamp(ended ?? startMinute),
    } satisfies Row);
    return id;
  }

  // ---- helpers ---------------------------------------------------------------

  private poisson(mean: number): number {
    if (mean <= 0) return 0;
    const limit = Math.exp(-Math.min(mean, 60));
    let k = 0;
    let p = this.rng.next();
    while (p > limit) {
      k++;
      p *= this.rng.next();
    }
    return k;
  }

  /** A day in [from, to], both included (to wins if the range is empty). */
  private between(from: number, to: number): number {
    return to <= from ? to : from + Math.floor(this.rng.next() * (to - from + 1));
  }

  /** A day in the last 12 months, weighted to winter. */
  private winterDay(from = this.yearAgo): number {
    for (let i = 0; i < 20; i++) {
      const d = this.between(from, this.today);
      const month = civilFromDays(d)[1] - 1;
      if (this.rng.next() * WINTER_MAX < WINTER[month]) return d;
    }
    return this.between(from, this.today);
  }

  /** Moves a Saturday or Sunday to the Friday before (services that keep office hours). */
  private weekday(day: number): number {
    const dow = (((day + 4) % 7) + 7) % 7; // 0 = Sunday; 1970-01-01 was a Thursday
    const moved = dow === 6 ? day - 1 : dow === 0 ? day - 2 : day;
    return moved < this.yearAgo ? day : moved;
  }

  private officeMinute(): number {
    return this.rng.int(8 * 60 + 30, 17 * 60 + 30);
  }

  /** ED arrivals: most in the afternoon and evening. */
  private edMinute(): number {
    const r = this.rng.next();
    return r < 0.08 ? this.rng.int(0, 7 * 60) : r < 0.4 ? this.rng.int(7 * 60, 13 * 60) : this.rng.int(13 * 60, 24 * 60 - 1);
  }

  private gp(c: ChildFacts) {
    return this.who(this.rng.pick(c.practice.gps));
  }
  private nurse(c: ChildFacts) {
    return this.who(this.rng.pick(c.practice.nurses));
  }
  private paediatrician(c: ChildFacts) {
    return this.who(this.rng.chance(0.6) ? c.practice.cluster.lead : this.rng.pick(c.practice.place.paediatricians));
  }
  private schoolNurse(c: ChildFacts) {
    return c.school ? this.who(c.school.nurse) : this.nurse(c);
  }
  private teamMember(team: TeamMember[], role: string) {
    return team.find((m) => m.role === role);
  }

  private yearsOld(c: ChildFacts, day: number) {
    return (day - c.dobDays) / YEAR;
  }

  private weightOn(c: ChildFacts, day: number, z: number) {
    const years = this.yearsOld(c, day);
    const w = (years < 1 ? 3.4 + (9.6 - 3.4) * Math.sqrt(Math.max(0, years)) : interpolate(WEIGHT, years)) * (1 + 0.12 * z);
    return Math.round(Math.max(2, w) * 10) / 10;
  }
  private heightOn(c: ChildFacts, day: number, z: number) {
    const years = this.yearsOld(c, day);
    const h = (years < 1 ? 50 + 25 * Math.sqrt(Math.max(0, years)) : interpolate(HEIGHT, years)) * (1 + 0.04 * z);
    return Math.round(h * 10) / 10;
  }

  private observation(c: ChildFacts, key: string, day: number, value: number, by: Recorder) {
    const o = observation(key);
    this.entry(c, { kind: 'observation', system: SNOMED, code: o.code, display: o.display, status: 'final', started: day, details: { value, unit: o.unit }, by });
  }

  private growth(c: ChildFacts, day: number, z: { w: number; h: number }, by: Recorder, height = true) {
    if (day > this.today || day < c.dobDays) return;
    this.observation(c, 'body_weight', day, this.weightOn(c, day, z.w), by);
    if (height) this.observation(c, 'body_height', day, this.heightOn(c, day, z.h), by);
  }

  private med(m: Medicine) {
    return { system: m.code === null ? null : DMD, code: m.code, display: m.name };
  }

  /**
   * A repeat medicine from `start`: its template (active, or stopped on `stop`
   * with a reason) and its issues in the last 12 months at `perYear`.
   */
  private repeat(c: ChildFacts, key: string, start: number, by: Recorder, perYear: number, reason: string, stop?: { day: number; reason: string }): number {
    const m = medicine(key);
    start = Math.min(start, this.today);
    const end = stop ? Math.min(stop.day, this.today) : this.today;
    this.entry(c, {
      kind: 'medication', ...this.med(m), status: stop ? 'stopped' : 'active', started: start, ended: stop ? end : null,
      details: stop ? { course: 'repeat', dose: m.dose, reason, stopReason: stop.reason } : { course: 'repeat', dose: m.dose, reason },
      by, recorded: stop ? end : start,
    });
    const from = Math.max(start, this.yearAgo);
    if (end < from) return 0;
    if (perYear <= 0) return 0;
    // Issued at roughly even intervals (a month's supply lasts about a month), with some slack.
    const interval = 365 / perYear;
    let n = 0;
    for (let day = from + Math.floor(this.rng.next() * interval); day <= end; day += Math.max(7, Math.round(interval * this.rng.uniform(0.75, 1.3)))) {
      this.entry(c, { kind: 'medication', ...this.med(m), status: 'completed', started: day, details: { course: 'repeat', dose: m.dose }, by });
      n++;
    }
    return n;
  }

  private acute(c: ChildFacts, key: string, day: number, days: number, reason: string, by: Recorder) {
    const m = medicine(key);
    this.entry(c, {
      kind: 'medication', ...this.med(m), status: 'completed', started: day, ended: day + days - 1,
      details: { course: 'acute', dose: m.dose, reason }, by,
    });
  }

  private reasonFor(setting: string, age: number): ContactReason {
    const options = this.reasons.filter((r) => r.weight > 0 && r.settings.includes(setting) && age >= r.ageFrom && age <= r.ageTo);
    return options.length ? options[this.rng.weighted(options.map((r) => r.weight))] : this.reasons.find((r) => r.key === 'fever')!;
  }

  private reason(key: string) {
    const r = this.reasons.find((x) => x.key === key);
    if (!r) throw new Error(`contact reason ${key} is not in data/contact-reasons.tsv`);
    return { code: r.code, display: r.display };
  }

  // ---- the child -------------------------------------------------------------

  /**
   * ethnicCode: the NHS ethnic category (diabetes technology reaches minority
   * children less often). counted: the child's activity events the record
   * holds as contacts, and how to link each to the contact made from it.
   */
  child(c: ChildFacts, team: TeamMember[], ethnicCode = 'Z', counted: CountedAttendances = { events: [], link: () => undefined }): void {
    const growthZ = { w: this.rng.normal(), h: this.rng.normal() };
    const penicillinAllergy = this.allergies(c);
    this.problems(c);
    this.immunisations(c);
    const unscheduled: { day: number; reason: { code: string | null; display: string }; admitFirst?: boolean }[] = [];
    const clinicDays: number[] = [];

    const cond = c.conditions;
    if (cond.has('asthma')) unscheduled.push(...this.asthma(c, cond.get('asthma')!, growthZ));
    if (cond.has('epilepsy')) unscheduled.push(...this.epilepsy(c, cond.get('epilepsy')!, clinicDays));
    if (cond.has('type-1-diabetes')) this.type1(c, cond.get('type-1-diabetes')!, growthZ, clinicDays);
    if (cond.has('type-2-diabetes')) this.type2(c, cond.get('type-2-diabetes')!, growthZ, clinicDays);
    if (cond.has('type-1-diabetes') || cond.has('type-2-diabetes')) this.diabetesTechnology(c, ethnicCode);
    if (c.complex) this.complexity(c, growthZ, clinicDays);
    if (cond.has('autism')) this.autism(c);
    this.eczema(c);
    this.procedures(c);
    this.sensitive(c);
    if (c.age < 5) this.earlyYears(c, growthZ, team);
    this.contacts(c, team, unscheduled);
    this.attendances(c, team, counted, penicillinAllergy);
  }

  private problems(c: ChildFacts) {
    for (const [key, onset] of c.conditions) {
      const code = conditionCode(key);
      const by =
        key === 'epilepsy' || key === 'type-1-diabetes' || code.group === 'complexity'
          ? this.paediatrician(c)
          : key === 'autism'
            ? this.who(this.rng.pick(c.practice.place.careCoordinators))
            : this.gp(c);
      this.entry(c, {
        kind: 'problem', system: SNOMED, code: code.snomedCode, display: code.display, status: 'active', started: onset,
        details: { significance: key === 'ehc-plan' ? 'minor' : 'major' }, by,
      });
    }
  }

  private allergies(c: ChildFacts): boolean {
    let penicillin = false;
    if (!this.rng.chance(0.06)) return false;
    const all = codeLists().allergies;
    const n = this.rng.chance(0.15) ? 2 : 1;
    const years = this.yearsOld(c, this.today);
    const had = new Set<string>();
    for (let i = 0; i < n; i++) {
      const possible = all.filter((a) => a.onsetFrom <= years && !had.has(a.key));
      if (possible.length === 0) break;
      const a: AllergyCode = possible[this.rng.weighted(possible.map((x) => x.share))];
      had.add(a.key);
      const onset = Math.min(this.today, c.dobDays + Math.round(this.rng.uniform(a.onsetFrom, Math.min(a.onsetTo, years)) * YEAR));
      const outgrown = a.category === 'food' && a.key !== 'peanut' && years - this.yearsOld(c, onset) > 3 && this.rng.chance(0.5);
      const by = this.gp(c);
      this.entry(c, {
        kind: 'allergy', system: SNOMED, code: a.code, display: a.display, status: outgrown ? 'resolved' : 'active', started: onset,
        ended: outgrown ? this.between(onset + 365, this.today) : null,
        details: { reaction: a.reaction, severity: a.severity, category: a.category }, by,
      });
      if (a.key === 'penicillin') penicillin = true;
      if (a.key === 'peanut' && this.rng.chance(0.5)) this.repeat(c, 'adrenaline_auto_injector', this.between(onset, this.today), by, 1.5, 'Peanut allergy');
    }
    return penicillin;
  }

  // ---- immunisations ---------------------------------------------------------

  private cohort(dobDays: number): CohortDose[] {
    let list = this.cohorts.get(dobDays);
    if (!list) {
      const dob = isoDate(dobDays);
      list = codeLists()
        .schedule.doses.filter((d) => (!d.bornFrom || dob >= d.bornFrom) && (!d.bornBefore || dob < d.bornBefore))
        .map((d) => {
          const v = vaccine(d.vaccine);
          return { vaccine: d.vaccine, code: v.code, display: v.display, dose: d.dose, due: dueDays(dobDays, d.age), school: (d.age.years ?? 0) >= 12 };
        })
        .sort((a, b) => a.due - b.due || a.dose - b.dose);
      this.cohorts.set(dobDays, list);
    }
    return list;
  }

  private immunisations(c: ChildFacts) {
    const rng = this.rng;
    const factor = MISS_BY_DECILE[c.decile - 1];
    const declinesAll = rng.chance(0.012);
    let previousMissed = false;
    let visitDue = -1;
    let visitDay = -1;
    let lastGiven = -Infinity;
    let visitMissed = false;
    let nurse: Recorder | null = null;
    for (const d of this.cohort(c.dobDays)) {
      if (d.due > this.today) break;
      if (d.due !== visitDue) {
        // One appointment per due date: attended (perhaps late) or missed as a whole.
        visitDue = d.due;
        const years = (d.due - c.dobDays) / YEAR;
        // Roughly England's coverage: ~92% for the infant primary course, ~89% at one year,
        // ~84% pre-school, ~70% for the school-aged programmes (HPV lower in boys).
        const base = years < 0.5 ? 0.04 : years < 2 ? 0.07 : years < 5 ? 0.11 : d.vaccine === 'hpv' ? (c.male ? 0.28 : 0.22) : 0.16;
        const chain: number = previousMissed ? (years < 5 ? 3 : 1.6) : 1;
        visitMissed = declinesAll || rng.chance(Math.min(0.9, base * factor * chain));
        previousMissed = visitMissed;
        const r = rng.next();
        // Late sometimes, but never within four weeks of the last doses (the minimum interval).
        visitDay = Math.max(d.due + (r < 0.65 ? rng.int(0, 10) : r < 0.9 ? rng.int(11, 40) : rng.int(41, 200)), lastGiven + 28);
        nurse = d.school ? this.schoolNurse(c) : this.nurse(c);
      }
      if (visitMissed) {
        if (rng.chance(0.25)) {
          const day = Math.min(this.today, d.due + rng.int(0, 30));
          this.entry(c, {
            kind: 'immunisation', system: SNOMED, code: d.code, display: d.display, status: 'not-done', started: day,
            details: { doseNumber: d.dose, notDoneReason: declinesAll ? 'Parent declined vaccination' : rng.pick(NOT_DONE_REASONS) }, by: nurse!,
          });
        }
        continue;
      }
      if (visitDay > this.today) continue; // booked, not yet given
      lastGiven = visitDay;
      this.entry(c, { kind: 'immunisation', system: SNOMED, code: d.code, display: d.display, status: 'completed', started: visitDay, details: { doseNumber: d.dose }, by: nurse! });
    }
  }

  // ---- long-term conditions -------------------------------------------------

  private asthma(c: ChildFacts, onset: number, z: { w: number; h: number }) {
    const rng = this.rng;
    const age = c.age;
    const severity = rng.weighted([0.55, 0.35, 0.1]); // mild, moderate, severe
    const deprived = c.decile <= 3;
    const gp = this.gp(c);
    const start = Math.min(this.today, onset + rng.int(0, 21));
    // Relievers: median about 3 a year; many are over-reliant.
    const sabaRate = Math.exp(Math.log(3.6) + 0.8 * rng.normal()) * (deprived ? 1.25 : 1) * [0.8, 1.1, 1.5][severity];
    this.repeat(c, 'salbutamol_mdi', start, gp, Math.min(30, sabaRate), 'Asthma (reliever)');

    const hasPreventer = age < 5 ? rng.chance(0.55) : rng.chance(0.87);
    const adherence = rng.uniform(0.15, 1);
    if (hasPreventer) {
      const choice =
        age < 5 ? 'beclometasone_50' : age < 12 ? (rng.chance(0.7) ? 'beclometasone_100' : 'budesonide_dpi')
          : ['budesonide_formoterol', 'beclometasone_100', 'budesonide_dpi'][rng.weighted([0.3, 0.45, 0.25])];
      const pStart = Math.min(this.today, start + rng.int(0, 120));
      const switched = age >= 5 && choice !== 'budesonide_formoterol' && pStart < this.today - 220 && rng.chance(0.08);
      if (switched) {
        const stopDay = this.between(this.today - 182, this.today - 1);
        const next = age >= 12 ? 'budesonide_formoterol' : choice === 'budesonide_dpi' ? 'beclometasone_100' : 'budesonide_dpi';
        const why = next === 'budesonide_formoterol' ? 'Changed to budesonide/formoterol maintenance and reliever therapy' : 'Poor inhaler technique; changed device';
        this.repeat(c, choice, pStart, gp, 7 * adherence, 'Asthma (preventer)', { day: stopDay, reason: why });
        this.repeat(c, next, stopDay, gp, 7 * adherence, 'Asthma (preventer)');
      } else {
        this.repeat(c, choice, pStart, gp, (choice === 'budesonide_formoterol' ? 9 : 7) * adherence, 'Asthma (preventer)');
      }
    }
    if (severity > 0 && age >= 2 && rng.chance(0.15)) this.repeat(c, 'montelukast_chewable', this.between(start, this.today), gp, 8, 'Asthma (add-on therapy)');

    // Attacks in the last 12 months: each an oral steroid course and an unscheduled contact.
    const attacks = this.poisson(0.25 * [0.6, 1.3, 2.5][severity] * (adherence < 0.4 ? 1.6 : 1) * (deprived ? 1.3 : 1));
    const out: { day: number; reason: { code: string | null; display: string }; admitFirst?: boolean }[] = [];
    const from = Math.max(this.yearAgo, start);
    for (let i = 0; i < attacks && from <= this.today; i++) {
      const day = this.winterDay(from);
      this.acute(c, age < 12 ? 'prednisolone_soluble' : 'prednisolone_5mg', day, age < 12 ? 3 : 5, 'Asthma attack', gp);
      out.push({ day, reason: this.reason('asthma') });
    }
    // Annual review: peak flow from 6, with weight and height.
    if (age >= 6) {
      const nurse = this.nurse(c);
      const reviews = rng.chance(0.7) ? 2 : 1;
      for (let i = 0; i < reviews; i++) {
        const day = this.weekday(this.between(Math.max(start, this.today - 730), this.today));
        const predicted = Math.max(120, (this.heightOn(c, day, z.h) - 100) * 5 + 100);
        this.observation(c, 'peak_flow', day, Math.round((predicted * rng.uniform(0.6, 1.02)) / 10) * 10, nurse);
        if (i === 0) this.growth(c, day, z, nurse);
      }
    }
    return out;
  }

  private epilepsy(c: ChildFacts, onset: number, clinicDays: number[]) {
    const rng = this.rng;
    const age = c.age;
    const paed = this.paediatrician(c);
    const gp = this.gp(c);
    const start = Math.min(this.today, onset + rng.int(7, 60));
    const young = age < 6;
    const avoidValproate = !c.male && age >= 10; // MHRA: not for girls who could become pregnant
    const options: [string, number][] = avoidValproate
      ? [['levetiracetam', 0.5], ['lamotrigine_25', 0.4], ['carbamazepine_mr', 0.1]]
      : [['levetiracetam', 0.45], ['valproate', 0.3], ['lamotrigine_25', 0.15], ['carbamazepine_mr', 0.1]];
    const pickAed = (except?: string) => {
      const list = options.filter(([k]) => k !== except);
      const k = list[rng.weighted(list.map(([, w]) => w))][0];
      return k === 'levetiracetam' ? (young ? 'levetiracetam_liquid' : 'levetiracetam_tablets') : k === 'valproate' ? (young ? 'valproate_liquid' : 'valproate_mr') : k;
    };
    const family = (key: string) => (key.startsWith('levetiracetam') ? 'levetiracetam' : key.startsWith('valproate') ? 'valproate' : key);
    const first = pickAed();
    const adherence = rng.uniform(0.7, 1);
    if (start < this.today - 220 && rng.chance(0.1)) {
      const stopDay = this.between(this.today - 182, this.today - 1);
      const next = pickAed(family(first));
      this.repeat(c, first, start, gp, 12 * adherence, 'Epilepsy', {
        day: stopDay, reason: rng.chance(0.6) ? 'Seizures not controlled; changed medicine' : 'Side effects (behaviour change)',
      });
      this.repeat(c, next, stopDay, gp, 12 * adherence, 'Epilepsy');
    } else {
      this.repeat(c, first, start, gp, 12 * adherence, 'Epilepsy');
    }
    if (rng.chance(0.2)) this.repeat(c, pickAed(family(first)), this.between(start, this.today), gp, 12 * adherence, 'Epilepsy (add-on)');
    this.repeat(c, 'buccal_midazolam', start, gp, 2, 'Rescue medicine for prolonged seizures');

    const midazolamMg = age < 1 ? 2.5 : age < 5 ? 5 : age < 10 ? 7.5 : 10;
    const seizures = rng.pick(['tonic-clonic seizures', 'focal seizures with impaired awareness', 'absence seizures', 'focal seizures that can spread to become tonic-clonic']);
    const triggers = rng.pick(['tiredness and late nights', 'illness with a high temperature', 'missed doses of medicine', 'flashing lights (photosensitive)']);
    const planDay = Math.min(this.today, Math.max(start + 14, this.today - rng.int(30, 700)));
    const [py, pm] = civilFromDays(planDay);
    this.entry(c, {
      kind: 'anticipatory-care', system: null, code: null, display: 'Epilepsy: seizure management plan', status: 'active', started: planDay,
      details: {
        text:
          `Usual seizures: ${seizures}, typically lasting 1 to 2 minutes. Known triggers: ${triggers}. ` +
          'During a seizure: stay with the child, time it, protect the head, do not restrain and put nothing in the mouth; ' +
          'recovery position once the jerking stops. ' +
          `If a seizure lasts 5 minutes, or seizures follow one another without recovery, give buccal midazolam ${midazolamMg} mg as prescribed and call 999. ` +
          'Call 999 at once if breathing is a concern, if the child is injured, or if the seizure has not stopped 10 minutes after midazolam. ' +
          `Plan agreed with the family and school; review due ${MONTHS[pm - 1]} ${py + 1}.`,
      },
      by: paed,
    });
    // Clinic every 6 months or so; some seizures bring the child to ED.
    for (let d = this.today - rng.int(0, 180); d >= this.yearAgo; d -= rng.int(150, 210)) clinicDays.push(this.weekday(d));
    const out: { day: number; reason: { code: string | null; display: string } }[] = [];
    const n = this.poisson(0.4);
    for (let i = 0; i < n; i++) out.push({ day: this.between(Math.max(this.yearAgo, start), this.today), reason: this.reason('epilepsy') });
    return out;
  }

  private type1(c: ChildFacts, onset: number, z: { w: number; h: number }, clinicDays: number[]) {
    const rng = this.rng;
    const gp = this.gp(c);
    const paed = this.paediatrician(c);
    const start = Math.min(this.today, onset + rng.int(0, 3));
    this.repeat(c, 'insulin_aspart', start, gp, 10, 'Type 1 diabetes (mealtime insulin)');
    this.repeat(c, rng.chance(0.6) ? 'insulin_glargine' : 'insulin_degludec', start, gp, 8, 'Type 1 diabetes (basal insulin)');
    if (rng.chance(0.6)) this.repeat(c, 'glucagon_kit', start, gp, 1, 'Severe hypoglycaemia');
    this.entry(c, {
      kind: 'anticipatory-care', system: null, code: null, display: 'Type 1 diabetes: hypoglycaemia and sick-day plan', status: 'active',
      started: Math.min(this.today, start + rng.int(7, 60)),
      details: {
        text:
          'If blood glucose is below 4 mmol/L: give 10 to 15 g of fast-acting glucose, recheck after 15 minutes and repeat if still low; ' +
          'then a snack with starchy carbohydrate. If drowsy or unable to swallow: recovery position, glucagon if prescribed, call 999. ' +
          'When unwell: never stop basal insulin; check ketones every 2 to 4 hours and call the diabetes team if ketones are above 1.5 mmol/L or vomiting.',
      },
      by: paed,
    });
    // Clinic every 3 months: HbA1c, weight and height.
    const target = 52 + 10 * rng.normal() + (c.decile <= 3 ? 6 : 0) + (c.age >= 13 ? 5 : 0);
    for (let d = this.today - rng.int(0, 90); d >= Math.max(this.yearAgo, start + 60); d -= rng.int(80, 100)) {
      const day = this.weekday(d);
      clinicDays.push(day);
      this.observation(c, 'hba1c', day, Math.round(Math.max(38, target + 6 * rng.normal())), paed);
      this.growth(c, day, z, paed);
    }
  }

  private type2(c: ChildFacts, onset: number, z: { w: number; h: number }, clinicDays: number[]) {
    const rng = this.rng;
    const paed = this.paediatrician(c);
    this.repeat(c, 'metformin_500', Math.min(this.today, onset + rng.int(0, 30)), this.gp(c), 6, 'Type 2 diabetes');
    const bmiZ = Math.abs(z.w) + 1.5;
    for (let d = this.today - rng.int(0, 180); d >= Math.max(this.yearAgo, onset + 30); d -= rng.int(160, 200)) {
      const day = this.weekday(d);
      clinicDays.push(day);
      this.observation(c, 'hba1c', day, Math.round(Math.max(40, 55 + 8 * rng.normal())), paed);
      const w = this.weightOn(c, day, bmiZ);
      const h = this.heightOn(c, day, z.h);
      this.observation(c, 'body_weight', day, w, paed);
      this.observation(c, 'bmi', day, Math.round((w / (h / 100) ** 2) * 10) / 10, paed);
    }
  }

  /**
   * A continuous glucose monitor or insulin pump (local codes, as the
   * dashboards count them): ~75% of children with type 1 diabetes in the
   * least deprived quintile down to ~50% in the most, ×0.8 for ethnic
   * minority children; rarely in type 2. Started some months after onset.
   */
  private diabetesTechnology(c: ChildFacts, ethnicCode: string) {
    const rng = this.rng;
    const quintile = (c.decile + 1) >> 1;
    const type1 = c.conditions.has('type-1-diabetes');
    const share = (type1 ? 0.5 + (quintile - 1) * 0.0625 : 0.05) * (/^[ABCZ]$/.test(ethnicCode) ? 1 : 0.8);
    if (!rng.chance(share)) return;
    const onset = c.conditions.get(type1 ? 'type-1-diabetes' : 'type-2-diabetes')!;
    const started = onset + rng.int(60, 540);
    if (started > this.today) return;
    const pump = type1 && rng.chance(0.35);
    this.entry(c, {
      kind: 'procedure', system: DIABETES_TECHNOLOGY.system, code: pump ? 'insulin-pump' : 'continuous-glucose-monitor',
      display: pump ? 'Insulin pump therapy' : 'Continuous glucose monitoring', status: 'completed', started,
      details: { outcome: pump ? 'Pump started by the diabetes team' : 'Sensor fitted; readings shared with the diabetes team' },
      by: this.paediatrician(c),
    });
  }

  private complexity(c: ChildFacts, z: { w: number; h: number }, clinicDays: number[]) {
    const rng = this.rng;
    const key = [...c.conditions.keys()].find((k) => COMPLEX_TEXT[k]);
    if (!key) return;
    const t = COMPLEX_TEXT[key];
    const coordinator = this.who(rng.pick(c.practice.place.careCoordinators));
    const paed = this.paediatrician(c);
    const years = c.age;
    this.entry(c, {
      kind: 'anticipatory-care', system: null, code: null, display: `Complex needs (${conditionCode(key).display}): emergency health care plan`, status: 'active',
      started: Math.max(c.dobDays, this.today - rng.int(30, 900)),
      details: {
        text:
          `Baseline: ${t.baseline} When unwell: ${t.unwell} ` +
          'Parents know the child best: ask them what is usual. Key contacts: the care coordinator and the hub paediatrician.',
      },
      by: rng.chance(0.5) ? paed : coordinator,
    });
    if (years >= 1) {
      this.entry(c, {
        kind: 'communication-need', system: null, code: null, display: 'Communication needs', status: 'active',
        started: Math.max(c.dobDays + 365, this.today - rng.int(30, 1500)),
        details: { text: rng.pick(t.communication), adjustment: rng.pick(COMPLEX_ADJUSTMENTS) },
        by: coordinator,
      });
    }
    for (let d = this.today - rng.int(0, 120); d >= this.yearAgo; d -= rng.int(80, 130)) {
      const day = this.weekday(d);
      clinicDays.push(day);
      this.growth(c, day, z, paed, false);
    }
  }

  private autism(c: ChildFacts) {
    const rng = this.rng;
    const by = rng.chance(0.5) ? this.gp(c) : this.who(rng.pick(c.practice.place.careCoordinators));
    this.entry(c, {
      kind: 'communication-need', system: null, code: null, display: 'Autism: communication and reasonable adjustments', status: 'active',
      started: Math.min(this.today, c.conditions.get('autism')! + rng.int(0, 120)),
      details: { text: rng.pick(AUTISM_COMMUNICATION), adjustment: rng.pick(AUTISM_ADJUSTMENTS) },
      by,
    });
  }

  private eczema(c: ChildFacts) {
    if (c.age >= 12 || !this.rng.chance(0.06)) return;
    const gp = this.gp(c);
    const start = this.between(c.dobDays + 60, this.today);
    const stop = start < this.today - 240 && this.rng.chance(0.25) ? { day: this.between(this.today - 182, this.today - 1), reason: 'Eczema settled; use over the counter if needed' } : undefined;
    this.repeat(c, 'emollient_cream', start, gp, 5, 'Eczema', stop);
  }

  private procedures(c: ChildFacts) {
    const rng = this.rng;
    const years = this.yearsOld(c, this.today);
    const at = (fromYears: number, toYears: number) => c.dobDays + Math.round(rng.uniform(fromYears, Math.min(toYears, years)) * YEAR);
    const did: [string, number][] = [];
    if (years > 4 && rng.chance(0.012 * Math.min(1, (years - 4) / 6))) did.push(['tonsillectomy', at(4, 12)]);
    if (years > 2 && rng.chance(0.015 * Math.min(1, (years - 2) / 5))) did.push(['grommets', at(2, 8)]);
    if (years > 5 && rng.chance(0.0004 * (years - 5))) did.push(['appendicectomy', at(5, 18)]);
    if (years > 0.2 && rng.chance(c.male ? 0.01 : 0.002)) did.push(['inguinal_hernia_repair', at(0.1, 1)]);
    // Dental extraction under general anaesthetic: 2–3 per 1,000 a year under 10, steeply more in deprived areas.
    const atRisk = Math.max(0, Math.min(years, 10) - 2);
    if (atRisk > 0 && rng.chance(0.0025 * atRisk * GRADIENT.steep[c.decile - 1] / 1.33)) did.push(['dental_extraction', at(2, 10)]);
    if (c.conditions.has('hydrocephalus') && rng.chance(0.85)) did.push(['vp_shunt', Math.min(this.today, c.dobDays + rng.int(5, 120))]);
    if (c.complex && years > 1 && rng.chance(c.conditions.has('cerebral-palsy') ? 0.3 : 0.12)) did.push(['gastrostomy', at(1, 8)]);
    for (const [key, day] of did) {
      if (day > this.today || day < c.dobDays) continue;
      const p = procedure(key);
      this.entry(c, { kind: 'procedure', system: SNOMED, code: p.code, display: p.display, status: 'completed', started: day, details: { outcome: 'Uncomplicated' }, by: this.gp(c), recorded: day + rng.int(3, 20) });
    }
  }

  private sensitive(c: ChildFacts) {
    if (c.age < 13 || !this.rng.chance(c.male ? 0.008 : 0.014)) return;
    const rng = this.rng;
    const options = codeLists().sensitiveEntries.filter((s) => s.sex === 'any' || !c.male);
    const s = options[rng.weighted(options.map((o) => (o.kind === 'medication' ? 0.5 : 1)))];
    const by = rng.chance(0.5) && c.school ? this.who(c.school.nurse) : this.gp(c);
    const day = this.weekday(this.between(this.yearAgo, this.today));
    if (s.kind === 'problem') {
      this.entry(c, { kind: 'problem', system: SNOMED, code: s.code, display: s.display, status: 'resolved', started: day, ended: Math.min(this.today, day + 14), details: { significance: 'minor' }, sensitive: s.category, by });
    } else if (s.kind === 'medication') {
      this.entry(c, { kind: 'medication', system: DMD, code: s.code, display: s.display, status: 'completed', started: day, ended: day, details: { course: 'acute', dose: '1 tablet as a single dose' }, sensitive: s.category, by });
    } else {
      this.entry(c, {
        kind: 'communication-need', system: null, code: null, display: s.display, status: 'active', started: day, sensitive: s.category,
        details: {
          text: 'Seen alone at their own request and assessed as competent to consent (Gillick). Asked that what was discussed is not shared with parents or carers.',
          adjustment: 'Contact the young person directly; do not discuss this consultation with parents or carers without their agreement.',
        },
        by,
      });
    }
  }

  /** Health visitor reviews under 5 (6–8 weeks, 1 year, 2 to 2½ years): weight and height. */
  private earlyYears(c: ChildFacts, z: { w: number; h: number }, team: TeamMember[]) {
    const hvId = this.teamMember(team, 'health-visitor')?.professionalId ?? this.rng.pick(c.practice.healthVisitors);
    const hv = this.who(hvId);
    // [days from birth, weigh?, measure height?]
    const reviews: [number, boolean, boolean][] = [[12, false, false], [49, true, false], [365 + this.rng.int(-60, 30), true, false], [760 + this.rng.int(0, 150), true, true]];
    const miss = 0.08 * MISS_BY_DECILE[c.decile - 1];
    for (const [offset, weigh, height] of reviews) {
      const day = this.weekday(c.dobDays + offset + this.rng.int(0, 14));
      if (day > this.today || this.rng.chance(miss)) continue;
      if (weigh) this.growth(c, day, z, hv, height);
    }
  }

  // ---- contacts --------------------------------------------------------------

  /** Contacts the population does not count: urgent treatment centres, GP out of hours, children's social care. */
  private contacts(c: ChildFacts, team: TeamMember[], unscheduled: { day: number; reason: { code: string | null; display: string } }[]) {
    const rng = this.rng;
    const place = c.practice.place;
    const age = c.age;
    const ooh = (day: number, reason: { code: string | null; display: string }) =>
      this.contact(c, { type: 'out-of-hours', day, minute: rng.int(18 * 60 + 30, 23 * 60 + 30), lengthMinutes: rng.int(10, 25), org: this.structure.communityProviderId, site: null, reason, by: null });
    // Some asthma attacks and seizures go to GP out of hours (those seen in ED or by the GP are activity events).
    for (const u of unscheduled) if (rng.chance(0.15)) ooh(u.day, u.reason);
    for (let i = this.poisson(0.12 * ED_BY_DECILE[c.decile - 1]); i > 0; i--) {
      const r = this.reasonFor('urgent-care', age);
      this.contact(c, { type: 'urgent-care', day: this.winterDay(), minute: rng.int(8 * 60, 21 * 60), lengthMinutes: rng.int(40, 180), org: place.acuteTrustId, site: place.urgentCareSiteId, reason: { code: r.code, display: r.display }, by: null });
    }
    for (let i = this.poisson(age < 5 ? 0.25 : 0.08); i > 0; i--) {
      const r = this.reasonFor('out-of-hours', age);
      ooh(this.winterDay(), { code: r.code, display: r.display });
    }

    // Children's social care: statutory visits for looked-after children and child-protection plans.
    const socialWorker = this.teamMember(team, 'social-worker');
    for (const f of c.involvement.flags) {
      if (f.kind === 'young-carer') continue;
      const from = Math.max(this.yearAgo, f.startedDays);
      const to = Math.min(this.today, f.endedDays ?? this.today);
      const every = f.kind === 'looked-after' ? 42 : 14;
      const by = socialWorker ? this.who(socialWorker.professionalId) : this.who(rng.pick(place.socialWorkers));
      const reason = { code: null, display: f.kind === 'looked-after' ? 'Looked after child statutory visit' : 'Child protection plan visit' };
      for (let d = from + rng.int(0, every - 1); d <= to; d += every + rng.int(-3, 3)) {
        this.contact(c, { type: 'social-care', day: this.weekday(d), minute: this.officeMinute(), lengthMinutes: rng.int(45, 120), org: place.socialCareId, site: null, reason, by });
      }
    }
  }

  /**
   * The contacts the population counts, made from the child's activity events
   * in the record's span: the same attendance in both, the event linked to its
   * contact. The record adds what an event does not carry: who saw the child,
   * how long it took, the reason in words, a GP's prescription.
   */
  private attendances(c: ChildFacts, team: TeamMember[], counted: CountedAttendances, penicillinAllergy: boolean) {
    const rng = this.rng;
    const place = c.practice.place;
    const camhs = this.teamMember(team, 'camhs-clinician');
    const coordinator = this.teamMember(team, 'care-coordinator');
    for (const e of counted.events) {
      const day = Math.floor(e.minute / DAY_MINUTES);
      const minute = e.minute - day * DAY_MINUTES;
      const at = { day, minute, org: e.organisationId, site: e.siteId };
      let id: string | null;
      if (e.type === 'gp') {
        const r = e.reasonCode === 'asthma' ? { ...this.reason('asthma'), key: 'asthma' } : this.reasonFor('gp', e.ageYears);
        id = this.gpContact(c, day, { code: r.code, display: r.display }, r.key === 'asthma', r.key, penicillinAllergy, minute);
      } else if (e.type === 'ed') {
        id = this.contact(c, { ...at, type: 'ed', lengthMinutes: rng.int(90, 330), reason: this.eventReason(c, e, 'ed'), by: null });
      } else if (e.type === 'admission') {
        id = this.contact(c, {
          ...at, type: 'admission', lengthMinutes: (e.bedDays ?? rng.int(0, 2)) * DAY_MINUTES + rng.int(240, 600), reason: this.eventReason(c, e, 'admission'),
          emergency: e.emergency ?? true, by: this.paediatrician(c),
        });
      } else if (e.type === 'outpatient') {
        id = this.contact(c, { ...at, type: 'outpatient', lengthMinutes: rng.int(20, 45), reason: this.eventReason(c, e, 'outpatient'), by: this.paediatrician(c) });
      } else if (e.type === 'mental-health') {
        id = this.contact(c, {
          ...at, type: 'mental-health', lengthMinutes: rng.int(30, 60), reason: this.eventReason(c, e, 'mental-health'),
          by: this.who(camhs?.professionalId ?? rng.pick(place.camhs)),
        });
      } else {
        id = this.contact(c, { ...at, type: 'community', lengthMinutes: rng.int(30, 75), reason: this.eventReason(c, e, 'community'), by: coordinator ? this.who(coordinator.professionalId) : null });
      }
      if (id) counted.link(e.index, id);
    }
  }

  /** An event's reason as the record words it: the condition when the event names one, else a reason drawn for the setting and age. */
  private eventReason(c: ChildFacts, e: CountedEvent, setting: string): { code: string | null; display: string } {
    switch (e.reasonCode) {
      case 'asthma': case 'epilepsy': case 'bronchiolitis': return this.reason(e.reasonCode);
      case 'diabetes': return c.conditions.has('type-2-diabetes') ? { code: '44054006', display: 'Type 2 diabetes mellitus' } : this.reason('type_1_diabetes');
      case 'tooth-extraction': return { code: procedure('dental_extraction').code, display: procedure('dental_extraction').display };
      case 'epilepsy-nurse': return { code: null, display: 'Epilepsy specialist nurse review' };
      default: {
        const r = this.reasonFor(setting, Math.max(setting === 'mental-health' ? 8 : 0, e.ageYears));
        return r ? { code: r.code, display: r.display } : { code: null, display: 'Review' };
      }
    }
  }

  /** A GP consultation; some end with an acute prescription for what was seen. */
  private gpContact(c: ChildFacts, day: number, reason: { code: string | null; display: string }, attack: boolean, key: string, penicillinAllergy: boolean, minute: number): string | null {
    const rng = this.rng;
    const gp = this.gp(c);
    const id = this.contact(c, { type: 'gp', day, minute, lengthMinutes: rng.int(8, 20), org: c.practice.id, site: c.practice.siteId, reason, by: gp });
    // Medicines issued are kept for the last 12 months (the record's contacts reach a little further back).
    if (attack || !id || day < this.yearAgo) return id;
    const young = c.age < 12;
    const antibiotic = (why: string, penicillin = 'amoxicillin') => {
      const k = penicillinAllergy ? (young ? 'clarithromycin_125' : 'clarithromycin_250')
        : penicillin === 'phenoxymethylpenicillin' ? 'phenoxymethylpenicillin_250'
          : c.age < 5 ? 'amoxicillin_125_sf' : young ? 'amoxicillin_250_sf' : 'amoxicillin_500';
      this.acute(c, k, day, penicillin === 'phenoxymethylpenicillin' && !penicillinAllergy ? 10 : 5, why, gp);
    };
    if (key === 'otitis_media' && rng.chance(0.45)) antibiotic('Acute otitis media');
    else if (key === 'tonsillitis' && rng.chance(0.55)) antibiotic('Tonsillitis', 'phenoxymethylpenicillin');
    else if (key === 'uti' && rng.chance(0.7)) antibiotic('Urinary tract infection');
    else if (key === 'urti' && rng.chance(0.05)) antibiotic('Chest infection');
    else if (key === 'eczema' && rng.chance(0.4)) this.acute(c, 'hydrocortisone_1pc', day, 7, 'Eczema flare', gp);
    else if ((key === 'fever' || key === 'tonsillitis' || key === 'otitis_media') && rng.chance(0.12)) {
      this.acute(c, young ? (rng.chance(0.5) ? 'paracetamol_120' : 'ibuprofen_100_sf') : rng.chance(0.5) ? 'paracetamol_500' : 'ibuprofen_200', day, 3, 'Pain and fever', gp);
    } else if (key === 'urti' && c.age >= 2 && rng.chance(0.04)) this.acute(c, 'cetirizine_liquid', day, 14, 'Allergic rhinitis', gp);
    return id;
  }
}

/** An activity event the record holds as a contact: its place in the writer's buffer and its start in minutes since 1970 (UTC). */
export type CountedEvent = DecodedEvent & { index: number; minute: number };
/** A child's events the record holds as contacts, and how to link one to the contact made from it. */
export type CountedAttendances = { events: readonly CountedEvent[]; link: (index: number, contactId: string) => void };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function minuteStamp(minutes: number): string {
  const day = Math.floor(minutes / DAY_MINUTES);
  return isoTimestamp(day, minutes - day * DAY_MINUTES);
}

const COMPLEX_TEXT: Record<string, { baseline: string; unwell: string; communication: string[] }> = {
  'cerebral-palsy': {
    baseline: 'Wheelchair user with four-limb cerebral palsy; fed by gastrostomy or modified diet; oxygen saturation usually 95% or above.',
    unwell: 'Chest infections can worsen quickly: low threshold for assessment; plan for physiotherapy and suction; do not assume low tone or drowsiness is usual without asking parents.',
    communication: [
      'Communicates with an eye-gaze device and facial expression; understands more than can be expressed.',
      'Uses a communication book and yes/no signals; allow time for answers.',
    ],
  },
  'down-syndrome': {
    baseline: 'Down syndrome; repaired heart defect (check latest cardiology letter); thyroid function monitored yearly.',
    unwell: 'Higher risk of respiratory infection and obstructive sleep apnoea; consider airway and neck stability before anaesthetic.',
    communication: ['Uses Makaton signing alongside single words; visual supports help.', 'Understands short, simple sentences; check understanding by asking to show rather than tell.'],
  },
  'spina-bifida': {
    baseline: 'Spina bifida with intermittent catheterisation and a bowel management programme; reduced sensation below the waist.',
    unwell: 'Urinary infection can present as fever or vomiting only; check skin for pressure areas; use latex-free equipment.',
    communication: ['Speaks fluently; prefers to be asked directly about personal care.', 'Needs information about procedures in advance; anxious in hospital.'],
  },
  hydrocephalus: {
    baseline: 'Hydrocephalus with a ventriculoperitoneal shunt; usual head circumference and development on the latest clinic letter.',
    unwell: 'Headache, vomiting, drowsiness, irritability or a bulging fontanelle can mean shunt blockage: same-day assessment by the neurosurgical team.',
    communication: ['Communicates verbally; may tire quickly and lose concentration.', 'Uses simple speech and gestures; parents can interpret.'],
  },
};

const COMPLEX_ADJUSTMENTS = [
  'Allow double appointments; see in a room with hoist access.',
  'Talk to the parent or carer who knows the child baseline before any decision; keep the same nurse where possible.',
  'Offer the first appointment of the day to avoid waiting; quiet space to wait.',
];

const AUTISM_COMMUNICATION = [
  'Autistic; finds unexpected changes very distressing. Prefers clear, literal language and written or picture information in advance.',
  'Autistic; limited speech, uses a picture exchange system and a tablet with symbols.',
  'Autistic; sensitive to noise, bright light and touch. May not make eye contact; this does not mean they are not listening.',
  'Autistic; talks fluently but may take words literally and needs time to process questions.',
];
const AUTISM_ADJUSTMENTS = [
  'Quiet room to wait or wait in the car and be called in; first or last appointment of the day.',
  'Explain each step before touching; use a visual schedule for examinations and procedures.',
  'Keep the same clinician where possible; send pictures of the building and the person they will meet beforehand.',
  'Reduce waiting time; dim lights and avoid noisy areas; allow a parent to stay throughout.',
];
