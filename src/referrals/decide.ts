import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ValidationError } from '../platform/http/errors.js';
import { optionalText, parseInput } from '../platform/http/validate.js';
import { bringCase, nextOpenMeeting } from '../mdt/service.js';
import { referToWard } from '../ambulatory/service.js';
import { addToWorklists } from '../worklist/service.js';
import { choosesPages, sendAdvice, type Sent } from '../advice/service.js';
import { fileAdviceLetter, fileReferralLetter, worklistDetails } from './letters.js';
import { moveReferral } from './service.js';
import type { Move } from './state-machine.js';
import * as store from './store.js';

const extrasShape = z.object({
  selfCare: optionalText('the self-care advice', { max: 2000, multiline: true }),
  // Ambulatory care at home: the virtual ward pathway the child is referred onto.
  pathwayId: optionalText('the pathway', { max: 60 }),
});

/** The hub's next scheduled MDT meeting with room on its list; bringCase then checks the actor may bring the case to it. */
async function nextMeeting(tx: Tx, actor: Actor, r: store.ReferralRow, now: Date): Promise<{ id: string }> {
  const meeting = await nextOpenMeeting(tx, actor.icsId, r.cluster_id, now);
  if (!meeting) {
    const names = await store.namesOf(tx, actor.icsId, r.id);
    throw new ValidationError({ to: `${names.cluster_name} has no MDT meeting scheduled with room on its case list. Schedule one (MDT meetings, then Schedule), then make this decision again.` });
  }
  return meeting;
}

/** Booking, rescheduling, did-not-attend and seen are made on the clinic pages, where the slot and the outcome are recorded with them. */
function notAtClinic(move: Move): void {
  if (move.via === 'clinic') throw new ValidationError({ to: 'This is done from the clinic pages, where the appointment is recorded with it.' });
}

/**
 * A decision on a referral from its page: the move itself (service.ts), and
 * what follows from it in the same transaction. Advice files the advice
 * letter (with any self-care advice for the family) and sends the advice pages
 * chosen from the ICS's library to the family; an MDT outcome brings the
 * case to the hub's next meeting; a converted advice request files the
 * referral letter and goes back on the decision-maker's worklist. Whoever
 * triages holds the referral from then on. Moves made on the clinic pages are
 * refused here, before anything is written. Returns the advice sent, whose
 * one-time link the page shows the triager once.
 */
export async function decideReferral(tx: Tx, actor: Actor, id: string, raw: unknown, today: string, now = new Date()): Promise<{ advice: Sent | null }> {
  const extras = parseInput(extrasShape, raw);
  const made = await moveReferral(tx, actor, id, raw, today, notAtClinic);
  const r = made.before;
  let sent: Sent | null = null;
  if (made.by === 'triager' && r.decision_maker_id !== actor.professionalId) await store.setDecisionMaker(tx, actor.icsId, id, actor.professionalId);
  if (made.to === 'advice-given' && made.by === 'triager') {
    // A page that does not fit the child's age or is past review refuses the whole decision: nothing is half-saved.
    const pages = raw as { pages?: unknown };
    sent = choosesPages(pages) ? await sendAdvice(tx, actor, r.child_id, { pages: pages.pages, note: extras.selfCare }, { source: 'triage', referralId: id }, today) : null;
    const selfCare = [...(sent?.titles.map((t) => `Advice page sent to the family: ${t}`) ?? []), extras.selfCare].filter(Boolean).join('\n');
    await fileAdviceLetter(tx, actor, r, { advice: made.note ?? '', selfCare }, today);
    if (selfCare) await store.addMessage(tx, actor, id, `For the family: ${selfCare}`);
  }
  // With no meeting to go to, the refusal rolls the move back with it: nothing is half-saved.
  if (made.to === 'mdt') {
    const caseId = await bringCase(tx, actor, (await nextMeeting(tx, actor, r, now)).id, { childId: r.child_id, question: r.question, source: 'triage' }, now);
    await store.linkMdtCase(tx, actor.icsId, id, caseId);
  }
  // Ambulatory care at home refers the child onto the virtual ward's pathway, in the same transaction.
  if (made.to === 'ambulatory') {
    if (!extras.pathwayId) throw new ValidationError({ pathwayId: 'Choose the virtual ward pathway for care at home' });
    await referToWard(tx, actor, r.child_id, { pathwayId: extras.pathwayId, source: 'triage', reason: made.note || r.question, referralId: id }, now);
  }
  if (made.to === 'awaiting-triage' && made.by === 'referrer') {
    // Sent back for triage: converted from advice, or sent again with more information.
    const after = (await store.referralById(tx, actor.icsId, id))!;
    const converted = r.kind === 'advice' && after.kind === 'referral';
    const letterId = converted ? await fileReferralLetter(tx, actor, after, today) : null;
    await addToWorklists(tx, actor.icsId, [{
      professionalId: after.decision_maker_id, kind: 'referral', childId: r.child_id, link: `/referrals/${id}`,
      title: `Referral (${r.urgency}, ${converted ? 'converted from advice' : 'sent again'})`, details: worklistDetails(r.child_id, after.due_on, letterId),
    }]);
  }
  return { advice: sent };
}
