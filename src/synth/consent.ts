import type { ChildFacts, TeamMember } from './care-teams.js';
import { isoTimestamp } from './dates.js';
import type { Adult } from './families.js';
import type { Rng } from '../platform/random/seeded.js';
import type { Row } from './writer.js';

type Scope = 'share-record-with-care-team' | 'share-with-education' | 'share-with-social-care' | 'family-access';

/**
 * Consent as families give it in practice: most children with a multi-agency
 * team have agreed to share their record with it, most with an EHC plan to
 * share with school, about half of those known to social care to share with
 * it, and a few families have signed up to see the record themselves. A young
 * person of 16 or more consents for themselves; a few consents are withdrawn.
 */
export function consentRows(rng: Rng, ids: Rng, icsId: string, c: ChildFacts, team: TeamMember[], adults: Adult[]): Row[] {
  const rows: Row[] = [];
  const parent = adults.find((a) => a.parentalResponsibility);
  const give = (scope: Scope, recordedBy: string | null, after: number) => {
    const self = c.age >= 16 && rng.chance(0.7);
    const givenDays = Math.min(c.todayDays - 1, after + rng.int(0, 60));
    const withdrawn = rng.chance(0.04) && givenDays < c.todayDays - 2;
    rows.push({
      ics_id: icsId,
      id: ids.uuid(),
      child_id: c.id,
      scope,
      given_by: self || !parent ? 'young-person' : 'parent',
      given_by_related_person_id: self || !parent ? null : parent.id,
      given_at: isoTimestamp(givenDays, rng.int(510, 1050)),
      withdrawn_at: withdrawn ? isoTimestamp(rng.int(givenDays + 1, c.todayDays - 1), rng.int(510, 1050)) : null,
      recorded_by: recordedBy,
    });
  };

  const multiAgency = team.filter((m) => m.role !== 'health-visitor');
  if (multiAgency.length > 0 && rng.chance(0.85)) {
    const first = multiAgency.reduce((a, b) => (b.startedDays < a.startedDays ? b : a));
    give('share-record-with-care-team', first.professionalId, first.startedDays);
  }
  const senco = team.find((m) => m.role === 'senco');
  if (senco && rng.chance(0.8)) give('share-with-education', senco.professionalId, senco.startedDays);
  const social = team.find((m) => m.role === 'social-worker');
  if (social && rng.chance(0.5)) give('share-with-social-care', social.professionalId, social.startedDays);
  if (rng.chance(0.06)) give('family-access', rng.pick(c.practice.gps), Math.max(c.dobDays, c.todayDays - 3 * 365 + rng.int(0, 3 * 365)));
  return rows;
}
