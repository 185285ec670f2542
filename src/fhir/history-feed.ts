import { sql, type SQL } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { standingRelationshipSql } from '../platform/access/relationship.js';
import type { Reading, ResourceHandler } from './resources/handler.js';
import type { VersionedTable } from './row-versions.js';

/**
 * The versions type-level and system `_history` may give, newest first: one
 * row per (type, id, version) with when it was written, from the rows'
 * current versions and the kept ones (row_version for the rows behind
 * Patient, Organization, RelatedPerson, Flag and Encounter; record_entry_history
 * for the record's entries). Only children the client stands in a
 * relationship with are listed, so a page is not spent on refusals; the
 * door still decides each one (history-pages.ts reads every version through
 * its type's own history, opened and audited).
 */
export type Candidate = { type: string; id: string; version: number; at: string };

/** Where each row-versioned type's rows are, and its resource id (a carer's is the child's and person's ids as 64 hex digits). */
const ROW_TYPES: Record<string, { table: VersionedTable; id: SQL; key: SQL; child: SQL | null }> = {
  Patient: { table: 'child', id: sql`t.id::text`, key: sql`t.id::text`, child: sql`t.id` },
  Organization: { table: 'organisation', id: sql`t.id::text`, key: sql`t.id::text`, child: null },
  RelatedPerson: {
    table: 'child_related_person', id: sql`replace(t.child_id::text, '-', '') || replace(t.related_person_id::text, '-', '')`,
    key: sql`t.child_id::text || ':' || t.related_person_id::text`, child: sql`t.child_id`,
  },
  Flag: { table: 'child_flag', id: sql`t.id::text`, key: sql`t.id::text`, child: sql`t.child_id` },
  Encounter: { table: 'contact', id: sql`t.id::text`, key: sql`t.id::text`, child: sql`t.child_id` },
};

/** The types whose versions the feed can list: every type with instance history. */
export const feedTypes = (handlers: ResourceHandler[]) => handlers.filter((h) => h.history && (h.entryKind || ROW_TYPES[h.type]));

/** The child row `c` the rows `t` belong to, with the client's standing relationship (none for shared rows). */
function childOf(icsId: string, actor: Actor, child: SQL | null): { join: SQL; where: SQL } {
  if (!child) return { join: sql``, where: sql`` };
  return {
    join: sql`JOIN child c ON c.ics_id = t.ics_id AND c.id = ${child}`,
    where: sql`AND c.ics_id = ${icsId}::uuid AND ${standingRelationshipSql(actor)}`,
  };
}

function rowVersions(icsId: string, actor: Actor, type: string): SQL {
  const { table, id, key, child } = ROW_TYPES[type];
  const c = childOf(icsId, actor, child);
  return sql`SELECT ${type}::text AS type, ${id} AS id, t.version, t.updated_at AS at FROM ${sql.identifier(table)} t ${c.join}
      WHERE t.ics_id = ${icsId}::uuid ${c.where}
    UNION ALL
    SELECT ${type}::text, ${id}, rv.version, rv.written_at FROM row_version rv
      JOIN ${sql.identifier(table)} t ON t.ics_id = rv.ics_id AND ${key} = rv.row_key ${c.join}
      WHERE rv.ics_id = ${icsId}::uuid AND rv.table_name = ${table} AND t.ics_id = ${icsId}::uuid AND rv.version < t.version ${c.where}`;
}

/**
 * A record entry's versions: those kept in its history, and its current one where none was kept (generated data). Sensitive ones are
 * never listed, nor one now entered in error: search, $everything and export leave those out, so a feed across records does too.
 */
function entryVersions(icsId: string, actor: Actor, type: string, kind: string): SQL {
  const c = childOf(icsId, actor, sql`t.child_id`);
  return sql`SELECT ${type}::text AS type, t.id::text AS id, h.version, h.changed_at AS at FROM record_entry_history h
      JOIN record_entry t ON t.ics_id = h.ics_id AND t.id = h.entry_id ${c.join}
      WHERE h.ics_id = ${icsId}::uuid AND t.ics_id = ${icsId}::uuid AND t.kind = ${kind} AND t.sensitive_category IS NULL AND t.status <> 'entered-in-error'
        AND h.snapshot->>'kind' = ${kind} AND h.snapshot->>'sensitive_category' IS NULL ${c.where}
    UNION ALL
    SELECT ${type}::text, t.id::text, t.version, t.recorded_at FROM record_entry t ${c.join}
      WHERE t.ics_id = ${icsId}::uuid AND t.kind = ${kind} AND t.sensitive_category IS NULL AND t.status <> 'entered-in-error' ${c.where}
        AND NOT EXISTS (SELECT 1 FROM record_entry_history h WHERE h.ics_id = t.ics_id AND h.ics_id = ${icsId}::uuid AND h.entry_id = t.id AND h.version = t.version)`;
}

/** The key a page of the feed continues after: the last version's (at as PostgreSQL's text, type, id, version). */
export type FeedKey = [string, string, string, number];

/**
 * Up to `limit` versions of the types, newest first (then by type, id and
 * version, all descending, so the order is total), written at or after
 * `since`, after `after`.
 */
export async function feedPage(
  r: Reading, types: ResourceHandler[], opts: { since?: string; after?: FeedKey; limit: number },
): Promise<(Candidate & { key: FeedKey })[]> {
  const { icsId } = r.actor;
  const branches = types.map((h) => (h.entryKind ? entryVersions(icsId, r.actor, h.type, h.entryKind) : rowVersions(icsId, r.actor, h.type)));
  const where = [
    ...(opts.since ? [sql`v.at >= ${opts.since}::timestamptz`] : []),
    ...(opts.after ? [sql`(v.at, v.type, v.id, v.version) < (${opts.after[0]}::timestamptz, ${opts.after[1]}::text, ${opts.after[2]}::text, ${opts.after[3]}::int)`] : []),
  ];
  const found = await rows<Candidate & { at_key: string }>(r.tx, sql`SELECT v.type, v.id, v.version, v.at, v.at::text AS at_key
    FROM (${sql.join(branches, sql` UNION ALL `)}) v ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
    ORDER BY v.at DESC, v.type DESC, v.id DESC, v.version DESC LIMIT ${opts.limit}`);
  return found.map(({ at_key, ...c }) => ({ ...c, key: [at_key, c.type, c.id, c.version] }));
}
