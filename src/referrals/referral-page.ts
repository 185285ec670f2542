import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ForbiddenError, NotFoundError } from '../platform/http/errors.js';
import { childNames } from '../children/care-team.js';
import { REFERRAL_MOVES, type ReferralState } from './state-machine.js';
import { referralPolicy, relationsTo } from './access.js';
import * as store from './store.js';
import { threadClosed } from './thread.js';

/** Moves made from the clinic pages, where the slot and the clinic are known, not from the referral's decision form. */
const CLINIC_MOVES: readonly ReferralState[] = ['booked', 'seen', 'did-not-attend'];

/**
 * Everything a referral's page shows, for someone with a relation to it (the
 * referrer, its decision-maker, the hub lead or today's cover, the clinic's
 * clinician, or a clinic administrator while it is being booked): details,
 * attachments, timeline, thread, and the moves this actor may make now.
 * Each view is audited.
 */
export async function openReferral(tx: Tx, actor: Actor, id: string, today: string) {
  const r = await store.referralById(tx, id);
  if (!r) throw new NotFoundError();
  const relations = await relationsTo(tx, actor, r, today);
  const decision = referralPolicy.view(relations);
  if (!decision.allowed) throw new ForbiddenError(decision.reason, r.child_id);
  const movers = referralPolicy.movers(relations);
  const [child] = await childNames(tx, [r.child_id]);
  const result = {
    referral: r, child, names: await store.namesOf(tx, id),
    events: await store.eventsOf(tx, id),
    attachments: await store.messagesOf(tx, id, 'attachments'),
    messages: await store.messagesOf(tx, id, 'thread'),
    moves: REFERRAL_MOVES[r.state].filter((m) => movers.has(m.by) && !CLINIC_MOVES.includes(m.to)),
    canPost: referralPolicy.postMessage(relations).allowed && !threadClosed(r.state),
    isTriager: referralPolicy.isTriager(relations),
  };
  await recordAudit(tx, actor, { childId: r.child_id, action: 'referral.view', what: `Referral or advice request (${r.state})`, why: decision.why, details: { referralId: id } });
  return result;
}
