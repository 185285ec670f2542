import { monthlyRate, seasonal } from '../population/service.js';
import { POPULATION_ACTIVITY } from '../population/index.js';
import {
  CONDITION_RATES, FOLLOW_UPS, MH_CONTACTS, REASON_KEYS, TOOTH_EXTRACTION, bedDays, epilepsyNurseRate, mentalHealthAccess, mentalHealthRate, pick,
  reasonMix, reasonSlot, relieverRate, toothByQuintile,
} from './activity-mix.js';
import { ActivityColumns, NO, NONE, YES } from './activity-writer.js';
import type { ChildFacts } from './care-teams.js';
import { civilFromDays, daysFromCivil } from './dates.js';
import type { Treatment } from './intervention.js';
import { firstDayOfMonth, historyMonths } from './months.js';
import type { Rng } from '../platform/random/seeded.js';
import type { Structure } from './structure.js';

/**
 * Five years of each child's use of services, as activity events for the
 * population dashboards: month by month while the child is alive (and under
 * 18, as every generated child is), up to the day before today.
 *
 * ED, emergency admissions, first outpatient attendances and GP contacts are
 * Poisson counts per child per month at exactly monthlyRate × the care
 * model's effectMultiplier (population/activity-rates.ts), which the evaluation's
 * coverage simulation assumes. On top come the condition-driven events
 * (asthma attacks, seizures, diabetic emergencies, clinics, inhalers, the
 * epilepsy nurse), planned tooth extractions and mental health episodes
 * (activity-mix.ts). A care model scales every ED attendance and emergency
 * admission of a treated child alike, so its effect on those counts is the
 * injected one exactly.
 */

type Month = {
  index: number;
  first: number;
  last: number;
  days: number;
  /** 1–12 */
  calendar: number;
  year: number;
  /** First and last days of British Summer Time that year (last Sundays of March and October). */
  bstFrom: number;
  bstTo: number;
};

const ED = 0;
const ADMISSION = 1;
const OUTPATIENT = 2;
const GP = 3;
const YEAR_MONTHS = 12;
const NO_DAYS: readonly number[] = [];

const DAY_MINUTES = 24 * 60;
const R = Object.fromEntries(REASON_KEYS.map((k) => [k, reasonSlot(k)])) as Record<string, number>;
const lastSunday = (y: number, m: number) => {
  const day = daysFromCivil(y, m, 31);
  return day - ((day + 4) % 7); // 1970-01-01 was a Thursday; 0 = Sunday
};
const weekend = (day: number) => {
  const dow = (day + 4) % 7;
  return dow === 0 || dow === 6;
};

/** One Poisson draw from one uniform (inverse CDF): rates here are far below one a month, so it nearly always stops at once. */
function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  let u = rng.next();
  let p = Math.exp(-mean);
  let k = 0;
  while (u > p && p > 0) {
    u -= p;
    k++;
    p *= mean / k;
  }
  return k;
}

export class ActivityGenerator {
  readonly columns: ActivityColumns;
  private months: Month[];
  private firstIndex: number;
  /** The last day events may fall on: yesterday (today's hours may not have happened). */
  private lastDay: number;
  private types: Record<'ed' | 'admission' | 'outpatient' | 'gp' | 'community' | 'mh' | 'prescription', number>;
  /** monthlyRate by activity, age, quintile and calendar month: [a][age][q − 1][month − 1]. */
  private rates: Float64Array;

  constructor(
    private structure: Structure,
    todayDays: number,
    private rng: Rng,
    private treatment: Treatment | null = null,
  ) {
    const places = [structure.communityProviderId, structure.mentalHealthTrustId];
    for (const p of structure.places) places.push(p.acuteTrustId, p.hospitalSiteId, p.urgentCareSiteId, p.developmentCentreSiteId, p.camhsSiteId);
    for (const p of structure.practices) places.push(p.id, p.siteId);
    this.columns = new ActivityColumns(structure.icsId, places, REASON_KEYS);
    const out = this.columns;
    this.types = { ed: out.type('ed'), admission: out.type('admission'), outpatient: out.type('outpatient'), gp: out.type('gp'),
      community: out.type('community'), mh: out.type('mental-health'), prescription: out.type('prescription') };
    this.lastDay = todayDays - 1;
    const { first, last } = historyMonths(todayDays);
    this.firstIndex = first;
    this.months = [];
    for (let index = first; index <= last; index++) {
      const start = firstDayOfMonth(index);
      const next = firstDayOfMonth(index + 1);
      const year = Math.floor(index / 12);
      this.months.push({ index, first: start, last: next - 1, days: next - start, calendar: (index % 12) + 1, year, bstFrom: lastSunday(year, 3), bstTo: lastSunday(year, 10) });
    }
    // monthlyRate itself, looked up: ~30 million child-months at 500,000 children.
    this.rates = new Float64Array(4 * 18 * 5 * 12);
    POPULATION_ACTIVITY.forEach((activity, a) => {
      for (let age = 0; age < 18; age++) {
        for (let q = 1; q <= 5; q++) for (let m = 1; m <= 12; m++) this.rates[((a * 18 + age) * 5 + q - 1) * 12 + m - 1] = monthlyRate(activity, age, q, m);
      }
    });
  }

  private rate(activity: number, age: number, quintile: number, calendar: number): number {
    return this.rates[((activity * 18 + age) * 5 + quintile - 1) * 12 + calendar - 1];
  }

  private monthOf(day: number): Month {
    const [y, m] = civilFromDays(day);
    return this.months[y * 12 + m - 1 - this.firstIndex];
  }

  /** A day in [from, to]; for office-hours services, redrawn a few times to avoid a weekend. */
  private day(from: number, to: number, office = false): number {
    const span = to - from + 1;
    let d = from + Math.floor(this.rng.next() * span);
    for (let i = 0; office && weekend(d) && i < 4; i++) d = from + Math.floor(this.rng.next() * span);
    return d;
  }

  /** Minute of the day: ED-like arrivals (most in the afternoon and evening) or office hours. */
  private minute(kind: 'urgent' | 'office' | 'morning'): number {
    const rng = this.rng;
    if (kind === 'office') return rng.int(8 * 60 + 30, 17 * 60 + 30);
    if (kind === 'morning') return rng.int(7 * 60 + 30, 9 * 60);
    const r = rng.next();
    return r < 0.08 ? rng.int(0, 7 * 60) : r < 0.4 ? rng.int(7 * 60, 13 * 60) : rng.int(13 * 60, 24 * 60 - 1);
  }

  /** Draws the child's five years. ethnicCode is the NHS ethnic category (for access to mental health services). */
  child(c: ChildFacts, ethnicCode: string): void {
    const rng = this.rng;
    const out = this.columns;
    const practice = c.practice;
    const place = practice.place;
    const clusterId = practice.cluster.id;
    const q = (c.decile + 1) >> 1;
    const dob = c.dobDays;
    const [by, bm, bd] = civilFromDays(dob);
    const treated = this.treatment && this.treatment.clusterIds.has(clusterId) ? this.treatment : null;
    const wander = this.treatment ? (month: number) => this.treatment!.variation(clusterId, month) : () => 1;
    const onset = (key: string) => c.conditions.get(key) ?? Infinity;
    const asthma = onset('asthma');
    const epilepsy = onset('epilepsy');
    const diabetes = Math.min(onset('type-1-diabetes'), onset('type-2-diabetes'));
    const reliever = asthma < Infinity ? relieverRate(rng, q) : 0;
    const preventer = asthma < Infinity && rng.chance(c.age < 5 ? 0.55 : 0.87) ? 7 * rng.uniform(0.15, 1) : 0;
    const nurse = epilepsy < Infinity ? epilepsyNurseRate(q) : 0;
    const access = mentalHealthAccess(ethnicCode);
    const ltcReason = (day: number) => (diabetes <= day ? R.diabetes : epilepsy <= day ? R.epilepsy : asthma <= day ? R.asthma : 0);

    const ageAt = (m: Month, day: number) => {
      const d = day - m.first + 1;
      return m.year - by - (m.calendar < bm || (m.calendar === bm && d < bd) ? 1 : 0);
    };
    const slot = out.child(c.id, practice.id, clusterId);
    const T = this.types;
    const acute = out.place(place.acuteTrustId);
    const hospital = out.place(place.hospitalSiteId);
    const urgentCare = out.place(place.urgentCareSiteId);
    const gp = out.place(practice.id);
    const surgery = out.place(practice.siteId);
    const community = out.place(this.structure.communityProviderId);
    const developmentCentre = out.place(place.developmentCentreSiteId);
    const mentalHealth = out.place(this.structure.mentalHealthTrustId);
    const camhs = out.place(place.camhsSiteId);
    /** minute is on England's clock; the stored instant is UTC, an hour earlier in summer time. */
    const emit = (m: Month, type: number, day: number, minute: number, reason: number, org: number, site: number, emergency = NONE, nights = -1, first = NONE) => {
      const bst = (day > m.bstFrom || (day === m.bstFrom && minute >= 60)) && (day < m.bstTo || (day === m.bstTo && minute < 120));
      out.push(slot, type, day * DAY_MINUTES + minute - (bst ? 60 : 0), m.index, ageAt(m, day), org, site, reason, emergency, nights, first);
    };
    const ed = (m: Month, day: number, reason: number) => emit(m, T.ed, day, this.minute('urgent'), reason, acute, hospital);
    const admit = (m: Month, day: number, reason: number, age: number) => emit(m, T.admission, day, this.minute('urgent'), reason, acute, hospital, YES, bedDays(rng, age));
    const outpatient = (m: Month, day: number, reason: number, first: boolean) =>
      emit(m, T.outpatient, day, this.minute('office'), reason, acute, rng.chance(0.2) ? urgentCare : hospital, NONE, -1, first ? YES : NO);
    /** Events at `perYear` (times any month factor) in the part of the month from `from`: their days. */
    const during = (m: Month, from: number, to: number, perYear: number, office = false): readonly number[] => {
      if (from > to || perYear <= 0) return NO_DAYS;
      const n = poisson(rng, (perYear / YEAR_MONTHS) * ((to - from + 1) / m.days));
      if (n === 0) return NO_DAYS;
      const days: number[] = [];
      for (let i = 0; i < n; i++) days.push(this.day(from, to, office));
      return days;
    };

    for (const m of this.months) {
      const from = Math.max(m.first, dob);
      const to = Math.min(m.last, this.lastDay);
      if (from > to) continue;
      const exposure = (to - from + 1) / m.days;
      const age = ageAt(m, (from + to) >> 1);
      const cm = m.calendar;
      const wandering = wander(m.index);
      const edFactor = (treated ? treated.multiplier('ed', m.index) : 1) * wandering;
      const admissionFactor = (treated ? treated.multiplier('emergency-admission', m.index) : 1) * wandering;
      const outpatientFactor = (treated ? treated.multiplier('outpatient-first', m.index) : 1) * wandering;

      // The population rates: exactly monthlyRate × the care model's multiplier, a Poisson count each.
      const eds = poisson(rng, this.rate(ED, age, q, cm) * exposure * edFactor);
      let previous = -1;
      for (let i = 0; i < eds; i++) {
        // A second attendance in a month is often a return within the week.
        const day = previous >= 0 && rng.chance(0.5) ? Math.min(to, previous + rng.int(1, 7)) : this.day(from, to);
        ed(m, day, pick(rng, reasonMix('ed', age, cm)));
        previous = day;
      }
      for (let i = poisson(rng, this.rate(ADMISSION, age, q, cm) * exposure * admissionFactor); i > 0; i--) {
        admit(m, this.day(from, to), pick(rng, reasonMix('admission', age, cm)), age);
      }
      for (let i = poisson(rng, this.rate(OUTPATIENT, age, q, cm) * exposure * outpatientFactor); i > 0; i--) {
        const day = this.day(from, to, true);
        const ltc = ltcReason(day);
        const reason = ltc && rng.chance(0.3) ? ltc : R.other;
        outpatient(m, day, reason, true);
        let next = day;
        for (let f = poisson(rng, FOLLOW_UPS); f > 0; f--) {
          next += rng.int(42, 112);
          if (next > this.lastDay) break;
          outpatient(this.monthOf(next), next, reason, false);
        }
      }
      for (let i = poisson(rng, this.rate(GP, age, q, cm) * exposure); i > 0; i--) {
        const day = this.day(from, to, true);
        const reason = asthma <= day && rng.chance(0.15) ? R.asthma : pick(rng, reasonMix('gp', age, cm));
        emit(m, T.gp, day, this.minute('office'), reason, gp, surgery);
      }

      // Long-term conditions, from onset: attacks and seizures in ED, emergency admissions, clinics, inhalers, the nurse.
      if (asthma <= to) {
        const f = Math.max(from, asthma);
        const winter = seasonal(0.25, cm);
        for (const day of during(m, f, to, CONDITION_RATES.asthmaEd * winter * edFactor)) ed(m, day, R.asthma);
        for (const day of during(m, f, to, CONDITION_RATES.asthmaAdmission * winter * admissionFactor)) admit(m, day, R.asthma, age);
        for (const day of during(m, f, to, reliever, true)) emit(m, T.prescription, day, this.minute('office'), R.reliever, gp, surgery);
        for (const day of during(m, f, to, preventer, true)) emit(m, T.prescription, day, this.minute('office'), R.preventer, gp, surgery);
      }
      if (epilepsy <= to) {
        const f = Math.max(from, epilepsy);
        for (const day of during(m, f, to, CONDITION_RATES.epilepsyEd * edFactor)) ed(m, day, R.epilepsy);
        for (const day of during(m, f, to, CONDITION_RATES.epilepsyAdmission * admissionFactor)) admit(m, day, R.epilepsy, age);
        for (const day of during(m, f, to, CONDITION_RATES.epilepsyClinic, true)) outpatient(m, day, R.epilepsy, false);
        for (const day of during(m, f, to, nurse, true)) emit(m, T.community, day, this.minute('office'), R['epilepsy-nurse'], community, developmentCentre);
      }
      if (diabetes <= to) {
        const f = Math.max(from, diabetes);
        for (const day of during(m, f, to, CONDITION_RATES.diabetesAdmission * admissionFactor)) admit(m, day, R.diabetes, age);
        for (const day of during(m, f, to, CONDITION_RATES.diabetesClinic, true)) outpatient(m, day, R.diabetes, false);
      }

      // Planned tooth extractions under general anaesthetic: a day case, steeply more where more deprived.
      if (age >= TOOTH_EXTRACTION.fromAge && age <= TOOTH_EXTRACTION.toAge) {
        for (const day of during(m, from, to, TOOTH_EXTRACTION.rate * toothByQuintile(q), true)) {
          emit(m, T.admission, day, this.minute('morning'), R['tooth-extraction'], acute, hospital, NO, 0);
        }
      }

      // Mental health: an episode is a run of contacts a week or few apart (any after yesterday are not yet).
      for (const start of during(m, from, to, mentalHealthRate(age, access), true)) {
        let day = start;
        for (let n = rng.int(MH_CONTACTS.min, MH_CONTACTS.max); n > 0 && day <= this.lastDay; n--) {
          emit(this.monthOf(day), T.mh, day, this.minute('office'), R['mental-health'], mentalHealth, camhs);
          day += rng.int(MH_CONTACTS.gapMin, MH_CONTACTS.gapMax);
        }
      }
    }
  }
}
