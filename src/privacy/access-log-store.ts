import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { eachWordMatches } from '../platform/http/list-search.js';

/**
 * The ICS's whole access log, as the privacy officer reads it: every audit
 * event in full, with the child it was about. Filtered in SQL, so a search
 * over a year of events pages like any other list.
 */

export type IcsAccessLogFilter = {
  /** Words in who did it, their organisation or what they did. */
  words?: string;
  /** The child's NHS number, digits only. */
  nhsNumber?: string;
  organisationId?: string;
  action?: string;
  /** London days, inclusive. */
  from?: string;
  to?: string;
  /** Only events under emergency access: taking it, and what was done while it lasted. */
  emergencyOnly?: boolean;
};

export type IcsAccessLogEvent = {
  id: string; at: string; who: string | null; role: string | null; organisation_name: string | null;
  action: string; what: string; why: string | null; stated_reason: string | null;
  child_id: string | null; child_name: string | null; nhs_number: string | null; under_emergency_access: boolean;
};

/**
 * Taking emergency access, or anything the same person did to the same child
 * while it lasted. The subquery names the ICS as well as equating it: on
 * Citus over PostgreSQL 15 a subquery correlated by ics_id alone sends the
 * page to every shard, and beside the log's outer joins is refused
 * ("outer joins and pseudoconstant quals"); named, it goes to one shard.
 */
const underEmergencyAccess = (icsId: string) => sql`(a.action = 'child.break-glass' OR EXISTS (
  SELECT 1 FROM break_glass b
   WHERE b.ics_id = ${icsId}::uuid AND b.ics_id = a.ics_id AND b.professional_id = a.professional_id AND b.child_id = a.child_id
     AND a.at >= b.granted_at AND a.at <= b.expires_at))`;

function where(icsId: string, f: IcsAccessLogFilter): SQL {
  const parts: SQL[] = [sql`a.ics_id = ${icsId}::uuid`];
  if (f.words) parts.push(eachWordMatches(f.words, [sql`coalesce(p.name, a.actor_name)`, sql`o.name`, sql`a.what`]));
  if (f.nhsNumber) parts.push(sql`c.nhs_number = ${f.nhsNumber}`);
  if (f.organisationId) parts.push(sql`a.organisation_id = ${f.organisationId}::uuid`);
  if (f.action) parts.push(sql`a.action = ${f.action}`);
  if (f.from) parts.push(sql`a.at >= (${f.from}::date::timestamp AT TIME ZONE 'Europe/London')`);
  if (f.to) parts.push(sql`a.at < ((${f.to}::date + 1)::timestamp AT TIME ZONE 'Europe/London')`);
  if (f.emergencyOnly) parts.push(underEmergencyAccess(icsId));
  return sql.join(parts, sql` AND `);
}

const FROM = sql`FROM audit_event a
  LEFT JOIN professional p ON p.ics_id = a.ics_id AND p.id = a.professional_id
  LEFT JOIN organisation o ON o.ics_id = a.ics_id AND o.id = a.organisation_id
  LEFT JOIN child c ON c.ics_id = a.ics_id AND c.id = a.child_id`;

/** One page of the matching events, newest first. */
export function icsAccessLog(tx: Tx, icsId: string, filter: IcsAccessLogFilter, limit: number, offset: number) {
  return rows<IcsAccessLogEvent>(tx, sql`
    SELECT a.id::text AS id, a.at, coalesce(p.name, a.actor_name) AS who, a.role, o.name AS organisation_name, a.action, a.what, a.why,
           a.stated_reason, a.child_id, c.given_name || ' ' || c.family_name AS child_name, c.nhs_number,
           ${underEmergencyAccess(icsId)} AS under_emergency_access
      ${FROM}
     WHERE ${where(icsId, filter)}
     ORDER BY a.at DESC, a.id DESC
     LIMIT ${limit} OFFSET ${offset}`);
}

export async function icsAccessLogCount(tx: Tx, icsId: string, filter: IcsAccessLogFilter): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n ${FROM} WHERE ${where(icsId, filter)}`);
  return n;
}

/** The organisations and actions anywhere in the log, for the filter's lists. */
export async function icsAccessLogChoices(tx: Tx, icsId: string) {
  const organisations = await rows<{ id: string; name: string }>(tx, sql`
    SELECT o.id, o.name FROM organisation o
     WHERE o.ics_id = ${icsId}::uuid AND EXISTS (SELECT 1 FROM audit_event a WHERE a.ics_id = o.ics_id AND a.organisation_id = o.id)
     ORDER BY o.name, o.id`);
  // A skip scan over (ics_id, action): one index probe per kind of action, not a read of every event.
  const actions = await rows<{ action: string }>(tx, sql`
    WITH RECURSIVE kinds AS (
      (SELECT action FROM audit_event WHERE ics_id = ${icsId}::uuid ORDER BY action LIMIT 1)
      UNION ALL
      SELECT (SELECT a.action FROM audit_event a WHERE a.ics_id = ${icsId}::uuid AND a.action > k.action ORDER BY a.action LIMIT 1)
        FROM kinds k WHERE k.action IS NOT NULL)
    SELECT action FROM kinds WHERE action IS NOT NULL`);
  return { organisations, actions: actions.map((a) => a.action) };
}
