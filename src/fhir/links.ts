import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { uuidArray } from './store.js';

/**
 * The sender's names for our rows (see fhir_link): an identifier's system and
 * value, or the sender's namespace and resource id.
 */
export type LinkKey = { kind: 'identifier' | 'id'; system: string; value: string };

export async function linkTarget(tx: Tx, icsId: string, resourceType: string, key: LinkKey): Promise<string | undefined> {
  const [found] = await rows<{ target_id: string }>(
    tx,
    sql`SELECT target_id FROM fhir_link WHERE ics_id = ${icsId}::uuid AND resource_type = ${resourceType} AND kind = ${key.kind} AND system = ${key.system} AND value = ${key.value}`,
  );
  return found?.target_id;
}

/** Remembers the keys for a row; a key already pointing elsewhere is moved to this row (the sender's latest word wins). */
export async function saveLinks(tx: Tx, icsId: string, resourceType: string, targetId: string, keys: LinkKey[]): Promise<void> {
  // One statement for all of a row's keys (a feed writes many rows).
  const unique = [...new Map(keys.map((k) => [`${k.kind}\u0000${k.system}\u0000${k.value}`, k])).values()];
  if (!unique.length) return;
  // Rows as VALUES, not read from a JSON set: Citus refuses INSERT … SELECT from a function under row-level security.
  const values = unique.map((k) => sql`(${icsId}::uuid, ${resourceType}, ${k.kind}, ${k.system}, ${k.value}, ${targetId}::uuid)`);
  await tx.execute(sql`INSERT INTO fhir_link (ics_id, resource_type, kind, system, value, target_id) VALUES ${sql.join(values, sql`, `)}
    ON CONFLICT (ics_id, resource_type, kind, system, value) DO UPDATE SET target_id = excluded.target_id`);
}

/** identifiersOf for many rows of one type at once (a Bulk Data export's chunk): row id → its identifiers, in the same order. */
export async function identifiersOfEach(tx: Tx, icsId: string, resourceType: string, targetIds: readonly string[]): Promise<Map<string, { system: string; value: string }[]>> {
  const out = new Map<string, { system: string; value: string }[]>();
  if (!targetIds.length) return out;
  const found = await rows<{ target_id: string; system: string; value: string }>(tx, sql`SELECT target_id, system, value FROM fhir_link
    WHERE ics_id = ${icsId}::uuid AND resource_type = ${resourceType} AND kind = 'identifier' AND target_id = ANY(${uuidArray(targetIds)})
    ORDER BY target_id, created_at, system, value`);
  for (const { target_id, system, value } of found) out.set(target_id, [...(out.get(target_id) ?? []), { system, value }]);
  return out;
}

/** The identifiers senders gave a row, for writing it back out. */
export async function identifiersOf(tx: Tx, icsId: string, resourceType: string, targetId: string): Promise<{ system: string; value: string }[]> {
  return rows(
    tx,
    sql`SELECT system, value FROM fhir_link WHERE ics_id = ${icsId}::uuid AND resource_type = ${resourceType} AND kind = 'identifier' AND target_id = ${targetId}::uuid ORDER BY created_at, system, value`,
  );
}
