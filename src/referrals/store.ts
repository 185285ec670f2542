import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { visibleToSql } from '../record/service.js';
import type { SensitiveCategory } from '../record/index.js';
import type { ReferralKind, Urgency } from './schema.js';
import type { ReferralState } from './state-machine.js';

export type Route = {
  practice_id: string; cluster_id: string; cluster_name: string; lead_id: string | null; cover_id: string | null; triage_working_days: number; advice_working_days: number;
};

/**
 * Where a child's referral goes: their registered practice's hub, and who
 * decides for it today (the cover on the rota, else the hub's lead).
 */
export async function routeOf(tx: Tx, icsId: string, childId: string, today: string): Promise<Route | undefined> {
  const [found] = await rows<Route>(
    tx,
    sql`SELECT c.registered_practice_id AS practice_id, cl.id AS cluster_id, cl.name AS cluster_name, cl.lead_paediatrician_id AS lead_id,
               cl.triage_working_days, cl.advice_working_days,
               (SELECT tc.cover_id FROM triage_cover tc WHERE tc.ics_id = cl.ics_id AND tc.cluster_id = cl.id AND ${today}::date BETWEEN tc.starts_on AND tc.ends_on
                 ORDER BY tc.created_at DESC LIMIT 1) AS cover_id
          FROM child c JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
          JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
         WHERE c.ics_id = ${icsId}::uuid AND c.id = ${childId}::uuid`,
  );
  return found;
}

export type ReferralRow = {
  id: string; child_id: string; kind: ReferralKind; referrer_id: string; referring_practice_id: string; cluster_id: string; lead_id: string | null;
  decision_maker_id: string; urgency: Urgency; reason: string; question: string; tried: string; state: ReferralState; version: number; due_on: string;
  /** When an advice request became a referral, if it did. */
  converted_at?: string | Date | null;
  /** Its hub's triage promise, in working days. */
  triage_working_days: number;
  /** The MDT case a "discuss at the hub MDT" decision brought, if any. */
  mdt_case_id?: string | null;
};

export async function referralById(tx: Tx, icsId: string, id: string): Promise<ReferralRow | undefined> {
  const [found] = await rows<ReferralRow>(
    tx,
    sql`SELECT r.id, r.child_id, r.kind, r.referrer_id, r.referring_practice_id, r.cluster_id, cl.lead_paediatrician_id AS lead_id, r.decision_maker_id,
               r.urgency, r.reason, r.question, r.tried, r.state, r.version, r.due_on, r.converted_at, cl.triage_working_days, r.mdt_case_id
          FROM referral r JOIN cluster cl ON cl.ics_id = r.ics_id AND cl.id = r.cluster_id WHERE r.ics_id = ${icsId}::uuid AND r.id = ${id}::uuid`,
  );
  return found;
}

export async function insertReferral(tx: Tx, actor: Actor, r: Omit<ReferralRow, 'lead_id' | 'version' | 'state' | 'triage_working_days'> & { state: ReferralState }): Promise<void> {
  await tx.execute(sql`INSERT INTO referral (ics_id, id, child_id, kind, referrer_id, referring_practice_id, cluster_id, decision_maker_id, urgency, reason, question, tried, state, due_on, version)
    VALUES (${actor.icsId}::uuid, ${r.id}::uuid, ${r.child_id}::uuid, ${r.kind}, ${r.referrer_id}::uuid, ${r.referring_practice_id}::uuid, ${r.cluster_id}::uuid,
            ${r.decision_maker_id}::uuid, ${r.urgency}, ${r.reason}, ${r.question}, ${r.tried}, ${r.state}, ${r.due_on}::date, 1)`);
}

/** What a move changes besides the state: the outcome, the first triage decision, where the child was seen, a conversion. */
export type MoveEffects = {
  notes?: string; service?: string; triaged?: boolean; seenIn?: 'community' | 'hospital'; seen?: boolean;
  convertTo?: { kind: ReferralKind; dueOn: string };
};

/** Moves the referral if it is still at the version the decision was made on: false when someone else moved it first. */
export async function moveTo(tx: Tx, icsId: string, id: string, version: number, to: ReferralState, e: MoveEffects, at = new Date()): Promise<boolean> {
  // The move's time as a value: Citus refuses now() inside CASE or COALESCE in an UPDATE of a distributed table (decision 0029).
  const now = sql`${at.toISOString()}::timestamptz`;
  const moved = await rows(
    tx,
    sql`UPDATE referral SET state = ${to}, version = version + 1, updated_at = now(),
           outcome_notes = coalesce(${e.notes ?? null}, outcome_notes), referred_on_service = coalesce(${e.service ?? null}, referred_on_service),
           triaged_at = CASE WHEN ${e.triaged ?? false} THEN coalesce(triaged_at, ${now}) ELSE triaged_at END,
           triage_outcome = CASE WHEN ${e.triaged ?? false} THEN coalesce(triage_outcome, ${to}) ELSE triage_outcome END,
           first_seen_at = CASE WHEN ${e.seen ?? false} THEN coalesce(first_seen_at, ${now}) ELSE first_seen_at END,
           seen_in = coalesce(seen_in, ${e.seenIn ?? null}),
           kind = coalesce(${e.convertTo?.kind ?? null}, kind),
           due_on = coalesce(${e.convertTo?.dueOn ?? null}::date, due_on),
           converted_at = CASE WHEN ${e.convertTo ? true : false} THEN ${now} ELSE converted_at END
         WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid AND version = ${version} RETURNING id`,
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
    sql`SELECT 1 FROM triage_cover WHERE ics_id = ${actor.icsId}::uuid AND cluster_id = ${clusterId}::uuid AND cover_id = ${actor.professionalId}::uuid AND ${today}::date BETWEEN starts_on AND ends_on`,
  );
  return found.length > 0;
}

/** Whether the actor runs the clinic the referral's child is booked into (or was seen in). */
export async function runsClinicFor(tx: Tx, actor: Actor, referralId: string): Promise<boolean> {
  const found = await rows(
    tx,
    sql`SELECT 1 FROM clinic_booking b JOIN clinic_slot s ON s.ics_id = b.ics_id AND s.id = b.slot_id
          JOIN clinic_session cs ON cs.ics_id = s.ics_id AND cs.id = s.session_id
         WHERE b.ics_id = ${actor.icsId}::uuid AND b.referral_id = ${referralId}::uuid AND b.state IN ('booked', 'seen') AND ${actor.professionalId}::uuid IN (cs.paediatrician_id, cs.gp_id)`,
  );
  return found.length > 0;
}

/** Who sent it, who holds it and which hub: names for the referral's page and letters. */
export type ReferralNames = { referrer_name: string; practice_name: string; cluster_name: string; decision_maker_name: string; created_at: string;
  /** When it was first triaged: until then nobody has decided it. */
  triaged_at: string | null; outcome_notes: string | null; referred_on_service: string | null };

export async function namesOf(tx: Tx, icsId: string, id: string): Promise<ReferralNames> {
  const [found] = await rows<ReferralNames>(
    tx,
    sql`SELECT rp.name AS referrer_name, o.name AS practice_name, cl.name AS cluster_name, dm.name AS decision_maker_name, r.created_at, r.triaged_at, r.outcome_notes, r.referred_on_service
          FROM referral r JOIN professional rp ON rp.ics_id = r.ics_id AND rp.id = r.referrer_id
          JOIN organisation o ON o.ics_id = r.ics_id AND o.id = r.referring_practice_id
          JOIN cluster cl ON cl.ics_id = r.ics_id AND cl.id = r.cluster_id
          JOIN professional dm ON dm.ics_id = r.ics_id AND dm.id = r.decision_maker_id
         WHERE r.ics_id = ${icsId}::uuid AND r.id = ${id}::uuid`,
  );
  return found;
}

export type EventRow = { from_state: ReferralState | null; to_state: ReferralState; note: string | null; changed_by_name: string; changed_at: string };

export function eventsOf(tx: Tx, icsId: string, referralId: string): Promise<EventRow[]> {
  return rows<EventRow>(
    tx,
    sql`SELECT from_state, to_state, note, changed_by_name, changed_at FROM referral_event WHERE ics_id = ${icsId}::uuid AND referral_id = ${referralId}::uuid ORDER BY changed_at, id`,
  );
}

/**
 * Record entries the referrer attached are kept as rows of the referral's
 * message table with this author role: a copy of the entry as it was when
 * sent (the record may change later), needing no new table. A copy keeps
 * the entry's sensitive category and recording team, so it is seen under
 * the record's own rules. The thread itself leaves them out.
 */
const ATTACHMENT = 'record-extract';

/** SQL predicate on referral_message (aliased `m`, or unaliased): a message of the thread, not an attached record extract. */
export const threadMessage = (alias = '') => sql`${sql.raw(alias ? `${alias}.` : '')}author_role <> ${ATTACHMENT}`;

export type MessageRow = { id: string; author_id: string; author_name: string; author_role: string; body: string; sent_at: string };

/** The thread's messages, oldest first (record extracts are read with extractsOf). */
export function messagesOf(tx: Tx, icsId: string, referralId: string): Promise<MessageRow[]> {
  return rows<MessageRow>(
    tx,
    sql`SELECT id, author_id, author_name, author_role, body, sent_at FROM referral_message WHERE ics_id = ${icsId}::uuid AND referral_id = ${referralId}::uuid AND ${threadMessage()} ORDER BY sent_at, id`,
  );
}

export async function addMessage(tx: Tx, actor: Actor, referralId: string, body: string): Promise<void> {
  await tx.execute(sql`INSERT INTO referral_message (ics_id, id, referral_id, author_id, author_name, author_role, body, sent_at)
    VALUES (${actor.icsId}::uuid, gen_random_uuid(), ${referralId}::uuid, ${actor.professionalId}::uuid, ${actor.name}, ${actor.role}, ${body}, clock_timestamp())`);
}

/** A record entry as sent with the referral: its words, and the sensitive marking and recording team it had. */
export type Extract = { entryId: string; body: string; sensitiveCategory: SensitiveCategory | null; recordingOrganisationId: string | null };

export async function addExtract(tx: Tx, actor: Actor, referralId: string, e: Extract): Promise<void> {
  await tx.execute(sql`INSERT INTO referral_message (ics_id, id, referral_id, author_id, author_name, author_role, body, sent_at,
      entry_id, sensitive_category, recording_organisation_id)
    VALUES (${actor.icsId}::uuid, gen_random_uuid(), ${referralId}::uuid, ${actor.professionalId}::uuid, ${actor.name}, ${ATTACHMENT}, ${e.body}, clock_timestamp(),
            ${e.entryId}::uuid, ${e.sensitiveCategory}, ${e.recordingOrganisationId}::uuid)`);
}

export type ExtractRow = { id: string; body: string | null; sensitive_category: SensitiveCategory | null };

/**
 * The record extracts sent with a referral, in the order attached. The body
 * of a sensitive extract the actor may not see (the record's rule: the
 * recording team, or a stated reason for this child) is not read at all.
 */
export function extractsOf(tx: Tx, actor: Actor, referralId: string): Promise<ExtractRow[]> {
  return rows<ExtractRow>(
    tx,
    sql`SELECT e.id, CASE WHEN ${visibleToSql(actor)} THEN e.body END AS body, e.sensitive_category
          FROM (SELECT m.id, m.ics_id, r.child_id, m.body, m.sensitive_category, m.recording_organisation_id, m.sent_at
                  FROM referral_message m JOIN referral r ON r.ics_id = m.ics_id AND r.id = m.referral_id
                 WHERE m.ics_id = ${actor.icsId}::uuid AND m.referral_id = ${referralId}::uuid AND m.author_role = ${ATTACHMENT}) e
         ORDER BY e.sent_at, e.id`,
  );
}

/** Whoever triages a referral holds it from then on: its decision-maker (and the child's relationship goes with it). */
/** Links the referral to the MDT case its decision brought, so its page can follow the discussion. */
export async function linkMdtCase(tx: Tx, icsId: string, id: string, caseId: string): Promise<void> {
  await tx.execute(sql`UPDATE referral SET mdt_case_id = ${caseId}::uuid WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid`);
}

export async function setDecisionMaker(tx: Tx, icsId: string, id: string, professionalId: string): Promise<void> {
  await tx.execute(sql`UPDATE referral SET decision_maker_id = ${professionalId}::uuid WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid`);
}
