import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import { recordedWhileFrozen } from '../platform/access/freeze.js';
import type { FftAnswer, FeedbackService } from './index.js';

export type FeedbackEvent = { serviceKind: FeedbackService; sourceId: string; clusterId: string; eventDate: string };

/** Keeps the link for one event (its token's hash); false if the event already has one. */
export async function insertLink(tx: Tx, access: ChildAccess, id: string, tokenHash: string, e: FeedbackEvent, days: number): Promise<boolean> {
  const { actor, childId } = checkedAccess(tx, access);
  const added = await rows(tx, sql`INSERT INTO feedback_link (ics_id, id, token_hash, child_id, cluster_id, service_kind, source_id, event_date, expires_at, created_by)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${tokenHash}, ${childId}::uuid, ${e.clusterId}::uuid, ${e.serviceKind}, ${e.sourceId}::uuid, ${e.eventDate}::date,
      now() + make_interval(days => ${days}), ${actor.professionalId}::uuid)
    ON CONFLICT (ics_id, service_kind, source_id) DO NOTHING RETURNING id`);
  return added.length === 1;
}

/** Points an event's unused link at a new token's hash, open for a full term again; false when there is none or it was used. */
export async function rekeyLink(tx: Tx, access: ChildAccess, serviceKind: FeedbackService, sourceId: string, tokenHash: string, days: number): Promise<string | null> {
  const { actor, childId } = checkedAccess(tx, access);
  const [link] = await rows<{ id: string }>(tx, sql`UPDATE feedback_link SET token_hash = ${tokenHash}, expires_at = now() + make_interval(days => ${days})
    WHERE ics_id = ${actor.icsId}::uuid AND service_kind = ${serviceKind} AND source_id = ${sourceId}::uuid AND child_id = ${childId}::uuid AND used_at IS NULL
    RETURNING id`);
  return link?.id ?? null;
}

/** The hub of the child's registered practice, or null for a child in no hub. */
export async function childsHub(tx: Tx, access: ChildAccess): Promise<string | null> {
  const { actor, childId } = checkedAccess(tx, access);
  const [row] = await rows<{ cluster_id: string }>(tx, sql`SELECT cp.cluster_id FROM child c
    JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
    WHERE c.ics_id = ${actor.icsId}::uuid AND c.id = ${childId}::uuid ORDER BY cp.cluster_id LIMIT 1`);
  return row?.cluster_id ?? null;
}

export type OpenLink = LinkRow & { source_id: string };

/** The child's links still open for an answer, newest event first; never one made while the record was frozen. */
export function openLinksOfChild(tx: Tx, access: ChildAccess): Promise<OpenLink[]> {
  const { actor, childId } = checkedAccess(tx, access);
  const child = sql`${childId}::uuid`;
  return rows<OpenLink>(tx, sql`SELECT l.id, l.cluster_id, l.service_kind, l.source_id, to_char(l.event_date, 'YYYY-MM-DD') AS event_date, false AS expired, false AS used
    FROM feedback_link l WHERE l.ics_id = ${actor.icsId}::uuid AND l.child_id = ${child} AND l.used_at IS NULL AND l.expires_at > now()
      AND NOT ${recordedWhileFrozen('l', child, sql`l.created_at`)}
    ORDER BY l.event_date DESC, l.id LIMIT 20`);
}

export type LinkRow = { id: string; cluster_id: string; service_kind: FeedbackService; event_date: string; expired: boolean; used: boolean };

/** The link behind a token's hash, in the current ICS: no child, only what the feedback page may say. */
export async function linkByHash(tx: Tx, icsId: string, tokenHash: string): Promise<LinkRow | undefined> {
  const [link] = await rows<LinkRow>(tx, sql`SELECT id, cluster_id, service_kind, to_char(event_date, 'YYYY-MM-DD') AS event_date,
      expires_at <= now() AS expired, used_at IS NOT NULL AS used FROM feedback_link WHERE ics_id = ${icsId}::uuid AND token_hash = ${tokenHash}`);
  return link;
}

/** Uses the link up, if it is still open; false when someone answered first or it expired meanwhile. */
export async function useLink(tx: Tx, icsId: string, id: string): Promise<boolean> {
  const used = await rows(tx, sql`UPDATE feedback_link SET used_at = now() WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid AND used_at IS NULL AND expires_at > now() RETURNING id`);
  return used.length === 1;
}

export type NewResponse = { id: string; link: LinkRow; answer: FftAnswer; freeText: string; anonymous: boolean };

export async function insertResponse(tx: Tx, icsId: string, r: NewResponse): Promise<void> {
  await tx.execute(sql`INSERT INTO feedback_response (ics_id, id, cluster_id, service_kind, event_date, answer, free_text, anonymous, link_id)
    VALUES (${icsId}::uuid, ${r.id}::uuid, ${r.link.cluster_id}::uuid, ${r.link.service_kind}, ${r.link.event_date}::date, ${r.answer}, ${r.freeText},
      ${r.anonymous}, ${r.anonymous ? null : r.link.id}::uuid)`);
}

export type MonthCounts = { cluster_id: string; cluster_name: string; service_kind: FeedbackService; month: string; recommending: number; answered: number };

/**
 * Per hub, service and month of the event: answers that recommend (very good
 * or good) and all answers that gave a view ("don't know" counts in neither).
 */
export function monthlyCounts(tx: Tx, icsId: string, from: string, to: string): Promise<MonthCounts[]> {
  return rows<MonthCounts>(tx, sql`SELECT r.cluster_id, cl.name AS cluster_name, r.service_kind, to_char(date_trunc('month', r.event_date), 'YYYY-MM') AS month,
      count(*) FILTER (WHERE r.answer IN ('very-good', 'good'))::int AS recommending, count(*) FILTER (WHERE r.answer <> 'dont-know')::int AS answered
    FROM feedback_response r JOIN cluster cl ON cl.ics_id = r.ics_id AND cl.id = r.cluster_id
    WHERE r.ics_id = ${icsId}::uuid AND r.event_date >= ${from}::date AND r.event_date < ${to}::date
    GROUP BY 1, 2, 3, 4 ORDER BY 2, 3, 4`);
}

export type Comment = { service_kind: FeedbackService; event_date: string; answer: FftAnswer; free_text: string; answered_at: string };

/** What families wrote about one hub, newest first. No child: the text as written, with the service and date. */
export function commentsFor(tx: Tx, icsId: string, clusterId: string, limit: number): Promise<Comment[]> {
  return rows<Comment>(tx, sql`SELECT service_kind, to_char(event_date, 'YYYY-MM-DD') AS event_date, answer, free_text, answered_at FROM feedback_response
    WHERE ics_id = ${icsId}::uuid AND cluster_id = ${clusterId}::uuid AND free_text <> '' ORDER BY event_date DESC, answered_at DESC LIMIT ${limit}`);
}

export function clusters(tx: Tx, icsId: string): Promise<{ id: string; name: string; lead_paediatrician_id: string | null }[]> {
  return rows(tx, sql`SELECT id, name, lead_paediatrician_id FROM cluster WHERE ics_id = ${icsId}::uuid ORDER BY name, id`);
}
