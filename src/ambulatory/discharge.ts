import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, openChild } from '../platform/access/door.js';
import { NotFoundError } from '../platform/http/errors.js';
import { parseInput, text } from '../platform/http/validate.js';
import type { LetterDocument } from '../platform/http/pdf.js';
import { longDate } from '../platform/time/calendar-days.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import { currentTeam } from '../children/service.js';
import { fileLetter, letterFiledFrom } from '../record/service.js';
import { addToWorklists } from '../worklist/service.js';
import { moveEpisode, openEpisode } from './episode-access.js';
import { wardPolicy } from './policy.js';
import { DISCHARGE_OUTCOMES, type DischargeOutcome } from './schema.js';
import * as store from './store.js';

/**
 * Discharge from the ward with its outcome, and the discharge summary letter
 * to the GP the same day: filed in the child's record as a letter, and put on
 * the worklists of the referrer and the child's care team. One transaction.
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

export async function dischargeFromWard(tx: Tx, actor: Actor, episodeId: string, raw: DischargeInput, now = new Date()): Promise<void> {
  const { access, episode } = await openEpisode(tx, actor, episodeId, wardPolicy.discharge, 'discharge from the virtual ward');
  const v = parseInput(dischargeShape, raw);
  const stay = await store.observationsOf(tx, access, episodeId, 1);
  const escalations = await store.escalationsOf(tx, access, episodeId);
  await moveEpisode(tx, access, episode, 'discharged', v.version, sql`, outcome = ${v.outcome}, discharge_summary = ${v.summary}, discharged_at = ${now.toISOString()}::timestamptz`);
  const child = access.child;
  const day = (at: string | Date | null) => (at ? longDate(londonDateAndTime(at).date) : 'not started');
  const letter: LetterDocument = {
    title: `Virtual ward discharge summary: ${child.given_name} ${child.family_name}`,
    lines: [
      { text: `To: ${child.practice_name ?? 'the registered GP practice'}` },
      { text: `About: ${child.given_name} ${child.family_name}, born ${longDate(child.date_of_birth)}, NHS number ${child.nhs_number ?? 'not known'}` },
      { text: 'Care at home', heading: true },
      { text: `Pathway: ${episode.pathway_name}. Referred by ${episode.referred_by_name} on ${day(episode.referred_at)}; cared for at home from ${day(episode.admitted_at)} to ${day(now)}.` },
      { text: `Escalations during the stay: ${escalations.length ? escalations.map((x) => x.level).join(', ') : 'none'}.` },
      { text: stay[0] ? `Last observations ${londonDateAndTime(stay[0].observed_at).time} on ${day(stay[0].observed_at)}: PEWS ${stay[0].score} (${stay[0].chart_name}; validated for inpatients, used here at home).` : 'No observations were recorded.' },
      { text: 'Outcome', heading: true },
      { text: OUTCOME_WORDS[v.outcome] },
      { text: 'Summary and follow-up', heading: true },
      ...v.summary.split(/\r?\n/).filter(Boolean).map((t) => ({ text: t })),
      { text: `${actor.name}, ${actor.organisationName}` },
    ],
  };
  await fileLetter(tx, actor, child.id, letter, { source: LETTER_SOURCE, sourceId: episodeId });
  const recipients = new Set([episode.referred_by, ...(await currentTeam(tx, child.id)).map((m) => m.professional_id)]);
  recipients.delete(actor.professionalId);
  await addToWorklists(tx, actor.icsId, [...recipients].map((professionalId) => ({
    professionalId, kind: 'ward-discharge', childId: child.id, title: `Virtual ward discharge summary for ${child.given_name} ${child.family_name}`, link: `/virtual-ward/episodes/${episodeId}/letter`,
  })));
  await auditChild(tx, access, { action: 'ward.discharge', what: `Discharged from the virtual ward (${OUTCOME_WORDS[v.outcome]}); summary sent to the GP`, details: { episodeId } });
}

/** The discharge summary exactly as filed: the ward's team, or anyone who sees the child's health detail. */
export async function dischargeLetter(tx: Tx, actor: Actor, episodeId: string) {
  const childId = await store.episodeChild(tx, episodeId);
  const filed = childId && (await letterFiledFrom(tx, LETTER_SOURCE, episodeId));
  if (!childId || !filed) throw new NotFoundError();
  await openChild(tx, actor, childId, { rule: wardPolicy.viewEpisode, refused: 'a virtual ward discharge summary', audit: { action: 'ward.read-letter', what: `Letter: ${filed.body.title}`, details: { episodeId } } });
  return { letter: filed.body, sentAt: filed.filed_at, childId };
}
