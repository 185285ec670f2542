import { sql } from 'drizzle-orm';
import { likeContaining } from '../platform/http/list-search.js';
import { rows, type Tx } from '../platform/db/client.js';
import type { OrganisationKind } from '../platform/access/organisation-kinds.js';
import type { Role } from '../platform/access/roles.js';

/**
 * Admin queries. Every one runs in the actor's tenant transaction, so row-level
 * security already limits them to the actor's ICS; inserts name that ICS explicitly.
 */

export type Option = { id: string; name: string };
export type OrganisationRow = { id: string; name: string; kind: OrganisationKind; ods_code: string; place_id: string | null; place_name: string | null };
export type ClusterRow = {
  id: string; name: string; place_id: string; place_name: string; lead_id: string | null; lead_name: string | null; practice_count: number;
  triage_working_days: number; advice_working_days: number;
};
export type MemberPractice = { id: string; name: string; ods_code: string; joined_at: string };
export type UserRow = {
  id: string; name: string; email: string; role: string; organisation_id: string; organisation_name: string; active: boolean;
  /** Their NHS CIS2 identity, when an administrator has linked it. */
  nhsid_useruid: string | null;
  last_sign_in_at: string | null;
  last_sign_in_method: string | null;
};

export const places = (tx: Tx) => rows<Option>(tx, sql`SELECT id, name FROM place ORDER BY name, id`);

export async function placeExists(tx: Tx, id: string): Promise<boolean> {
  return (await rows(tx, sql`SELECT 1 FROM place WHERE id = ${id}::uuid`)).length > 0;
}

// ---- organisations

export async function countOrganisations(tx: Tx, kind: OrganisationKind | undefined): Promise<number> {
  const [r] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM organisation WHERE ${kind ?? null}::text IS NULL OR kind = ${kind ?? null}`);
  return r.n;
}

export function listOrganisations(tx: Tx, kind: OrganisationKind | undefined, limit: number, offset: number) {
  return rows<OrganisationRow>(
    tx,
    sql`SELECT o.id, o.name, o.kind, o.ods_code, o.place_id, p.name AS place_name
          FROM organisation o LEFT JOIN place p ON p.ics_id = o.ics_id AND p.id = o.place_id
         WHERE ${kind ?? null}::text IS NULL OR o.kind = ${kind ?? null}
         ORDER BY o.name, o.ods_code
         LIMIT ${limit} OFFSET ${offset}`,
  );
}

/** Every organisation, for the user form's select. */
export const organisationOptions = (tx: Tx) =>
  rows<{ id: string; name: string; ods_code: string }>(tx, sql`SELECT id, name, ods_code FROM organisation ORDER BY name, ods_code`);

export async function organisation(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<OrganisationRow | undefined> {
  const [r] = await rows<OrganisationRow>(
    tx,
    sql`SELECT o.id, o.name, o.kind, o.ods_code, o.place_id, p.name AS place_name
          FROM organisation o LEFT JOIN place p ON p.ics_id = o.ics_id AND p.id = o.place_id
         WHERE o.id = ${id}::uuid ${opts.lock ? sql`FOR UPDATE OF o` : sql``}`,
  );
  return r;
}

export async function organisationWithOdsCode(tx: Tx, odsCode: string): Promise<Option | undefined> {
  const [r] = await rows<Option>(tx, sql`SELECT id, name FROM organisation WHERE ods_code = ${odsCode}`);
  return r;
}

type OrganisationFields = { name: string; kind: OrganisationKind; odsCode: string; placeId: string | null };

export async function insertOrganisation(tx: Tx, icsId: string, id: string, f: OrganisationFields): Promise<void> {
  await tx.execute(sql`INSERT INTO organisation (ics_id, id, ods_code, name, kind, place_id)
                       VALUES (${icsId}::uuid, ${id}::uuid, ${f.odsCode}, ${f.name}, ${f.kind}, ${f.placeId}::uuid)`);
}

export async function updateOrganisation(tx: Tx, id: string, f: OrganisationFields): Promise<void> {
  await tx.execute(sql`UPDATE organisation SET ods_code = ${f.odsCode}, name = ${f.name}, kind = ${f.kind}, place_id = ${f.placeId}::uuid
                        WHERE id = ${id}::uuid`);
}

// ---- clusters

export function listClusters(tx: Tx, icsId: string) {
  return rows<ClusterRow>(
    tx,
    sql`SELECT c.id, c.name, c.place_id, pl.name AS place_name, c.lead_paediatrician_id AS lead_id, lp.name AS lead_name, c.triage_working_days, c.advice_working_days,
               (SELECT count(*)::int FROM cluster_practice cp WHERE cp.ics_id = c.ics_id AND cp.cluster_id = c.id) AS practice_count
          FROM cluster c
          JOIN place pl ON pl.ics_id = c.ics_id AND pl.id = c.place_id
          LEFT JOIN professional lp ON lp.ics_id = c.ics_id AND lp.id = c.lead_paediatrician_id
         WHERE c.ics_id = ${icsId}::uuid
         ORDER BY c.name, c.id`,
  );
}

export async function cluster(tx: Tx, icsId: string, id: string, opts: { lock?: boolean } = {}): Promise<ClusterRow | undefined> {
  const [r] = await rows<ClusterRow>(
    tx,
    sql`SELECT c.id, c.name, c.place_id, pl.name AS place_name, c.lead_paediatrician_id AS lead_id, lp.name AS lead_name, c.triage_working_days, c.advice_working_days,
               (SELECT count(*)::int FROM cluster_practice cp WHERE cp.ics_id = c.ics_id AND cp.cluster_id = c.id) AS practice_count
          FROM cluster c
          JOIN place pl ON pl.ics_id = c.ics_id AND pl.id = c.place_id
          LEFT JOIN professional lp ON lp.ics_id = c.ics_id AND lp.id = c.lead_paediatrician_id
         WHERE c.ics_id = ${icsId}::uuid AND c.id = ${id}::uuid ${opts.lock ? sql`FOR UPDATE OF c` : sql``}`,
  );
  return r;
}

export function clusterPractices(tx: Tx, icsId: string, clusterId: string) {
  return rows<MemberPractice>(
    tx,
    sql`SELECT o.id, o.name, o.ods_code, cp.joined_at
          FROM cluster_practice cp JOIN organisation o ON o.ics_id = cp.ics_id AND o.id = cp.practice_id
         WHERE cp.ics_id = ${icsId}::uuid AND cp.cluster_id = ${clusterId}::uuid
         ORDER BY o.name, o.ods_code`,
  );
}

/** GP practices in no cluster: the only ones that may be added to one. */
export function practicesWithoutCluster(tx: Tx, icsId: string) {
  return rows<{ id: string; name: string; ods_code: string }>(
    tx,
    sql`SELECT o.id, o.name, o.ods_code FROM organisation o
         WHERE o.ics_id = ${icsId}::uuid AND o.kind = 'gp-practice'
           AND NOT EXISTS (SELECT 1 FROM cluster_practice cp WHERE cp.ics_id = o.ics_id AND cp.practice_id = o.id)
         ORDER BY o.name, o.ods_code`,
  );
}

/** The cluster a practice is in, if any. */
export async function clusterOfPractice(tx: Tx, icsId: string, practiceId: string): Promise<Option | undefined> {
  const [r] = await rows<Option>(
    tx,
    sql`SELECT c.id, c.name FROM cluster_practice cp JOIN cluster c ON c.ics_id = cp.ics_id AND c.id = cp.cluster_id
         WHERE cp.ics_id = ${icsId}::uuid AND cp.practice_id = ${practiceId}::uuid`,
  );
  return r;
}

/** Active paediatricians: who may lead a cluster. */
export function paediatricians(tx: Tx) {
  return rows<Option>(tx, sql`SELECT id, name FROM professional WHERE role = 'paediatrician' AND active ORDER BY name, id`);
}

export async function isActivePaediatrician(tx: Tx, id: string): Promise<boolean> {
  return (await rows(tx, sql`SELECT 1 FROM professional WHERE id = ${id}::uuid AND role = 'paediatrician' AND active`)).length > 0;
}

export async function insertCluster(tx: Tx, icsId: string, id: string, f: { name: string; placeId: string; leadId: string }) {
  await tx.execute(sql`INSERT INTO cluster (ics_id, id, name, place_id, lead_paediatrician_id)
                       VALUES (${icsId}::uuid, ${id}::uuid, ${f.name}, ${f.placeId}::uuid, ${f.leadId}::uuid)`);
}

/** Adds a practice unless it is already in a cluster (the primary key allows one); says whether it was added. */
export async function addPractice(tx: Tx, icsId: string, clusterId: string, practiceId: string): Promise<boolean> {
  const added = await rows(
    tx,
    sql`INSERT INTO cluster_practice (ics_id, cluster_id, practice_id) VALUES (${icsId}::uuid, ${clusterId}::uuid, ${practiceId}::uuid)
        ON CONFLICT (ics_id, practice_id) DO NOTHING RETURNING practice_id`,
  );
  return added.length > 0;
}

export async function removePractice(tx: Tx, icsId: string, clusterId: string, practiceId: string): Promise<boolean> {
  const removed = await rows(
    tx,
    sql`DELETE FROM cluster_practice WHERE ics_id = ${icsId}::uuid AND cluster_id = ${clusterId}::uuid AND practice_id = ${practiceId}::uuid RETURNING practice_id`,
  );
  return removed.length > 0;
}

export async function setWorkingDays(tx: Tx, icsId: string, clusterId: string, days: { triageWorkingDays: number; adviceWorkingDays: number }): Promise<void> {
  await tx.execute(sql`UPDATE cluster SET triage_working_days = ${days.triageWorkingDays}, advice_working_days = ${days.adviceWorkingDays}
                        WHERE ics_id = ${icsId}::uuid AND id = ${clusterId}::uuid`);
}

export async function setLead(tx: Tx, icsId: string, clusterId: string, leadId: string): Promise<void> {
  await tx.execute(sql`UPDATE cluster SET lead_paediatrician_id = ${leadId}::uuid WHERE ics_id = ${icsId}::uuid AND id = ${clusterId}::uuid`);
}

// ---- users

/** Which users a list shows: a role, and words each found in the name, email or organisation (typed literally, as parameters). */
export type UserFilter = { role?: string; words?: string };

function usersMatching(f: UserFilter) {
  const words = (f.words ?? '').split(/\s+/).filter(Boolean).map((w) => {
    const like = likeContaining(w);
    return sql`(p.name ILIKE ${like} OR p.email ILIKE ${like} OR EXISTS (SELECT 1 FROM organisation wo WHERE wo.ics_id = p.ics_id AND wo.id = p.organisation_id AND wo.name ILIKE ${like}))`;
  });
  return sql.join([sql`(${f.role ?? null}::text IS NULL OR p.role = ${f.role ?? null})`, ...words], sql` AND `);
}

export async function countUsers(tx: Tx, filter: UserFilter): Promise<number> {
  const [r] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM professional p WHERE ${usersMatching(filter)}`);
  return r.n;
}

export function listUsers(tx: Tx, filter: UserFilter, limit: number, offset: number) {
  return rows<UserRow>(
    tx,
    sql`SELECT p.id, p.name, p.email, p.role, p.organisation_id, o.name AS organisation_name, p.active,
               p.nhsid_useruid, p.last_sign_in_at, p.last_sign_in_method
          FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
         WHERE ${usersMatching(filter)}
         ORDER BY p.name, p.email
         LIMIT ${limit} OFFSET ${offset}`,
  );
}

export async function user(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<UserRow | undefined> {
  const [r] = await rows<UserRow>(
    tx,
    sql`SELECT p.id, p.name, p.email, p.role, p.organisation_id, o.name AS organisation_name, p.active,
               p.nhsid_useruid, p.last_sign_in_at, p.last_sign_in_method
          FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
         WHERE p.id = ${id}::uuid ${opts.lock ? sql`FOR UPDATE OF p` : sql``}`,
  );
  return r;
}

export async function insertUser(
  tx: Tx,
  icsId: string,
  id: string,
  f: { name: string; email: string; role: string; organisationId: string; passwordHash: string | null },
): Promise<void> {
  await tx.execute(sql`INSERT INTO professional (ics_id, id, email, name, role, organisation_id, password_hash)
                       VALUES (${icsId}::uuid, ${id}::uuid, ${f.email}, ${f.name}, ${f.role}, ${f.organisationId}::uuid, ${f.passwordHash})`);
}

export async function updateUser(tx: Tx, id: string, f: { name: string; role: string; organisationId: string; active: boolean; nhsidUseruid: string | null }) {
  await tx.execute(sql`UPDATE professional SET name = ${f.name}, role = ${f.role}, organisation_id = ${f.organisationId}::uuid, active = ${f.active},
                              nhsid_useruid = ${f.nhsidUseruid}
                        WHERE id = ${id}::uuid`);
}

/**
 * The demo's staff who can sign in at the stand-in CIS2 (those linked to a
 * CIS2 identity), with their organisation's ODS code, and another
 * organisation of the same kind in their ICS (the demo gives one person a
 * second role there). Every ICS: the caller is the demo's start-up, on the owner connection.
 */
export type Cis2LinkedStaff = {
  nhsid_useruid: string; name: string; email: string; role: Role; ods_code: string; organisation_name: string; organisation_kind: OrganisationKind;
  other_ods_code: string | null; other_organisation_name: string | null;
};
export function cis2LinkedStaff(tx: Tx) {
  return rows<Cis2LinkedStaff>(tx, sql`
    SELECT p.nhsid_useruid, p.name, p.email, p.role, o.ods_code, o.name AS organisation_name, o.kind AS organisation_kind,
           other.ods_code AS other_ods_code, other.name AS other_organisation_name
      FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
      LEFT JOIN LATERAL (SELECT x.ods_code, x.name FROM organisation x WHERE x.ics_id = o.ics_id AND x.kind = o.kind AND x.id <> o.id
                          ORDER BY x.ods_code LIMIT 1) other ON true
     WHERE p.nhsid_useruid IS NOT NULL AND p.active
     ORDER BY p.role, p.email`);
}

/** The roles of the other accounts at an organisation linked to this CIS2 identity. */
export async function cis2RolesAt(tx: Tx, uid: string, organisationId: string, exceptId: string): Promise<Role[]> {
  const found = await rows<{ role: Role }>(tx, sql`SELECT role FROM professional
     WHERE nhsid_useruid = ${uid} AND organisation_id = ${organisationId}::uuid AND id <> ${exceptId}::uuid ORDER BY role`);
  return found.map((r) => r.role);
}

/** The roles of the active accounts at an organisation, each once. */
export async function activeRolesAt(tx: Tx, organisationId: string): Promise<Role[]> {
  const found = await rows<{ role: Role }>(tx, sql`SELECT DISTINCT role FROM professional WHERE organisation_id = ${organisationId}::uuid AND active ORDER BY role`);
  return found.map((r) => r.role);
}
