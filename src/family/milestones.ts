import { YOUNG_PERSON_DECIDES_AT, ADULT_AT } from '../platform/access/family-policy.js';

/** Whole years old on `today` (ISO dates); a 29 February birthday counts from 1 March in other years. */
export function yearsOld(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  const years = ty - by;
  return tm > bm || (tm === bm && td >= bd) ? years : years - 1;
}

/** The day someone born on dateOfBirth turns `years`: for a 29 February birthday, 1 March in a year without one. */
export function birthday(dateOfBirth: string, years: number): string {
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}

export type Milestone = { name: string; on: string; what: string };

/** The next dates a child's family access is reviewed: the ICS's review age, 16 and 18, from today on. */
export function milestones(dateOfBirth: string, reviewAge: number, today: string): Milestone[] {
  return [
    { name: `${reviewAge}th birthday`, on: birthday(dateOfBirth, reviewAge), what: 'Parents’ proxy access is reviewed with the young person’s view.' },
    { name: `${YOUNG_PERSON_DECIDES_AT}th birthday`, on: birthday(dateOfBirth, YOUNG_PERSON_DECIDES_AT), what: 'Proxy access pauses unless the young person agrees to it.' },
    { name: `${ADULT_AT}th birthday`, on: birthday(dateOfBirth, ADULT_AT), what: 'Proxy access ends.' },
  ].filter((m) => m.on >= today);
}
