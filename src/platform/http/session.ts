import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, setTenant, type Database } from '../db/client.js';
import type { Actor, SignedInHow } from '../access/actor.js';
import { accountRefusal, accountFactsOf, type AccountFacts } from '../auth/account-use.js';
import { keepAlive, SESSION_TIMES, type SessionLimits } from './session-expiry.js';
import { icsOfToken, tokenForIcs } from '../auth/ics-token.js';

export const SESSION_COOKIE = 'joinery_session';

/** Only the token's hash is stored: a copy of the table cannot be replayed as cookies. */
const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
export const newToken = () => crypto.randomBytes(32).toString('base64url');

const PASSWORD: SignedInHow = { method: 'password', assurance: null, nrbacRoleId: null, nrbacRoleName: null };

/**
 * Starts a session and notes the sign-in on the account (the administrator's
 * list shows the last one and its method). The ID token is kept only to end
 * the provider's session at sign-out. The cookie's token carries the ICS, so
 * the session is kept and found among that ICS's rows (decision 0034).
 */
export async function createSession(db: Database, icsId: string, professionalId: string, how: SignedInHow = PASSWORD, idToken: string | null = null) {
  const token = tokenForIcs(icsId);
  const csrfToken = newToken();
  await db.platform(async (tx) => {
    await setTenant(tx, icsId);
    await tx.execute(sql`INSERT INTO session (token_hash, ics_id, professional_id, csrf_token, method, assurance, nrbac_role_id, nrbac_role_name, id_token)
                   VALUES (${hash(token)}, ${icsId}::uuid, ${professionalId}::uuid, ${csrfToken}, ${how.method}, ${how.assurance},
                           ${how.nrbacRoleId}, ${how.nrbacRoleName}, ${idToken})`);
    await tx.execute(sql`UPDATE professional SET last_sign_in_at = now(), last_sign_in_method = ${how.method}
                          WHERE ics_id = ${icsId}::uuid AND id = ${professionalId}::uuid`);
  });
  return { token, csrfToken };
}

export type LoadedSession = { actor: Actor; csrfToken: string } | { expired: true } | null;

export type { SessionLimits } from './session-expiry.js';

/**
 * Finds the session for a cookie and the professional behind it, in one
 * transaction in the ICS the token names, with one statement: the tenant is
 * set as the transaction opens. An idle or too-old session is ended
 * (keepAlive). A token that names no ICS is no session.
 */
export async function loadSession(db: Database, token: string, limits: SessionLimits): Promise<LoadedSession> {
  const icsId = icsOfToken(token);
  if (!icsId) return null;
  return db.tenant(icsId, async (tx) => {
    const [s] = await rows<{ ics_id: string; professional_id: string; csrf_token: string; idle_seconds: number; age_seconds: number } & SessionHow
      & { name: string; email: string; organisation_id: string; organisation_name: string; active: boolean | null } & AccountFacts>(
      tx,
      sql`SELECT s.*, p.name, p.email, p.organisation_id, o.name AS organisation_name, p.active, ${accountFactsOf(icsId)}
            FROM (SELECT ics_id, professional_id, csrf_token, method, assurance, nrbac_role_id, nrbac_role_name, ${SESSION_TIMES}
                    FROM session WHERE ics_id = ${icsId}::uuid AND token_hash = ${hash(token)}) s
            LEFT JOIN professional p ON p.ics_id = s.ics_id AND p.id = s.professional_id
            LEFT JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id`,
    );
    if (!s) return null;
    if (!(await keepAlive(tx, 'session', hash(token), s, limits, icsId))) return { expired: true as const };
    // An account gone or no longer to be used (see accountRefusal) is sent back to sign in, which says why.
    if (!s.active || accountRefusal(s)) return null;
    return {
      csrfToken: s.csrf_token,
      actor: {
        icsId: s.ics_id,
        professionalId: s.professional_id,
        name: s.name,
        email: s.email,
        role: s.role,
        organisationId: s.organisation_id,
        organisationName: s.organisation_name,
        signedIn: { method: s.method, assurance: s.assurance, nrbacRoleId: s.nrbac_role_id, nrbacRoleName: s.nrbac_role_name },
      },
    };
  });
}

type SessionHow = { method: SignedInHow['method']; assurance: string | null; nrbac_role_id: string | null; nrbac_role_name: string | null };

/** Ends the session; returns the ID token it was signed in with, if any, to end the provider's session too. */
export async function endSession(db: Database, token: string): Promise<{ idToken: string | null; method: string } | undefined> {
  const icsId = icsOfToken(token);
  if (!icsId) return undefined;
  const [ended] = await db.platform(async (tx) => {
    await setTenant(tx, icsId);
    return rows<{ id_token: string | null; method: string }>(tx,
      sql`DELETE FROM session WHERE ics_id = ${icsId}::uuid AND token_hash = ${hash(token)} RETURNING id_token, method`);
  });
  return ended && { idToken: ended.id_token, method: ended.method };
}

/** Hash of a session token, for the family sessions kept beside this one. */
export const tokenHash = hash;
