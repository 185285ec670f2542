import crypto from 'node:crypto';

/**
 * A secret Joinery hands out (a session cookie, a FHIR access token) that says
 * which ICS it belongs to: the ICS id (16 bytes, 22 base64url characters) and
 * 32 random bytes (43). The ICS part is no secret and grants nothing: the
 * token is found only by the hash of all of it, among that ICS's rows, so one
 * ICS's rows are read (one shard on Citus) before anything else is known
 * (decision 0034).
 */
const ICS_PART = 22;
const TOKEN_LENGTH = ICS_PART + 43;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function tokenForIcs(icsId: string): string {
  if (!UUID.test(icsId)) throw new Error('An ICS id must be a UUID.');
  const ics = Buffer.from(icsId.replace(/-/g, ''), 'hex').toString('base64url');
  return ics + crypto.randomBytes(32).toString('base64url');
}

/** The ICS a token says it belongs to, or null for anything not made by tokenForIcs (an older token, or made up). */
export function icsOfToken(token: string): string | null {
  if (token.length !== TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const part = token.slice(0, ICS_PART);
  const bytes = Buffer.from(part, 'base64url');
  // Only the one spelling of those 16 bytes counts, so a token has one ICS.
  if (bytes.length !== 16 || bytes.toString('base64url') !== part) return null;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
