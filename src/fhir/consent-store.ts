import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { uuidArray } from './store.js';

/**
 * Consent decisions and Friends and Family Test answers as FHIR serves them
 * (read only): the consent history of a child, and answers, which name no child.
 */

export type ConsentDecisionRow = {
  id: string; child_id: string; scope: string; decision: 'given' | 'refused' | 'withdrawn'; decided_at: string; given_by: string;
  given_by_name: string | null; recorded_by: string | null; recorded_by_name: string | null;
};

/**
 * By id, by child, or for many children at once (a Bulk Data export's chunk,
 * each door opened by the caller); always of the reader's ICS, named as a value.
 */
export function consentDecisions(tx: Tx, icsId: string, where: { childId: string } | { id: string } | { childIds: readonly string[] }): Promise<ConsentDecisionRow[]> {
  const which = 'childIds' in where ? sql`r.child_id = ANY(${uuidArray(where.childIds)})` : 'id' in where ? sql`r.id = ${where.id}::uuid` : sql`r.child_id = ${where.childId}::uuid`;
  return rows<ConsentDecisionRow>(tx, sql`SELECT r.id, r.child_id, r.scope, r.decision, r.decided_at, r.given_by,
      CASE WHEN rp.id IS NULL THEN NULL ELSE rp.given_name || ' ' || rp.family_name END AS given_by_name, r.recorded_by, pr.name AS recorded_by_name
    FROM consent_record r
    LEFT JOIN related_person rp ON rp.ics_id = r.ics_id AND rp.id = r.given_by_related_person_id
    LEFT JOIN professional pr ON pr.ics_id = r.ics_id AND pr.id = r.recorded_by
    WHERE r.ics_id = ${icsId}::uuid AND ${which} AND r.scope LIKE 'share-with-%'
    ORDER BY r.decided_at, r.recorded_at, r.id`);
}

export type FeedbackAnswerRow = {
  id: string; cluster_name: string; service_kind: string; event_date: string; answer: string; free_text: string; anonymous: boolean; answered_at: string;
};

export function feedbackAnswers(tx: Tx, icsId: string, where: { id?: string; from?: string }, limit: number, offset: number): Promise<FeedbackAnswerRow[]> {
  return rows<FeedbackAnswerRow>(tx, sql`SELECT r.id, cl.name AS cluster_name, r.service_kind, to_char(r.event_date, 'YYYY-MM-DD') AS event_date, r.answer,
      r.free_text, r.anonymous, r.answered_at
    FROM feedback_response r JOIN cluster cl ON cl.ics_id = r.ics_id AND cl.id = r.cluster_id
    WHERE r.ics_id = ${icsId}::uuid ${where.id ? sql`AND r.id = ${where.id}::uuid` : sql``} ${where.from ? sql`AND r.answered_at >= ${where.from}::date` : sql``}
    ORDER BY r.answered_at, r.id LIMIT ${limit} OFFSET ${offset}`);
}

export async function feedbackAnswerCount(tx: Tx, icsId: string, from?: string): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM feedback_response WHERE ics_id = ${icsId}::uuid ${from ? sql`AND answered_at >= ${from}::date` : sql``}`);
  return n;
}
