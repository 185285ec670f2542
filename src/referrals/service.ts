import crypto from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, openChild, type ChildAccess } from '../platform/access/door.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { optionalText, parseInput, text } from '../platform/http/validate.js';
import { addWorkingDays } from '../platform/time/working-days.js';
import { addToWorklists } from '../worklist/service.js';
import { REFERRAL_KINDS, URGENCIES } from './schema.js';
import { moveBetween, REFERRAL_STATES, type Move, type Mover, type ReferralState } from './state-machine.js';
import { referralPolicy } from './policy.js';
import { allow, deny } from '../platform/access/decision.js';
import { openReferralChild, relationsTo } from './relations.js';
import { attachableEntries, attachEntries } from './attachments.js';
import { childNames } from '../children/service.js';
import { fileReferralLetter, worklistDetails } from './letters.js';
import * as store from './store.js';

const referralShape = z.object({
  childId: z.guid({ error: 'Find the child first' }),
  kind: z.enum(REFERRAL_KINDS, { error: 'Say whether you are asking for advice or referring' }),
  urgency: z.enum(URGENCIES, { error: 'Select how urgent it is: routine, soon or urgent' }),
  reason: text('the reason for the referral', { max: 1000, multiline: true }),
  question: text('the question you want answered', { max: 1000, multiline: true }),
  tried: optionalText('what has been tried', { max: 2000, multiline: true }).transform((v) => v ?? ''),
  // Ticked record entries: one ticked box arrives as a string, several as a list.
  attachments: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.guid({ error: 'Choose entries from the list' })).max(20, 'Attach at most 20 entries')),
});

/** The door to asking about this child: a GP or practice nurse of the child's registered practice. */
const mayAsk = (tx: Tx, actor: Actor, childId: string): Promise<ChildAccess> =>
  openChild(tx, actor, childId, { rule: referralPolicy.askOrRefer, refused: 'asking for advice or referring' });

/**
 * A GP or practice nurse asks for advice or refers a child registered with
 * their practice. It goes to the practice's hub and to whoever decides for it
 * today (the cover when the lead is away), lands on their worklist, and is due
 * in working days.
 */
export async function submitReferral(tx: Tx, actor: Actor, raw: unknown, today: string): Promise<string> {
  const input = parseInput(referralShape, raw);
  const access = await mayAsk(tx, actor, input.childId);
  const route = await store.routeOf(tx, actor.icsId, input.childId, today);
  if (!route) throw new ValidationError({ childId: 'This child’s practice is not in a hub, so there is no one to send it to. Ask the ICS to add the practice to a hub.' });
  const decisionMaker = route.cover_id ?? route.lead_id;
  if (!decisionMaker) throw new ValidationError({ childId: `${route.cluster_name} has no lead paediatrician or cover today.` });
  const id = crypto.randomUUID();
  const dueOn = addWorkingDays(today, input.kind === 'advice' ? route.advice_working_days : route.triage_working_days);
  await store.insertReferral(tx, actor, {
    id, child_id: input.childId, kind: input.kind, referrer_id: actor.professionalId, referring_practice_id: route.practice_id, cluster_id: route.cluster_id,
    decision_maker_id: decisionMaker, urgency: input.urgency, reason: input.reason, question: input.question, tried: input.tried, state: 'awaiting-triage', due_on: dueOn,
  });
  await store.addEvent(tx, actor, crypto.randomUUID(), id, null, 'awaiting-triage', null);
  await attachEntries(tx, actor, id, input.childId, input.attachments);
  const letterId = input.kind === 'referral' ? await fileReferralLetter(tx, actor, (await store.referralById(tx, actor.icsId, id))!, today) : null;
  await addToWorklists(tx, actor.icsId, [{
    professionalId: decisionMaker, kind: input.kind === 'advice' ? 'advice-request' : 'referral', childId: input.childId,
    title: `${input.kind === 'advice' ? 'Advice request' : 'Referral'} (${input.urgency})`, link: `/referrals/${id}`,
    details: worklistDetails(input.childId, dueOn, letterId),
  }]);
  await auditChild(tx, access, { action: 'referral.submit', what: `${input.kind === 'advice' ? 'Advice request' : 'Referral'} to ${route.cluster_name}`, details: { referralId: id } });
  return id;
}

const moveShape = z.object({
  to: z.enum(REFERRAL_STATES, { error: 'Select what happens next' }),
  note: optionalText('the note', { max: 3000, multiline: true }),
  service: optionalText('the service referred to', { max: 200 }),
  version: z.coerce.number({ error: 'Reload the referral and try again' }).int().positive(),
});

/**
 * What a move records besides the state. The first triage decision is timed;
 * referred on counts as seen in hospital; an answered advice request sent back
 * for triage becomes a referral, due by its hub's triage promise from today.
 */
function effectsOf(r: store.ReferralRow, to: ReferralState, by: Mover, today: string, input: { note?: string; service?: string }): store.MoveEffects {
  const e: store.MoveEffects = { notes: input.note, service: input.service, triaged: r.state === 'awaiting-triage' && by === 'triager' };
  if (to === 'referred-on') e.seenIn = 'hospital';
  if (to === 'seen') Object.assign(e, { seen: true, seenIn: 'community' });
  // The paediatrician answering an advice request may decide the child needs more than advice: it becomes a referral as it stands.
  if (r.kind === 'advice' && r.state === 'awaiting-triage' && by === 'triager' && !['advice-given', 'returned'].includes(to)) {
    e.convertTo = { kind: 'referral', dueOn: r.due_on };
  }
  // Due by the promise of the hub that holds it, not of whichever hub the child's practice is in now.
  if (to === 'awaiting-triage' && r.kind === 'advice' && r.state === 'advice-given') {
    e.convertTo = { kind: 'referral', dueOn: addWorkingDays(today, r.triage_working_days) };
  }
  return e;
}

/**
 * Moves a referral as the state machine allows, by someone who may make that
 * move, with what the move must record. Two people deciding at once: exactly
 * one decision lands, and the other is told (409), because the move is made
 * only on the version both read. `check` (the decision form's, say) may refuse
 * the move once it is known to be legal and the actor's, before anything is
 * written, by throwing.
 */
export async function moveReferral(tx: Tx, actor: Actor, id: string, raw: unknown, today: string, check?: (move: Move) => void): Promise<MoveMade> {
  const input = parseInput(moveShape, raw);
  const r = await store.referralById(tx, actor.icsId, id);
  if (!r) throw new NotFoundError();
  const movers = referralPolicy.movers(await relationsTo(tx, actor, r, today));
  const access = await openReferralChild(tx, actor, r, movers.size > 0 ? allow('related to the referral') : deny('This referral is not yours to act on.'), 'acting on a referral');
  // A stale form is told so first: what the referral can do now follows from what someone else decided.
  const stale = 'Someone else acted on this referral after you opened it, so nothing of yours was saved.';
  if (input.version !== r.version) throw new ConflictError(stale, r.version);
  const found = moveBetween(r.state, input.to);
  if ('refused' in found) throw new ConflictError(found.refused);
  if (!movers.has(found.move.by)) throw new ForbiddenError(`Only the ${found.move.by} can do this: ${found.move.name.toLowerCase()}.`);
  check?.(found.move);
  if (found.move.needs === 'reason' && !input.note) throw new ValidationError({ note: 'Enter the reason' });
  if (found.move.needs === 'notes' && !input.note) throw new ValidationError({ note: 'Enter your notes: the GP reads them' });
  if (found.move.needs === 'service' && !input.service) throw new ValidationError({ service: 'Name the service the child is referred to' });
  if (!(await store.moveTo(tx, actor.icsId, id, r.version, input.to, effectsOf(r, input.to, found.move.by, today, input)))) throw new ConflictError(stale);
  await store.addEvent(tx, actor, crypto.randomUUID(), id, r.state, input.to, input.note ?? input.service ?? null);
  if (found.move.by === 'triager' && r.referrer_id !== actor.professionalId) {
    await addToWorklists(tx, actor.icsId, [{ professionalId: r.referrer_id, kind: 'triage-decision', childId: r.child_id, title: `Decided: ${found.move.name}`, link: `/referrals/${id}` }]);
  }
  await auditChild(tx, access, { action: 'referral.move', what: `${found.move.name} (${r.state} → ${input.to})`, why: [...movers].join(', '), details: { referralId: id } });
  return { before: r, by: found.move.by, to: input.to, note: input.note };
}

/** A move that landed: the referral as it was before, who moved it (as which mover), where to, and the note. */
export type MoveMade = { before: store.ReferralRow; by: Mover; to: ReferralState; note?: string };

/**
 * What the "ask for advice or refer" form needs: the child's name, the hub it
 * will go to (if the practice is in one) and the latest record entries to
 * attach, read through the record's service (which audits the read).
 */
export async function askingAbout(tx: Tx, actor: Actor, childId: string, today: string) {
  await mayAsk(tx, actor, childId);
  const [child] = await childNames(tx, actor.icsId, [childId]);
  const route = await store.routeOf(tx, actor.icsId, childId, today);
  return { child, hubName: route?.cluster_name ?? null, entries: await attachableEntries(tx, actor, childId) };
}

/** A referral by its id (row-level security keeps it to the ICS), for clinics booking and recording outcomes. */
export const referralById = (tx: Tx, icsId: string, id: string) => store.referralById(tx, icsId, id);

// The SQL condition that keeps a referral thread's messages (not its attachments), for FHIR's Communication.
export { threadMessage } from './store.js';
