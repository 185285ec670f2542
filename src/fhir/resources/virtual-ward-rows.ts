import { sql, type SQL } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import type { ChildRead } from '../../platform/access/door.js';
import type { Reading } from './handler.js';

/**
 * The virtual ward's rows as FHIR reads them: episodes, visits, observation
 * sets and escalations, by id or by child. Callers check access to the child
 * (seeFound, seePatient) before anything leaves.
 */

/** `childIds`: every child of a Bulk Data export's chunk, their doors opened by the caller. */
export type Find = { id?: string; childId?: string; childIds?: readonly string[] };

const ofChildren = (a: SQL, f: Find): SQL =>
  f.childIds ? sql`${a}.child_id = ANY(${`{${f.childIds.join(',')}}`}::uuid[])` : sql`${a}.child_id = ${f.childId ?? null}::uuid`;

/** By the ICS as well as the id or child: the tenant filter names the key's first column, so the (ics_id, child_id, …) indexes serve a child's rows. */
const where = (alias: string, r: Reading, f: Find): SQL => {
  const a = sql.raw(alias);
  return sql`${a}.ics_id = ${r.actor.icsId}::uuid AND ${f.id ? sql`${a}.id = ${f.id}::uuid` : ofChildren(a, f)}`;
};

export type EpisodeRow = {
  id: string; child_id: string; state: string; pathway_id: string; pathway_name: string; ward_id: string; ward_name: string;
  nursing_team_id: string; consultant_id: string; consultant_name: string; referred_at: string; decided_at: string | null;
  admitted_at: string | null; discharged_at: string | null; outcome: string | null; version: number;
};

export const episodes = (r: Reading, f: Find) => rows<EpisodeRow>(r.tx, sql`
  SELECT e.id, e.child_id, e.state, e.pathway_id, p.name AS pathway_name, w.id AS ward_id, w.name AS ward_name, w.nursing_team_id,
         w.consultant_id, c.name AS consultant_name, e.referred_at, e.decided_at, e.admitted_at, e.discharged_at, e.outcome, e.version
    FROM ward_episode e
    JOIN virtual_ward w ON w.ics_id = e.ics_id AND w.id = e.ward_id
    JOIN ward_pathway p ON p.ics_id = e.ics_id AND p.id = e.pathway_id
    JOIN professional c ON c.ics_id = w.ics_id AND c.id = w.consultant_id
   WHERE ${where('e', r, f)} ORDER BY e.referred_at, e.id`);

export type VisitRow = {
  id: string; child_id: string; episode_id: string; kind: 'home' | 'video'; due_at: string; done_at: string | null;
  done_by: string | null; done_by_name: string | null; nursing_team_id: string; episode_state: string;
};

export const visits = (r: Reading, f: Find) => rows<VisitRow>(r.tx, sql`
  SELECT v.id, v.child_id, v.episode_id, v.kind, v.due_at, v.done_at, v.done_by, v.done_by_name, w.nursing_team_id, e.state AS episode_state
    FROM ward_visit v
    JOIN ward_episode e ON e.ics_id = v.ics_id AND e.id = v.episode_id
    JOIN virtual_ward w ON w.ics_id = e.ics_id AND w.id = e.ward_id
   WHERE ${where('v', r, f)} ORDER BY v.due_at, v.id`);

export type ObservationSetRow = {
  id: string; child_id: string; episode_id: string; observed_at: string; recorded_at: string; recorder_kind: 'professional' | 'carer';
  recorded_by: string | null; recorded_by_name: string; observed: Record<string, unknown>; score: number; escalation: string;
  parameters: Record<string, number>; missing: string[]; chart_name: string; chart_version: string;
};

const OBSERVATION_SET_COLUMNS = sql`o.id, o.child_id, o.episode_id, o.observed_at, o.recorded_at, o.recorder_kind, o.recorded_by, o.recorded_by_name,
  o.observed, o.score, o.escalation, o.parameters, o.missing, o.chart_name, o.chart_version`;

/** `matching`: a condition on the set `o` (a search's code, status and date), so sets it could not match are not read. */
export const observationSets = (r: Reading, f: Find, matching: SQL = sql`true`) => rows<ObservationSetRow>(r.tx, sql`
  SELECT ${OBSERVATION_SET_COLUMNS} FROM ward_observation o WHERE ${where('o', r, f)} AND ${matching} ORDER BY o.observed_at, o.id`);

/** A child's observation sets as observationSets gives them, as one json list, for the door to read with its question (openChildReading). */
export const observationSetsRead = (matching: SQL): ChildRead => (icsId, childId) => sql`SELECT coalesce(json_agg(s ORDER BY s.observed_at, s.id), '[]'::json)
  FROM (SELECT ${OBSERVATION_SET_COLUMNS} FROM ward_observation o WHERE o.ics_id = ${icsId}::uuid AND o.child_id = ${childId} AND ${matching}) s`;

export type EscalationRow = {
  id: string; child_id: string; episode_id: string; observation_id: string | null; level: string; reasons: string[]; response: string;
  raised_at: string; response_due_at: string; owner_id: string; owner_name: string; acknowledged_at: string | null; episode_state: string;
};

export const escalations = (r: Reading, f: Find) => rows<EscalationRow>(r.tx, sql`
  SELECT x.id, x.child_id, x.episode_id, x.observation_id, x.level, x.reasons, x.response, x.raised_at, x.response_due_at,
         x.owner_id, p.name AS owner_name, x.acknowledged_at, e.state AS episode_state
    FROM ward_escalation x
    JOIN ward_episode e ON e.ics_id = x.ics_id AND e.id = x.episode_id
    JOIN professional p ON p.ics_id = x.ics_id AND p.id = x.owner_id
   WHERE ${where('x', r, f)} ORDER BY x.raised_at, x.id`);
