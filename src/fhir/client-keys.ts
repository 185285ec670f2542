import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../platform/db/client.js';
import { ValidationError } from '../platform/http/errors.js';

/**
 * SMART Backend Services authentication (private_key_jwt, RFC 7523): the
 * client signs a short-lived JWT with its private key; Joinery checks it
 * against the public keys the client registered (a JWKS, or the URL it
 * publishes them at). Only RS384 and ES384, as SMART asks. Each assertion's
 * jti is kept until it expires so that a copied assertion gets no second token.
 */

/** Why the token endpoint gives no token (RFC 6749 §5.2). */
export type TokenError = { error: 'invalid_client' | 'invalid_scope' | 'invalid_request' | 'unsupported_grant_type'; description: string };

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** SMART: an assertion may live at most five minutes. */
export const MAX_ASSERTION_SECONDS = 300;
/** Clock difference allowed between the client and Joinery. */
const SKEW_SECONDS = 60;
const ALGORITHMS = { RS384: { kty: 'RSA' }, ES384: { kty: 'EC', crv: 'P-384' } } as const;
type Algorithm = keyof typeof ALGORITHMS;

type Jwk = { kty?: string; crv?: string; kid?: string; alg?: string; use?: string; n?: string; e?: string; x?: string; y?: string; d?: string };

/**
 * A JWKS as a client registers it: public RSA (2048 bits or more) or P-384
 * keys only, each one importable. Throws a ValidationError naming the problem.
 */
export function checkJwks(value: unknown): { keys: Jwk[] } {
  const bad = (why: string) => new ValidationError({ jwks: `The JWKS ${why}` });
  const keys = (value as { keys?: unknown })?.keys;
  if (!value || typeof value !== 'object' || !Array.isArray(keys) || keys.length === 0 || keys.length > 20) throw bad('must be {"keys": [...]} with 1 to 20 public keys.');
  keys.forEach((k: Jwk, i) => {
    if (!k || typeof k !== 'object') throw bad(`key ${i + 1} is not an object.`);
    if (k.d !== undefined) throw bad(`key ${i + 1} is a private key: register only the public keys.`);
    if (k.alg !== undefined && !(k.alg in ALGORITHMS)) throw bad(`key ${i + 1} is for ${String(k.alg)}; Joinery takes RS384 and ES384.`);
    if (k.kty !== 'RSA' && !(k.kty === 'EC' && k.crv === 'P-384')) throw bad(`key ${i + 1} must be an RSA key or an EC key on P-384.`);
    let key: crypto.KeyObject;
    try {
      key = crypto.createPublicKey({ key: k as crypto.JsonWebKey, format: 'jwk' });
    } catch {
      throw bad(`key ${i + 1} could not be read as a public key.`);
    }
    if (k.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw bad(`key ${i + 1} is an RSA key under 2048 bits.`);
  });
  return { keys: keys as Jwk[] };
}

/** A JWKS URL: https, or http on this machine's loopback (a test's own key server). */
export function checkJwksUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError({ jwksUrl: 'The JWKS URL is not a URL.' });
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new ValidationError({ jwksUrl: 'The JWKS URL must be https.' });
  return url.toString();
}

/** The keys published at a client's JWKS URL (fetched on each assertion: a client rotating its keys is seen at once). */
async function fetchJwks(url: string): Promise<Jwk[] | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error', headers: { accept: 'application/json' } });
    if (!res.ok) return null;
    const text = await res.text();
    if (text.length > 100_000) return null;
    return checkJwks(JSON.parse(text)).keys;
  } catch {
    return null;
  }
}

const b64json = (part: string): Record<string, unknown> | null => {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

function signatureMatches(alg: Algorithm, jwk: Jwk, signed: string, signature: Buffer): boolean {
  const want = ALGORITHMS[alg];
  if (jwk.kty !== want.kty || ('crv' in want && jwk.crv !== want.crv) || (jwk.alg !== undefined && jwk.alg !== alg) || (jwk.use !== undefined && jwk.use !== 'sig')) return false;
  try {
    const key = crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: 'jwk' });
    // JWS carries an ECDSA signature as r‖s, not DER.
    return crypto.verify('sha384', Buffer.from(signed), alg === 'ES384' ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
  } catch {
    return false;
  }
}

export type VerifiedClient = { clientId: string; icsId: string; secret_hash: string | null; scopes: string; revoked: boolean };

/**
 * Checks a client assertion for the token endpoint at `audience`: its form,
 * algorithm, issuer = subject = a registered client, audience, expiry (in
 * the future, at most five minutes ahead), signature by one of the client's
 * keys, and that its jti has not been used. The jti is kept in the same
 * step, so two requests racing with one assertion get one token between them.
 */
export async function verifyAssertion(db: Database, assertion: string, audience: string, now = new Date()): Promise<{ clientId: string; icsId: string; scopes: string } | TokenError> {
  const refuse = (description: string): TokenError => ({ error: 'invalid_client', description });
  const parts = assertion.split('.');
  if (parts.length !== 3 || assertion.length > 16_000) return refuse('The client assertion is not a signed JWT.');
  const header = b64json(parts[0]);
  const claims = b64json(parts[1]);
  if (!header || !claims) return refuse('The client assertion is not a signed JWT.');
  const alg = header.alg as string;
  if (!(alg in ALGORITHMS)) return refuse(`The client assertion is signed with ${String(alg)}; Joinery takes RS384 and ES384.`);
  const { iss, sub, aud, exp, jti } = claims as { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown; jti?: unknown };
  if (typeof iss !== 'string' || iss !== sub || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(iss)) {
    return refuse('The assertion’s iss and sub must both be the client id.');
  }
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) return refuse(`The assertion’s aud must be the token endpoint, ${audience}.`);
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= seconds - SKEW_SECONDS) return refuse('The client assertion has expired.');
  if (exp > seconds + MAX_ASSERTION_SECONDS + SKEW_SECONDS) return refuse('The client assertion must expire within five minutes.');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 255) return refuse('The client assertion needs a jti of up to 255 characters.');

  const clientId = iss.toLowerCase();
  const [client] = await db.platform((tx) =>
    rows<{ ics_id: string; scopes: string; revoked: boolean }>(tx, sql`SELECT ics_id, scopes, revoked FROM joinery_fhir_client_lookup(${clientId}::uuid)`));
  if (!client || client.revoked) return refuse('Unknown client, or the assertion was not signed by its key.');
  const icsId = client.ics_id;
  const [registered] = await db.tenant(icsId, (tx) =>
    rows<{ jwks: { keys: Jwk[] } | null; jwks_url: string | null }>(tx, sql`SELECT jwks, jwks_url FROM fhir_client WHERE ics_id = ${icsId}::uuid AND id = ${clientId}::uuid`));
  const keys = registered?.jwks?.keys ?? (registered?.jwks_url ? await fetchJwks(registered.jwks_url) : null);
  if (!keys) return refuse(registered?.jwks_url ? 'The client’s JWKS URL did not give its keys.' : 'This client has no public keys registered: it authenticates with its secret.');
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const candidates = keys.filter((k) => kid === undefined || k.kid === kid);
  const signature = Buffer.from(parts[2], 'base64url');
  if (!candidates.some((k) => signatureMatches(alg as Algorithm, k, `${parts[0]}.${parts[1]}`, signature))) {
    return refuse('Unknown client, or the assertion was not signed by its key.');
  }
  const fresh = await db.tenant(icsId, async (tx) => {
    await tx.execute(sql`DELETE FROM fhir_client_assertion WHERE ics_id = ${icsId}::uuid AND client_id = ${clientId}::uuid AND expires_at < now() - interval '5 minutes'`);
    return rows(tx, sql`INSERT INTO fhir_client_assertion (ics_id, client_id, jti, expires_at)
      VALUES (${icsId}::uuid, ${clientId}::uuid, ${jti}, to_timestamp(${exp}))
      ON CONFLICT (ics_id, client_id, jti) DO NOTHING RETURNING jti`);
  });
  if (!fresh.length) return refuse('This client assertion has been used already: sign a new one, with a new jti, for each token.');
  return { clientId, icsId, scopes: client.scopes };
}
