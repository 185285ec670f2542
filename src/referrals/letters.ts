import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { childNames } from '../children/service.js';
import { formatNhsNumber } from '../platform/identity/nhs-number.js';
import { currentTemplate, type LetterValues, renderLetter } from '../letters/service.js';
import { fileLetter } from '../record/service.js';
import { longDate } from '../platform/time/calendar-days.js';
import { URGENCY_LABELS } from './labels.js';
import * as store from './store.js';

/**
 * The letters a referral writes into the child's shared record, in the ICS's
 * own wording: the referral itself when a GP refers (or converts advice to a
 * referral), and the paediatrician's advice when they answer.
 */

async function aboutChild(tx: Tx, icsId: string, childId: string) {
  const [c] = await childNames(tx, icsId, [childId]);
  return { child: `${c.given_name} ${c.family_name}`, born: longDate(c.date_of_birth), nhsNumber: c.nhs_number ? formatNhsNumber(c.nhs_number) : 'not known' };
}

export async function fileReferralLetter(tx: Tx, actor: Actor, r: store.ReferralRow, today: string): Promise<string> {
  const names = await store.namesOf(tx, actor.icsId, r.id);
  const values: LetterValues<'referral'> = {
    ...(await aboutChild(tx, actor.icsId, r.child_id)), hub: names.cluster_name, urgency: URGENCY_LABELS[r.urgency].toLowerCase(), reason: r.reason, question: r.question,
    tried: r.tried, referrer: names.referrer_name, practice: names.practice_name, date: longDate(today),
  };
  const letter = renderLetter(await currentTemplate(tx, actor.icsId, 'referral'), values);
  return fileLetter(tx, actor, r.child_id, letter, { source: 'referral', sourceId: r.id });
}

export async function fileAdviceLetter(tx: Tx, actor: Actor, r: store.ReferralRow, advice: { advice: string; selfCare: string }, today: string): Promise<string> {
  const names = await store.namesOf(tx, actor.icsId, r.id);
  const values: LetterValues<'advice'> = {
    ...(await aboutChild(tx, actor.icsId, r.child_id)), hub: names.cluster_name, referrer: names.referrer_name, question: r.question,
    advice: advice.advice, selfCare: advice.selfCare, paediatrician: actor.name, date: longDate(today),
  };
  const letter = renderLetter(await currentTemplate(tx, actor.icsId, 'advice'), values);
  return fileLetter(tx, actor, r.child_id, letter, { source: 'advice', sourceId: r.id });
}

/** What a referral's worklist item carries besides its title: when triage is due, and the referral letter to read, if one was filed. */
export function worklistDetails(childId: string, dueOn: string, letterId: string | null): Record<string, unknown> {
  return { dueOn: String(dueOn).slice(0, 10), ...(letterId ? { letter: `/children/${childId}/record/letters/${letterId}` } : {}) };
}
