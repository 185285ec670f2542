import type { ReferralKind, Urgency } from './schema.js';
import type { ReferralState } from './state-machine.js';

/** How a referral's state reads to the GP and the paediatrician: words, never a code. */
export const STATE_LABELS: Record<ReferralState, string> = {
  'awaiting-triage': 'Waiting for the paediatrician',
  'advice-given': 'Advice given',
  'awaiting-booking': 'Waiting for a clinic appointment',
  booked: 'Booked into a clinic',
  'did-not-attend': 'Did not attend',
  seen: 'Seen in clinic',
  mdt: 'To be discussed at the hub MDT',
  ambulatory: 'Ambulatory care at home',
  'referred-on': 'Referred on to a specialist service',
  'urgent-same-day': 'Urgent same-day assessment',
  returned: 'Returned to the referrer',
  withdrawn: 'Withdrawn',
  closed: 'Closed',
};

/** A referral still at "to be discussed" whose MDT case has been discussed: the paediatrician's next move is due. */
export const MDT_DISCUSSED_LABEL = 'Discussed at the hub MDT: outcome letter sent';

export const KIND_LABELS: Record<ReferralKind, string> = { advice: 'Advice request', referral: 'Referral' };

export const URGENCY_LABELS: Record<Urgency, string> = { urgent: 'Urgent', soon: 'Soon', routine: 'Routine' };

/** Tag colours go with words (the label), never alone. */
export const URGENCY_TAGS: Record<Urgency, string> = { urgent: 'nhsuk-tag--red', soon: 'nhsuk-tag--orange', routine: 'nhsuk-tag--grey' };

/** A referral or advice request is late when the hub has not answered it by its due date (due dates are set in working days). */
export const isLate = (r: { state: ReferralState; due_on: string }, today: string) => r.state === 'awaiting-triage' && r.due_on < today;
