import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { FhirError } from './outcome.js';

/**
 * The rows behind Patient, Organization, RelatedPerson, Flag and Encounter
 * carry a version, and every earlier version is kept in row_version by the
 * database itself (migration 0086, decision 0040): whoever changes a row
 * (FHIR, a page, an import) moves its version, so none can forget to.
 */
export type VersionedTable = 'child' | 'organisation' | 'child_related_person' | 'child_flag' | 'contact';

/** One earlier version: the row as it was (with what its resource showed from other rows then), and when it was written. */
export type KeptVersion = { version: number; written_at: string; snapshot: Record<string, unknown> };

/** The key row_version files a row under: its id, or a carer's child and person ids. */
export type RowId = string | { childId: string; personId: string };
const keyOf = (id: RowId) => (typeof id === 'string' ? id : `${id.childId}:${id.personId}`);

function whereKey(id: RowId): SQL {
  if (typeof id !== 'string') return sql`child_id = ${id.childId}::uuid AND related_person_id = ${id.personId}::uuid`;
  return sql`id = ${id}::uuid`;
}

/** The earlier versions of one row, newest first (the current one is the row itself). */
export function keptVersions(tx: Tx, icsId: string, table: VersionedTable, id: RowId): Promise<KeptVersion[]> {
  return rows<KeptVersion>(tx, sql`SELECT version, written_at, snapshot FROM row_version
    WHERE ics_id = ${icsId}::uuid AND table_name = ${table} AND row_key = ${keyOf(id)} ORDER BY version DESC`);
}

/**
 * If-Match, checked where the write is made: the row is locked for the rest
 * of the transaction and must still be at the version the client's change
 * was made to; otherwise 412 and nothing is written. (The route's earlier
 * check read it unlocked; a change committed between the two is caught here.)
 */
export async function requireRowVersion(
  tx: Tx, icsId: string, table: VersionedTable, id: RowId, expected: number | undefined, what: string,
): Promise<void> {
  if (expected === undefined) return;
  const [row] = await rows<{ version: number }>(tx, sql`SELECT version FROM ${sql.identifier(table)} WHERE ics_id = ${icsId}::uuid AND ${whereKey(id)} FOR UPDATE`);
  if (row && row.version !== expected) {
    throw new FhirError(412, [{
      severity: 'error', code: 'conflict',
      text: `${what} is at version ${row.version}, not ${expected}: read it again and make the change to that version.`,
    }]);
  }
}
