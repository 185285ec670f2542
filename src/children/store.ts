import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { standingRelationshipSql } from '../platform/access/relationship.js';
import type { ChildIdentity } from '../platform/access/composition.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';

/** A search result: who the child is, and whether the searcher already cares for them. */
export type ChildListing = ChildIdentity & { has_relationship: boolean };

export type ChildCriteria =
  | { by: 'nhs-number'; nhsNumber: string }
  | { by: 'surname-and-birth-date'; surname: string; dateOfBirth: string }
  | { by: 'name'; words: string[] };

// starts_with on the stored lower-case keys: leakproof, so it can use the index under row-level security.
const startsWith = (column: 'family' | 'given', word: string) =>
  sql`starts_with(${sql.raw(column === 'family' ? 'c.family_name_key' : 'c.given_name_key')}, ${word.toLowerCase()})`;

/**
 * Each criterion as one or more branches, each a WHERE that one index serves
 * (a name word may be a surname or a given name: two branches).
 */
export function criteriaBranches(c: ChildCriteria): SQL[] {
  switch (c.by) {
    case 'nhs-number':
      return [sql`c.nhs_number = ${c.nhsNumber}`];
    case 'surname-and-birth-date':
      return [sql`${startsWith('family', c.surname)} AND c.date_of_birth = ${c.dateOfBirth}::date`];
    case 'name': {
      const [first, ...rest] = c.words;
      if (rest.length === 0) return [startsWith('family', first), startsWith('given', first)];
      const last = rest[rest.length - 1];
      return [
        sql`${startsWith('given', first)} AND ${startsWith('family', last)}`,
        sql`${startsWith('family', first)} AND ${startsWith('given', last)}`,
      ];
    }
  }
}

const RESULT_ORDER = sql`family_name_key COLLATE "C", given_name_key COLLATE "C", date_of_birth, id`;

/**
 * Children matching the criteria, with whether the actor has a standing
 * relationship with each. Each branch takes its first page from its index in
 * order; only that page is joined to the rest of the record and checked for
 * a relationship.
 */
export async function findChildren(tx: Tx, actor: Actor, criteria: ChildCriteria, limit: number): Promise<ChildListing[]> {
  const branches = criteriaBranches(criteria).map(
    (where) => sql`(SELECT id, family_name_key, given_name_key, date_of_birth FROM child c WHERE c.ics_id = ${actor.icsId}::uuid AND ${where} ORDER BY ${RESULT_ORDER} LIMIT ${limit})`,
  );
  return rows<ChildListing>(
    tx,
    sql`SELECT c.id, c.nhs_number, c.given_name, c.family_name, c.date_of_birth, c.sex, o.name AS practice_name,
               ${standingRelationshipSql(actor)} AS has_relationship
          FROM (SELECT * FROM (${sql.join(branches, sql` UNION `)}) m ORDER BY ${RESULT_ORDER} LIMIT ${limit}) page
          JOIN child c ON c.ics_id = ${actor.icsId}::uuid AND c.id = page.id
          LEFT JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
         ORDER BY page.family_name_key COLLATE "C", page.given_name_key COLLATE "C", page.date_of_birth, page.id`,
  );
}

export type { ChildIdentity } from '../platform/access/composition.js';

/** The child's identity columns as a query, for the access door to ask together with the relationships. */
export const childIdentitySql = (icsId: string, childId: SQL) => sql`
  SELECT c.id, c.nhs_number, c.given_name, c.family_name, c.date_of_birth, c.sex, o.name AS practice_name
    FROM child c LEFT JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
   WHERE c.ics_id = ${icsId}::uuid AND c.id = ${childId}`;

export async function childIdentity(tx: Tx, icsId: string, childId: string): Promise<ChildIdentity | undefined> {
  const [found] = await rows<ChildIdentity>(tx, childIdentitySql(icsId, sql`${childId}::uuid`));
  return found;
}

/** childIdentity for many children of the ICS in one query: those found, by id. */
export async function childIdentities(tx: Tx, icsId: string, childIds: string[]): Promise<Map<string, ChildIdentity>> {
  if (!childIds.length) return new Map();
  const found = await rows<ChildIdentity>(
    tx,
    sql`SELECT c.id, c.nhs_number, c.given_name, c.family_name, c.date_of_birth, c.sex, o.name AS practice_name
          FROM child c LEFT JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
         WHERE c.ics_id = ${icsId}::uuid AND c.id = ANY(${sql.param(childIds)}::uuid[])`,
  );
  return new Map(found.map((c) => [c.id, c]));
}

export type ChildDemographics = ChildIdentity & {
  local_id: string | null;
  ethnic_category: string;
  postcode_district: string | null;
  lsoa: string | null;
  imd_decile: number | null;
  practice_ods_code: string | null;
  cluster_name: string | null;
  lead_paediatrician: string | null;
  school_name: string | null;
};

const DEMOGRAPHICS_COLUMNS = sql`c.id, c.nhs_number, c.local_id, c.given_name, c.family_name, c.date_of_birth, c.sex, c.ethnic_category,
  c.postcode_district, c.lsoa, c.imd_decile,
  o.name AS practice_name, o.ods_code AS practice_ods_code,
  cl.name AS cluster_name, lead.name AS lead_paediatrician, s.name AS school_name`;
const DEMOGRAPHICS_FROM = sql`child c
  LEFT JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
  LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
  LEFT JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
  LEFT JOIN professional lead ON lead.ics_id = cl.ics_id AND lead.id = cl.lead_paediatrician_id
  LEFT JOIN organisation s ON s.ics_id = c.ics_id AND s.id = c.school_id`;

/** A list query as a JSON array, in the query's own order: for reading several of a child's lists in one statement. */
const asJsonList = (query: SQL) => sql`(SELECT coalesce(json_agg(l), '[]'::json) FROM (${query}) l)`;

export type SummaryLists = {
  family: FamilyMember[]; flags: ChildFlag[]; team: CareTeamRow[]; conditions: LongTermCondition[];
};

/**
 * The child summary's facts in one statement (one round trip where there were
 * five): who the child is, family, flags, care team and, with health detail,
 * long-term conditions. Timestamps in the lists come as ISO text.
 */
export async function childSummaryFacts(tx: Tx, access: ChildAccess, healthDetail: boolean): Promise<(ChildDemographics & SummaryLists) | undefined> {
  const { actor: { icsId }, childId } = checkedAccess(tx, access);
  const [found] = await rows<ChildDemographics & SummaryLists>(tx, sql`SELECT ${DEMOGRAPHICS_COLUMNS},
      ${asJsonList(familySql(icsId, childId))} AS family, ${asJsonList(flagsSql(icsId, childId))} AS flags,
      ${asJsonList(careTeamSql(icsId, childId))} AS team, ${healthDetail ? asJsonList(conditionsSql(icsId, childId)) : sql`'[]'::json`} AS conditions
    FROM ${DEMOGRAPHICS_FROM} WHERE c.ics_id = ${icsId}::uuid AND c.id = ${childId}::uuid`);
  return found;
}

/** The GPs (active accounts) of the child's registered practice: "the GP" a letter about the child is addressed to. */
export async function registeredPracticeGps(tx: Tx, access: ChildAccess): Promise<string[]> {
  const { actor, childId } = checkedAccess(tx, access);
  const found = await rows<{ id: string }>(tx, sql`SELECT p.id FROM child c
      JOIN professional p ON p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id
     WHERE c.ics_id = ${actor.icsId}::uuid AND c.id = ${childId}::uuid AND p.role = 'gp' AND p.active ORDER BY p.id`);
  return found.map((r) => r.id);
}

export type FamilyMember = { given_name: string; family_name: string; relationship: string; parental_responsibility: boolean; phone: string | null; email: string | null; address: string | null };
export type ChildFlag = { kind: string; started_on: string; ended_on: string | null; local_authority: string | null; local_authority_ods: string | null };
export type CareTeamRow = { professional_id: string; name: string; role: string; role_in_team: string; organisation_name: string; started_at: string };
export type LongTermCondition = { display: string; code: string | null; started_on: string | null };

const familySql = (icsId: string, childId: string) => sql`SELECT p.given_name, p.family_name, r.relationship, r.parental_responsibility, p.phone, p.email, p.address
          FROM child_related_person r JOIN related_person p ON p.ics_id = r.ics_id AND p.id = r.related_person_id
         WHERE r.ics_id = ${icsId}::uuid AND r.child_id = ${childId}::uuid
         ORDER BY r.parental_responsibility DESC, p.family_name, p.given_name`;

export async function familyMembers(tx: Tx, access: ChildAccess) {
  const { actor, childId } = checkedAccess(tx, access);
  return rows<FamilyMember>(tx, familySql(actor.icsId, childId));
}

/** Current flags, and those ended in the last 12 months: CP-IS shows both. */
const flagsSql = (icsId: string, childId: string) => sql`SELECT f.kind, f.started_on, f.ended_on, o.name AS local_authority, o.ods_code AS local_authority_ods
          FROM child_flag f LEFT JOIN organisation o ON o.ics_id = f.ics_id AND o.id = f.local_authority_id
         WHERE f.ics_id = ${icsId}::uuid AND f.child_id = ${childId}::uuid AND (f.ended_on IS NULL OR f.ended_on > current_date - 365)
         ORDER BY f.started_on`;

export async function activeFlags(tx: Tx, access: ChildAccess) {
  const { actor, childId } = checkedAccess(tx, access);
  return rows<ChildFlag>(tx, flagsSql(actor.icsId, childId));
}

const careTeamSql = (icsId: string, childId: string) => sql`SELECT m.professional_id, p.name, p.role, m.role_in_team, o.name AS organisation_name, m.started_at
          FROM care_team_member m
          JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
         WHERE m.ics_id = ${icsId}::uuid AND m.child_id = ${childId}::uuid AND m.ended_at IS NULL
         ORDER BY m.started_at`;

export async function careTeam(tx: Tx, access: ChildAccess) {
  const { actor, childId } = checkedAccess(tx, access);
  return rows<CareTeamRow>(tx, careTeamSql(actor.icsId, childId));
}

/** Active problems that are not sensitive: the summary never shows a sensitive entry. */
const conditionsSql = (icsId: string, childId: string) => sql`SELECT display, code, started_on FROM record_entry
         WHERE ics_id = ${icsId}::uuid AND child_id = ${childId}::uuid AND kind = 'problem' AND status = 'active' AND sensitive_category IS NULL
         ORDER BY started_on NULLS LAST, display`;

/** Emergency access for `hours`, granted under the door's decision; its row waits for the privacy officer's review. */
export async function grantBreakGlass(tx: Tx, access: ChildAccess, reason: string, hours: number): Promise<string> {
  const { actor, childId } = checkedAccess(tx, access);
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO break_glass (ics_id, id, professional_id, child_id, reason, expires_at)
                       VALUES (${actor.icsId}::uuid, ${id}::uuid, ${actor.professionalId}::uuid, ${childId}::uuid, ${reason},
                               now() + make_interval(hours => ${hours}))`);
  return id;
}

/** How many children the professional is in the care team of now, and how many children the ICS holds: counts, naming no one. */
export async function childCounts(tx: Tx, actor: Actor, wholeIcs: boolean): Promise<{ careTeam: number; children: number }> {
  const [c] = await rows<{ care_team: number; children: number }>(
    tx,
    sql`SELECT (SELECT count(*)::int FROM care_team_member
                 WHERE ics_id = ${actor.icsId}::uuid AND professional_id = ${actor.professionalId}::uuid AND ended_at IS NULL) AS care_team,
               ${wholeIcs ? sql`(SELECT count(*)::int FROM child WHERE ics_id = ${actor.icsId}::uuid)` : sql`0`} AS children`,
  );
  return { careTeam: c.care_team, children: c.children };
}
