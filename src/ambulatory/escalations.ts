import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, auditListedChildren, type ChildAccess } from '../platform/access/door.js';
import { ConflictError, NotFoundError } from '../platform/http/errors.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import { addToWorklists } from '../worklist/service.js';
import type { Level } from './pews-chart.js';
import { moveEpisode, openEpisode } from './episode-access.js';
import { wardPolicy } from './policy.js';
import type { WardResponses } from './schema.js';
import * as store from './store.js';

/**
 * An escalation at home: the ICS's response for its level, with a timer, an
 * owner (the first person on the ward's rota) and a worklist item. Whoever
 * acknowledges it owns the response; of two people acknowledging at once,
 * exactly one lands and the other is told who was first. One not
 * acknowledged in time goes up to the next person on the rota (stepUpOverdue).
 */

const minutes = (n: number) => n * 60_000;
type Raised = Exclude<Level, 'none'>;

/** Raises an escalation for a child on the ward, moving the episode to escalated. In the caller's transaction. */
export async function raiseEscalation(
  tx: Tx, access: ChildAccess, episode: store.EpisodeRow, raise: { level: Raised; reasons: string[]; observationId: string | null }, now: Date,
): Promise<string> {
  const ward = (await store.theWard(tx))!;
  const [first] = await store.rota(tx, ward.id);
  const { response, minutes: within } = ward.responses[raise.level];
  const id = await store.insertEscalation(tx, access, {
    episodeId: episode.id, observationId: raise.observationId, level: raise.level, reasons: raise.reasons, response,
    raisedAt: now, dueAt: new Date(now.getTime() + minutes(within)), ownerId: first.professional_id, rotaPosition: first.position,
  });
  if (episode.state === 'on-ward') await moveEpisode(tx, access, episode, 'escalated', episode.version);
  await addToWorklists(tx, access.actor.icsId, [escalationItem(access.childId, episode.id, raise.level, response, first.professional_id, new Date(now.getTime() + minutes(within)))]);
  return id;
}

function escalationItem(childId: string, episodeId: string, level: string, response: string, professionalId: string, due: Date) {
  return {
    professionalId, kind: 'ward-escalation', childId, link: `/virtual-ward/episodes/${episodeId}#escalations`,
    title: `Virtual ward escalation (${level}): ${response}, by ${londonDateAndTime(due).time}`, details: { dueOn: londonDateAndTime(due).date },
  };
}

/** Acknowledges an escalation: 409 "already acknowledged by X at T" when someone was first. The episode returns to the ward when none is left open. */
export async function acknowledgeEscalation(tx: Tx, actor: Actor, escalationId: string, now = new Date()): Promise<void> {
  const found = await store.escalationChild(tx, escalationId);
  if (!found) throw new NotFoundError();
  const { access, episode } = await openEpisode(tx, actor, found.episode_id, wardPolicy.acknowledgeEscalation, 'acknowledge a virtual ward escalation');
  const result = await store.acknowledge(tx, access, escalationId, now);
  if (!result.landed) {
    const when = result.at ? londonDateAndTime(result.at) : null;
    throw new ConflictError(`This escalation was already acknowledged by ${result.by ?? 'someone else'}${when ? ` at ${when.time} on ${when.date}` : ''}. Nothing of yours was saved.`);
  }
  if (episode.state === 'escalated' && (await store.openEscalationCount(tx, access, episode.id)) === 0) {
    await moveEpisode(tx, access, episode, 'on-ward', episode.version);
  }
  await auditChild(tx, access, { action: 'ward.acknowledge', what: 'Virtual ward escalation acknowledged', details: { escalationId } });
}

/**
 * The escalation clock: each open escalation past its response time goes up
 * to the next person on the ward's rota, with a fresh timer for its level
 * and an item on their worklist. At the top of the rota it stays with the
 * last person, still overdue, so the caseload keeps showing it. Evaluated
 * with the clock given (tests pass a fake one); audited under `actor`, whose
 * page load ran the check.
 */
export async function stepUpOverdue(tx: Tx, actor: Actor, now = new Date()): Promise<number> {
  const ward = await store.theWard(tx);
  if (!ward) return 0;
  const rota = await store.rota(tx, ward.id);
  let stepped = 0;
  for (const x of await store.overdueEscalations(tx, ward.id, now)) {
    const next = rota.find((r) => r.position > x.rota_position);
    if (!next) continue;
    const { response, minutes: within } = (ward.responses as WardResponses)[x.level as Raised];
    const due = new Date(now.getTime() + minutes(within));
    if (!(await store.stepUp(tx, x.id, x.rota_position, { position: next.position, professionalId: next.professional_id }, now, due))) continue;
    await addToWorklists(tx, actor.icsId, [{ ...escalationItem(x.child_id, x.episode_id, x.level, response, next.professional_id, due), title: `Stepped up to you, not acknowledged in time: virtual ward escalation (${x.level}) for ${x.child_name}` }]);
    await auditListedChildren(tx, actor, 'escalation not acknowledged in time', [{
      childId: x.child_id, action: 'ward.step-up', what: `Virtual ward escalation (${x.level}) not acknowledged in time: stepped up to ${next.name}`, details: { escalationId: x.id },
    }]);
    stepped += 1;
  }
  return stepped;
}
