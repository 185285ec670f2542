// What other capabilities may know of referrals without asking the service: types, states and labels.
export { STATE_LABELS, URGENCY_LABELS, URGENCY_TAGS } from './labels.js';
export { REFERRAL_MOVES, type ReferralState } from './state-machine.js';
export type { ReferralKind, Urgency } from './schema.js';
export type { ReferralRow } from './store.js';
