import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { readDateParts, type DateParts } from '../platform/time/form-dates.js';
import { THEMES } from '../mdt/index.js';
import { hubsSeen, mayRecordFor } from './hubs-seen.js';
import { modelsPolicy } from './policy.js';

/**
 * Hub teaching sessions: the education a hub gives its practices, by date,
 * topic (one of the themes MDT discussions are filed under, or another) and
 * the practices that came. The education standard counts them.
 */

export const TEACHING_FIELDS = ['hub', 'heldOn', 'topic', 'practices'] as const;
export type TeachingForm = { hub: string; heldOn: DateParts; topic: string; otherTopic: string; practices: string[] };
export type TeachingSession = { id: string; hubId: string; hub: string; heldOn: string; topic: string; practices: string[]; recordedBy: string };
export type Practice = { id: string; name: string; hubId: string };

export const practicesOfHubs = (tx: Tx, icsId: string) => rows<Practice>(tx, sql`
  SELECT o.id::text, o.name, cp.cluster_id::text AS "hubId"
    FROM cluster_practice cp JOIN organisation o ON o.ics_id = cp.ics_id AND o.id = cp.practice_id
   WHERE cp.ics_id = ${icsId} ORDER BY o.name, o.id`);

/** Sessions in the hubs the actor sees, newest first. */
export async function teachingSessions(tx: Tx, actor: Actor): Promise<{ sessions: TeachingSession[]; hubs: { id: string; name: string }[]; practices: Practice[]; canRecord: string[] }> {
  const seen = await hubsSeen(tx, actor);
  const ids = seen.hubs.map((h) => h.id);
  const found = await rows<TeachingSession>(tx, sql`
    SELECT s.id::text, s.cluster_id::text AS "hubId", c.name AS hub, s.held_on::text AS "heldOn", s.topic, s.recorded_by_name AS "recordedBy",
           coalesce(array_agg(o.name ORDER BY o.name) FILTER (WHERE o.id IS NOT NULL), '{}') AS practices
      FROM hub_teaching_session s
      JOIN cluster c ON c.ics_id = s.ics_id AND c.id = s.cluster_id
      LEFT JOIN hub_teaching_practice tp ON tp.ics_id = s.ics_id AND tp.session_id = s.id
      LEFT JOIN organisation o ON o.ics_id = tp.ics_id AND o.id = tp.practice_id
     WHERE s.ics_id = ${actor.icsId}
     GROUP BY s.id, s.cluster_id, c.name, s.held_on, s.topic, s.recorded_by_name
     ORDER BY s.held_on DESC, c.name`);
  const practices = (await practicesOfHubs(tx, actor.icsId)).filter((p) => ids.includes(p.hubId));
  return { sessions: found.filter((s) => ids.includes(s.hubId)), hubs: seen.hubs, practices, canRecord: ids.filter((id) => modelsPolicy.recordForHub(actor, id, seen.led).allowed) };
}

const topicShape = z.string().trim().max(80, 'The topic must be 80 characters or fewer');

/**
 * Records a session. Each problem is named against its field and nothing is
 * saved; a practice that is not the hub's is refused, not dropped.
 */
export async function recordTeaching(tx: Tx, actor: Actor, form: TeachingForm, today: string): Promise<{ fields: FieldErrors } | { id: string }> {
  const seen = await hubsSeen(tx, actor);
  const fields: FieldErrors = {};
  const hub = seen.hubs.find((h) => h.id === form.hub);
  if (!hub) fields.hub = 'Select the hub that gave the session';
  const held = readDateParts(form.heldOn, 'The date of the session');
  if (held.error) fields.heldOn = held.error;
  else if (!held.iso) fields.heldOn = 'Enter the date of the session';
  else if (held.iso > today) fields.heldOn = 'The date of the session must be today or in the past';
  const topic = form.topic === 'other' ? topicShape.safeParse(form.otherTopic) : { success: true as const, data: form.topic };
  if (!topic.success) fields.topic = topic.error.issues[0].message;
  else if (!topic.data || (form.topic !== 'other' && !(THEMES as readonly string[]).includes(topic.data))) fields.topic = 'Select the topic, or choose another and type it';
  const practices = await practicesOfHubs(tx, actor.icsId);
  if (form.practices.length === 0) fields.practices = 'Select the practices that came';
  else if (hub && form.practices.some((id) => !practices.some((p) => p.id === id && p.hubId === hub.id))) fields.practices = 'Select only practices in this hub';
  if (Object.keys(fields).length || !hub || !held.iso || !topic.success) return { fields };
  const why = mayRecordFor(actor, hub.id, seen.led);
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO hub_teaching_session (ics_id, id, cluster_id, held_on, topic, recorded_by, recorded_by_name)
                       VALUES (${actor.icsId}::uuid, ${id}::uuid, ${hub.id}::uuid, ${held.iso}::date, ${topic.data}, ${actor.professionalId}::uuid, ${actor.name})`);
  const chosen = [...new Set(form.practices)];
  // Rows as VALUES: Citus takes rows from a function (unnest) as a COPY, which it refuses under row-level security.
  await tx.execute(sql`INSERT INTO hub_teaching_practice (ics_id, session_id, practice_id)
                       VALUES ${sql.join(chosen.map((p) => sql`(${actor.icsId}::uuid, ${id}::uuid, ${p}::uuid)`), sql`, `)}`);
  await recordAudit(tx, actor, { action: 'models.teaching-recorded', what: `Teaching session on ${topic.data} recorded for ${hub.name}`, why, details: { hub: hub.id, heldOn: held.iso, practices: chosen.length } });
  return { id };
}
