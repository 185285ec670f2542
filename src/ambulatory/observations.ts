import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, type ChildAccess } from '../platform/access/door.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { EPISODE_STATE_WORDS } from './episode-states.js';
import { openEpisode } from './episode-access.js';
import { raiseEscalation } from './escalations.js';
import { OBSERVATION_FIELDS, readObservationSet } from './observation-set.js';
import { assessPews, pewsChartUsed, type PewsResult } from './pews.js';
import { wardPolicy } from './policy.js';
import type { RecorderKind } from './schema.js';
import * as store from './store.js';

/**
 * Recording one set of observations for a child on the ward: checked as
 * `joinery pews` checks them, scored by the same code, stored with the chart
 * and version it was scored on, and, when the result asks for a response, an
 * escalation raised in the same transaction. A skipped observation is stored
 * as missing, never as a normal value.
 */

/** Who recorded the set: a professional through the door, or (from the family pages) a carer. */
export type Recorder = { kind: 'professional'; professionalId: string; name: string } | { kind: 'carer'; name: string };

export type Recorded = { observationId: string; result: PewsResult; escalationId: string | null };

/** The set as given, with the child's date of birth and the time observed; a missing value stays missing. */
export async function saveObservations(
  tx: Tx, access: ChildAccess, episode: store.EpisodeRow, recorder: Recorder, given: Record<string, unknown>, now = new Date(),
): Promise<Recorded> {
  if (episode.state !== 'on-ward' && episode.state !== 'escalated') {
    throw new ConflictError(`Observations are recorded for a child on the ward; this stay is ${EPISODE_STATE_WORDS[episode.state].toLowerCase()}.`);
  }
  const observed: Record<string, unknown> = { ...given, dateOfBirth: access.child.date_of_birth, observedAt: given.observedAt ?? now.toISOString() };
  // The clinician chose at acceptance how urgently a carer's "worse" is answered for this child.
  if (recorder.kind === 'carer' && observed.carer === 'worse' && observed.carerLevel === undefined && episode.carer_worse_level) observed.carerLevel = episode.carer_worse_level;
  const read = readObservationSet(observed);
  if (!read.ok) throw new ValidationError(observationErrors(read.errors));
  if (read.value.observedAtMs > now.getTime() + 5 * 60_000) throw new ValidationError({ observedAt: 'The time observed cannot be in the future' });
  await refuseChangeWhileFrozen(tx, access, 'record observations');
  const result = assessPews(read.value);
  const chart = pewsChartUsed();
  const observationId = await store.insertObservation(tx, access, {
    episodeId: episode.id, observedAt: read.value.observedAt, recordedAt: now, recorderKind: recorder.kind as RecorderKind,
    recordedBy: recorder.kind === 'professional' ? recorder.professionalId : null, recordedByName: recorder.name,
    observed: Object.fromEntries(Object.entries(observed).filter(([k]) => k !== 'dateOfBirth')), result, chart,
  });
  const escalationId = result.escalation === 'none' ? null
    : await raiseEscalation(tx, access, episode, { level: result.escalation, reasons: result.reasons, observationId }, now);
  await auditChild(tx, access, {
    action: 'ward.observations', what: `Observations recorded by ${recorder.kind === 'carer' ? 'a carer' : recorder.name}: PEWS ${result.score}, escalation ${result.escalation}`,
    details: { episodeId: episode.id, observationId, escalationId },
  });
  return { observationId, result, escalationId };
}

/** A professional records observations from the ward's pages. */
export async function recordObservations(tx: Tx, actor: Actor, episodeId: string, given: Record<string, unknown>, now = new Date()): Promise<Recorded> {
  const { access, episode } = await openEpisode(tx, actor, episodeId, wardPolicy.recordObservations, 'record virtual ward observations');
  return saveObservations(tx, access, episode, { kind: 'professional', professionalId: actor.professionalId, name: actor.name }, given, now);
}

/** Each refusal of readObservationSet under the field it names ("oxygen.fio2 …" under oxygen). */
function observationErrors(errors: string[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const message of errors) {
    const named = OBSERVATION_FIELDS.find((f) => message.startsWith(f)) ?? 'observations';
    fields[named] ??= message;
  }
  return fields;
}
