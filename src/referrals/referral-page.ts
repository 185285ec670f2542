import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild } from '../platform/access/door.js';
import { NotFoundError } from '../platform/http/errors.js';
import { childNames } from '../children/service.js';
import { REFERRAL_MOVES } from './state-machine.js';
import { referralPolicy } from './policy.js';
import { openReferralChild, relationsTo } from './relations.js';
import * as store from './store.js';
import { threadClosed } from './thread.js';
import { extractsAsSeen } from './attachments.js';
import { recordPolicy } from '../record/service.js';
import { caseOutcome } from '../mdt/service.js';

async function mdtCaseAsSeen(tx: Tx, icsId: string, caseId: string, seesRecord: boolean) {
  const found = await caseOutcome(tx, icsId, caseId);
  if (!found) return null;
  return seesRecord ? found : { ...found, decisions: null, letterHref: null };
}

/**
 * Everything a referral's page shows, for someone with a relation to it (the
 * referrer, its decision-maker, the hub lead or today's cover, the clinic's
 * clinician, or a clinic administrator while it is being booked): details,
 * timeline, and the moves this actor may make now (not those made on the
 * clinic pages); the record extracts and the thread too, except for a clinic
 * administrator, who never sees the record. Each view is audited.
 */
export async function openReferral(tx: Tx, actor: Actor, id: string, today: string) {
  const r = await store.referralById(tx, actor.icsId, id);
  if (!r) throw new NotFoundError();
  const relations = await relationsTo(tx, actor, r, today);
  const access = await openReferralChild(tx, actor, r, referralPolicy.view(relations), 'a referral or advice request');
  const movers = referralPolicy.movers(relations);
  const seesRecord = referralPolicy.seesRecord(relations);
  const [child] = await childNames(tx, actor.icsId, [r.child_id]);
  const names = await store.namesOf(tx, actor.icsId, id);
  // Sensitive extracts follow the record's rules: the category and a way to give a reason for those who may reveal, nothing for others.
  const mayReveal = seesRecord && recordPolicy.revealSensitive(actor, access.relationships).allowed;
  const attachments = seesRecord ? extractsAsSeen(await store.extractsOf(tx, actor, id), mayReveal) : [];
  const result = {
    referral: r, child, names,
    events: await store.eventsOf(tx, actor.icsId, id),
    seesRecord,
    attachments,
    messages: seesRecord ? await store.messagesOf(tx, actor.icsId, id) : [],
    moves: REFERRAL_MOVES[r.state].filter((m) => movers.has(m.by) && m.via !== 'clinic'),
    // The decision form is the decider's; a referrer's own moves are offered as changing their request.
    decides: referralPolicy.decide(relations).allowed,
    // Back in triage (sent again, or converted from advice) it waits for a decision again.
    decided: r.state !== 'awaiting-triage' && Boolean(names.triaged_at),
    canPost: referralPolicy.postMessage(relations).allowed && !threadClosed(r.state),
    isTriager: referralPolicy.isTriager(relations),
    // Decided for the hub MDT: where its case stands, with what was decided and the letter for those who see the record.
    mdt: r.mdt_case_id ? await mdtCaseAsSeen(tx, actor.icsId, r.mdt_case_id, seesRecord) : null,
  };
  await auditChild(tx, access, {
    action: 'referral.view', what: `Referral or advice request (${r.state})`,
    details: { referralId: id, extractsShown: attachments.filter((a) => a.body !== null).length, sensitiveExtractsHidden: attachments.filter((a) => a.body === null).length },
  });
  return result;
}
