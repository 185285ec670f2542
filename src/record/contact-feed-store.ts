import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { stagedRows } from '../platform/db/bulk.js';
import type { ContactType } from './schema.js';

/** A feed's contact as it goes in: the columns the feed gives, with their types. */
const FED_COLUMNS: [string, string][] = [['child_id', 'uuid'], ['type', 'text'], ['started_at', 'timestamptz'], ['organisation_id', 'uuid'],
  ['reason_code', 'text'], ['reason_display', 'text'], ['emergency', 'boolean'], ['source_id', 'text']];

/** A contact from a bulk feed (an activity CSV): no clinician, no end time, the sender's id. */
export type FedContact = {
  childId: string;
  type: ContactType;
  startedAt: string;
  organisationId: string | null;
  reasonCode: string | null;
  reasonDisplay: string | null;
  emergency: boolean | null;
  sourceId: string;
};

/**
 * Adds a feed's contacts in one statement, skipping any the sender already
 * sent ((source_system, source_id) is unique). Returns the id of each contact
 * added, by the sender's id.
 */
export async function insertFedContacts(tx: Tx, icsId: string, sourceSystem: string, contacts: readonly FedContact[]): Promise<Map<string, string>> {
  if (!contacts.length) return new Map();
  const p = <T>(f: (c: FedContact) => T) => sql.param(contacts.map(f));
  // COPYed into a staging table where the transaction may (decision 0036); on Citus, typed arrays unnested into rows.
  const from = await stagedRows(tx, FED_COLUMNS, contacts.map((c) => [c.childId, c.type, c.startedAt, c.organisationId, c.reasonCode, c.reasonDisplay, c.emergency, c.sourceId]), 'r') ?? sql`
    unnest(${p((c) => c.childId)}::uuid[], ${p((c) => c.type)}::text[], ${p((c) => c.startedAt)}::timestamptz[], ${p((c) => c.organisationId)}::uuid[],
           ${p((c) => c.reasonCode)}::text[], ${p((c) => c.reasonDisplay)}::text[], ${p((c) => c.emergency)}::boolean[], ${p((c) => c.sourceId)}::text[])
      AS r(${sql.raw(FED_COLUMNS.map(([c]) => c).join(', '))})`;
  const added = await rows<{ id: string; source_id: string }>(tx, sql`
    INSERT INTO contact (ics_id, id, child_id, type, started_at, organisation_id, reason_code, reason_display, emergency, source_system, source_id)
    SELECT ${icsId}::uuid, gen_random_uuid(), r.child_id, r.type, r.started_at, r.organisation_id, r.reason_code, r.reason_display, r.emergency,
           ${sourceSystem}, r.source_id
      FROM ${from}
    ON CONFLICT (ics_id, source_system, source_id) DO NOTHING
    RETURNING id, source_id`);
  return new Map(added.map((a) => [a.source_id, a.id]));
}
