import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { rollUpWardStay } from '../population/service.js';
import { auditChild, type ChildAccess } from '../platform/access/door.js';
import { ConflictError, NotFoundError } from '../platform/http/errors.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import { addToWorklists } from '../worklist/service.js';
import { LEVELS, type Level } from './pews-chart.js';
import { moveEpisode, openEpisode } from './episode-access.js';
import { wardPolicy } from './policy.js';
import * as store from './store.js';

/**
 * An escalation at home: the ICS's response for its level, with a timer, an
 * owner (the first person on the ward's rota) and a worklist item. Whoever
 * acknowledges it owns the response; of two people acknowledging at once,
 * exactly one lands and the other is told who was first. One not
 * acknowledged in time goes up to the next person on the rota (stepUpEscalation, on a timer).
 */

const minutes = (n: number) => n * 60_000;
type Raised = Exclude<Level, 'none'>;

/** What the ward's figures need to know of an escalation just raised. */
export type FiguresRefresh = {
  /** False when the caller refreshes the stay's figures itself, once for many escalations (the clock, after its run). */
  refreshFigures?: boolean;
};

/**
 * Raises an escalation for a child on the ward, moving the episode to
 * escalated. In the caller's transaction; null when a missed-observation
 * alert for that due time exists. The stay's highest level is one of the
 * ward's figures: they are rewritten only when this one is higher than any
 * before it (a second escalation at the same level changes no figure).
 */
export async function raiseEscalation(
  tx: Tx, access: ChildAccess, episode: store.EpisodeRow, raise: { level: Raised; reasons: string[]; observationId: string | null; missedObservationsDueAt?: Date }, now: Date,
  opts: FiguresRefresh = {},
): Promise<string | null> {
  const before = opts.refreshFigures === false ? [] : await store.escalatedLevels(tx, access, episode.id);
  const ward = (await store.theWard(tx, access.actor.icsId))!;
  const [first] = await store.rota(tx, access.actor.icsId, ward.id);
  const { response, minutes: within } = ward.responses[raise.level];
  const id = await store.insertEscalation(tx, access, {
    episodeId: episode.id, observationId: raise.observationId, level: raise.level, reasons: raise.reasons, response,
    raisedAt: now, dueAt: new Date(now.getTime() + minutes(within)), ownerId: first.professional_id, rotaPosition: first.position,
    missedObservationsDueAt: raise.missedObservationsDueAt,
  });
  if (!id) return null;
  if (episode.state === 'on-ward') await moveEpisode(tx, access, episode, 'escalated', episode.version);
  const higher = before.every((l) => LEVELS.indexOf(l as Level) < LEVELS.indexOf(raise.level));
  if (episode.admitted_at && opts.refreshFigures !== false && higher) await rollUpWardStay(tx, access.actor.icsId, episode.admitted_at);
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
  const found = await store.escalationChild(tx, actor.icsId, escalationId);
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
 * The escalation clock's two duties for one child, each through the door as
 * the clock's scheduled job (step-up-job.ts runs them on a timer, each in its
 * own transaction, so reading a page never writes). Both are safe to run
 * twice or at once: a step-up moves only from the rota position it read, and
 * a missed-observation alert is unique for its stay and due time.
 */
const openForClock = (tx: Tx, clock: Actor, episodeId: string) =>
  openEpisode(tx, clock, episodeId, wardPolicy.keepClock, 'the virtual ward escalation clock');

/**
 * An escalation not acknowledged by its response time goes up to the next
 * person on the ward's rota, with a fresh timer for its level and an item on
 * their worklist. At the top of the rota it stays with the last person,
 * still overdue, so the caseload keeps showing it. False when there was
 * nothing to do (acknowledged, moved by another run, at the top).
 */
export async function stepUpEscalation(tx: Tx, clock: Actor, x: { id: string; episode_id: string }, now: Date): Promise<boolean> {
  const ward = (await store.theWard(tx, clock.icsId))!;
  const { access } = await openForClock(tx, clock, x.episode_id);
  const open = await store.openEscalation(tx, access, x.id);
  if (!open || new Date(open.response_due_at).getTime() >= now.getTime()) return false;
  const next = (await store.rota(tx, clock.icsId, ward.id)).find((r) => r.position > open.rota_position);
  if (!next) return false;
  const { response, minutes: within } = ward.responses[open.level as Raised];
  const due = new Date(now.getTime() + minutes(within));
  if (!(await store.stepUp(tx, access, x.id, open.rota_position, { position: next.position, professionalId: next.professional_id }, now, due))) return false;
  const childName = `${access.child.given_name} ${access.child.family_name}`;
  await addToWorklists(tx, clock.icsId, [{ ...escalationItem(access.childId, open.episode_id, open.level, response, next.professional_id, due), title: `Stepped up to you, not acknowledged in time: virtual ward escalation (${open.level}) for ${childName}` }]);
  await auditChild(tx, access, { action: 'ward.step-up', what: `Virtual ward escalation (${open.level}) not acknowledged in time: stepped up to ${next.name}`, details: { escalationId: x.id } });
  return true;
}

/** The level a missed observation is answered at: a call back to the family, with the ICS's timer for it. */
export const MISSED_OBSERVATION_LEVEL: Raised = 'low';

/**
 * Observations not recorded by the time the pathway's frequency made them
 * due: an alert (an escalation at MISSED_OBSERVATION_LEVEL, owned and timed
 * like any other). Null when one was already raised for this due time.
 */
export async function raiseMissedObservation(
  tx: Tx, clock: Actor, m: { episode_id: string; due_at: string | Date }, now: Date, opts: FiguresRefresh = {},
): Promise<string | null> {
  const { access, episode } = await openForClock(tx, clock, m.episode_id);
  const due = new Date(m.due_at);
  const when = londonDateAndTime(due);
  const id = await raiseEscalation(tx, access, episode, {
    level: MISSED_OBSERVATION_LEVEL, reasons: [`Observations due at ${when.time} on ${when.date} were not recorded`], observationId: null, missedObservationsDueAt: due,
  }, now, opts);
  if (id) await auditChild(tx, access, { action: 'ward.missed-observations', what: `Missed observations alert: due at ${when.time} on ${when.date}`, details: { escalationId: id, episodeId: episode.id } });
  return id;
}
