import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import type { EpisodeState } from './episode-states.js';
import type { DischargeOutcome, EpisodeSource, RecorderKind, VisitKind, WardResponses } from './schema.js';
import type { PewsResult } from './pews.js';

/**
 * The virtual ward's SQL. Reads that name no child (pathways, the ward)
 * stand alone; every read or change of one child's episode takes the
 * door's access, checked against this transaction.
 */

export type PathwayRow = {
  id: string; name: string; inclusion: string[]; exclusion: string[]; observations: string[];
  observe_every_hours: number; expected_stay_days: number; discharge_criteria: string[]; active: boolean; version: number;
};
export type WardRow = { id: string; name: string; nursing_team_id: string; consultant_id: string; capacity: number; responses: WardResponses };
export type EpisodeRow = {
  id: string; ward_id: string; child_id: string; pathway_id: string; pathway_name: string; state: EpisodeState; source: EpisodeSource;
  referral_id: string | null; reason: string; referred_by: string; referred_by_name: string; referred_at: string;
  decided_by_name: string | null; decided_at: string | null; decline_reason: string | null; checks: Record<string, unknown> | null;
  safeguarding_discussed_with: string | null; safeguarding_discussion: string | null; consent_given_by: string | null; carer_worse_level: string | null;
  admitted_at: string | null; discharged_at: string | null; outcome: DischargeOutcome | null; discharge_summary: string | null; version: number;
};
export type ObservationRow = {
  id: string; observed_at: string; recorded_at: string; recorder_kind: RecorderKind; recorded_by_name: string; observed: Record<string, unknown>;
  score: number; parameters: Record<string, number>; escalation: string; reasons: string[]; missing: string[]; chart_name: string; chart_version: string;
};
export type EscalationRow = {
  id: string; episode_id: string; child_id: string; level: string; reasons: string[]; response: string; raised_at: string; response_due_at: string;
  owner_id: string; owner_name: string; rota_position: number; stepped_up_at: string | null;
  acknowledged_by_name: string | null; acknowledged_at: string | null;
};
export type VisitRow = { id: string; kind: VisitKind; due_at: string; done_at: string | null; done_by_name: string | null; notes: string | null };

const EPISODE_COLUMNS = sql`e.id, e.ward_id, e.child_id, e.pathway_id, p.name AS pathway_name, e.state, e.source, e.referral_id, e.reason,
  e.referred_by, e.referred_by_name, e.referred_at, e.decided_by_name, e.decided_at, e.decline_reason, e.checks,
  e.safeguarding_discussed_with, e.safeguarding_discussion, e.consent_given_by, e.carer_worse_level, e.admitted_at, e.discharged_at, e.outcome, e.discharge_summary, e.version`;

export const pathways = (tx: Tx, icsId: string, activeOnly = true) =>
  rows<PathwayRow>(tx, sql`SELECT * FROM ward_pathway WHERE ics_id = ${icsId}::uuid ${activeOnly ? sql`AND active` : sql``} ORDER BY name`);

export async function pathwayById(tx: Tx, icsId: string, id: string): Promise<PathwayRow | undefined> {
  return (await rows<PathwayRow>(tx, sql`SELECT * FROM ward_pathway WHERE ics_id = ${icsId}::uuid AND id = ${id}`))[0];
}

/** The pathway as it was when this episode was referred: its criteria, frequency and stay hold for the episode. */
export async function pathwayOfEpisode(tx: Tx, access: ChildAccess, episodeId: string): Promise<PathwayRow> {
  checkedAccess(tx, access);
  return (await rows<PathwayRow>(tx, sql`SELECT v.pathway_id AS id, v.name, v.inclusion, v.exclusion, v.observations, v.observe_every_hours, v.expected_stay_days,
      v.discharge_criteria, v.active, v.version
    FROM ward_episode e JOIN ward_pathway_version v ON v.ics_id = e.ics_id AND v.pathway_id = e.pathway_id AND v.version = e.pathway_version
    WHERE e.ics_id = ${access.actor.icsId}::uuid AND e.id = ${episodeId}::uuid AND e.child_id = ${access.childId}::uuid`))[0];
}

/** The ICS's ward (one per ICS for now: the first set up). */
export async function theWard(tx: Tx, icsId: string): Promise<WardRow | undefined> {
  return (await rows<WardRow>(tx, sql`SELECT id, name, nursing_team_id, consultant_id, capacity, responses FROM virtual_ward WHERE ics_id = ${icsId}::uuid ORDER BY name, id LIMIT 1`))[0];
}

export const rota = (tx: Tx, icsId: string, wardId: string) =>
  rows<{ position: number; professional_id: string; name: string }>(tx, sql`SELECT r.position, r.professional_id, p.name
    FROM ward_rota r JOIN professional p ON p.ics_id = r.ics_id AND p.id = r.professional_id WHERE r.ics_id = ${icsId}::uuid AND r.ward_id = ${wardId}::uuid ORDER BY r.position`);

/** The episode whose child the caller then opens through the door: the id only tells which child to ask about. */
export async function episodeChild(tx: Tx, icsId: string, episodeId: string): Promise<string | undefined> {
  return (await rows<{ child_id: string }>(tx, sql`SELECT child_id FROM ward_episode WHERE ics_id = ${icsId}::uuid AND id = ${episodeId}::uuid`))[0]?.child_id;
}

export async function escalationChild(tx: Tx, icsId: string, escalationId: string): Promise<{ child_id: string; episode_id: string } | undefined> {
  return (await rows<{ child_id: string; episode_id: string }>(tx, sql`SELECT child_id, episode_id FROM ward_escalation WHERE ics_id = ${icsId}::uuid AND id = ${escalationId}::uuid`))[0];
}

export async function episode(tx: Tx, access: ChildAccess, episodeId: string): Promise<EpisodeRow | undefined> {
  checkedAccess(tx, access);
  return (await rows<EpisodeRow>(tx, sql`SELECT ${EPISODE_COLUMNS} FROM ward_episode e JOIN ward_pathway p ON p.ics_id = e.ics_id AND p.id = e.pathway_id
    WHERE e.ics_id = ${access.actor.icsId}::uuid AND e.id = ${episodeId}::uuid AND e.child_id = ${access.childId}::uuid`))[0];
}

export async function liveEpisodeOf(tx: Tx, access: ChildAccess): Promise<EpisodeRow | undefined> {
  checkedAccess(tx, access);
  return (await rows<EpisodeRow>(tx, sql`SELECT ${EPISODE_COLUMNS} FROM ward_episode e JOIN ward_pathway p ON p.ics_id = e.ics_id AND p.id = e.pathway_id
    WHERE e.ics_id = ${access.actor.icsId}::uuid AND e.child_id = ${access.childId}::uuid AND e.state IN ('referred', 'accepted', 'on-ward', 'escalated')`))[0];
}

export type NewEpisode = { wardId: string; pathwayId: string; pathwayVersion: number; source: EpisodeSource; referralId: string | null; reason: string; by: { id: string; name: string }; at: Date };

export async function insertEpisode(tx: Tx, access: ChildAccess, e: NewEpisode): Promise<string> {
  checkedAccess(tx, access);
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO ward_episode (ics_id, id, ward_id, child_id, pathway_id, pathway_version, state, source, referral_id, reason, referred_by, referred_by_name, referred_at)
    VALUES (${access.actor.icsId}::uuid, ${id}::uuid, ${e.wardId}::uuid, ${access.childId}::uuid, ${e.pathwayId}, ${e.pathwayVersion}, 'referred', ${e.source}, ${e.referralId}::uuid,
            ${e.reason}, ${e.by.id}::uuid, ${e.by.name}, ${e.at.toISOString()}::timestamptz)`);
  return id;
}

/**
 * Moves an episode from the state the caller saw, at the version they saw,
 * setting the columns given: false when someone moved it first (the caller says 409).
 */
export async function moveEpisode(tx: Tx, access: ChildAccess, id: string, from: { state: EpisodeState; version: number }, to: EpisodeState, set: SQL = sql``): Promise<boolean> {
  checkedAccess(tx, access);
  const moved = await rows(tx, sql`UPDATE ward_episode SET state = ${to}, version = version + 1 ${set}
    WHERE ics_id = ${access.actor.icsId}::uuid AND id = ${id}::uuid AND child_id = ${access.childId}::uuid AND state = ${from.state} AND version = ${from.version} RETURNING id`);
  return moved.length === 1;
}

export type NewObservation = {
  episodeId: string; observedAt: string; recordedAt: Date; recorderKind: RecorderKind; recordedBy: string | null; recordedByName: string;
  observed: Record<string, unknown>; result: PewsResult; chart: { name: string; version: string };
};

export async function insertObservation(tx: Tx, access: ChildAccess, o: NewObservation): Promise<string> {
  checkedAccess(tx, access);
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO ward_observation (ics_id, id, episode_id, child_id, observed_at, recorded_at, recorder_kind, recorded_by, recorded_by_name,
      observed, score, parameters, escalation, reasons, missing, chart_name, chart_version)
    VALUES (${access.actor.icsId}::uuid, ${id}::uuid, ${o.episodeId}::uuid, ${access.childId}::uuid, ${o.observedAt}::timestamptz, ${o.recordedAt.toISOString()}::timestamptz,
      ${o.recorderKind}, ${o.recordedBy}::uuid, ${o.recordedByName}, ${JSON.stringify(o.observed)}::jsonb, ${o.result.score}, ${JSON.stringify(o.result.parameters)}::jsonb,
      ${o.result.escalation}, ${JSON.stringify(o.result.reasons)}::jsonb, ${JSON.stringify(o.result.missing)}::jsonb, ${o.chart.name}, ${o.chart.version})`);
  return id;
}

export function observationsOf(tx: Tx, access: ChildAccess, episodeId: string, limit = 60): Promise<ObservationRow[]> {
  checkedAccess(tx, access);
  return rows<ObservationRow>(tx, sql`SELECT id, observed_at, recorded_at, recorder_kind, recorded_by_name, observed, score, parameters, escalation, reasons, missing, chart_name, chart_version
    FROM ward_observation WHERE ics_id = ${access.actor.icsId}::uuid AND episode_id = ${episodeId}::uuid AND child_id = ${access.childId}::uuid ORDER BY observed_at DESC, recorded_at DESC LIMIT ${limit}`);
}

export type NewEscalation = {
  episodeId: string; observationId: string | null; level: string; reasons: string[]; response: string; raisedAt: Date; dueAt: Date; ownerId: string; rotaPosition: number;
  /** A missed-observation alert names the due time it is for: null when one for that time already exists (raised once). */
  missedObservationsDueAt?: Date;
};

/** The levels a stay has been escalated at so far (each once). */
export async function escalatedLevels(tx: Tx, access: ChildAccess, episodeId: string): Promise<string[]> {
  checkedAccess(tx, access);
  return (await rows<{ level: string }>(tx, sql`SELECT DISTINCT level FROM ward_escalation
    WHERE ics_id = ${access.actor.icsId}::uuid AND episode_id = ${episodeId}::uuid AND child_id = ${access.childId}::uuid`)).map((r) => r.level);
}

export async function insertEscalation(tx: Tx, access: ChildAccess, e: NewEscalation): Promise<string | null> {
  checkedAccess(tx, access);
  const id = crypto.randomUUID();
  const inserted = await rows(tx, sql`INSERT INTO ward_escalation (ics_id, id, episode_id, child_id, observation_id, level, reasons, response, raised_at, response_due_at, owner_id, rota_position, missed_observations_due_at)
    VALUES (${access.actor.icsId}::uuid, ${id}::uuid, ${e.episodeId}::uuid, ${access.childId}::uuid, ${e.observationId}::uuid, ${e.level}, ${JSON.stringify(e.reasons)}::jsonb,
      ${e.response}, ${e.raisedAt.toISOString()}::timestamptz, ${e.dueAt.toISOString()}::timestamptz, ${e.ownerId}::uuid, ${e.rotaPosition},
      ${e.missedObservationsDueAt?.toISOString() ?? null}::timestamptz)
    ON CONFLICT (ics_id, episode_id, missed_observations_due_at) WHERE missed_observations_due_at IS NOT NULL DO NOTHING RETURNING id`);
  return inserted.length === 1 ? id : null;
}

const ESCALATION_COLUMNS = sql`x.id, x.episode_id, x.child_id, x.level, x.reasons, x.response, x.raised_at, x.response_due_at, x.owner_id, o.name AS owner_name,
  x.rota_position, x.stepped_up_at, x.acknowledged_by_name, x.acknowledged_at`;

export function escalationsOf(tx: Tx, access: ChildAccess, episodeId: string): Promise<EscalationRow[]> {
  checkedAccess(tx, access);
  return rows<EscalationRow>(tx, sql`SELECT ${ESCALATION_COLUMNS} FROM ward_escalation x JOIN professional o ON o.ics_id = x.ics_id AND o.id = x.owner_id
    WHERE x.ics_id = ${access.actor.icsId}::uuid AND x.episode_id = ${episodeId}::uuid AND x.child_id = ${access.childId}::uuid ORDER BY x.raised_at DESC`);
}

/**
 * Acknowledges an open escalation: the WHERE clause is the concurrency rule.
 * Of two acknowledgements at once, the second waits for the first's row lock,
 * then finds it acknowledged and changes nothing; it reads who was first.
 */
export async function acknowledge(tx: Tx, access: ChildAccess, id: string, at: Date): Promise<{ landed: true } | { landed: false; by: string | null; at: string | null }> {
  checkedAccess(tx, access);
  const done = await rows(tx, sql`UPDATE ward_escalation SET acknowledged_by = ${access.actor.professionalId}::uuid, acknowledged_by_name = ${access.actor.name},
      acknowledged_at = ${at.toISOString()}::timestamptz
    WHERE ics_id = ${access.actor.icsId}::uuid AND id = ${id}::uuid AND child_id = ${access.childId}::uuid AND acknowledged_at IS NULL RETURNING id`);
  if (done.length === 1) return { landed: true };
  const [first] = await rows<{ acknowledged_by_name: string | null; acknowledged_at: string | null }>(
    tx, sql`SELECT acknowledged_by_name, acknowledged_at FROM ward_escalation WHERE ics_id = ${access.actor.icsId}::uuid AND id = ${id}::uuid`);
  return { landed: false, by: first?.acknowledged_by_name ?? null, at: first?.acknowledged_at ?? null };
}

export async function openEscalationCount(tx: Tx, access: ChildAccess, episodeId: string): Promise<number> {
  checkedAccess(tx, access);
  const [{ n }] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM ward_escalation WHERE ics_id = ${access.actor.icsId}::uuid AND episode_id = ${episodeId}::uuid AND acknowledged_at IS NULL`);
  return n;
}

/** Open escalations past their response time, across the ward, oldest first: what the escalation clock steps up. */
export function overdueEscalations(tx: Tx, icsId: string, wardId: string, now: Date) {
  return rows<{ id: string; child_id: string; episode_id: string; level: string; rota_position: number }>(tx, sql`
    SELECT x.id, x.child_id, x.episode_id, x.level, x.rota_position
      FROM ward_escalation x JOIN ward_episode e ON e.ics_id = x.ics_id AND e.id = x.episode_id
     WHERE x.ics_id = ${icsId}::uuid AND e.ward_id = ${wardId}::uuid AND x.acknowledged_at IS NULL AND x.response_due_at < ${now.toISOString()}::timestamptz
     ORDER BY x.response_due_at, x.id`);
}

/**
 * Stays on the ward whose observations were due (the frequency of the pathway's version they were referred under
 * after the last set, or after coming onto the ward) before `now`, with no
 * missed-observation alert for that due time yet.
 */
export function missedObservations(tx: Tx, icsId: string, wardId: string, now: Date) {
  return rows<{ episode_id: string; child_id: string; due_at: string; admitted_at: string }>(tx, sql`
    SELECT d.episode_id, d.child_id, d.due_at, d.admitted_at FROM (
      SELECT e.ics_id, e.id AS episode_id, e.child_id, e.admitted_at,
             coalesce((SELECT max(o.observed_at) FROM ward_observation o WHERE o.ics_id = e.ics_id AND o.episode_id = e.id), e.admitted_at)
               + make_interval(hours => p.observe_every_hours) AS due_at
        FROM ward_episode e JOIN ward_pathway_version p ON p.ics_id = e.ics_id AND p.pathway_id = e.pathway_id AND p.version = e.pathway_version
       WHERE e.ics_id = ${icsId}::uuid AND e.ward_id = ${wardId}::uuid AND e.state IN ('on-ward', 'escalated') AND e.admitted_at IS NOT NULL) d
     WHERE d.due_at < ${now.toISOString()}::timestamptz
       AND NOT EXISTS (SELECT 1 FROM ward_escalation x WHERE x.ics_id = d.ics_id AND x.episode_id = d.episode_id AND x.missed_observations_due_at = d.due_at)
     ORDER BY d.due_at, d.episode_id`);
}

/** One open escalation, for the clock that opened its child: null when acknowledged or stepped up since it was listed. */
export async function openEscalation(tx: Tx, access: ChildAccess, id: string) {
  checkedAccess(tx, access);
  return (await rows<{ id: string; episode_id: string; level: string; rota_position: number; response_due_at: string }>(tx, sql`
    SELECT id, episode_id, level, rota_position, response_due_at FROM ward_escalation
     WHERE ics_id = ${access.actor.icsId}::uuid AND id = ${id}::uuid AND child_id = ${access.childId}::uuid AND acknowledged_at IS NULL`))[0] ?? null;
}

/** Moves an overdue escalation from one rota position to the next: false when it was acknowledged or moved since it was read (the clock's race rule). */
export async function stepUp(tx: Tx, access: ChildAccess, id: string, from: number, to: { position: number; professionalId: string }, now: Date, dueAt: Date): Promise<boolean> {
  checkedAccess(tx, access);
  const moved = await rows(tx, sql`UPDATE ward_escalation SET owner_id = ${to.professionalId}::uuid, rota_position = ${to.position},
      stepped_up_at = ${now.toISOString()}::timestamptz, response_due_at = ${dueAt.toISOString()}::timestamptz
    WHERE ics_id = ${access.actor.icsId}::uuid AND id = ${id}::uuid AND child_id = ${access.childId}::uuid AND acknowledged_at IS NULL AND rota_position = ${from} AND response_due_at < ${now.toISOString()}::timestamptz RETURNING id`);
  return moved.length === 1;
}

export function visitsOf(tx: Tx, access: ChildAccess, episodeId: string): Promise<VisitRow[]> {
  checkedAccess(tx, access);
  return rows<VisitRow>(tx, sql`SELECT id, kind, due_at, done_at, done_by_name, notes FROM ward_visit
    WHERE ics_id = ${access.actor.icsId}::uuid AND episode_id = ${episodeId}::uuid AND child_id = ${access.childId}::uuid ORDER BY due_at`);
}

export async function insertVisit(tx: Tx, access: ChildAccess, episodeId: string, kind: VisitKind, dueAt: string): Promise<string> {
  checkedAccess(tx, access);
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO ward_visit (ics_id, id, episode_id, child_id, kind, due_at, scheduled_by)
    VALUES (${access.actor.icsId}::uuid, ${id}::uuid, ${episodeId}::uuid, ${access.childId}::uuid, ${kind}, ${dueAt}::timestamptz, ${access.actor.professionalId}::uuid)`);
  return id;
}

export async function visitChild(tx: Tx, icsId: string, visitId: string): Promise<{ child_id: string; episode_id: string } | undefined> {
  return (await rows<{ child_id: string; episode_id: string }>(tx, sql`SELECT child_id, episode_id FROM ward_visit WHERE ics_id = ${icsId}::uuid AND id = ${visitId}::uuid`))[0];
}

export async function recordVisit(tx: Tx, access: ChildAccess, visitId: string, by: string, notes: string | null, at: Date): Promise<boolean> {
  checkedAccess(tx, access);
  const done = await rows(tx, sql`UPDATE ward_visit SET done_at = ${at.toISOString()}::timestamptz, done_by = ${access.actor.professionalId}::uuid, done_by_name = ${by}, notes = ${notes}
    WHERE ics_id = ${access.actor.icsId}::uuid AND id = ${visitId}::uuid AND child_id = ${access.childId}::uuid AND done_at IS NULL RETURNING id`);
  return done.length === 1;
}

/** Visits already planned for one London day: at most four a day. */
export async function visitsOnDay(tx: Tx, access: ChildAccess, episodeId: string, londonDay: string): Promise<number> {
  checkedAccess(tx, access);
  const [{ n }] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM ward_visit WHERE ics_id = ${access.actor.icsId}::uuid AND episode_id = ${episodeId}::uuid
    AND (due_at AT TIME ZONE 'Europe/London')::date = ${londonDay}::date`);
  return n;
}

export type CaseloadRow = {
  episode_id: string; child_id: string; given_name: string; family_name: string; nhs_number: string | null; date_of_birth: string;
  pathway_name: string; state: EpisodeState; referred_at: string; admitted_at: string | null; expected_stay_days: number; observe_every_hours: number;
  last_observed_at: string | null; last_score: number | null; last_escalation: string | null; last_recorder_kind: RecorderKind | null; last_missing: string[] | null;
  next_visit_at: string | null; next_visit_kind: VisitKind | null;
  open_escalations: { id: string; level: string; response: string; due: string; owner: string; stepped_up: boolean }[];
};

/**
 * Every child live on the ward that the actor works on, with their last
 * observations, next visit and open escalations, in one query. The door's
 * check (`onWard`, the actor's virtual-ward relationship with `stay.child_id`)
 * is asked of each child listed; the outer alias is not `e`, which the
 * relationship's own SQL uses. Open escalations and visits still to do are
 * few: each is read once for the whole ward and joined, not asked per child.
 */
export function caseload(tx: Tx, icsId: string, wardId: string, onWard: (childId: SQL) => SQL): Promise<CaseloadRow[]> {
  return rows<CaseloadRow>(tx, caseloadSql(icsId, wardId, onWard));
}

function caseloadSql(icsId: string, wardId: string, onWard: (childId: SQL) => SQL): SQL {
  return sql`
    WITH open_escalations AS (
      SELECT x.ics_id, x.episode_id, json_agg(json_build_object('id', x.id, 'level', x.level, 'response', x.response, 'due', x.response_due_at, 'owner', op.name,
                                                             'stepped_up', x.stepped_up_at IS NOT NULL) ORDER BY x.response_due_at) AS list
        FROM ward_escalation x JOIN professional op ON op.ics_id = x.ics_id AND op.id = x.owner_id
       WHERE x.ics_id = ${icsId}::uuid AND x.acknowledged_at IS NULL GROUP BY x.ics_id, x.episode_id),
    next_visits AS (
      SELECT DISTINCT ON (wv.ics_id, wv.episode_id) wv.ics_id, wv.episode_id, wv.due_at, wv.kind FROM ward_visit wv
       WHERE wv.ics_id = ${icsId}::uuid AND wv.done_at IS NULL ORDER BY wv.ics_id, wv.episode_id, wv.due_at)
    SELECT stay.id AS episode_id, stay.child_id, c.given_name, c.family_name, c.nhs_number, c.date_of_birth::text AS date_of_birth,
           p.name AS pathway_name, stay.state, stay.referred_at, stay.admitted_at, pv.expected_stay_days, pv.observe_every_hours,
           o.observed_at AS last_observed_at, o.score AS last_score, o.escalation AS last_escalation, o.recorder_kind AS last_recorder_kind, o.missing AS last_missing,
           v.due_at AS next_visit_at, v.kind AS next_visit_kind, coalesce(x.list, '[]') AS open_escalations
      FROM ward_episode stay
      JOIN child c ON c.ics_id = stay.ics_id AND c.id = stay.child_id
      JOIN ward_pathway p ON p.ics_id = stay.ics_id AND p.id = stay.pathway_id
      JOIN ward_pathway_version pv ON pv.ics_id = stay.ics_id AND pv.pathway_id = stay.pathway_id AND pv.version = stay.pathway_version
      LEFT JOIN LATERAL (SELECT wo.observed_at, wo.score, wo.escalation, wo.recorder_kind, wo.missing FROM ward_observation wo
                          WHERE wo.ics_id = stay.ics_id AND wo.episode_id = stay.id ORDER BY wo.observed_at DESC LIMIT 1) o ON true
      LEFT JOIN next_visits v ON v.ics_id = stay.ics_id AND v.episode_id = stay.id
      LEFT JOIN open_escalations x ON x.ics_id = stay.ics_id AND x.episode_id = stay.id
     WHERE stay.ics_id = ${icsId}::uuid AND stay.ward_id = ${wardId}::uuid AND stay.state IN ('referred', 'accepted', 'on-ward', 'escalated') AND ${onWard(sql`stay.child_id`)}
     ORDER BY c.family_name, c.given_name, stay.id`;
}
