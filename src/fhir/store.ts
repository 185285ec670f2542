import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { standingRelationshipSql, type ChildRead } from '../platform/access/relationship.js';
import { sameJson } from './resources/as-sent.js';

/**
 * The FHIR interface's own queries over the tables it maps: children's
 * demographics, carers, flags, organisations, professionals and the audit
 * trail. The shared record's entries and contacts are read only through the
 * record service. Row-level security keeps every query inside the ICS.
 */

export type PatientRow = {
  id: string; nhs_number: string | null; local_id: string | null; given_name: string; family_name: string; date_of_birth: string; sex: string;
  ethnic_category: string; postcode_district: string | null; created_at: string; version: number; updated_at: string; practice_id: string | null; practice_ods: string | null; practice_name: string | null;
  /** The senders' identifiers for the child (links.ts identifiersOf, in its order), read with the row rather than once per child. */
  identifiers: { system: string; value: string }[];
};

// The identifiers' subquery is given the ICS as well as the child's: asked inside the door's statement beside subqueries given
// it as a value, one tied only to c.ics_id is a join Citus refuses (decision 0029, third trial).
const patientColumns = (icsId: string) => sql`c.id, c.nhs_number, c.local_id, c.given_name, c.family_name, c.date_of_birth, c.sex, c.ethnic_category, c.postcode_district,
  c.created_at, c.version, c.updated_at, o.id AS practice_id, o.ods_code AS practice_ods, o.name AS practice_name,
  (SELECT coalesce(json_agg(json_build_object('system', l.system, 'value', l.value) ORDER BY l.created_at, l.system, l.value), '[]'::json)
     FROM fhir_link l WHERE l.ics_id = ${icsId}::uuid AND l.ics_id = c.ics_id AND l.resource_type = 'Patient' AND l.kind = 'identifier' AND l.target_id = c.id) AS identifiers`;

export async function patientById(tx: Tx, icsId: string, id: string): Promise<PatientRow | undefined> {
  const [found] = await rows<PatientRow>(
    tx,
    sql`SELECT ${patientColumns(icsId)} FROM child c LEFT JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
         WHERE c.ics_id = ${icsId}::uuid AND c.id = ${id}::uuid`,
  );
  return found;
}

/** patientById as the door reads it (openChildReading): the row as json, or null. */
export const patientRead: ChildRead = (icsId, childId) => sql`SELECT row_to_json(p) FROM (SELECT ${patientColumns(icsId)} FROM child c
  LEFT JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id WHERE c.ics_id = ${icsId}::uuid AND c.id = ${childId}) p`;

/** patientById for many children (a Bulk Data export's chunk, their doors opened by the caller), in one statement. */
export function patientsByIds(tx: Tx, icsId: string, ids: readonly string[]): Promise<PatientRow[]> {
  if (!ids.length) return Promise.resolve([]);
  return rows<PatientRow>(tx, sql`SELECT ${patientColumns(icsId)} FROM child c LEFT JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
    WHERE c.ics_id = ${icsId}::uuid AND c.id = ANY(${uuidArray(ids)}) ORDER BY c.id`);
}

export type PatientCriteria = {
  ids?: string[]; nhsNumber?: string; linkedIds?: string[]; name?: string[]; family?: string[]; given?: string[];
  birthFrom?: string; birthTo?: string;
  /** `_has`: children with a record entry of the kind, of any of the codes (none: nothing matches), that a system may see (never a sensitive one). */
  hasEntries?: { kind: string; codes: string[] }[];
};

/**
 * Children matching every criterion that the actor is related to (in SQL, so
 * paging and the total count only what may be seen), in name order.
 */
/** The key a Patient search pages on: the order's columns and the id of the last child of a page. */
export type PatientKey = [familyKey: string, givenKey: string, dateOfBirth: string, id: string];

/**
 * A page of the children a search finds, in name order, after the key of the
 * last child already given (keyset: a child registered meanwhile moves no
 * other across a page boundary), the key to go on from, and how many match.
 */
export async function searchPatients(tx: Tx, actor: Actor, c: PatientCriteria, limit: number, after?: PatientKey) {
  const parts: SQL[] = [sql`c.ics_id = ${actor.icsId}::uuid`, standingRelationshipSql(actor)];
  if (c.ids) parts.push(c.ids.length ? sql`c.id IN (${sql.join(c.ids.map((id) => sql`${id}::uuid`), sql`, `)})` : sql`false`);
  if (c.nhsNumber) parts.push(sql`c.nhs_number = ${c.nhsNumber}`);
  if (c.linkedIds) parts.push(c.linkedIds.length ? sql`c.id IN (${sql.join(c.linkedIds.map((id) => sql`${id}::uuid`), sql`, `)})` : sql`false`);
  // starts_with on the stored lower-case keys: leakproof, so usable under row-level security.
  for (const n of c.name ?? []) parts.push(sql`(starts_with(c.family_name_key, ${n.toLowerCase()}) OR starts_with(c.given_name_key, ${n.toLowerCase()}))`);
  for (const n of c.family ?? []) parts.push(sql`starts_with(c.family_name_key, ${n.toLowerCase()})`);
  for (const n of c.given ?? []) parts.push(sql`starts_with(c.given_name_key, ${n.toLowerCase()})`);
  if (c.birthFrom) parts.push(sql`c.date_of_birth >= ${c.birthFrom}::date`);
  if (c.birthTo) parts.push(sql`c.date_of_birth <= ${c.birthTo}::date`);
  for (const h of c.hasEntries ?? []) {
    parts.push(h.codes.length
      ? sql`EXISTS (SELECT 1 FROM record_entry e WHERE e.ics_id = c.ics_id AND e.child_id = c.id AND e.kind = ${h.kind} AND e.sensitive_category IS NULL
              AND e.status <> 'entered-in-error' AND e.code IN (${sql.join(h.codes.map((code) => sql`${code}`), sql`, `)}))`
      : sql`false`);
  }
  const where = sql.join(parts, sql` AND `);
  const from = after
    ? sql`AND (c.family_name_key COLLATE "C", c.given_name_key COLLATE "C", c.date_of_birth, c.id)
           > (${after[0]} COLLATE "C", ${after[1]} COLLATE "C", ${after[2]}::date, ${after[3]}::uuid)`
    : sql``;
  const order = sql`c.family_name_key COLLATE "C", c.given_name_key COLLATE "C", c.date_of_birth, c.id`;
  // The page's keys and, as a window over every match, the total: one statement. The columns (identifiers too) only for the page's rows.
  const found = limit > 0
    ? await rows<PatientRow & { family_key: string; given_key: string; birth: string; total_matching: number }>(
      tx,
      sql`SELECT ${patientColumns(actor.icsId)}, c.family_name_key AS family_key, c.given_name_key AS given_key, c.date_of_birth::text AS birth, k.total_matching
            FROM (SELECT c.id, count(*) OVER ()::int AS total_matching FROM child c WHERE ${where} ${from} ORDER BY ${order} LIMIT ${limit + 1}) k
            JOIN child c ON c.ics_id = ${actor.icsId}::uuid AND c.id = k.id
            LEFT JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
           ORDER BY ${order}`,
    )
    : [];
  // After a key the window counts only what follows it; the total alone (a count of 0) has no row to carry it either.
  const total = !after && limit > 0
    ? found[0]?.total_matching ?? 0
    : (await rows<{ total: number }>(tx, sql`SELECT count(*)::int AS total FROM child c WHERE ${where}`))[0].total;
  const page = found.slice(0, limit);
  const last = page.at(-1);
  const next: PatientKey | undefined = found.length > limit && last ? [last.family_key, last.given_key, last.birth, last.id] : undefined;
  return { found: page.map(({ family_key: _f, given_key: _g, birth: _b, total_matching: _t, ...row }) => row as PatientRow), total, next };
}

export type RelatedRow = {
  child_id: string; person_id: string; given_name: string; family_name: string; phone: string | null; email: string | null; address: string | null;
  relationship: string; parental_responsibility: boolean; version: number; updated_at: string;
};

const RELATED_SELECT = sql`SELECT r.child_id, p.id AS person_id, p.given_name, p.family_name, p.phone, p.email, p.address, r.relationship,
               r.parental_responsibility, r.version, r.updated_at
          FROM child_related_person r JOIN related_person p ON p.ics_id = r.ics_id AND p.id = r.related_person_id`;
const RELATED_ORDER = sql`r.parental_responsibility DESC, p.family_name, p.given_name, p.id`;

export function relatedPeople(tx: Tx, childId: string, personId?: string): Promise<RelatedRow[]> {
  return rows<RelatedRow>(
    tx,
    sql`${RELATED_SELECT} WHERE r.child_id = ${childId}::uuid ${personId ? sql`AND p.id = ${personId}::uuid` : sql``} ORDER BY ${RELATED_ORDER}`,
  );
}

/** A uuid[] of ids, for `= ANY(…)` over a Bulk Data export's chunk. */
export const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** relatedPeople for many children (a Bulk Data export's chunk, their doors opened by the caller), child by child. */
export function relatedPeopleOfEach(tx: Tx, icsId: string, childIds: readonly string[]): Promise<RelatedRow[]> {
  return rows<RelatedRow>(tx, sql`${RELATED_SELECT} WHERE r.ics_id = ${icsId}::uuid AND r.child_id = ANY(${uuidArray(childIds)}) ORDER BY r.child_id, ${RELATED_ORDER}`);
}

export type FlagRow = {
  id: string; child_id: string; kind: string; started_on: string; ended_on: string | null;
  local_authority_id: string | null; local_authority_name: string | null; local_authority_ods: string | null; version: number; updated_at: string;
};

/** By id, by child, or (`icsId` and `childIds`) for every child of a Bulk Data export's chunk, their doors opened by the caller. */
export function flags(tx: Tx, where: { childId?: string; id?: string } | { icsId: string; childIds: readonly string[] }): Promise<FlagRow[]> {
  const which = 'childIds' in where ? sql`f.ics_id = ${where.icsId}::uuid AND f.child_id = ANY(${uuidArray(where.childIds)})`
    : where.id ? sql`f.id = ${where.id}::uuid` : sql`f.child_id = ${where.childId!}::uuid`;
  return rows<FlagRow>(
    tx,
    sql`SELECT f.id, f.child_id, f.kind, f.started_on, f.ended_on, f.local_authority_id, f.version, f.updated_at, o.name AS local_authority_name, o.ods_code AS local_authority_ods
          FROM child_flag f LEFT JOIN organisation o ON o.ics_id = f.ics_id AND o.id = f.local_authority_id
         WHERE ${which}
         ORDER BY ${'childIds' in where ? sql`f.child_id, ` : sql``}f.started_on, f.id`,
  );
}

export type OrganisationRow = {
  id: string; ods_code: string; dfe_urn: string | null; name: string; kind: string; created_at: string; as_sent: Record<string, unknown> | null; version: number; updated_at: string;
};
const ORGANISATION_COLUMNS = sql`id, ods_code, dfe_urn, name, kind, created_at, as_sent, version, updated_at`;

/** The key an Organization or Practitioner search pages on: the name and id of the last one given. */
export type NameKey = [name: string, id: string];

/**
 * A page of a table's rows in name order after the key of the last row given
 * (keyset: the same cost at any depth, never stopping early), the key to go
 * on from, and how many match (a window count, in the same statement).
 */
async function pageByName<T extends { id: string; name: string }>(tx: Tx, q: { columns: SQL; table: SQL; where: SQL }, limit: number, after?: NameKey) {
  const from = after ? sql`AND (name, id) > (${after[0]}, ${after[1]}::uuid)` : sql``;
  const found = limit > 0
    ? await rows<T & { total_matching: number }>(tx, sql`SELECT * FROM (SELECT ${q.columns}, count(*) OVER ()::int AS total_matching FROM ${q.table} WHERE ${q.where}) s
        WHERE true ${from} ORDER BY name, id LIMIT ${limit + 1}`)
    : [];
  const counted = found[0]?.total_matching ?? (limit > 0 && !after ? 0 : undefined);
  const total = counted ?? (await rows<{ total: number }>(tx, sql`SELECT count(*)::int AS total FROM ${q.table} WHERE ${q.where}`))[0].total;
  const page = found.slice(0, limit).map(({ total_matching: _, ...row }) => row as unknown as T);
  const last = page.at(-1);
  return { found: page, total, ...(found.length > limit && last ? { next: [last.name, last.id] as NameKey } : {}) };
}

const nameLike = (name: string) => sql`lower(name) LIKE ${`%${name.toLowerCase().replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`}`;

/** `odsOnly`: the code must be a real ODS code, not a school's URN standing as its code. */
export async function organisations(
  tx: Tx, where: { icsId?: string; id?: string; odsCode?: string; odsOnly?: boolean; dfeUrn?: string; name?: string }, limit = 1, after?: NameKey,
) {
  const parts: SQL[] = [where.icsId ? sql`ics_id = ${where.icsId}::uuid` : sql`true`];
  if (where.id) parts.push(sql`id = ${where.id}::uuid`);
  if (where.odsCode) parts.push(sql`ods_code = ${where.odsCode}`);
  if (where.odsCode && where.odsOnly) parts.push(sql`dfe_urn IS DISTINCT FROM ods_code`);
  if (where.dfeUrn) parts.push(sql`dfe_urn = ${where.dfeUrn}`);
  if (where.name) parts.push(nameLike(where.name));
  return pageByName<OrganisationRow>(tx, { columns: ORGANISATION_COLUMNS, table: sql`organisation`, where: sql.join(parts, sql` AND `) }, limit, after);
}

export async function saveOrganisation(
  tx: Tx, icsId: string, o: { id?: string; odsCode: string; dfeUrn: string | null; name: string; kind: string; asSent?: Record<string, unknown> | null },
): Promise<{ id: string; outcome: 'created' | 'updated' | 'unchanged' }> {
  const [existing] = await rows<OrganisationRow>(tx, sql`SELECT ${ORGANISATION_COLUMNS} FROM organisation WHERE ics_id = ${icsId}::uuid AND ods_code = ${o.odsCode}`);
  const asSent = o.asSent ? JSON.stringify(o.asSent) : null;
  if (!existing) {
    const id = o.id ?? crypto.randomUUID();
    await tx.execute(sql`INSERT INTO organisation (ics_id, id, ods_code, dfe_urn, name, kind, as_sent)
                         VALUES (${icsId}::uuid, ${id}::uuid, ${o.odsCode}, ${o.dfeUrn}, ${o.name}, ${o.kind}, ${asSent}::jsonb)`);
    return { id, outcome: 'created' };
  }
  // A URN, once known, stays when a later feed names the school by its ODS code alone.
  const dfeUrn = o.dfeUrn ?? existing.dfe_urn;
  if (existing.name === o.name && existing.kind === o.kind && existing.dfe_urn === dfeUrn && sameJson(existing.as_sent, o.asSent ?? null)) return { id: existing.id, outcome: 'unchanged' };
  await tx.execute(sql`UPDATE organisation SET name = ${o.name}, kind = ${o.kind}, dfe_urn = ${dfeUrn}, as_sent = ${asSent}::jsonb WHERE ics_id = ${icsId}::uuid AND id = ${existing.id}::uuid`);
  return { id: existing.id, outcome: 'updated' };
}

export type ProfessionalRow = {
  id: string; name: string; active: boolean; created_at: string;
  /** Their statutory register's UK Core system and number (both or neither), and their CIS2 (SDS) user id. */
  registration_system: string | null; registration_number: string | null; nhsid_useruid: string | null;
};

export async function professionals(tx: Tx, where: { icsId?: string; id?: string; name?: string }, limit = 1, after?: NameKey) {
  const parts: SQL[] = [where.icsId ? sql`ics_id = ${where.icsId}::uuid` : sql`true`];
  if (where.id) parts.push(sql`id = ${where.id}::uuid`);
  if (where.name) parts.push(nameLike(where.name));
  return pageByName<ProfessionalRow>(tx, { columns: sql`id, name, active, created_at, registration_system, registration_number, nhsid_useruid`, table: sql`professional`, where: sql.join(parts, sql` AND `) }, limit, after);
}

export type AuditRow = {
  id: string; at: string; child_id: string; action: string; role: string | null; professional_id: string | null;
  who_name: string | null; is_client: boolean; organisation_id: string | null; organisation_name: string | null;
};

const AUDIT_COLUMNS = sql`a.id::text AS id, a.at, a.child_id, a.action, a.role, a.professional_id,
  coalesce(p.name, fc.name) AS who_name, fc.id IS NOT NULL AS is_client, a.organisation_id, o.name AS organisation_name`;
const AUDIT_JOINS = sql`LEFT JOIN professional p ON p.ics_id = a.ics_id AND p.id = a.professional_id
  LEFT JOIN fhir_client fc ON fc.ics_id = a.ics_id AND fc.id = a.professional_id
  LEFT JOIN organisation o ON o.ics_id = a.ics_id AND o.id = a.organisation_id`;

export async function auditEventById(tx: Tx, id: string, actions: readonly string[]): Promise<AuditRow | undefined> {
  const [found] = await rows<AuditRow>(
    tx,
    sql`SELECT ${AUDIT_COLUMNS} FROM audit_event a ${AUDIT_JOINS}
         WHERE a.id = ${id}::bigint AND a.child_id IS NOT NULL AND a.action IN (${sql.join(actions.map((x) => sql`${x}`), sql`, `)})`,
  );
  return found;
}

/** The key an AuditEvent page goes on from: when the last event given happened (PostgreSQL's text of it) and its number. */
export type AuditKey = [at: string, id: string];

/**
 * A page of a child's access log, newest first, after the key of the last
 * event given (keyset: never stopping early however long the log), and the
 * key to go on from when there is more.
 */
export async function auditEventsOf(
  tx: Tx, icsId: string, childId: string, actions: readonly string[], range: { from?: string; to?: string }, limit: number, after?: AuditKey,
) {
  const parts = [sql`a.ics_id = ${icsId}::uuid`, sql`a.child_id = ${childId}::uuid`, sql`a.action IN (${sql.join(actions.map((x) => sql`${x}`), sql`, `)})`];
  if (range.from) parts.push(sql`a.at >= ${range.from}::date`);
  if (range.to) parts.push(sql`a.at < ${range.to}::date + 1`);
  const where = sql.join(parts, sql` AND `);
  const from = after ? sql`AND (a.at, a.id) < (${after[0]}::timestamptz, ${after[1]}::bigint)` : sql``;
  const found = limit > 0
    ? await rows<AuditRow & { at_key: string }>(tx, sql`SELECT ${AUDIT_COLUMNS}, a.at::text AS at_key FROM audit_event a ${AUDIT_JOINS}
        WHERE ${where} ${from} ORDER BY a.at DESC, a.id DESC LIMIT ${limit + 1}`)
    : [];
  const [{ total }] = await rows<{ total: number }>(tx, sql`SELECT count(*)::int AS total FROM audit_event a WHERE ${where}`);
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return { found: page.map(({ at_key: _, ...row }) => row as AuditRow), total, ...(found.length > limit && last ? { next: [last.at_key, last.id] as AuditKey } : {}) };
}

/** The child a contact belongs to, so its read can go through the record service (which decides what may be seen). */
export async function contactChild(tx: Tx, icsId: string, contactId: string): Promise<string | undefined> {
  const [found] = await rows<{ child_id: string }>(tx, sql`SELECT child_id FROM contact WHERE ics_id = ${icsId}::uuid AND id = ${contactId}::uuid`);
  return found?.child_id;
}
