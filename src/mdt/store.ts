import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { CaseSource, CaseStatus, MeetingStatus } from './schema.js';

export type MeetingRow = {
  id: string; series_id: string; cluster_id: string; cluster_name: string; lead_paediatrician_id: string | null; title: string; starts_at: string;
  duration_minutes: number; max_cases: number; venue: string; chair_id: string; chair_name: string; status: MeetingStatus; version: number;
  cases: number; is_member: boolean;
};

export type MemberRow = { professional_id: string; name: string; role: string; organisation_name: string; attended: boolean | null };

export type CaseRow = {
  id: string; meeting_id: string; child_id: string; source: CaseSource; question: string; brought_by: string; brought_by_name: string; position: number;
  status: CaseStatus; discussion: string | null; decisions: string | null; themes: string[]; letter: string | null; letter_sent_at: string | null; version: number;
};

// Every subquery equates ics_id with the meeting's: beside the case count (tied to m by column), a subquery given the ICS as a
// value is one Citus cannot join, and it refused /mdt so (decision 0029, third trial).
const MEETING = (actor: Actor) => sql`SELECT m.id, m.series_id, m.cluster_id, cl.name AS cluster_name, cl.lead_paediatrician_id, m.title, m.starts_at,
    m.duration_minutes, m.max_cases, m.venue, m.chair_id, ch.name AS chair_name, m.status, m.version,
    (SELECT count(*)::int FROM mdt_case c WHERE c.ics_id = m.ics_id AND c.meeting_id = m.id AND c.status <> 'withdrawn') AS cases,
    EXISTS (SELECT 1 FROM mdt_member b WHERE b.ics_id = m.ics_id AND b.meeting_id = m.id AND b.professional_id = ${actor.professionalId}::uuid AND b.removed_at IS NULL) AS is_member
  FROM mdt_meeting m JOIN cluster cl ON cl.ics_id = m.ics_id AND cl.id = m.cluster_id
  JOIN professional ch ON ch.ics_id = m.ics_id AND ch.id = m.chair_id`;

export async function meetingById(tx: Tx, actor: Actor, id: string): Promise<MeetingRow | undefined> {
  const [found] = await rows<MeetingRow>(tx, sql`${MEETING(actor)} WHERE m.ics_id = ${actor.icsId}::uuid AND m.id = ${id}::uuid`);
  return found;
}

/** Meetings the actor chairs, leads the hub of, or is invited to, from `from` on, soonest first. */
export function meetingsOf(tx: Tx, actor: Actor, from: string, limit = 50): Promise<MeetingRow[]> {
  return rows<MeetingRow>(
    tx,
    sql`${MEETING(actor)} WHERE m.ics_id = ${actor.icsId}::uuid AND m.starts_at >= ${from}::date
          AND (m.chair_id = ${actor.professionalId}::uuid OR cl.lead_paediatrician_id = ${actor.professionalId}::uuid
               OR EXISTS (SELECT 1 FROM mdt_member b WHERE b.ics_id = m.ics_id AND b.meeting_id = m.id AND b.professional_id = ${actor.professionalId}::uuid AND b.removed_at IS NULL))
        ORDER BY m.starts_at, m.id LIMIT ${limit}`,
  );
}

export async function insertMeetings(tx: Tx, actor: Actor, meetings: { id: string; seriesId: string; clusterId: string; title: string; startsAt: string; durationMinutes: number; maxCases: number; venue: string }[]) {
  for (const m of meetings) {
    await tx.execute(sql`INSERT INTO mdt_meeting (ics_id, id, series_id, cluster_id, title, starts_at, duration_minutes, max_cases, venue, chair_id, status, version)
      VALUES (${actor.icsId}::uuid, ${m.id}::uuid, ${m.seriesId}::uuid, ${m.clusterId}::uuid, ${m.title}, ${m.startsAt}::timestamptz, ${m.durationMinutes},
              ${m.maxCases}, ${m.venue}, ${actor.professionalId}::uuid, 'scheduled', 1)`);
  }
}

export function members(tx: Tx, icsId: string, meetingId: string): Promise<MemberRow[]> {
  return rows<MemberRow>(
    tx,
    sql`SELECT b.professional_id, p.name, p.role, o.name AS organisation_name, b.attended FROM mdt_member b
          JOIN professional p ON p.ics_id = b.ics_id AND p.id = b.professional_id
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
         WHERE b.ics_id = ${icsId}::uuid AND b.meeting_id = ${meetingId}::uuid AND b.removed_at IS NULL ORDER BY p.name`,
  );
}

/** Invites (or re-invites) a professional to each meeting; says which meetings they newly joined. The time comes from the proposed row's default: Citus refuses now() in DO UPDATE SET. */
export async function invite(tx: Tx, actor: Actor, meetingIds: string[], professionalId: string): Promise<string[]> {
  const joined: string[] = [];
  for (const meetingId of meetingIds) {
    const done = await rows<{ meeting_id: string }>(
      tx,
      sql`INSERT INTO mdt_member (ics_id, meeting_id, professional_id, invited_by) VALUES (${actor.icsId}::uuid, ${meetingId}::uuid, ${professionalId}::uuid, ${actor.professionalId}::uuid)
          ON CONFLICT (ics_id, meeting_id, professional_id) DO UPDATE SET removed_at = NULL, invited_by = excluded.invited_by, invited_at = excluded.invited_at
            WHERE mdt_member.removed_at IS NOT NULL
          RETURNING meeting_id`,
    );
    joined.push(...done.map((d) => d.meeting_id));
  }
  return joined;
}

export async function removeMember(tx: Tx, icsId: string, meetingId: string, professionalId: string): Promise<boolean> {
  const done = await rows(tx, sql`UPDATE mdt_member SET removed_at = now() WHERE ics_id = ${icsId}::uuid AND meeting_id = ${meetingId}::uuid AND professional_id = ${professionalId}::uuid AND removed_at IS NULL RETURNING 1`);
  return done.length === 1;
}

export async function recordAttendance(tx: Tx, icsId: string, meetingId: string, attended: string[]): Promise<void> {
  await tx.execute(sql`UPDATE mdt_member SET attended = (professional_id::text = ANY(${sql.param(attended)}::text[])) WHERE ics_id = ${icsId}::uuid AND meeting_id = ${meetingId}::uuid AND removed_at IS NULL`);
  await tx.execute(sql`UPDATE mdt_meeting SET status = 'held' WHERE ics_id = ${icsId}::uuid AND id = ${meetingId}::uuid AND status = 'scheduled'`);
}

/** Meetings of the same series from this one on: an invitation to the series covers them all. */
export async function seriesFrom(tx: Tx, icsId: string, meeting: MeetingRow): Promise<string[]> {
  const found = await rows<{ id: string }>(
    tx,
    sql`SELECT id FROM mdt_meeting WHERE ics_id = ${icsId}::uuid AND series_id = ${meeting.series_id}::uuid AND starts_at >= ${meeting.starts_at}::timestamptz AND status = 'scheduled' ORDER BY starts_at`,
  );
  return found.map((f) => f.id);
}

const CASE = sql`SELECT c.id, c.meeting_id, c.child_id, c.source, c.question, c.brought_by, p.name AS brought_by_name, c.position, c.status, c.discussion,
    c.decisions, c.themes, c.letter, c.letter_sent_at, c.version
  FROM mdt_case c JOIN professional p ON p.ics_id = c.ics_id AND p.id = c.brought_by`;

export function cases(tx: Tx, icsId: string, meetingId: string): Promise<CaseRow[]> {
  return rows<CaseRow>(tx, sql`${CASE} WHERE c.ics_id = ${icsId}::uuid AND c.meeting_id = ${meetingId}::uuid AND c.status <> 'withdrawn' ORDER BY c.position, c.id`);
}

export async function caseById(tx: Tx, icsId: string, id: string): Promise<CaseRow | undefined> {
  const [found] = await rows<CaseRow>(tx, sql`${CASE} WHERE c.ics_id = ${icsId}::uuid AND c.id = ${id}::uuid`);
  return found;
}

/** Adds a case at the end of the meeting's list; the caller holds the meeting's lock (lockMeeting), so the position read first stays free. */
export async function insertCase(tx: Tx, actor: Actor, id: string, meetingId: string, c: { childId: string; question: string; source: CaseSource }): Promise<void> {
  // Read in a statement of its own: Citus refuses a subquery among an INSERT's values (decision 0029).
  const [{ next }] = await rows<{ next: number }>(tx, sql`SELECT coalesce(max(position), 0)::int + 1 AS next FROM mdt_case
    WHERE ics_id = ${actor.icsId}::uuid AND meeting_id = ${meetingId}::uuid`);
  await tx.execute(sql`INSERT INTO mdt_case (ics_id, id, meeting_id, child_id, source, question, brought_by, position, status, version)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${meetingId}::uuid, ${c.childId}::uuid, ${c.source}, ${c.question}, ${actor.professionalId}::uuid, ${next}, 'listed', 1)`);
}

/** Locks the meeting row so that two cases added at once cannot both take its last place. */
export async function lockMeeting(tx: Tx, icsId: string, meetingId: string): Promise<void> {
  await tx.execute(sql`SELECT 1 FROM mdt_meeting WHERE ics_id = ${icsId}::uuid AND id = ${meetingId}::uuid FOR UPDATE`);
}

export async function saveOutcome(tx: Tx, icsId: string, caseId: string, version: number, o: { discussion: string; decisions: string; themes: string[]; letter: string }): Promise<boolean> {
  const done = await rows(
    tx,
    sql`UPDATE mdt_case SET status = 'discussed', discussion = ${o.discussion}, decisions = ${o.decisions}, themes = ${sql.param(o.themes)}::text[],
           letter = ${o.letter}, letter_sent_at = now(), version = version + 1
         WHERE ics_id = ${icsId}::uuid AND id = ${caseId}::uuid AND version = ${version} RETURNING 1`,
  );
  return done.length === 1;
}

export function themeCounts(tx: Tx, actor: Actor, since: string) {
  return rows<{ theme: string; cases: number; hubs: string }>(
    tx,
    sql`SELECT t.theme, count(*)::int AS cases, string_agg(DISTINCT cl.name, ', ') AS hubs
          FROM mdt_case c CROSS JOIN LATERAL unnest(c.themes) AS t(theme)
          JOIN mdt_meeting m ON m.ics_id = c.ics_id AND m.id = c.meeting_id
          JOIN cluster cl ON cl.ics_id = m.ics_id AND cl.id = m.cluster_id
         WHERE c.ics_id = ${actor.icsId}::uuid AND c.status = 'discussed' AND m.starts_at >= ${since}::date
           AND (cl.lead_paediatrician_id = ${actor.professionalId}::uuid OR m.chair_id = ${actor.professionalId}::uuid
                OR EXISTS (SELECT 1 FROM mdt_member b WHERE b.ics_id = m.ics_id AND b.meeting_id = m.id AND b.professional_id = ${actor.professionalId}::uuid AND b.removed_at IS NULL))
         GROUP BY t.theme ORDER BY count(*) DESC, t.theme`,
  );
}

export type CaseTeamRow = { case_id: string; child_id: string; meeting_id: string; title: string; cluster_name: string; starts_at: string; status: string; members: { id: string; name: string; organisation_id: string; organisation_name: string; chair: boolean }[] };

/** Each MDT case of a child (or one case) with the meeting's current members: what the FHIR CareTeam shows. */
/** `childIds`: every child of a Bulk Data export's chunk, their doors opened by the caller. */
export function caseTeams(tx: Tx, icsId: string, where: { childId?: string; caseId?: string; childIds?: readonly string[] }) {
  return rows<CaseTeamRow>(
    tx,
    sql`SELECT c.id AS case_id, c.child_id, m.id AS meeting_id, m.title, cl.name AS cluster_name, m.starts_at, c.status,
          (SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'name', p.name, 'organisation_id', o.id, 'organisation_name', o.name, 'chair', p.id = m.chair_id) ORDER BY p.name), '[]'::jsonb)
             FROM mdt_member b JOIN professional p ON p.ics_id = b.ics_id AND p.id = b.professional_id
             JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
            WHERE b.ics_id = m.ics_id AND b.meeting_id = m.id AND b.removed_at IS NULL) AS members
          FROM mdt_case c JOIN mdt_meeting m ON m.ics_id = c.ics_id AND m.id = c.meeting_id
          JOIN cluster cl ON cl.ics_id = m.ics_id AND cl.id = m.cluster_id
         WHERE c.ics_id = ${icsId}::uuid AND c.status <> 'withdrawn' AND m.status <> 'cancelled'
           ${where.childId ? sql`AND c.child_id = ${where.childId}::uuid` : sql``} ${where.caseId ? sql`AND c.id = ${where.caseId}::uuid` : sql``}
           ${where.childIds ? sql`AND c.child_id = ANY(${`{${where.childIds.join(',')}}`}::uuid[])` : sql``}
         ORDER BY m.starts_at DESC, c.id`,
  );
}

/**
 * The hub's next scheduled meeting after `now` with room on its case list
 * (withdrawn cases free their place), soonest first; undefined when there is none.
 */
export async function nextOpenMeeting(tx: Tx, icsId: string, clusterId: string, now: Date): Promise<{ id: string } | undefined> {
  const [found] = await rows<{ id: string }>(
    tx,
    sql`SELECT m.id FROM mdt_meeting m
         WHERE m.ics_id = ${icsId}::uuid AND m.cluster_id = ${clusterId}::uuid AND m.status = 'scheduled' AND m.starts_at > ${now.toISOString()}::timestamptz
           AND (SELECT count(*) FROM mdt_case c WHERE c.ics_id = m.ics_id AND c.meeting_id = m.id AND c.status <> 'withdrawn') < m.max_cases
         ORDER BY m.starts_at, m.id LIMIT 1`,
  );
  return found;
}
