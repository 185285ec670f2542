import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { textArray } from '../platform/db/bulk.js';
import { addMonths, monthsFrom, type Month } from './period.js';

/**
 * The activity page's queries: aggregates only, never a child. Referrals of
 * the period come through referral_cluster_idx (by creation) and
 * referral_converted_idx (by conversion). There is no monthly rollup: a hub's
 * five years or the ICS's last year is tens of thousands of rows, and medians
 * and 90th percentiles cannot be summed from monthly totals anyway.
 */

/**
 * The period as timestamps: London midnight on the first of `from` to London
 * midnight on the first after `to`, and the first of each month between, for
 * width_bucket. Converting each row's timestamp to London time instead
 * (AT TIME ZONE) cost ten times the whole scan.
 */
export type Bounds = { start: SQL; end: SQL; monthStarts: SQL; months: Month[] };

export function boundsOf(from: Month, to: Month): Bounds {
  const london = (m: Month) => sql`(${`${m}-01`}::timestamp AT TIME ZONE 'Europe/London')`;
  return {
    start: london(from),
    end: london(addMonths(to, 1)),
    monthStarts: sql`ARRAY(SELECT g AT TIME ZONE 'Europe/London' FROM generate_series(${`${from}-01`}::timestamp, ${`${to}-01`}::timestamp, interval '1 month') g)`,
    months: monthsFrom(from, to),
  };
}

/**
 * The referrals of a scope. For the whole ICS, every hub by id: the planner
 * then walks referral_cluster_idx (ics, cluster, created) for the period's
 * rows instead of reading the whole table, with the tenant check done once in
 * the index rather than on each row.
 */
const inScope = (icsId: string, column: SQL, clusterId: string | null) =>
  clusterId ? sql` AND ${column} = ${clusterId}::uuid` : sql` AND ${column} = ANY(ARRAY(SELECT id FROM cluster WHERE ics_id = ${icsId}::uuid))`;

/** Only a hub's rows; for the whole ICS, rows found through another index (conversions, clinic sessions) need no filter. */
const inCluster = (column: SQL, clusterId: string | null) => (clusterId ? sql` AND ${column} = ${clusterId}::uuid` : sql``);

/**
 * Days between two timestamps as elapsed time (fractional; weekends and bank
 * holidays count). date_part, not extract: extract gives numeric, several
 * times slower to compute and sort over five years of referrals.
 */
const daysBetween = (from: SQL, to: SQL) => sql`date_part('epoch', ${to} - ${from}) / 86400`;

export type ClusterRow = { id: string; name: string };

/** Hubs an actor may see: all of them, those led by a paediatrician, or the one a practice belongs to. */
export function clusters(tx: Tx, icsId: string, by: { all: true } | { leadId: string } | { practiceId: string }): Promise<ClusterRow[]> {
  const where = 'all' in by ? sql`TRUE`
    : 'leadId' in by ? sql`c.lead_paediatrician_id = ${by.leadId}::uuid`
      : sql`c.id IN (SELECT cluster_id FROM cluster_practice WHERE ics_id = ${icsId}::uuid AND practice_id = ${by.practiceId}::uuid)`;
  return rows<ClusterRow>(tx, sql`SELECT c.id, c.name FROM cluster c WHERE c.ics_id = ${icsId}::uuid AND ${where} ORDER BY c.name, c.id`);
}

export type PracticeRow = { id: string; name: string; ods_code: string; cluster_name: string | null; children: number };

/**
 * GP practices of the scope now (a hub's members, or every practice in the
 * ICS), and any other practice named in `alsoIds` (one that referred to the
 * hub before it moved), each with the children registered with it today.
 */
export function practices(tx: Tx, icsId: string, clusterId: string | null, alsoIds: string[]): Promise<PracticeRow[]> {
  const members = clusterId ? sql`cp.cluster_id = ${clusterId}::uuid` : sql`o.kind = 'gp-practice'`;
  const also = alsoIds.length ? sql` OR o.id = ANY(${textArray(alsoIds)}::uuid[])` : sql``;
  return rows<PracticeRow>(
    tx,
    sql`SELECT o.id, o.name, o.ods_code, cl.name AS cluster_name,
               (SELECT count(*)::int FROM child c WHERE c.ics_id = ${icsId}::uuid AND c.ics_id = o.ics_id AND c.registered_practice_id = o.id) AS children
          FROM organisation o
          LEFT JOIN cluster_practice cp ON cp.ics_id = o.ics_id AND cp.practice_id = o.id
          LEFT JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
         WHERE o.ics_id = ${icsId}::uuid AND ((${members})${also})
         ORDER BY o.name, o.id`,
  );
}

/** Counts for one practice (month null) or one month (practice null). */
export type VolumeRow = { practice_id: string | null; month: Month | null; advice: number; referrals: number };

/**
 * Advice requests and referrals by practice and by month. An advice request
 * counts when it was asked; a referral when it was made, and an advice
 * request later converted counts again as a referral in the month of its
 * conversion. One row set, grouped both ways at once.
 */
export async function volumes(tx: Tx, icsId: string, clusterId: string | null, b: Bounds): Promise<VolumeRow[]> {
  const found = await rows<Omit<VolumeRow, 'month'> & { bucket: number | null }>(
    tx,
    sql`WITH event AS (
          SELECT referring_practice_id AS practice_id, created_at AS at, (kind = 'advice' OR converted_at IS NOT NULL) AS advice
            FROM referral WHERE ics_id = ${icsId}::uuid AND created_at >= ${b.start} AND created_at < ${b.end}${inScope(icsId, sql`cluster_id`, clusterId)}
          UNION ALL
          SELECT referring_practice_id, converted_at, FALSE
            FROM referral WHERE ics_id = ${icsId}::uuid AND converted_at >= ${b.start} AND converted_at < ${b.end}${inCluster(sql`cluster_id`, clusterId)}
        ), bucketed AS (
          SELECT practice_id, width_bucket(at, starts) AS bucket, advice FROM event, (SELECT ${b.monthStarts} AS starts) m
        )
        SELECT practice_id, bucket, count(*) FILTER (WHERE advice)::int AS advice, count(*) FILTER (WHERE NOT advice)::int AS referrals
          FROM bucketed
         GROUP BY GROUPING SETS ((practice_id), (bucket))`,
  );
  return found.map(({ bucket, ...v }) => ({ ...v, month: bucket === null ? null : b.months[bucket - 1] }));
}

export type OutcomeRow = {
  referrals: number; triaged: number; without_visit: number; hub_clinic: number; hospital: number; mdt: number; ambulatory: number; urgent: number;
  seen_community: number; seen_hospital: number; advice: number; advice_answered: number; advice_converted: number;
  triage_waits: number; triage_median: number | null; triage_p90: number | null;
  seen_waits: number; seen_median: number | null; seen_p90: number | null;
  answer_waits: number; answer_median: number | null; answer_p90: number | null;
};

/**
 * What became of the period's referrals and advice requests, and how long
 * they waited. The first triage decision is a referral's route; an advice
 * request converted later kept its advice answer as its first decision, so
 * the route shares count referrals made as referrals. Waits are in days of
 * elapsed time, for those that have reached the milestone.
 */
export async function outcomes(tx: Tx, icsId: string, clusterId: string | null, b: Bounds): Promise<OutcomeRow> {
  const convertedInPeriod = sql`(converted_at >= ${b.start} AND converted_at < ${b.end})`;
  // Each row's flags and waits are worked out once, in the branch that found it, so the aggregates only test booleans.
  const columns = (branch: 'made' | 'converted') => sql`triage_outcome, seen_in, converted_at IS NOT NULL AS converted,
          ${branch === 'made' ? sql`kind = 'referral' AND converted_at IS NULL` : sql`FALSE`} AS direct,
          ${branch === 'made' ? sql`kind = 'referral' AND (converted_at IS NULL OR ${convertedInPeriod})` : sql`TRUE`} AS referral,
          ${branch === 'made' ? sql`kind = 'advice' OR converted_at IS NOT NULL` : sql`FALSE`} AS asked,
          ${daysBetween(sql`created_at`, sql`triaged_at`)} AS triage_days,
          ${daysBetween(sql`coalesce(converted_at, created_at)`, sql`first_seen_at`)} AS seen_days`;
  const route = (states: string) => sql`count(*) FILTER (WHERE direct AND triage_outcome IN (${sql.raw(states)}))::int`;
  const percentiles = (days: string, where: string) =>
    sql`percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY ${sql.raw(days)}) FILTER (WHERE ${sql.raw(where)})`;
  const [row] = await rows<Omit<OutcomeRow, 'triage_median' | 'triage_p90' | 'seen_median' | 'seen_p90' | 'answer_waits' | 'answer_median' | 'answer_p90'> & {
    triage: number[] | null; seen: number[] | null; answer: number[] | null;
  }>(
    tx,
    sql`WITH r AS (
          SELECT ${columns('made')}
            FROM referral WHERE ics_id = ${icsId}::uuid AND created_at >= ${b.start} AND created_at < ${b.end}${inScope(icsId, sql`cluster_id`, clusterId)}
          UNION ALL
          SELECT ${columns('converted')}
            FROM referral WHERE ics_id = ${icsId}::uuid AND ${convertedInPeriod} AND created_at < ${b.start}${inCluster(sql`cluster_id`, clusterId)}
        )
        SELECT count(*) FILTER (WHERE referral)::int AS referrals,
               count(*) FILTER (WHERE direct AND triage_outcome IS NOT NULL)::int AS triaged,
               ${route(`'advice-given', 'returned'`)} AS without_visit, ${route(`'awaiting-booking'`)} AS hub_clinic,
               ${route(`'referred-on'`)} AS hospital, ${route(`'mdt'`)} AS mdt, ${route(`'ambulatory'`)} AS ambulatory, ${route(`'urgent-same-day'`)} AS urgent,
               count(*) FILTER (WHERE referral AND seen_in = 'community')::int AS seen_community,
               count(*) FILTER (WHERE referral AND seen_in = 'hospital')::int AS seen_hospital,
               count(*) FILTER (WHERE asked)::int AS advice,
               count(*) FILTER (WHERE asked AND triage_outcome = 'advice-given')::int AS advice_answered,
               count(*) FILTER (WHERE asked AND triage_outcome = 'advice-given' AND converted)::int AS advice_converted,
               count(triage_days) FILTER (WHERE direct)::int AS triage_waits,
               ${percentiles('triage_days', 'direct')} AS triage,
               count(seen_days) FILTER (WHERE referral)::int AS seen_waits,
               ${percentiles('seen_days', 'referral')} AS seen,
               ${percentiles('triage_days', "asked AND triage_outcome = 'advice-given'")} AS answer
          FROM r`,
  );
  const { triage, seen, answer, ...counts } = row;
  const pick = (p: number[] | null, i: number) => (p ? Number(p[i]) : null);
  return {
    ...counts,
    answer_waits: counts.advice_answered,
    triage_median: pick(triage, 0), triage_p90: pick(triage, 1),
    seen_median: pick(seen, 0), seen_p90: pick(seen, 1),
    answer_median: pick(answer, 0), answer_p90: pick(answer, 1),
  };
}

export type AttendanceRow = { cluster_id: string; cluster_name: string; seen: number; did_not_attend: number };

/** Hub clinic appointments in the period that ended seen or did-not-attend, by hub (by the clinic's date). */
export function attendance(tx: Tx, icsId: string, clusterId: string | null, b: Bounds): Promise<AttendanceRow[]> {
  return rows<AttendanceRow>(
    tx,
    sql`SELECT cs.cluster_id, cl.name AS cluster_name,
               count(*) FILTER (WHERE bk.state = 'seen')::int AS seen, count(*) FILTER (WHERE bk.state = 'did-not-attend')::int AS did_not_attend
          FROM clinic_session cs
          JOIN cluster cl ON cl.ics_id = cs.ics_id AND cl.id = cs.cluster_id
          JOIN clinic_slot s ON s.ics_id = cs.ics_id AND s.session_id = cs.id
          JOIN clinic_booking bk ON bk.ics_id = s.ics_id AND bk.slot_id = s.id
         WHERE cs.ics_id = ${icsId}::uuid AND cs.starts_at >= ${b.start} AND cs.starts_at < ${b.end} AND bk.state IN ('seen', 'did-not-attend')${inCluster(sql`cs.cluster_id`, clusterId)}
         GROUP BY cs.cluster_id, cl.name
         ORDER BY cl.name, cs.cluster_id`,
  );
}
