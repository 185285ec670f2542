import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { StandardId } from './standards.js';

/**
 * The counts behind each measured standard, per hub, for one period: from
 * (inclusive) to (exclusive), both ISO dates. Read straight from the tables
 * the work is recorded in, as the population rollups do; aggregate counts
 * only, never a child.
 */

export type Period = { from: string; to: string };
export type HubCounts = Map<string, { numerator: number; denominator: number; median?: number | null }>;

/** An advice request is promised an answer within this many hours when no model in the register states a promise for its hub. */
export const DEFAULT_ADVICE_PROMISE_HOURS = 48;

type Row = { cluster_id: string; numerator: number; denominator: number; median?: number | null };
const byHub = (found: Row[]): HubCounts => new Map(found.map((r) => [r.cluster_id, { numerator: Number(r.numerator), denominator: Number(r.denominator), median: r.median ?? null }]));

/**
 * Advice requests made in the period, answered (their first step out of
 * triage) within the hub's promise: the shortest promise of a registered model
 * running in the hub from before the period ends. One not answered is late
 * once its promise has passed by the period's end, and left out before then.
 */
async function adviceInPromise(tx: Tx, icsId: string, p: Period): Promise<HubCounts> {
  return byHub(await rows<Row>(tx, sql`
    WITH promise AS (
      SELECT i.ics_id, i.cluster_id, min((m.configuration->>'adviceResponseHours')::numeric) AS hours
        FROM care_model_implementation i
        JOIN care_model m ON m.ics_id = i.ics_id AND m.name = i.model
       WHERE i.ics_id = ${icsId} AND i.start_month < ${p.to}::date AND m.configuration->>'adviceResponseHours' IS NOT NULL
       GROUP BY i.ics_id, i.cluster_id
    ), asked AS (
      SELECT r.cluster_id, r.created_at,
             r.created_at + make_interval(hours => coalesce(pr.hours, ${DEFAULT_ADVICE_PROMISE_HOURS})::int) AS due,
             (SELECT min(e.changed_at) FROM referral_event e
               WHERE e.ics_id = ${icsId} AND e.ics_id = r.ics_id AND e.referral_id = r.id AND e.from_state = 'awaiting-triage') AS answered
        FROM referral r LEFT JOIN promise pr ON pr.ics_id = r.ics_id AND pr.cluster_id = r.cluster_id
       WHERE r.ics_id = ${icsId} AND r.kind = 'advice' AND r.created_at >= ${p.from}::date AND r.created_at < ${p.to}::date
    )
    SELECT cluster_id::text,
           count(*) FILTER (WHERE answered <= due)::int AS numerator,
           count(*) FILTER (WHERE answered IS NOT NULL OR due < ${p.to}::date)::int AS denominator,
           round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered - created_at) / 3600))::numeric, 1)::float AS median
      FROM asked GROUP BY cluster_id`));
}

/**
 * Urgent referrals made in the period (withdrawn ones left out) seen within 24
 * hours: in a clinic slot starting by then, or sent for urgent same-day
 * assessment by then. Exactly 24 hours counts as within.
 */
async function rapidAccess(tx: Tx, icsId: string, p: Period): Promise<HubCounts> {
  return byHub(await rows<Row>(tx, sql`
    SELECT r.cluster_id::text,
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM clinic_booking b JOIN clinic_slot s ON s.ics_id = b.ics_id AND s.id = b.slot_id
              WHERE b.ics_id = r.ics_id AND b.referral_id = r.id AND b.state = 'seen' AND s.starts_at <= r.created_at + interval '24 hours')
             OR EXISTS (
             SELECT 1 FROM referral_event e
              WHERE e.ics_id = r.ics_id AND e.referral_id = r.id AND e.to_state = 'urgent-same-day' AND e.changed_at <= r.created_at + interval '24 hours'))::int AS numerator,
           count(*)::int AS denominator
      FROM referral r
     WHERE r.ics_id = ${icsId} AND r.kind = 'referral' AND r.urgency = 'urgent' AND r.state <> 'withdrawn'
       AND r.created_at >= ${p.from}::date AND r.created_at < ${p.to}::date
     GROUP BY r.cluster_id`));
}

/** Practices in the hub with a named lead paediatrician (as things stand: who led a hub in the past is not kept). */
async function linkPaediatrician(tx: Tx, icsId: string): Promise<HubCounts> {
  return byHub(await rows<Row>(tx, sql`
    SELECT c.id::text AS cluster_id, (count(cp.practice_id) FILTER (WHERE c.lead_paediatrician_id IS NOT NULL))::int AS numerator, count(cp.practice_id)::int AS denominator
      FROM cluster c LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.cluster_id = c.id
     WHERE c.ics_id = ${icsId} GROUP BY c.id`));
}

/** The hub's practices that came to one of its teaching sessions in the six months up to the period's end (a session exactly six months before counts). */
async function gpEducation(tx: Tx, icsId: string, p: Period): Promise<HubCounts> {
  return byHub(await rows<Row>(tx, sql`
    SELECT c.id::text AS cluster_id,
           count(cp.practice_id) FILTER (WHERE EXISTS (
             SELECT 1 FROM hub_teaching_practice tp JOIN hub_teaching_session ts ON ts.ics_id = tp.ics_id AND ts.id = tp.session_id
              WHERE tp.ics_id = ${icsId} AND ts.ics_id = ${icsId} AND tp.practice_id = cp.practice_id AND ts.cluster_id = c.id
                AND ts.held_on >= (${p.to}::date - interval '1 day' - interval '6 months')::date AND ts.held_on < ${p.to}::date))::int AS numerator,
           count(cp.practice_id)::int AS denominator
      FROM cluster c LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.cluster_id = c.id
     WHERE c.ics_id = ${icsId} GROUP BY c.id`));
}

/** Virtual ward discharges in the period, by the hub of the child's practice, whose discharge summary was filed within 24 hours. */
async function dischargeSummary(tx: Tx, icsId: string, p: Period): Promise<HubCounts> {
  return byHub(await rows<Row>(tx, sql`
    SELECT cp.cluster_id::text,
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM record_letter l
              WHERE l.ics_id = e.ics_id AND l.source = 'virtual-ward-discharge' AND l.source_id = e.id
                AND l.filed_at <= e.discharged_at + interval '24 hours'))::int AS numerator,
           count(*)::int AS denominator
      FROM ward_episode e
      JOIN child ch ON ch.ics_id = e.ics_id AND ch.id = e.child_id
      JOIN cluster_practice cp ON cp.ics_id = ch.ics_id AND cp.practice_id = ch.registered_practice_id
     WHERE e.ics_id = ${icsId} AND e.discharged_at >= ${p.from}::date AND e.discharged_at < ${p.to}::date
     GROUP BY cp.cluster_id`));
}

/** Every measured standard's counts for the period; a standard the data cannot answer is absent. */
export async function standardCounts(tx: Tx, icsId: string, p: Period, current: boolean): Promise<Partial<Record<StandardId, HubCounts>>> {
  const [advice, rapid, education, discharge] = [await adviceInPromise(tx, icsId, p), await rapidAccess(tx, icsId, p), await gpEducation(tx, icsId, p), await dischargeSummary(tx, icsId, p)];
  return {
    'advice-in-promise': advice,
    'rapid-access-24h': rapid,
    'gp-education-6-months': education,
    'discharge-summary-24h': discharge,
    ...(current ? { 'link-paediatrician': await linkPaediatrician(tx, icsId) } : {}),
  };
}

export type HubRow = { id: string; name: string };
export const hubsOfIcs = (tx: Tx, icsId: string) => rows<HubRow>(tx, sql`SELECT id::text, name FROM cluster WHERE ics_id = ${icsId} ORDER BY name, id`);

export type AttestationRow = { standard_id: string; cluster_id: string; status: 'met' | 'partly' | 'not-met'; evidence: string; attested_on: string; recorded_by_name: string };

/** The latest attestation of each standard for each hub made by the period's end. */
export const attestations = (tx: Tx, icsId: string, to: string) => rows<AttestationRow>(tx, sql`
  SELECT DISTINCT ON (standard_id, cluster_id) standard_id, cluster_id::text, status, evidence, attested_on::text, recorded_by_name
    FROM standard_attestation WHERE ics_id = ${icsId} AND attested_on < ${to}::date
   ORDER BY standard_id, cluster_id, attested_on DESC, recorded_at DESC`);
