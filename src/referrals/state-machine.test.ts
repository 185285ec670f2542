import { describe, expect, it } from 'vitest';
import { moveBetween, REFERRAL_MOVES, REFERRAL_STATES, type ReferralState } from './state-machine.js';

/** The legal moves written out from issue 4, separately from the table they check. */
const LEGAL = new Set([
  'awaiting-triage>advice-given', 'awaiting-triage>awaiting-booking', 'awaiting-triage>mdt', 'awaiting-triage>ambulatory', 'awaiting-triage>referred-on',
  'awaiting-triage>urgent-same-day', 'awaiting-triage>returned', 'awaiting-triage>withdrawn',
  'advice-given>awaiting-triage', 'advice-given>closed', 'returned>awaiting-triage', 'returned>withdrawn',
  'awaiting-booking>booked', 'awaiting-booking>withdrawn', 'booked>booked', 'booked>seen', 'booked>did-not-attend', 'booked>withdrawn',
  'did-not-attend>awaiting-booking', 'did-not-attend>returned', 'seen>awaiting-booking', 'seen>referred-on', 'seen>closed',
  'mdt>awaiting-booking', 'mdt>advice-given', 'mdt>closed', 'ambulatory>closed', 'ambulatory>urgent-same-day',
  'urgent-same-day>closed', 'urgent-same-day>awaiting-booking', 'referred-on>closed',
]);

describe('referral state machine', () => {
  const all = REFERRAL_STATES.flatMap((from) => REFERRAL_STATES.map((to) => [from, to] as [ReferralState, ReferralState]));

  it.each(all)('%s → %s', (from, to) => {
    const result = moveBetween(from, to);
    expect('move' in result).toBe(LEGAL.has(`${from}>${to}`));
    if ('refused' in result) expect(result.refused.length).toBeGreaterThan(20);
  });

  it('triage decides one of the seven outcomes, and only the triager decides them', () => {
    const triage = REFERRAL_MOVES['awaiting-triage'].filter((x) => x.by === 'triager');
    expect(triage.map((x) => x.to).sort()).toEqual(['advice-given', 'ambulatory', 'awaiting-booking', 'mdt', 'referred-on', 'returned', 'urgent-same-day']);
    expect(REFERRAL_MOVES['awaiting-triage'].find((x) => x.to === 'returned')!.needs).toBe('reason');
    expect(REFERRAL_MOVES['awaiting-triage'].find((x) => x.to === 'referred-on')!.needs).toBe('service');
  });

  it('marks the moves made only on the clinic pages, which the decision form neither offers nor accepts', () => {
    const atClinic = REFERRAL_STATES.flatMap((from) => REFERRAL_MOVES[from].filter((x) => x.via === 'clinic').map((x) => `${from}>${x.to}`));
    expect(atClinic.sort()).toEqual(['awaiting-booking>booked', 'booked>booked', 'booked>did-not-attend', 'booked>seen', 'did-not-attend>awaiting-booking']);
  });

  it('never loses a referral: every state but the two ends can move on', () => {
    for (const s of REFERRAL_STATES) expect(REFERRAL_MOVES[s].length === 0).toBe(s === 'withdrawn' || s === 'closed');
  });
});
