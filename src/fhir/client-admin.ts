import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ConflictError, NotFoundError } from '../platform/http/errors.js';
import { COMMAND_LINE_CLIENT, hash, randomSecret } from './clients.js';

/**
 * Keeping an ICS's FHIR clients: list them, revoke one, give one a new secret.
 * Callers check who may (the admin pages and the command line); each change is
 * audited in the caller's transaction. Revoking or rotating ends the client's
 * tokens at once, so a leaked secret or token is of no further use.
 */

export type ClientSummary = {
  id: string; name: string; scopes: string; organisationName: string | null;
  createdAt: string; revokedAt: string | null; liveTokens: number; lastTokenAt: string | null;
};

/** A time as ISO 8601 in UTC, the same from PGlite and the server. */
const iso = (column: SQL) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** The ICS's clients (icsId: the tenant, named in the statement as every tenant query does). */
export function listClients(tx: Tx, icsId: string): Promise<ClientSummary[]> {
  return rows<ClientSummary>(tx, sql`
    SELECT c.id, c.name, c.scopes, o.name AS "organisationName", ${iso(sql`c.created_at`)} AS "createdAt", ${iso(sql`c.revoked_at`)} AS "revokedAt",
           (SELECT count(*)::int FROM fhir_token t WHERE t.ics_id = ${icsId}::uuid AND t.ics_id = c.ics_id AND t.client_id = c.id AND t.expires_at > now()) AS "liveTokens",
           (SELECT ${iso(sql`max(t.issued_at)`)} FROM fhir_token t WHERE t.ics_id = ${icsId}::uuid AND t.ics_id = c.ics_id AND t.client_id = c.id) AS "lastTokenAt"
      FROM fhir_client c
      LEFT JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.organisation_id
     WHERE c.ics_id = ${icsId}::uuid AND c.name <> ${COMMAND_LINE_CLIENT}
     ORDER BY c.revoked_at IS NOT NULL, c.name`);
}

/** One client that can still be changed, or why not (unknown, the importer's own, or already revoked). */
async function liveClient(tx: Tx, icsId: string, id: string): Promise<ClientSummary> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new NotFoundError(`There is no FHIR client with the id ${id}.`);
  const client = (await listClients(tx, icsId)).find((c) => c.id === id.toLowerCase());
  if (!client) throw new NotFoundError(`There is no FHIR client with the id ${id}.`);
  if (client.revokedAt) throw new ConflictError(`${client.name} was revoked on ${client.revokedAt.slice(0, 16).replace('T', ' ')} UTC: it cannot be changed.`);
  return client;
}

export async function revokeClient(tx: Tx, actor: Actor, id: string, why: string): Promise<ClientSummary> {
  const client = await liveClient(tx, actor.icsId, id);
  await tx.execute(sql`UPDATE fhir_client SET revoked_at = now() WHERE ics_id = ${actor.icsId}::uuid AND id = ${client.id}::uuid`);
  await tx.execute(sql`DELETE FROM fhir_token WHERE ics_id = ${actor.icsId}::uuid AND client_id = ${client.id}::uuid`);
  await recordAudit(tx, actor, {
    action: 'admin.fhir-client-revoked',
    what: `FHIR client revoked: ${client.name}`,
    why,
    details: { clientId: client.id, scopes: client.scopes, tokensEnded: client.liveTokens },
  });
  return client;
}

/** A new secret, shown once; the old secret and every token it got stop working. */
export async function rotateClientSecret(tx: Tx, actor: Actor, id: string, why: string): Promise<{ client: ClientSummary; secret: string }> {
  const client = await liveClient(tx, actor.icsId, id);
  const secret = randomSecret();
  await tx.execute(sql`UPDATE fhir_client SET secret_hash = ${hash(secret)} WHERE ics_id = ${actor.icsId}::uuid AND id = ${client.id}::uuid`);
  await tx.execute(sql`DELETE FROM fhir_token WHERE ics_id = ${actor.icsId}::uuid AND client_id = ${client.id}::uuid`);
  await recordAudit(tx, actor, {
    action: 'admin.fhir-client-secret-rotated',
    what: `FHIR client given a new secret: ${client.name}`,
    why,
    details: { clientId: client.id, tokensEnded: client.liveTokens },
  });
  return { client, secret };
}
