import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, openChild, type ChildAccess } from '../platform/access/door.js';
import { familyPolicy } from '../platform/access/family-policy.js';
import { ConflictError, ValidationError } from '../platform/http/errors.js';
import { saveObservations } from './observations.js';
import * as store from './store.js';

/**
 * A parent or carer tells the virtual ward how their child is, from the
 * family pages: whether the child is worse, the same or better than when the
 * nurse last saw them, and any of the few observations families are shown
 * how to take at home. Scored and escalated by the same code as the nurse's
 * form (saveObservations): "worse" escalates at the level the clinician
 * chose for this stay, and only the clinician chooses it.
 */

/** What a carer may give: the answer to the chart's question and the measurements families take at home. Nothing a clinician decides. */
export const CARER_FIELDS = ['carer', 'temperature', 'respiratoryRate', 'heartRate', 'spo2'] as const;
export const CARER_ANSWERS = ['worse', 'same', 'better'] as const;

const live = (e: store.EpisodeRow | undefined) => (e && (e.state === 'on-ward' || e.state === 'escalated') ? e : undefined);

/** The child's live stay on the ward as the family page shows it, or null; under an access the family member opened. */
export async function wardStayForCarer(tx: Tx, access: ChildAccess): Promise<{ pathwayName: string } | null> {
  const decision = familyPolicy.recordWardObservations(access.actor, access.relationships);
  if (!decision.allowed) return null;
  const episode = live(await store.liveEpisodeOf(tx, access));
  if (!episode) return null;
  await auditChild(tx, access, { action: 'family.view-ward-stay', what: `On the virtual ward: ${episode.pathway_name}`, why: decision.why });
  return { pathwayName: episode.pathway_name };
}

const openForCarer = (tx: Tx, actor: Actor, childId: string) =>
  openChild(tx, actor, childId, { rule: familyPolicy.recordWardObservations, refused: 'tell the virtual ward how the child is' });

/** The carer's form: the child's name and pathway; a ConflictError when the child is not on the ward now. */
export async function carerForm(tx: Tx, actor: Actor, childId: string) {
  const access = await openForCarer(tx, actor, childId);
  const episode = live(await store.liveEpisodeOf(tx, access));
  if (!episode) throw new ConflictError(NOT_ON_WARD);
  await auditChild(tx, access, { action: 'family.ward-form', what: 'Form to tell the virtual ward how the child is' });
  return { child: access.child, pathwayName: episode.pathway_name };
}

const NOT_ON_WARD = 'Your child is not being cared for at home by the virtual ward at the moment, so there is nothing to send here. If you are worried, call 111, or 999 in an emergency.';

export type CarerRecorded = { escalated: boolean; respondWithinMinutes: number | null };

/** Saves what the carer told the ward, in the caller's transaction: refused unless they say whether the child is worse, the same or better. */
export async function carerRecordsObservations(tx: Tx, actor: Actor, childId: string, given: Record<string, unknown>, now = new Date()): Promise<CarerRecorded> {
  if (!CARER_ANSWERS.includes(given.carer as (typeof CARER_ANSWERS)[number])) {
    throw new ValidationError({ carer: 'Choose whether your child is worse, about the same or better' });
  }
  const access = await openForCarer(tx, actor, childId);
  const episode = live(await store.liveEpisodeOf(tx, access));
  if (!episode) throw new ConflictError(NOT_ON_WARD);
  const picked = Object.fromEntries(CARER_FIELDS.filter((f) => given[f] !== undefined).map((f) => [f, given[f]]));
  const recorded = await saveObservations(tx, access, episode, { kind: 'carer', name: actor.name }, picked, now);
  if (!recorded.escalationId) return { escalated: false, respondWithinMinutes: null };
  const ward = (await store.theWard(tx, actor.icsId))!;
  const level = recorded.result.escalation as keyof typeof ward.responses;
  return { escalated: true, respondWithinMinutes: ward.responses[level].minutes };
}
