import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client.js';
import type { ProviderName } from './providers.js';

/** A sign-in must come back from the provider within this long. */
export const PENDING_MINUTES = 10;

/** The cookie tying a sign-in under way to the browser that started it: a callback link sent to someone else is refused. */
export const BROWSER_COOKIE = 'joinery_oidc_browser';

const hash = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

export type PendingSignIn = { codeVerifier: string; nonce: string; nextPage: string };

/** Keeps what the callback must match, server-side; only hashes of the state and browser binding are stored. */
export async function rememberSignIn(db: Database, provider: ProviderName, state: string, browser: string, p: PendingSignIn): Promise<void> {
  await db.platform(async (tx) => {
    await tx.execute(sql`DELETE FROM oidc_sign_in WHERE created_at < now() - make_interval(mins => ${PENDING_MINUTES})`);
    await tx.execute(sql`INSERT INTO oidc_sign_in (state_hash, provider, browser_hash, code_verifier, nonce, next_page)
                         VALUES (${hash(state)}, ${provider}, ${hash(browser)}, ${p.codeVerifier}, ${p.nonce}, ${p.nextPage})`);
  });
}

export type TakenSignIn = PendingSignIn | { refused: 'unknown-state' | 'other-browser' | 'expired' };

/**
 * Takes the sign-in a callback's state names, deleting it in the same
 * statement: a second callback with the same state (a replay) finds nothing.
 */
export async function takeSignIn(db: Database, provider: ProviderName, state: string, browser: string | undefined): Promise<TakenSignIn> {
  const [found] = await db.platform((tx) =>
    rows<{ browser_hash: string; code_verifier: string; nonce: string; next_page: string; age_seconds: number }>(tx, sql`
      DELETE FROM oidc_sign_in WHERE state_hash = ${hash(state)} AND provider = ${provider}
      RETURNING browser_hash, code_verifier, nonce, next_page, extract(epoch FROM now() - created_at)::float AS age_seconds`));
  if (!found) return { refused: 'unknown-state' };
  if (!browser || found.browser_hash !== hash(browser)) return { refused: 'other-browser' };
  if (found.age_seconds > PENDING_MINUTES * 60) return { refused: 'expired' };
  return { codeVerifier: found.code_verifier, nonce: found.nonce, nextPage: found.next_page };
}
