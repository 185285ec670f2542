import { rollUpWardStay } from '../population/service.js';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, openChild } from '../platform/access/door.js';
import { NotFoundError } from '../platform/http/errors.js';
import { parseInput, text } from '../platform/http/validate.js';
import { longDate } from '../platform/time/calendar-days.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import { currentTeam } from '../children/service.js';
import { currentTemplate, renderLetter } from '../letters/service.js';
import { choosesPages, sendAdvice, type Sent } from '../advice/service.js';
import { fileLetter, letterFiledFrom } from '../record/service.js';
import { addToWorklists } from '../worklist/service.js';
import { feedbackLetterLines, offerFeedbackAtChildsHub } from '../feedback/service.js';
import { moveEpisode, openEpisode } from './episode-access.js';
import { wardPolicy } from './policy.js';
import { DISCHARGE_OUTCOMES, type DischargeOutcome } from './schema.js';
import * as store from './store.js';

/**
 * Discharge from the ward with its outcome, the discharge summary letter to
 * the GP the same day (filed in the child's record, and put on the worklists
 * of the referrer and the child's care team), and the family's self-care
 * advice, and a feedback offer for the family. One transaction.
 */

export const OUTCOME_WORDS: Record<DischargeOutcome, string> = {
  'recovered-at-home': 'Recovered at home', admitted: 'Admitted to hospital', transferred: 'Transferred to another service', 'self-discharged': 'Family chose to end care at home',
};

const LETTER_SOURCE = 'virtual-ward-discharge';

const dischargeShape = z.object({
  outcome: z.enum(DISCHARGE_OUTCOMES, { error: 'Choose the outcome' }),
  summary: text('the discharge summary', { max: 5000, multiline: true }),
  version: z.coerce.number({ error: 'Reload the page and try again' }).int().positive(),
});
export type DischargeInput = z.input<typeof dischargeShape>;

/** The self-care advice chosen on the discharge form: none, or pages for the family as the child's advice page sends them. */
export type DischargeAdvice = { pages?: unknown; note?: unknown };
export type Discharged = { advice: Sent | null };

/**
 * Discharges the child with the outcome, files the summary letter (the ICS's
 * template, /admin/letter-templates, with the family's one-time feedback link
 * starting `feedbackOrigin`) in the record the same day, puts it on
 * the referrer's and care team's worklists, and sends the chosen self-care
 * advice to the family through the advice service: all or nothing.
 */
export async function dischargeFromWard(
  tx: Tx, actor: Actor, episodeId: string, raw: DischargeInput, now = new Date(), { advice = {}, feedbackOrigin = '' }: { advice?: DischargeAdvice; feedbackOrigin?: string } = {},
): Promise<Discharged> {
  const { access, episode } = await openEpisode(tx, actor, episodeId, wardPolicy.discharge, 'discharge from the virtual ward');
  const v = parseInput(dischargeShape, raw);
  const stay = await store.observationsOf(tx, access, episodeId, 1);
  const escalations = await store.escalationsOf(tx, access, episodeId);
  await moveEpisode(tx, access, episode, 'discharged', v.version, sql`, outcome = ${v.outcome}, discharge_summary = ${v.summary}, discharged_at = ${now.toISOString()}::timestamptz`);
  if (episode.admitted_at) await rollUpWardStay(tx, actor.icsId, episode.admitted_at);
  const child = access.child;
  // Advice first: a page the family may not be sent (past its review date, the wrong age band) refuses the whole discharge, with the reason on the form.
  const sent = choosesPages(advice) ? await sendAdvice(tx, actor, child.id, advice, { source: 'virtual-ward-discharge' }, londonDateAndTime(now).date, now) : null;
  const team = await currentTeam(tx, actor.icsId, child.id);
  const day = (at: string | Date | null) => (at ? longDate(londonDateAndTime(at).date) : 'not started');
  const letter = renderLetter(await currentTemplate(tx, actor.icsId, 'virtual-ward-discharge'), {
    child: `${child.given_name} ${child.family_name}`, born: longDate(child.date_of_birth), nhsNumber: child.nhs_number ?? 'not known',
    practice: child.practice_name ?? 'the registered GP practice', copiedTo: team.map((m) => m.name).join(', ') || 'no one else in the care team',
    pathway: episode.pathway_name, referredBy: `${episode.referred_by_name} on ${day(episode.referred_at)}`, stay: `from ${day(episode.admitted_at)} to ${day(now)}`,
    escalations: escalations.length ? escalations.map((x) => x.level).join(', ') : 'none',
    lastObservations: stay[0]
      ? `Last observations ${londonDateAndTime(stay[0].observed_at).time} on ${day(stay[0].observed_at)}: PEWS ${stay[0].score} (${stay[0].chart_name}; validated for inpatients, used here at home).`
      : 'No observations were recorded.',
    outcome: OUTCOME_WORDS[v.outcome], summary: v.summary, adviceSent: sent ? sent.titles.join('\n') : '',
    clinician: actor.name, team: actor.organisationName, date: day(now),
  });
  // The family can tell the child's hub how care at home was for them (Friends and Family Test): on their own pages if they
  // sign in, and by the one-time link the letter carries, as clinic and MDT letters do, if they do not.
  const feedback = await offerFeedbackAtChildsHub(tx, access, { serviceKind: 'care-at-home', sourceId: episodeId, eventDate: londonDateAndTime(now).date });
  if (feedback) letter.lines.push(...feedbackLetterLines(feedbackOrigin, feedback));
  await fileLetter(tx, actor, child.id, letter, { source: LETTER_SOURCE, sourceId: episodeId });
  const recipients = new Set([episode.referred_by, ...team.map((m) => m.professional_id)]);
  recipients.delete(actor.professionalId);
  await addToWorklists(tx, actor.icsId, [...recipients].map((professionalId) => ({
    professionalId, kind: 'ward-discharge', childId: child.id, title: `Virtual ward discharge summary for ${child.given_name} ${child.family_name}`, link: `/virtual-ward/episodes/${episodeId}/letter`,
  })));
  await auditChild(tx, access, { action: 'ward.discharge', what: `Discharged from the virtual ward (${OUTCOME_WORDS[v.outcome]}); summary sent to the GP`, details: { episodeId, adviceSendingId: sent?.id ?? null } });
  return { advice: sent };
}

/** The discharge summary exactly as filed: the ward's team, or anyone who sees the child's health detail. */
export async function dischargeLetter(tx: Tx, actor: Actor, episodeId: string) {
  const childId = await store.episodeChild(tx, actor.icsId, episodeId);
  const filed = childId && (await letterFiledFrom(tx, actor.icsId, LETTER_SOURCE, episodeId));
  if (!childId || !filed) throw new NotFoundError();
  await openChild(tx, actor, childId, { rule: wardPolicy.viewEpisode, refused: 'a virtual ward discharge summary', audit: { action: 'ward.read-letter', what: `Letter: ${filed.body.title}`, details: { episodeId } } });
  return { letter: filed.body, sentAt: filed.filed_at, childId };
}
