import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { activityReason } from './activity-import/activity-row.js';
import { activityMonths, rollUpAddedEvents } from './rollups/rollup.js';
import { ACTIVITY_TYPES } from './schema.js';

/**
 * The population's count of contacts the record holds (docs/decisions/0012):
 * each contact of a type the dashboards count becomes one activity event
 * pointing back at it, written and rolled up in the recorder's transaction,
 * so case finding and the dashboards count what the record shows.
 */

/** What the population needs of a recorded contact. */
export type RecordedContact = {
  contactId: string;
  childId: string;
  type: string;
  startedAt: string;
  endedAt?: string | null;
  organisationId?: string | null;
  /** A SNOMED CT code, counted under its reason in data/activity-reasons.tsv when it has one. */
  reasonCode?: string | null;
  emergency?: boolean | null;
};

/** Contact types that are activity the population counts (prescriptions are not contacts; urgent care, out of hours and social care are not counted). */
export const COUNTED_CONTACT_TYPES: readonly string[] = ACTIVITY_TYPES.filter((t) => t !== 'prescription');

/**
 * Adds the events of contacts just recorded and rewrites the rollups they
 * change. The practice and hub are the child's now (a contact recorded today
 * happened while they were registered there), the age the age on the day in
 * London; an admission's bed days are the nights between its start and end.
 * A child with no registered practice cannot be placed on a dashboard, so
 * their contacts are not counted. Returns how many events were added.
 */
export async function countContacts(tx: Tx, icsId: string, contacts: readonly RecordedContact[]): Promise<number> {
  const counted = contacts.filter((c) => COUNTED_CONTACT_TYPES.includes(c.type));
  if (!counted.length) return 0;
  const before = await activityMonths(tx, icsId);
  const p = sql.param;
  const col = <T>(f: (c: RecordedContact) => T) => p(counted.map(f));
  const london = (at: string) => sql.raw(`(${at} AT TIME ZONE 'Europe/London')`);
  const added = await rows<{ month: string }>(tx, sql`
    INSERT INTO activity_event (ics_id, child_id, type, occurred_at, month, age_years, practice_id, cluster_id, organisation_id,
                                reason_code, emergency, bed_days, contact_id)
    SELECT ${icsId}::uuid, c.id, r.type, r.started_at, date_trunc('month', ${london('r.started_at')})::date,
           greatest(0, date_part('year', age(${london('r.started_at')}::date, c.date_of_birth)))::smallint,
           c.registered_practice_id, cp.cluster_id, r.organisation_id, r.reason_code,
           CASE WHEN r.type = 'admission' THEN coalesce(r.emergency, FALSE) END,
           CASE WHEN r.type = 'admission' AND r.ended_at IS NOT NULL THEN (${london('r.ended_at')}::date - ${london('r.started_at')}::date)::smallint END,
           r.contact_id
      FROM unnest(${col((c) => c.contactId)}::uuid[], ${col((c) => c.childId)}::uuid[], ${col((c) => c.type)}::text[],
                  ${col((c) => c.startedAt)}::timestamptz[], ${col((c) => c.endedAt ?? null)}::timestamptz[],
                  ${col((c) => c.organisationId ?? null)}::uuid[], ${col((c) => (c.reasonCode ? activityReason(c.reasonCode) : null))}::text[],
                  ${col((c) => c.emergency ?? null)}::boolean[])
        AS r(contact_id, child_id, type, started_at, ended_at, organisation_id, reason_code, emergency)
      JOIN child c ON c.ics_id = ${icsId}::uuid AND c.id = r.child_id
      LEFT JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
     WHERE c.registered_practice_id IS NOT NULL
    ON CONFLICT (ics_id, contact_id) DO NOTHING
    RETURNING month::text AS month`);
  if (!added.length) return 0;
  const ids = p(counted.map((c) => c.contactId));
  await rollUpAddedEvents(
    tx, icsId, sql`(SELECT * FROM activity_event WHERE ics_id = ${icsId}::uuid AND contact_id = ANY(${ids}::uuid[]))`,
    before, added.map((a) => a.month), [...new Set(counted.map((c) => c.type))],
  );
  return added.length;
}
