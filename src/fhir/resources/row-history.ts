import type { Resource } from '@medplum/fhirtypes';
import { keptVersions, type KeptVersion, type RowId, type VersionedTable } from '../row-versions.js';
import { inTurn, instant } from './common.js';
import type { Reading, Version } from './handler.js';

/**
 * A resource's versions, newest first: the current one as just read (through
 * the type's read, so its door is opened and audited first), then each kept
 * earlier version of its row, served as it was then.
 */
export async function rowHistory(
  r: Reading, current: Resource, table: VersionedTable, id: RowId,
  asThen: (snapshot: Record<string, unknown>, kept: KeptVersion) => Resource | Promise<Resource>,
): Promise<Version[]> {
  const version = Number(current.meta?.versionId);
  const earlier = (await keptVersions(r.tx, r.actor.icsId, table, id)).filter((k) => k.version < version);
  return [
    { version, at: current.meta!.lastUpdated!, resource: current },
    ...(await inTurn(earlier, async (k) => ({ version: k.version, at: instant(k.written_at), resource: await asThen(k.snapshot, k) }))),
  ];
}

/** What a snapshot says of the organisation its row named then (the practice, the local authority, the service). */
export const organisationThen = (snapshot: Record<string, unknown>) =>
  (snapshot.organisation ?? null) as { id: string; ods_code: string; name: string } | null;

/** The senders' identifiers a snapshot's resource showed then. */
export const identifiersThen = (snapshot: Record<string, unknown>) => (snapshot.identifiers ?? []) as { system: string; value: string }[];
