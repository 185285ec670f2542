import { renderLetter } from '../letters/service.js';
import { shippedTemplate } from '../letters/store.js';
import { URGENCY_LABELS, type Urgency } from '../referrals/index.js';
import { formatNhsNumber } from '../platform/identity/nhs-number.js';
import { longDate } from '../platform/time/calendar-days.js';
import type { ChildFacts } from './care-teams.js';
import { isoDate } from './dates.js';
import { dayOf, stamp, type Journey, type Person } from './referral-journey.js';
import type { Row } from './writer.js';

/**
 * The letters a referral files in the child's record, as the app files them
 * (referrals/letters.ts) in the shipped wording: the referral itself when a
 * GP refers (or advice becomes a referral), and the paediatrician's advice
 * when they answer. So every demo referral that reached an outcome has its letter.
 */
export function referralLetters(
  j: Journey, c: ChildFacts, names: { hub: string; practice: string }, who: { referrer: Person; lead: Person; leadOrg: string; referrerOrg: string },
  ids: () => string, add: (table: string, row: Row) => void,
): void {
  const about = { child: c.name, born: longDate(isoDate(c.dobDays)), nhsNumber: c.nhsNumber ? formatNhsNumber(c.nhsNumber) : 'not known' };
  const file = (source: 'referral' | 'advice', t: number, letter: { title: string }, by: Person, org: string) => add('record_letter', {
    ics_id: j.icsId, id: ids(), child_id: c.id, title: letter.title, body: letter, source, source_id: j.id,
    filed_by: by.id, filed_by_name: by.name, filed_by_organisation_id: org, filed_at: stamp(t),
  });
  const referredAt = j.referredAt;
  if (referredAt !== null) {
    const letter = renderLetter(shippedTemplate('referral'), {
      ...about, hub: names.hub, urgency: URGENCY_LABELS[j.urgency as Urgency].toLowerCase(), reason: j.reasonText, question: j.question, tried: j.tried,
      referrer: who.referrer.name, practice: names.practice, date: longDate(isoDate(dayOf(referredAt))),
    });
    file('referral', referredAt, letter, who.referrer, who.referrerOrg);
  }
  for (const a of j.adviceGiven) {
    const letter = renderLetter(shippedTemplate('advice'), {
      ...about, hub: names.hub, referrer: who.referrer.name, question: j.question, advice: a.note ?? '', selfCare: '', paediatrician: who.lead.name,
      date: longDate(isoDate(dayOf(a.t))),
    });
    file('advice', a.t, letter, who.lead, who.leadOrg);
  }
}
