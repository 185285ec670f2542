import type { ChildFacts, TeamMember } from './care-teams.js';
import type { PlanSharing } from './care-plans.js';
import { isoTimestamp } from './dates.js';
import type { Adult } from './families.js';
import type { Rng } from '../platform/random/seeded.js';
import type { Row } from './writer.js';

type Scope = 'share-record-with-care-team' | 'share-with-education' | 'share-with-social-care' | 'share-with-youth-justice' | 'family-access';

/**
 * Consent as families give it in practice: most children with a multi-agency
 * team have agreed to share their record with it, most with an EHC plan to
 * share with school, about half of those known to social care to share with
 * it, and a few families have signed up to see the record themselves. A
 * young person of 16 or more consents for themselves; a few consents are
 * later withdrawn, each withdrawal a decision of its own.
 */
/**
 * The family's consent to share a care plan with the agencies it names, where
 * nothing in `already` covers the agency: given by the parent (the young
 * person from 16) a week before the plan started, recorded by the key worker.
 * Drawn from no stream, so the rest of the ICS is the same with or without it.
 */
export function planConsentRows(ids: Rng, icsId: string, c: ChildFacts, adults: Adult[], plan: PlanSharing, already: readonly Row[]): Row[] {
  const parent = adults.find((a) => a.parentalResponsibility);
  const day = Math.max(c.dobDays, plan.startedDays - 7);
  const self = c.age >= 16 || !parent;
  return plan.agencies.filter((agency) => !already.some((r) => r.scope === `share-with-${agency}`)).map((agency) => ({
    ics_id: icsId, id: ids.uuid(), child_id: c.id, scope: `share-with-${agency}`, decision: 'given', given_by: self ? 'young-person' : 'parent',
    given_by_related_person_id: self ? null : parent.id, decided_at: isoTimestamp(day, 600), competence_judged_by: null, competence_note: null,
    recorded_by: plan.keyWorkerId, recorded_at: isoTimestamp(day, 600),
  }));
}

export function consentRows(rng: Rng, ids: Rng, icsId: string, c: ChildFacts, team: TeamMember[], adults: Adult[]): Row[] {
  const rows: Row[] = [];
  const parent = adults.find((a) => a.parentalResponsibility);
  const give = (scope: Scope, recordedBy: string | null, after: number) => {
    const self = c.age >= 16 && rng.chance(0.7);
    const givenDays = Math.min(c.todayDays - 1, after + rng.int(0, 60));
    const withdrawn = rng.chance(0.04) && givenDays < c.todayDays - 2;
    const decision = (kind: 'given' | 'withdrawn', days: number, minute: number): Row => ({
      ics_id: icsId,
      id: ids.uuid(),
      child_id: c.id,
      scope,
      decision: kind,
      given_by: self || !parent ? 'young-person' : 'parent',
      given_by_related_person_id: self || !parent ? null : parent.id,
      decided_at: isoTimestamp(days, minute),
      competence_judged_by: null,
      competence_note: null,
      recorded_by: recordedBy,
      recorded_at: isoTimestamp(days, minute),
    });
    rows.push(decision('given', givenDays, rng.int(510, 1050)));
    if (withdrawn) rows.push(decision('withdrawn', rng.int(givenDays + 1, c.todayDays - 1), rng.int(510, 1050)));
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
