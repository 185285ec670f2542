import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/client.js';
import { newToken, tokenHash } from './session.js';
import { keepAlive, SESSION_TIMES, type SessionLimits } from './session-expiry.js';

export const FAMILY_SESSION_COOKIE = 'joinery_family_session';

/**
 * A parent or young person signed in with NHS login: who NHS login says they
 * are (verified NHS number and date of birth) and how sure it is (P5 or P9).
 * Not a professional: it opens no professional page and, until the family
 * pages decide what it may see (issue 16), no child's data.
 */
export type FamilyMember = {
  givenName: string;
  familyName: string;
  nhsNumber: string;
  birthdate: string;
  identityLevel: 'P5' | 'P9';
  vectorOfTrust: string;
};

export async function createFamilySession(db: Database, who: FamilyMember, idToken: string | null) {
  const token = newToken();
  const csrfToken = newToken();
  await db.platform((tx) => tx.execute(sql`
    INSERT INTO family_session (token_hash, csrf_token, nhs_number, birthdate, given_name, family_name, identity_level, vector_of_trust, id_token)
    VALUES (${tokenHash(token)}, ${csrfToken}, ${who.nhsNumber}, ${who.birthdate}::date, ${who.givenName}, ${who.familyName},
            ${who.identityLevel}, ${who.vectorOfTrust}, ${idToken})`));
  return { token, csrfToken };
}

/** The family member behind a cookie, or null; an idle or too-old session is ended, as a professional's is. */
export async function loadFamilySession(db: Database, token: string, limits: SessionLimits): Promise<{ family: FamilyMember; csrfToken: string } | null> {
  return db.platform(async (tx) => {
    const [s] = await rows<{ csrf_token: string; nhs_number: string; birthdate: string; given_name: string; family_name: string;
      identity_level: 'P5' | 'P9'; vector_of_trust: string; idle_seconds: number; age_seconds: number }>(tx, sql`
      SELECT csrf_token, nhs_number, to_char(birthdate, 'YYYY-MM-DD') AS birthdate, given_name, family_name, identity_level, vector_of_trust, ${SESSION_TIMES}
        FROM family_session WHERE token_hash = ${tokenHash(token)}`);
    if (!s || !(await keepAlive(tx, 'family_session', tokenHash(token), s, limits))) return null;
    return {
      csrfToken: s.csrf_token,
      family: { givenName: s.given_name, familyName: s.family_name, nhsNumber: s.nhs_number, birthdate: s.birthdate, identityLevel: s.identity_level, vectorOfTrust: s.vector_of_trust },
    };
  });
}

/** Ends a family session; returns its ID token, to end the NHS login session too. */
export async function endFamilySession(db: Database, token: string): Promise<string | null | undefined> {
  const [ended] = await db.platform((tx) =>
    rows<{ id_token: string | null }>(tx, sql`DELETE FROM family_session WHERE token_hash = ${tokenHash(token)} RETURNING id_token`));
  return ended?.id_token;
}
