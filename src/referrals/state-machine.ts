/**
 * Where a referral or advice request can be, and every legal move, in one
 * place. Each move says who makes it (the referrer, the senior
 * decision-maker who triages, the admin who books, the clinician who sees the
 * child) and what it must record. A referral never disappears: withdrawn and
 * closed are ends, not deletions.
 */

export const REFERRAL_STATES = [
  'awaiting-triage', 'advice-given', 'awaiting-booking', 'booked', 'did-not-attend', 'seen', 'mdt', 'ambulatory',
  'referred-on', 'urgent-same-day', 'returned', 'withdrawn', 'closed',
] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

export type Mover = 'referrer' | 'triager' | 'admin' | 'clinician';

/**
 * One legal move. `via: 'clinic'` marks a move made only from the clinic
 * pages, where the slot and the clinic are known (booking, rescheduling, did
 * not attend, seen with an outcome): the referral's decision form neither
 * offers nor accepts it.
 */
export type Move = { to: ReferralState; by: Mover; name: string; needs?: 'reason' | 'notes' | 'service'; via?: 'clinic' };

const m = (to: ReferralState, by: Mover, name: string, needs?: Move['needs']): Move => ({ to, by, name, needs });
const atClinic = (move: Move): Move => ({ ...move, via: 'clinic' });

export const REFERRAL_MOVES: Record<ReferralState, readonly Move[]> = {
  'awaiting-triage': [
    m('advice-given', 'triager', 'Advice back to the GP', 'notes'),
    m('awaiting-booking', 'triager', 'Book the hub or cluster clinic', 'notes'),
    m('mdt', 'triager', 'Discuss at the hub MDT', 'notes'),
    m('ambulatory', 'triager', 'Ambulatory care at home', 'notes'),
    m('referred-on', 'triager', 'Hospital outpatients or a specialist service', 'service'),
    m('urgent-same-day', 'triager', 'Urgent same-day assessment', 'notes'),
    m('returned', 'triager', 'Return to the referrer', 'reason'),
    m('withdrawn', 'referrer', 'Withdrawn by the referrer', 'reason'),
  ],
  // Advice can become a referral without retyping: it goes back to triage as one.
  'advice-given': [m('awaiting-triage', 'referrer', 'Convert to a referral', 'notes'), m('closed', 'referrer', 'Advice followed: close')],
  returned: [m('awaiting-triage', 'referrer', 'Send again with more information', 'notes'), m('withdrawn', 'referrer', 'Withdrawn by the referrer', 'reason')],
  'awaiting-booking': [atClinic(m('booked', 'admin', 'Booked into a clinic')), m('withdrawn', 'referrer', 'Withdrawn by the referrer', 'reason')],
  booked: [
    atClinic(m('booked', 'admin', 'Rescheduled', 'reason')),
    atClinic(m('seen', 'clinician', 'Seen in clinic', 'notes')),
    atClinic(m('did-not-attend', 'admin', 'Did not attend')),
    m('withdrawn', 'referrer', 'Withdrawn by the referrer', 'reason'),
  ],
  'did-not-attend': [atClinic(m('awaiting-booking', 'admin', 'Offer another appointment')), m('returned', 'clinician', 'Back to the GP after not attending', 'reason')],
  seen: [
    m('awaiting-booking', 'clinician', 'Follow-up in the hub', 'notes'),
    m('referred-on', 'clinician', 'Referred on', 'service'),
    m('closed', 'clinician', 'Discharged to the GP', 'notes'),
  ],
  mdt: [m('awaiting-booking', 'triager', 'Book the hub clinic after the MDT', 'notes'), m('advice-given', 'triager', 'Advice after the MDT', 'notes'), m('closed', 'triager', 'Closed after the MDT', 'notes')],
  ambulatory: [m('closed', 'clinician', 'Ambulatory care finished', 'notes'), m('urgent-same-day', 'clinician', 'Escalated to urgent assessment', 'reason')],
  'urgent-same-day': [m('closed', 'clinician', 'Assessed and discharged', 'notes'), m('awaiting-booking', 'clinician', 'Follow-up in the hub', 'notes')],
  'referred-on': [m('closed', 'triager', 'Accepted by the service')],
  withdrawn: [],
  closed: [],
};

/** The move from one state to another, or why there is none, in words for a 409. */
export function moveBetween(from: ReferralState, to: ReferralState): { move: Move } | { refused: string } {
  const move = REFERRAL_MOVES[from].find((x) => x.to === to);
  if (move) return { move };
  if (REFERRAL_MOVES[from].length === 0) return { refused: `This referral is ${from === 'closed' ? 'closed' : 'withdrawn'}: start a new one instead.` };
  return { refused: `A referral that is ${from.replace(/-/g, ' ')} cannot move to ${to.replace(/-/g, ' ')}.` };
}
