import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { rows, setTenant, statementText, type Database, type Tx } from '../platform/db/client.js';
import { SYSTEM_ROLE, type Actor } from '../platform/access/actor.js';
import { ValidationError } from '../platform/http/errors.js';
import { checkJwks, checkJwksUrl, type TokenError } from './client-keys.js';
import { awaitingApproval, openDutyCheck, writesRecords, type DutyMode } from '../platform/access/duties.js';
import { icsOfToken, tokenForIcs } from '../platform/auth/ics-token.js';

/**
 * System clients and their OAuth 2.0 access tokens. Secrets and tokens are
 * 32 random bytes; only their SHA-256 is stored (a slow hash adds nothing to
 * 256 bits of randomness), so a copy of the tables cannot be replayed.
 */
export const TOKEN_MINUTES = 60;
/** The client the command-line importer acts as: the ICS's own integration engine, with no secret. */
export const COMMAND_LINE_CLIENT = 'Command-line import';

export const hash = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');
export const randomSecret = () => crypto.randomBytes(32).toString('base64url');

const SCOPE = /^system\/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$/;

/** Splits and checks a scope list: SMART v2 system scopes (and v1 read/write). */
export function parseScopes(text: string): string[] {
  const scopes = [...new Set(text.split(/\s+/).filter(Boolean))];
  const bad = scopes.filter((s) => !SCOPE.test(s) || s.endsWith('.'));
  if (scopes.length === 0 || bad.length) {
    throw new ValidationError({ scopes: `Scopes must be SMART system scopes like "system/*.rs system/Patient.cud"${bad.length ? `; not: ${bad.join(' ')}` : ''}` });
  }
  return scopes;
}

export type ClientRow = { id: string; name: string; scopes: string; organisation_id: string | null; revoked_at: string | null };

/** Registers a client; the secret is shown once, here, and never again. */
export async function addClient(
  tx: Tx, icsId: string,
  input: { name: string; scopes: string; organisationId: string | null; withSecret?: boolean; jwks?: unknown; jwksUrl?: string },
): Promise<{ clientId: string; clientSecret: string | null }> {
  const name = input.name.trim();
  if (!name || name.length > 100 || [...name].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) throw new ValidationError({ name: 'Enter a client name of up to 100 characters' });
  const scopes = parseScopes(input.scopes);
  const taken = await rows(tx, sql`SELECT 1 FROM fhir_client WHERE ics_id = ${icsId}::uuid AND name = ${name}`);
  if (taken.length) throw new ValidationError({ name: `A client named "${name}" already exists in this ICS` });
  // A client with public keys signs its assertions (private_key_jwt) and has no secret to leak.
  if (input.jwks !== undefined && input.jwksUrl !== undefined) throw new ValidationError({ jwks: 'Register a JWKS or a JWKS URL, not both' });
  const jwks = input.jwks === undefined ? null : checkJwks(input.jwks);
  const jwksUrl = input.jwksUrl === undefined ? null : checkJwksUrl(input.jwksUrl);
  const id = crypto.randomUUID();
  const secret = input.withSecret === false || jwks || jwksUrl ? null : randomSecret();
  await tx.execute(sql`INSERT INTO fhir_client (ics_id, id, name, secret_hash, scopes, organisation_id, jwks, jwks_url)
    VALUES (${icsId}::uuid, ${id}::uuid, ${name}, ${secret ? hash(secret) : null}, ${scopes.join(' ')}, ${input.organisationId}::uuid,
            ${jwks ? JSON.stringify(jwks) : null}::jsonb, ${jwksUrl})`);
  return { clientId: id, clientSecret: secret };
}

/** The client the command-line importer acts as, made on first use. */
export async function commandLineClient(tx: Tx, icsId: string): Promise<string> {
  const [found] = await rows<{ id: string }>(tx, sql`SELECT id FROM fhir_client WHERE ics_id = ${icsId}::uuid AND name = ${COMMAND_LINE_CLIENT} AND revoked_at IS NULL`);
  if (found) return found.id;
  return (await addClient(tx, icsId, { name: COMMAND_LINE_CLIENT, scopes: 'system/*.cruds', organisationId: null, withSecret: false })).clientId;
}

export type { TokenError } from './client-keys.js';
export type IssuedToken = { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string };

/**
 * The client credentials grant with a shared secret: checks the client and
 * secret, then issues a token (grantToken).
 */
export async function issueToken(
  db: Database, clientId: string, clientSecret: string, requested: string | undefined, minutes = TOKEN_MINUTES,
): Promise<IssuedToken | TokenError> {
  const invalidClient: TokenError = { error: 'invalid_client', description: 'Unknown client or wrong secret.' };
  if (!/^[0-9a-f-]{36}$/i.test(clientId)) return invalidClient;
  // Before the ICS is known: the lookup function finds the client by its id in every ICS (on Citus, every shard), once a token.
  const [client] = await db.platform((tx) =>
    rows<{ ics_id: string; secret_hash: string | null; scopes: string; revoked: boolean }>(tx, sql`SELECT * FROM joinery_fhir_client_lookup(${clientId}::uuid)`),
  );
  const given = Buffer.from(hash(clientSecret));
  const expected = Buffer.from(client?.secret_hash ?? hash(randomSecret()));
  if (!client || client.revoked || !client.secret_hash || !crypto.timingSafeEqual(given, expected)) return invalidClient;
  return grantToken(db, { clientId, icsId: client.ics_id, scopes: client.scopes }, requested, minutes);
}

/**
 * A token for a client already authenticated (by secret, or by a signed
 * assertion): unless it waits for approval, with the scopes narrowed to
 * those asked for (all granted when none are).
 */
export async function grantToken(
  db: Database, client: { clientId: string; icsId: string; scopes: string }, requested: string | undefined, minutes = TOKEN_MINUTES,
): Promise<IssuedToken | TokenError> {
  const { clientId, icsId } = client;
  if (await db.tenant(icsId, (tx) => awaitingApproval(tx, icsId, { fhirClientId: clientId }))) {
    return { error: 'invalid_client', description: 'This client can change records and is waiting for a second administrator to approve it.' };
  }
  const granted = client.scopes.split(' ');
  let scopes = granted;
  if (requested !== undefined && requested.trim() !== '') {
    const asked = [...new Set(requested.split(/\s+/).filter(Boolean))];
    const refused = asked.filter((s) => !granted.includes(s));
    if (refused.length) return { error: 'invalid_scope', description: `This client is not granted: ${refused.join(' ')}` };
    scopes = asked;
  }
  // The token names its ICS, so each request finds it among that ICS's tokens (decision 0034).
  const token = tokenForIcs(icsId);
  await db.tenant(icsId, async (tx) => {
    // Expired tokens are of no use to anyone: clear this client's as a new one is issued.
    await tx.execute(sql`DELETE FROM fhir_token WHERE ics_id = ${icsId}::uuid AND client_id = ${clientId}::uuid AND expires_at < now()`);
    await tx.execute(sql`INSERT INTO fhir_token (ics_id, token_hash, client_id, scopes, expires_at)
      VALUES (${icsId}::uuid, ${hash(token)}, ${clientId}::uuid, ${scopes.join(' ')}, now() + make_interval(mins => ${minutes}))`);
  });
  return { access_token: token, token_type: 'Bearer', expires_in: minutes * 60, scope: scopes.join(' ') };
}

/**
 * The Actor a system client acts as. Its organisation is the one it was
 * registered for; the ICS's engine records as the ICS body (the ICB).
 */
export async function clientActor(tx: Tx, icsId: string, clientId: string, scopes: string[]): Promise<Actor | null> {
  const [c] = await rows<ClientActorRow>(tx, clientActorSql(sql`${icsId}::uuid`, sql`${clientId}::uuid`));
  return actorOf(icsId, c, scopes);
}

type ClientActorRow = { id: string; name: string; organisation_id: string | null; org_id: string | null; org_name: string | null; revoked: boolean };

/** The client (by the ICS and id `icsId` and `clientId` give) and the organisation it records for. */
const clientActorSql = (icsId: SQL, clientId: SQL) => sql`SELECT c.id, c.name, c.organisation_id, o.id AS org_id, o.name AS org_name, c.revoked_at IS NOT NULL AS revoked
      FROM fhir_client c
      LEFT JOIN LATERAL (SELECT id, name FROM organisation
                          WHERE ics_id = c.ics_id AND (id = c.organisation_id OR (c.organisation_id IS NULL AND kind = 'ics-body'))
                          ORDER BY ods_code LIMIT 1) o ON true
     WHERE c.ics_id = ${icsId} AND c.id = ${clientId}`;

function actorOf(icsId: string, c: ClientActorRow | undefined, scopes: string[]): Actor | null {
  if (!c || c.revoked) return null;
  return {
    icsId,
    professionalId: c.id,
    name: c.name,
    email: '',
    role: SYSTEM_ROLE,
    // With no ICS body on record, the engine records under no organisation (the nil id matches none).
    organisationId: c.org_id ?? '00000000-0000-0000-0000-000000000000',
    organisationName: c.org_name ?? 'Integrated care system',
    system: { clientId: c.id, scopes, clientOrganisationId: c.organisation_id },
  };
}

export type Authentication = { actor: Actor } | TokenRefusal;
export type TokenRefusal = { error: 'invalid_token' | 'expired_token'; description: string };

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;
const invalidToken: TokenRefusal = { error: 'invalid_token', description: 'The access token is not valid.' };

/** Thrown out of asClient's transaction (which rolls back, having written nothing) when the token lets no one in. */
export class TokenRefused extends Error {
  constructor(readonly refusal: TokenRefusal) {
    super(refusal.description);
  }
}

/**
 * fn in one tenant transaction as the system client behind a bearer token,
 * or TokenRefused. The token's lookup (which sets the tenant to the token's
 * ICS) and the client's own row, under row-level security, travel with the
 * transaction's BEGIN: one round trip where authenticate and a tenant
 * transaction took five.
 */
export async function asClient<T>(db: Database, token: string, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  const icsId = TOKEN.test(token) ? icsOfToken(token) : null;
  if (!icsId) throw new TokenRefused(invalidToken);
  // A UUID rebuilt from bytes and a SHA-256 in hex: safe to write into the statements' text.
  const tokenHash = hash(token);
  const lookup = sql.raw(`joinery_fhir_token_lookup('${icsId}'::uuid, '${tokenHash}')`);
  return db.tenantFoundBy([
    statementText(sql`SELECT t.ics_id, t.client_id, t.scopes, t.expired, set_config('app.ics_id', t.ics_id::text, true) FROM ${lookup} t`),
    statementText(clientActorSql(sql.raw(`'${icsId}'::uuid`), sql`(SELECT t.client_id FROM ${lookup} t)`)),
  ], async (tx, [[t], [c]]) => {
    const found = t as { ics_id: string; client_id: string; scopes: string; expired: boolean } | undefined;
    if (!found) throw new TokenRefused(invalidToken);
    // The lookup's set_config binds the coordinator only; Citus's workers learn the tenant from a SET LOCAL,
    // so there the client's row (read on a worker before it, under row-level security: none) is read again after it.
    if (db.citus) await setTenant(tx, found.ics_id);
    if (found.expired) throw new TokenRefused({ error: 'expired_token', description: 'The access token has expired: ask for a new one.' });
    const scopes = found.scopes.split(' ');
    const actor = db.citus ? await clientActor(tx, found.ics_id, found.client_id, scopes) : actorOf(found.ics_id, c as ClientActorRow | undefined, scopes);
    if (!actor) throw new TokenRefused({ error: 'invalid_token', description: 'The client has been revoked.' });
    return fn(tx, actor);
  });
}

/** The actor behind a bearer token, or why there is none (asClient's transaction, which does nothing more). */
export async function authenticate(db: Database, token: string): Promise<Authentication> {
  try {
    return { actor: await asClient(db, token, async (_tx, actor) => actor) };
  } catch (e) {
    if (e instanceof TokenRefused) return e.refusal;
    throw e;
  }
}

/**
 * A client registered with scopes that change records is checked by a second
 * person, in the ICS's mode (platform/access/duties.ts): in 'approval' mode
 * it gets no token until an administrator approves it. Returns the mode, or
 * null for a client that only reads.
 */
export async function checkNewClient(tx: Tx, icsId: string, clientId: string, scopes: string, by: string): Promise<DutyMode | null> {
  if (!writesRecords(scopes.split(/\s+/))) return null;
  const actor = await clientActor(tx, icsId, clientId, scopes.split(/\s+/));
  if (!actor) return null;
  return openDutyCheck(tx, { ...actor, name: by }, 'registered from the command line', { fhirClientId: clientId }, `FHIR client registered with write scopes: ${actor.name}`);
}
