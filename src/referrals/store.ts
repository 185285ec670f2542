import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { ReferralKind, Urgency } from './schema.js';
import type { ReferralState } from './state-machine.js';

export type Route = { practice_id: string; cluster_id: string; cluster_name: string; lead_id: string | null; cover_id: string | null };

/**
 * Where a child's referral goes: their registered practice's hub, and who
 * decides for it today (the cover on the rota, else the hub's lead).
 */
export async function routeOf(tx: Tx, childId: string, today: string): Promise<Route | undefined> {
  const [found] = await rows<Route>(
    tx,
    sql`SELECT c.registered_practice_id AS practice_id, cl.id AS cluster_id, cl.name AS cluster_name, cl.lead_paediatrician_id AS lead_id,
               (SELECT tc.cover_id FROM triage_cover tc WHERE tc.cluster_id = cl.id AND ${today}::date BETWEEN tc.starts_on AND tc.ends_on
                 ORDER BY tc.created_at DESC LIMIT 1) AS cover_id
          FROM child c JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
          JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
         WHERE c.id = ${childId}::uuid`,
  );
  return found;
}

export type ReferralRow = {
  id: string; child_id: string; kind: ReferralKind; referrer_id: string; referring_practice_id: string; cluster_id: string; lead_id: string | null;
  decision_maker_id: string; urgency: Urgency; reason: string; question: string; tried: string; state: ReferralState; version: number; due_on: string;
};

export async function referralById(tx: Tx, id: string): Promise<ReferralRow | undefined> {
  const [found] = await rows<ReferralRow>(
    tx,
    sql`SELECT r.id, r.child_id, r.kind, r.referrer_id, r.referring_practice_id, r.cluster_id, cl.lead_paediatrician_id AS lead_id, r.decision_maker_id,
               r.urgency, r.reason, r.question, r.tried, r.state, r.version, r.due_on
          FROM referral r JOIN cluster cl ON cl.ics_id = r.ics_id AND cl.id = r.cluster_id WHERE r.id = ${id}::uuid`,
  );
  return found;
}

export async function insertReferral(tx: Tx, actor: Actor, r: Omit<ReferralRow, 'lead_id' | 'version' | 'state'> & { state: ReferralState }): Promise<void> {
  await tx.execute(sql`INSERT INTO referral (ics_id, id, child_id, kind, referrer_id, referring_practice_id, cluster_id, decision_maker_id, urgency, reason, question, tried, state, due_on, version)
    VALUES (${actor.icsId}::uuid, ${r.id}::uuid, ${r.child_id}::uuid, ${r.kind}, ${r.referrer_id}::uuid, ${r.referring_practice_id}::uuid, ${r.cluster_id}::uuid,
            ${r.decision_maker_id}::uuid, ${r.urgency}, ${r.reason}, ${r.question}, ${r.tried}, ${r.state}, ${r.due_on}::date, 1)`);
}

/** Moves the referral if it is still at the version the decision was made on: false when someone else moved it first. */
export async function moveTo(tx: Tx, id: string, version: number, to: ReferralState, outcome: { notes?: string; service?: string }): Promise<boolean> {
  const moved = await rows(
    tx,
    sql`UPDATE referral SET state = ${to}, version = version + 1, updated_at = now(),
           outcome_notes = coalesce(${outcome.notes ?? null}, outcome_notes), referred_on_service = coalesce(${outcome.service ?? null}, referred_on_service)
         WHERE id = ${id}::uuid AND version = ${version} RETURNING id`,
  );
  return moved.length === 1;
}

export async function addEvent(tx: Tx, actor: Actor, id: string, referralId: string, from: ReferralState | null, to: ReferralState, note: string | null): Promise<void> {
  await tx.execute(sql`INSERT INTO referral_event (ics_id, id, referral_id, from_state, to_state, note, changed_by, changed_by_name, changed_at)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${referralId}::uuid, ${from}, ${to}, ${note}, ${actor.professionalId}::uuid, ${actor.name}, clock_timestamp())`);
}

/** Whether the actor covers the hub's triage today. */
export async function coversToday(tx: Tx, actor: Actor, clusterId: string, today: string): Promise<boolean> {
  const found = await rows(
    tx,
    sql`SELECT 1 FROM triage_cover WHERE cluster_id = ${clusterId}::uuid AND cover_id = ${actor.professionalId}::uuid AND ${today}::date BETWEEN starts_on AND ends_on`,
  );
  return found.length > 0;
}
