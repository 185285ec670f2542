import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { uuidArray } from './store.js';

/**
 * The proxy access granted to the child's carers, as FHIR shows it on
 * RelatedPerson (read only): its status, the evidence of parental
 * responsibility checked, what it covers and when it ends. Never the reasons
 * a professional gave, refusals, a young person's own access or anything
 * they keep from their parents.
 */
export type ProxyGrantRow = {
  related_person_id: string; status: 'active' | 'suspended' | 'ended'; basis: string | null; may_see: string[]; ends_on: string | null; granted_at: string;
};

/** Each carer's current proxy grant for the child (a live one before an ended one, then the newest). */
export async function proxyGrantsOf(tx: Tx, icsId: string, childId: string): Promise<ProxyGrantRow[]> {
  return (await currentGrants(tx, sql`g.ics_id = ${icsId}::uuid AND g.child_id = ${childId}::uuid`)).get(childId) ?? [];
}

/** proxyGrantsOf for many children (a Bulk Data export's chunk): child id → its carers' current grants. */
export function proxyGrantsOfEach(tx: Tx, icsId: string, childIds: readonly string[]): Promise<Map<string, ProxyGrantRow[]>> {
  return currentGrants(tx, sql`g.ics_id = ${icsId}::uuid AND g.child_id = ANY(${uuidArray(childIds)})`);
}

async function currentGrants(tx: Tx, children: SQL): Promise<Map<string, ProxyGrantRow[]>> {
  const found = await rows<ProxyGrantRow & { child_id: string }>(tx, sql`SELECT DISTINCT ON (g.child_id, g.related_person_id) g.child_id, g.related_person_id,
      g.status, g.basis, g.may_see, to_char(g.ends_on, 'YYYY-MM-DD') AS ends_on, g.granted_at
    FROM family_access_grant g
   WHERE ${children} AND g.kind = 'proxy' AND g.related_person_id IS NOT NULL
   ORDER BY g.child_id, g.related_person_id, (g.status <> 'ended') DESC, g.granted_at DESC`);
  const out = new Map<string, ProxyGrantRow[]>();
  for (const { child_id, ...grant } of found) out.set(child_id, [...(out.get(child_id) ?? []), grant]);
  return out;
}

/** The grant proxyGrantsOf would choose among one carer's grants as they were kept (row_version): a live one before an ended one, then the newest. */
export function currentGrant(grants: ProxyGrantRow[] | undefined): ProxyGrantRow | undefined {
  return [...(grants ?? [])].sort((a, b) =>
    Number(a.status === 'ended') - Number(b.status === 'ended') || Date.parse(b.granted_at) - Date.parse(a.granted_at))[0];
}
