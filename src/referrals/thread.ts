import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild } from '../platform/access/door.js';
import { ConflictError, NotFoundError } from '../platform/http/errors.js';
import { parseInput, text } from '../platform/http/validate.js';
import { addToWorklists } from '../worklist/service.js';
import { referralPolicy } from './policy.js';
import { openReferralChild, relationsTo } from './relations.js';
import * as store from './store.js';

/** A thread ends with its referral: nobody would be there to read a new message. */
export const threadClosed = (state: string) => state === 'closed' || state === 'withdrawn';

const messageShape = z.object({ body: text('your message', { max: 3000, multiline: true }) });

/**
 * A message in the referral's thread, from the referrer or whoever decides
 * for the hub; it goes on the other side's worklist. Append-only.
 */
export async function postMessage(tx: Tx, actor: Actor, id: string, raw: unknown, today: string): Promise<void> {
  const r = await store.referralById(tx, actor.icsId, id);
  if (!r) throw new NotFoundError();
  const access = await openReferralChild(tx, actor, r, referralPolicy.postMessage(await relationsTo(tx, actor, r, today)), 'a message in a referral thread');
  if (threadClosed(r.state)) throw new ConflictError('This referral is closed, so its thread is too. Nothing was sent: ask again with a new advice request.');
  const { body } = parseInput(messageShape, raw);
  await store.addMessage(tx, actor, id, body);
  const to = actor.professionalId === r.referrer_id ? r.decision_maker_id : r.referrer_id;
  if (to !== actor.professionalId) {
    await addToWorklists(tx, actor.icsId, [{ professionalId: to, kind: 'referral-message', childId: r.child_id, title: `New message from ${actor.name} about a referral`, link: `/referrals/${id}#messages` }]);
  }
  await auditChild(tx, access, { action: 'referral.message', what: 'Message in a referral thread', details: { referralId: id } });
}
