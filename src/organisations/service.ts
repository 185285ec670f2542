import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';

/**
 * The ICS's hubs (clusters) as other capabilities need them: who leads each,
 * and which practices it joins. Reference data, no child in it, so no audit.
 */
export type Hub = { id: string; name: string; lead_paediatrician_id: string | null; lead_name: string | null };

const HUB = sql`SELECT cl.id, cl.name, cl.lead_paediatrician_id, p.name AS lead_name FROM cluster cl
  LEFT JOIN professional p ON p.ics_id = cl.ics_id AND p.id = cl.lead_paediatrician_id`;

export async function hubById(tx: Tx, icsId: string, id: string): Promise<Hub | undefined> {
  const [found] = await rows<Hub>(tx, sql`${HUB} WHERE cl.ics_id = ${icsId}::uuid AND cl.id = ${id}::uuid`);
  return found;
}

export function hubsLedBy(tx: Tx, icsId: string, professionalId: string): Promise<Hub[]> {
  return rows<Hub>(tx, sql`${HUB} WHERE cl.ics_id = ${icsId}::uuid AND cl.lead_paediatrician_id = ${professionalId}::uuid ORDER BY cl.name`);
}

/** For an administrator's home page: how many organisations, hubs and users the ICS has. Reference data, no child in it. */
export async function organisationCounts(tx: Tx, icsId: string): Promise<{ organisations: number; clusters: number; professionals: number }> {
  const [c] = await rows<{ organisations: number; clusters: number; professionals: number }>(
    tx,
    sql`SELECT (SELECT count(*)::int FROM organisation WHERE ics_id = ${icsId}::uuid) AS organisations,
               (SELECT count(*)::int FROM cluster WHERE ics_id = ${icsId}::uuid) AS clusters,
               (SELECT count(*)::int FROM professional WHERE ics_id = ${icsId}::uuid) AS professionals`,
  );
  return c;
}
