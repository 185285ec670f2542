import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../../platform/db/client.js';
import { textArray } from '../../platform/db/bulk.js';
import type { Actor } from '../../platform/access/actor.js';
import type { OwnPatch } from '../policy.js';
import { addMonths, londonToUtc } from '../../platform/time/form-dates.js';
import { COHORT_PROBLEM_CODES, measure } from '../measures.js';
import { countKey, type CaseFindingRule, type RuleInput } from './rules.js';

/**
 * The queries behind case finding. Like the rollups, these read the
 * children, their problem lists, referrals and MDT case lists directly: a
 * list counted in SQL is the only way its paging and totals stay right.
 */

/** How the actor comes to see a hub's list: they lead it, cover its triage today, or it is their practice's hub. */
export type HubAccess = 'lead' | 'cover' | 'practice';
export type ScopedHub = { id: string; name: string; how: HubAccess };

/** The hubs of a patch whose case-finding lists may be seen, by name: a practice's hub, or the hubs a paediatrician leads or covers today. */
export function hubsInScope(tx: Tx, icsId: string, patch: OwnPatch, today: string): Promise<ScopedHub[]> {
  if (patch.kind === 'practice') {
    return rows<ScopedHub>(tx, sql`SELECT cl.id, cl.name, 'practice' AS how FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
      WHERE cp.ics_id = ${icsId}::uuid AND cp.practice_id = ${patch.practiceId}::uuid ORDER BY cl.name`);
  }
  if (patch.kind !== 'hubs') return Promise.resolve([]);
  // Leading beats covering: a lead who is also on their own hub's rota is listed once, as lead.
  return rows<ScopedHub>(tx, sql`SELECT DISTINCT ON (name, id) id, name, how FROM (
      SELECT cl.id, cl.name, 'lead' AS how, 0 AS rank FROM cluster cl WHERE cl.ics_id = ${icsId}::uuid AND cl.lead_paediatrician_id = ${patch.paediatricianId}::uuid
      UNION ALL
      SELECT cl.id, cl.name, 'cover', 1 FROM triage_cover tc JOIN cluster cl ON cl.ics_id = tc.ics_id AND cl.id = tc.cluster_id
       WHERE tc.ics_id = ${icsId}::uuid AND tc.cover_id = ${patch.paediatricianId}::uuid AND ${today}::date BETWEEN tc.starts_on AND tc.ends_on) h
    ORDER BY name, id, rank`);
}

// ---- the ICS's own rules ---------------------------------------------------------

export type RuleRow = {
  id: string; name: string; criteria: unknown; window_months: number; cohort: string | null; no_hub_contact: boolean; changed_by_name: string; changed_at: string;
};

export function ownRules(tx: Tx, icsId: string): Promise<RuleRow[]> {
  return rows<RuleRow>(tx, sql`SELECT id, name, criteria, window_months, cohort, no_hub_contact, changed_by_name, changed_at
    FROM case_finding_rule WHERE ics_id = ${icsId}::uuid AND active ORDER BY name, id`);
}

/** Whether an id or a name is taken by one of the ICS's own rules (active or not). */
export async function ruleTaken(tx: Tx, icsId: string, id: string, name: string): Promise<boolean> {
  return (await rows(tx, sql`SELECT 1 FROM case_finding_rule WHERE ics_id = ${icsId}::uuid AND (id = ${id} OR lower(name) = lower(${name})) LIMIT 1`)).length > 0;
}

/** Adds a rule; false when the id was taken in between (the primary key decides, without failing the transaction). */
export async function insertRule(tx: Tx, actor: Actor, id: string, r: RuleInput): Promise<boolean> {
  const done = await rows(tx, sql`INSERT INTO case_finding_rule (ics_id, id, name, criteria, window_months, cohort, no_hub_contact, active, changed_by, changed_by_name)
    VALUES (${actor.icsId}::uuid, ${id}, ${r.name}, ${JSON.stringify(r.criteria)}::jsonb, ${r.windowMonths}, ${r.cohort}, ${r.noHubContact}, TRUE,
            ${actor.professionalId}::uuid, ${actor.name})
    ON CONFLICT (ics_id, id) DO NOTHING RETURNING id`);
  return done.length === 1;
}

/** Stops using one of the ICS's own rules; its name, or null when there is no such rule in use. */
export async function stopRule(tx: Tx, actor: Actor, id: string): Promise<string | null> {
  const [r] = await rows<{ name: string }>(tx, sql`UPDATE case_finding_rule
       SET active = FALSE, changed_by = ${actor.professionalId}::uuid, changed_by_name = ${actor.name}, changed_at = now()
     WHERE ics_id = ${actor.icsId}::uuid AND id = ${id} AND active RETURNING name`);
  return r?.name ?? null;
}

/** The name of one of the ICS's own rules no longer in use (for saying it was stopped). */
export async function stoppedRuleName(tx: Tx, icsId: string, id: string): Promise<string | null> {
  const [r] = await rows<{ name: string }>(tx, sql`SELECT name FROM case_finding_rule WHERE ics_id = ${icsId}::uuid AND id = ${id} AND NOT active`);
  return r?.name ?? null;
}

// ---- the list ----------------------------------------------------------------------

export type ListQuery = {
  icsId: string;
  clusterId: string;
  /** A GP's own practice: only its children. */
  practiceId: string | null;
  rules: CaseFindingRule[];
  today: string;
  /** Only this child (re-checking a nomination). */
  childId?: string;
  limit: number;
  offset: number;
};

export type ListedRow = {
  child_id: string; given_name: string; family_name: string; nhs_number: string | null; date_of_birth: string; practice_name: string;
  /** One count per key of `keys`, in order. */
  counts: number[];
  /** Whether each rule (in the order given) lists the child. */
  matched: boolean[];
  total: number;
};

/** The start of the window: London midnight, `months` before today. */
const windowStart = (today: string, months: number) => londonToUtc(addMonths(today, -months), 0, 0);

/** The counts a set of rules needs: each (measure, window) once. */
export function countsNeeded(rules: CaseFindingRule[]): { key: string; measure: string; windowMonths: number }[] {
  const seen = new Map<string, { key: string; measure: string; windowMonths: number }>();
  for (const r of rules) for (const c of r.criteria) {
    const key = countKey(c.measure, r.windowMonths);
    if (!seen.has(key)) seen.set(key, { key, measure: c.measure, windowMonths: r.windowMonths });
  }
  return [...seen.values()];
}

/**
 * One page of the children the rules list in a hub, with the total, in one
 * query. Each child's events in the longest window are read through
 * activity_event_child_idx (the hub's children first, then their events),
 * and every count the rules need is taken in the same pass. The problem
 * list and referrals are looked at only for children whose counts already
 * meet a rule (AND evaluates left to right and stops early). Measure tests
 * are fixed code from measures.ts; every number is a parameter.
 */
export const listedChildren = (tx: Tx, q: ListQuery): Promise<ListedRow[]> => rows<ListedRow>(tx, listedChildrenSql(q));

/** The query behind listedChildren (apart, so its plan can be looked at). */
export function listedChildrenSql(q: ListQuery): SQL {
  const needed = countsNeeded(q.rules);
  const index = new Map(needed.map((n, i) => [n.key, i + 1]));
  const earliest = windowStart(q.today, Math.max(...q.rules.map((r) => r.windowMonths)));
  const counts = sql.join(needed.map((n) =>
    sql`count(*) FILTER (WHERE e.occurred_at >= ${windowStart(q.today, n.windowMonths)}::timestamptz AND (${sql.raw(measure(n.measure).where)}))::int`), sql`, `);

  const judged = sql.join(q.rules.map((rule) => {
    const anyOf = sql.join(rule.criteria.map((c) => sql`n.counts[${sql.raw(String(index.get(countKey(c.measure, rule.windowMonths))))}] >= ${c.atLeast}::int`), sql` OR `);
    const parts: SQL[] = [sql`(${anyOf})`];
    if (rule.cohort) {
      parts.push(sql`EXISTS (SELECT 1 FROM record_entry r WHERE r.ics_id = ${q.icsId}::uuid AND r.child_id = n.child_id AND r.kind = 'problem'
        AND r.code = ANY(${textArray(COHORT_PROBLEM_CODES[rule.cohort])}) AND r.status <> 'entered-in-error')`);
    }
    if (rule.noHubContact) {
      parts.push(sql`NOT EXISTS (SELECT 1 FROM referral f WHERE f.ics_id = ${q.icsId}::uuid AND f.child_id = n.child_id
        AND f.created_at >= ${windowStart(q.today, rule.windowMonths)}::timestamptz)`);
    }
    return sql`(${sql.join(parts, sql` AND `)})`;
  }), sql`, `);

  return sql`
    WITH kids AS (
      SELECT c.id FROM child c
       WHERE c.ics_id = ${q.icsId}::uuid
         AND c.registered_practice_id IN (SELECT cp.practice_id FROM cluster_practice cp WHERE cp.ics_id = ${q.icsId}::uuid AND cp.cluster_id = ${q.clusterId}::uuid)
         ${q.practiceId ? sql`AND c.registered_practice_id = ${q.practiceId}::uuid` : sql``}
         ${q.childId ? sql`AND c.id = ${q.childId}::uuid` : sql``}
         AND c.date_of_birth > ${q.today}::date - interval '18 years'),
    counted AS (
      SELECT e.child_id, ARRAY[${counts}]::int[] AS counts
        FROM kids k JOIN activity_event e ON e.ics_id = ${q.icsId}::uuid AND e.child_id = k.id AND e.occurred_at >= ${earliest}::timestamptz
       GROUP BY e.child_id),
    judged AS MATERIALIZED (
      SELECT n.child_id, n.counts, ARRAY[${judged}]::boolean[] AS matched FROM counted n)
    SELECT j.child_id, j.counts, j.matched, c.given_name, c.family_name, c.nhs_number, c.date_of_birth, o.name AS practice_name,
           count(*) OVER ()::int AS total
      FROM judged j
      JOIN child c ON c.ics_id = ${q.icsId}::uuid AND c.id = j.child_id
      JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
     WHERE TRUE = ANY(j.matched)
     ORDER BY (SELECT count(*) FROM unnest(j.matched) AS m(hit) WHERE m.hit) DESC, c.family_name, c.given_name, c.id
     LIMIT ${q.limit} OFFSET ${q.offset}`;
}

export type BroughtRow = { child_id: string; meeting_id: string; title: string; starts_at: string };

/** Which of these children are already on the case list of an MDT meeting still to come, the soonest first. */
export function upcomingCases(tx: Tx, icsId: string, childIds: string[], now: Date): Promise<BroughtRow[]> {
  if (childIds.length === 0) return Promise.resolve([]);
  return rows<BroughtRow>(tx, sql`SELECT c.child_id, m.id AS meeting_id, m.title, m.starts_at
      FROM mdt_case c JOIN mdt_meeting m ON m.ics_id = c.ics_id AND m.id = c.meeting_id
     WHERE c.ics_id = ${icsId}::uuid AND c.child_id = ANY(${textArray(childIds)}::uuid[]) AND c.status = 'listed' AND m.status = 'scheduled' AND m.starts_at > ${now.toISOString()}::timestamptz
     ORDER BY m.starts_at, m.id`);
}
