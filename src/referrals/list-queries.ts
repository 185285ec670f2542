import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { ReferralKind, Urgency } from './schema.js';
import type { ReferralState } from './state-machine.js';
import { eachWordMatches } from '../platform/http/list-search.js';
import { childMatchesSql } from '../children/service.js';

export type ListedReferral = {
  id: string; child_id: string; kind: ReferralKind; urgency: Urgency; state: ReferralState; due_on: string; created_at: string; reason: string;
  referrer_name: string; practice_name: string; cluster_name: string; holder_name: string; total: number;
};

/**
 * A page of referrals: the ids are chosen and counted from the referral table
 * alone, and only that page's rows are joined to the names they show.
 */
const listed = (tx: Tx, icsId: string, where: SQL, order: SQL, page: Page) =>
  rows<ListedReferral>(
    tx,
    sql`WITH chosen AS (SELECT r.id, count(*) OVER ()::int AS total FROM referral r WHERE r.ics_id = ${icsId}::uuid AND ${where} ORDER BY ${order} LIMIT ${page.limit} OFFSET ${page.offset})
        SELECT r.id, r.child_id, r.kind, r.urgency, r.state, r.due_on, r.created_at, r.reason,
               rp.name AS referrer_name, o.name AS practice_name, cl.name AS cluster_name, dm.name AS holder_name, chosen.total
          FROM chosen JOIN referral r ON r.ics_id = ${icsId}::uuid AND r.id = chosen.id
          JOIN professional rp ON rp.ics_id = r.ics_id AND rp.id = r.referrer_id
          JOIN organisation o ON o.ics_id = r.ics_id AND o.id = r.referring_practice_id
          JOIN cluster cl ON cl.ics_id = r.ics_id AND cl.id = r.cluster_id
          JOIN professional dm ON dm.ics_id = r.ics_id AND dm.id = r.decision_maker_id
         ORDER BY ${order}`,
  );

const URGENT_FIRST = sql`CASE r.urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END`;

export type Page = { limit: number; offset: number };

/** What the actor sent, newest first (referral_referrer_idx). */
export const sentBy = (tx: Tx, actor: Actor, page: Page) =>
  listed(tx, actor.icsId, sql`r.referrer_id = ${actor.professionalId}::uuid`, sql`r.created_at DESC, r.id`, page);

/**
 * Referrals in a state that the actor triages: theirs to decide, or in a hub
 * they lead or cover today. Decided in SQL so the page and its total count
 * only these; a union rather than OR, so each side reads its own index
 * (referral_decision_maker_idx, referral_cluster_state_idx).
 */
function triagedBy(actor: Actor, today: string, state: ReferralState) {
  return sql`r.id IN (SELECT x.id FROM referral x WHERE x.ics_id = ${actor.icsId}::uuid AND x.state = ${state} AND x.decision_maker_id = ${actor.professionalId}::uuid
    UNION SELECT x.id FROM referral x WHERE x.ics_id = ${actor.icsId}::uuid AND x.state = ${state}
      AND x.cluster_id IN (SELECT l.id FROM cluster l WHERE l.ics_id = ${actor.icsId}::uuid AND l.lead_paediatrician_id = ${actor.professionalId}::uuid
                           UNION SELECT tc.cluster_id FROM triage_cover tc WHERE tc.ics_id = ${actor.icsId}::uuid AND tc.cover_id = ${actor.professionalId}::uuid AND ${today}::date BETWEEN tc.starts_on AND tc.ends_on))`;
}

/** A search of a referral list: every word in the reason, or the child's name or NHS number. */
export const referralsMatching = (icsId: string, words: string): SQL => eachWordMatches(words, [sql`r.reason`], (w) => childMatchesSql(icsId, sql`r.child_id`, w));

/** Waiting for triage: urgent before soon before routine, then the longest waiting first; only those matching a search, when there is one. */
export const awaitingTriage = (tx: Tx, actor: Actor, today: string, page: Page, words?: string) =>
  listed(tx, actor.icsId, words ? sql`${triagedBy(actor, today, 'awaiting-triage')} AND ${referralsMatching(actor.icsId, words)}` : triagedBy(actor, today, 'awaiting-triage'),
    sql`${URGENT_FIRST}, r.created_at, r.id`, page);

/** Advice already given and now with the GP (to convert or close): nothing waits on the paediatrician. */
export const adviceGiven = (tx: Tx, actor: Actor, today: string, page: Page) =>
  listed(tx, actor.icsId, triagedBy(actor, today, 'advice-given'), sql`r.updated_at DESC, r.id`, page);

/** Past due and still unanswered, in the hubs the actor leads: the most overdue first. */
export const lateInHubsLedBy = (tx: Tx, actor: Actor, today: string, page: Page) =>
  listed(
    tx, actor.icsId,
    sql`r.state = 'awaiting-triage' AND r.due_on < ${today}::date
        AND r.cluster_id IN (SELECT l.id FROM cluster l WHERE l.ics_id = ${actor.icsId}::uuid AND l.lead_paediatrician_id = ${actor.professionalId}::uuid)`,
    sql`r.due_on, ${URGENT_FIRST}, r.created_at, r.id`, page,
  );
