import { rollUpWardStay } from '../population/service.js';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, type ChildAccess } from '../platform/access/door.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { optionalText, parseWithRules } from '../platform/http/validate.js';
import { activeFlags, careTeam } from '../children/service.js';
import { CPIS_FLAGS } from '../record/service.js';
import { moveEpisode, openEpisode } from './episode-access.js';
import { wardPolicy } from './policy.js';

/**
 * Accepting a child onto the ward checks, and records, four things: the
 * pathway's criteria are met, the home can care for the child (a working
 * phone, transport, an adult present, language needs met), safeguarding (a
 * CP-IS flag or an open social care case needs a discussion with someone
 * named, recorded before acceptance), and the family's informed consent.
 * Declining records the reason. Either way, the version the person saw.
 */

export const HOME_CHECKS = {
  phone: 'The family has a working phone',
  transport: 'The family has transport to hospital if needed',
  adultPresent: 'An adult is present with the child at all times',
  languageNeedsMet: 'The family’s language and communication needs are met (interpreter arranged if needed)',
} as const;
type HomeCheck = keyof typeof HOME_CHECKS;

const yes = z.literal('yes').optional();
const decisionShape = z.object({
  decision: z.enum(['accept', 'decline'], { error: 'Choose whether to accept or decline' }),
  criteriaMet: yes, phone: yes, transport: yes, adultPresent: yes, languageNeedsMet: yes, consent: yes,
  consentGivenBy: optionalText('who gave consent', { max: 200 }),
  carerWorseLevel: z.enum(['low', 'medium', 'high', 'emergency']).optional(),
  safeguardingDiscussedWith: optionalText('who the safeguarding discussion was with', { max: 200 }),
  safeguardingDiscussion: optionalText('what was agreed', { max: 3000, multiline: true }),
  declineReason: optionalText('the reason', { max: 3000, multiline: true }),
  version: z.coerce.number({ error: 'Reload the page and try again' }).int().positive(),
});
export type DecisionInput = z.input<typeof decisionShape>;

/** Why safeguarding needs a named discussion before this child is accepted; empty when it does not. */
export async function safeguardingConcerns(tx: Tx, access: ChildAccess): Promise<string[]> {
  const flags = (await activeFlags(tx, access)).filter((f) => f.ended_on === null && CPIS_FLAGS.includes(f.kind));
  const socialWorkers = (await careTeam(tx, access)).filter((m) => m.role === 'social-worker');
  return [
    ...flags.map((f) => `CP-IS: ${f.kind.replace(/-/g, ' ')}${f.local_authority ? ` (${f.local_authority})` : ''}`),
    ...socialWorkers.map((m) => `Open social care case: ${m.name}, ${m.organisation_name}`),
  ];
}

function readDecision(raw: unknown, safeguarding: string[]) {
  return parseWithRules(decisionShape, raw, (v) => {
    const fields: FieldErrors = {};
    if (v.decision === 'decline') {
      if (!v.declineReason) fields.declineReason = 'Give the reason for declining: the referrer reads it';
      return fields;
    }
    if (!v.criteriaMet) fields.criteriaMet = 'Confirm the pathway’s inclusion criteria are met and no exclusion applies, or decline';
    for (const check of Object.keys(HOME_CHECKS) as HomeCheck[]) if (!v[check]) fields[check] = `Confirm: ${HOME_CHECKS[check].toLowerCase()}, or decline`;
    if (safeguarding.length) {
      if (!v.safeguardingDiscussedWith) fields.safeguardingDiscussedWith = 'Name who you discussed the safeguarding concern with before accepting';
      if (!v.safeguardingDiscussion) fields.safeguardingDiscussion = 'Record what was agreed in the safeguarding discussion';
    }
    if (!v.consent) fields.consent = 'Confirm the family gave informed consent to care at home';
    if (!v.consentGivenBy) fields.consentGivenBy = 'Name the parent or carer who gave consent';
    if (!v.carerWorseLevel) fields.carerWorseLevel = 'Choose how urgently the carer’s “worse” is answered';
    return fields;
  });
}

/** Accept (with every check) or decline a child referred to the ward. */
export async function decideEpisode(tx: Tx, actor: Actor, episodeId: string, raw: DecisionInput, now = new Date()): Promise<'accepted' | 'declined'> {
  const { access, episode } = await openEpisode(tx, actor, episodeId, wardPolicy.acceptOrDecline, 'accept or decline for the virtual ward');
  const safeguarding = await safeguardingConcerns(tx, access);
  const v = readDecision(raw, safeguarding);
  const decided = sql`, decided_by = ${actor.professionalId}::uuid, decided_by_name = ${actor.name}, decided_at = ${now.toISOString()}::timestamptz`;
  if (v.decision === 'decline') {
    await moveEpisode(tx, access, episode, 'declined', v.version, sql`${decided}, decline_reason = ${v.declineReason}`);
  } else {
    const checks = { criteriaMet: true, phone: true, transport: true, adultPresent: true, languageNeedsMet: true, consent: true, safeguardingConcerns: safeguarding };
    await moveEpisode(tx, access, episode, 'accepted', v.version, sql`${decided}, checks = ${JSON.stringify(checks)}::jsonb,
      safeguarding_discussed_with = ${v.safeguardingDiscussedWith ?? null}, safeguarding_discussion = ${v.safeguardingDiscussion ?? null},
      consent_given_by = ${v.consentGivenBy!}, carer_worse_level = ${v.carerWorseLevel!}`);
  }
  const to = v.decision === 'decline' ? 'declined' : 'accepted';
  await auditChild(tx, access, {
    action: `ward.${v.decision}`, what: to === 'accepted' ? `Accepted onto the virtual ward: ${episode.pathway_name}` : `Declined for the virtual ward: ${episode.pathway_name}`,
    details: { episodeId, safeguardingConcerns: safeguarding.length },
  });
  return to;
}

/** The accepted child comes onto the ward: their stay (and the observation clock) starts now. */
export async function startOnWard(tx: Tx, actor: Actor, episodeId: string, version: number, now = new Date()): Promise<void> {
  const { access, episode } = await openEpisode(tx, actor, episodeId, wardPolicy.acceptOrDecline, 'start care on the virtual ward');
  if (!Number.isInteger(version)) throw new ValidationError({ version: 'Reload the page and try again' });
  await moveEpisode(tx, access, episode, 'on-ward', version, sql`, admitted_at = ${now.toISOString()}::timestamptz`);
  await rollUpWardStay(tx, actor.icsId, now);
  await auditChild(tx, access, { action: 'ward.start', what: `Care at home started: ${episode.pathway_name}`, details: { episodeId } });
}
