import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild } from '../platform/access/door.js';
import { policy } from '../platform/access/policy.js';
import { ConflictError, ValidationError } from '../platform/http/errors.js';
import { parseInput } from '../platform/http/validate.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import { countdown } from './caseload.js';
import { safeguardingConcerns } from './acceptance.js';
import { openEpisode } from './episode-access.js';
import { pewsChartUsed } from './pews.js';
import { wardPolicy } from './policy.js';
import { VISIT_KINDS } from './schema.js';
import * as store from './store.js';

/** Up to four visits (home or video) a day for one child. */
export const VISITS_A_DAY = 4;

/** One stay on the ward: the episode, its pathway, observations newest first, escalations with their countdown, visits. Audited as read. */
export async function episodePage(tx: Tx, actor: Actor, episodeId: string, now = new Date()) {
  const { access, episode } = await openEpisode(tx, actor, episodeId, wardPolicy.viewEpisode, 'a stay on the virtual ward');
  const [pathway, observations, escalations, visits] = [
    await store.pathwayOfEpisode(tx, access, episodeId),
    await store.observationsOf(tx, access, episodeId),
    await store.escalationsOf(tx, access, episodeId),
    await store.visitsOf(tx, access, episodeId),
  ];
  const onWardTeam = policy.careOnVirtualWard(actor, access.relationships).allowed;
  const safeguarding = episode.state === 'referred' && onWardTeam ? await safeguardingConcerns(tx, access) : [];
  await auditChild(tx, access, { action: 'ward.read', what: `Virtual ward stay: ${episode.pathway_name} (${observations.length} observation sets shown)`, details: { episodeId } });
  return {
    child: access.child, episode, pathway, observations, visits, safeguarding, onWardTeam, chart: pewsChartUsed(),
    escalations: escalations.map((x) => ({ ...x, countdown: x.acknowledged_at ? null : countdown(x.response_due_at, now) })),
  };
}

const visitShape = z.object({
  kind: z.enum(VISIT_KINDS, { error: 'Choose a home visit or a video call' }),
  dueAt: z.string({ error: 'Give the date and time of the visit' }).refine((v) => !Number.isNaN(Date.parse(v)), 'Give the date and time of the visit'),
});

/** Plans a visit; a fifth on one London day is refused. */
export async function scheduleVisit(tx: Tx, actor: Actor, episodeId: string, raw: unknown): Promise<string> {
  const { access, episode } = await openEpisode(tx, actor, episodeId, wardPolicy.scheduleOrRecordVisit, 'plan a virtual ward visit');
  const v = parseInput(visitShape, raw);
  if (!['accepted', 'on-ward', 'escalated'].includes(episode.state)) throw new ConflictError('Visits are planned for a child accepted onto the ward.');
  const day = londonDateAndTime(v.dueAt).date;
  if ((await store.visitsOnDay(tx, access, episodeId, day)) >= VISITS_A_DAY) throw new ValidationError({ dueAt: `There are already ${VISITS_A_DAY} visits on ${day}: the ward visits up to ${VISITS_A_DAY} times a day` });
  const id = await store.insertVisit(tx, access, episodeId, v.kind, new Date(v.dueAt).toISOString());
  await auditChild(tx, access, { action: 'ward.plan-visit', what: `Virtual ward ${v.kind} visit planned`, details: { episodeId, visitId: id } });
  return id;
}

/** Records that a visit happened and who went. */
export async function recordVisit(tx: Tx, actor: Actor, visitId: string, raw: { by?: string; notes?: string }, now = new Date()): Promise<void> {
  const found = await store.visitChild(tx, actor.icsId, visitId);
  if (!found) throw new ConflictError('There is no such visit.');
  const { access } = await openEpisode(tx, actor, found.episode_id, wardPolicy.scheduleOrRecordVisit, 'record a virtual ward visit');
  const by = (raw.by ?? '').trim() || actor.name;
  if (by.length > 200) throw new ValidationError({ by: 'Names of who went must be 200 characters or fewer' });
  if (!(await store.recordVisit(tx, access, visitId, by, (raw.notes ?? '').trim().slice(0, 3000) || null, now))) throw new ConflictError('This visit was already recorded.');
  await auditChild(tx, access, { action: 'ward.record-visit', what: `Virtual ward visit recorded (went: ${by})`, details: { visitId } });
}
