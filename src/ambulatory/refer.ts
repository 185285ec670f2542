import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, openChild } from '../platform/access/door.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { ConflictError, ValidationError } from '../platform/http/errors.js';
import { parseInput, text } from '../platform/http/validate.js';
import { addToWorklists } from '../worklist/service.js';
import { EPISODE_STATE_WORDS } from './episode-states.js';
import { wardPolicy } from './policy.js';
import { EPISODE_SOURCES, type EpisodeSource } from './schema.js';
import * as store from './store.js';

/**
 * Referring a child onto a pathway of the ICS's virtual ward: from the GP,
 * the hub's triage decision, ED, or a ward stepping the child down. The ward
 * team finds the referral on their caseload and decides (acceptance.ts).
 */

export const SOURCE_WORDS: Record<EpisodeSource, string> = {
  gp: 'GP', triage: 'Hub triage decision', ed: 'Emergency department', 'ward-step-down': 'Hospital ward (step-down)', 'step-up': 'Home (step-up from the community)',
};

const referShape = z.object({
  pathwayId: z.string({ error: 'Choose a pathway' }).min(1, 'Choose a pathway'),
  source: z.enum(EPISODE_SOURCES, { error: 'Say where the referral comes from' }),
  reason: text('why the child can be cared for at home', { max: 3000, multiline: true }),
});

export type ReferInput = z.input<typeof referShape> & { referralId?: string | null };

export async function referToWard(tx: Tx, actor: Actor, childId: string, raw: ReferInput, now = new Date()): Promise<string> {
  const access = await openChild(tx, actor, childId, { rule: wardPolicy.refer, refused: 'refer to the virtual ward' });
  const input = parseInput(referShape, raw);
  const pathway = await store.pathwayById(tx, actor.icsId, input.pathwayId);
  if (!pathway?.active) throw new ValidationError({ pathwayId: 'Choose a pathway from the list' });
  const ward = await store.theWard(tx, actor.icsId);
  if (!ward) throw new ConflictError('This ICS has not set up a virtual ward yet. Nothing was saved.');
  const live = await store.liveEpisodeOf(tx, access);
  if (live) throw new ConflictError(`${access.child.given_name} is already on the virtual ward (${live.pathway_name}, ${EPISODE_STATE_WORDS[live.state].toLowerCase()}). Nothing was saved.`);
  await refuseChangeWhileFrozen(tx, access, 'refer to the virtual ward');
  const id = await store.insertEpisode(tx, access, {
    wardId: ward.id, pathwayId: pathway.id, pathwayVersion: pathway.version, source: input.source, referralId: raw.referralId ?? null, reason: input.reason, by: { id: actor.professionalId, name: actor.name }, at: now,
  });
  const firstOnRota = (await store.rota(tx, actor.icsId, ward.id))[0];
  if (firstOnRota && firstOnRota.professional_id !== actor.professionalId) {
    await addToWorklists(tx, actor.icsId, [{
      professionalId: firstOnRota.professional_id, kind: 'ward-referral', childId, title: `Virtual ward referral: ${pathway.name}`, link: `/virtual-ward/episodes/${id}`,
    }]);
  }
  await auditChild(tx, access, { action: 'ward.refer', what: `Referred to the virtual ward: ${pathway.name} (${SOURCE_WORDS[input.source]})`, details: { episodeId: id } });
  return id;
}

/** The pathways to choose from, for the referral forms (names only: no child's data). */
export const pathwayChoices = async (tx: Tx, icsId: string) => (await store.pathways(tx, icsId)).map((p) => ({ id: p.id, name: p.name }));
