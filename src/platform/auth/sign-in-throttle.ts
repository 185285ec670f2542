import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../db/client.js';

/**
 * Sign-in throttling. Each attempt is counted before its password is checked,
 * in one atomic upsert per counter, so guesses sent at the same moment cannot
 * all slip under the limit. Counts live in the database: they hold across
 * restarts and across processes sharing it.
 *
 * Counted per email and address together, so someone guessing a colleague's
 * password from one address cannot lock that colleague out from another; and
 * per address across all emails, more loosely, against password spraying.
 */
export type SignInLimits = { perEmailAndAddress: number; perAddress: number; windowMinutes: number };

export const SIGN_IN_LIMITS: SignInLimits = { perEmailAndAddress: 5, perAddress: 50, windowMinutes: 15 };

type Scope = 'pair' | 'address';

const keyHash = (...parts: string[]) => crypto.createHash('sha256').update(parts.join('\n')).digest('hex');

/** Adds one to a counter (starting afresh once its window has passed) and returns the new count. */
async function countAttempt(tx: Tx, scope: Scope, key: string, windowMinutes: number): Promise<number> {
  const [row] = await rows<{ attempts: number }>(
    tx,
    sql`INSERT INTO sign_in_attempt AS a (scope, key_hash, attempts, window_started_at)
        VALUES (${scope}, ${key}, 1, now())
        ON CONFLICT (scope, key_hash) DO UPDATE SET
          attempts = CASE WHEN a.window_started_at <= now() - make_interval(mins => ${windowMinutes}) THEN 1 ELSE a.attempts + 1 END,
          window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(mins => ${windowMinutes}) THEN now() ELSE a.window_started_at END
        RETURNING attempts`,
  );
  return row!.attempts;
}

/**
 * Counts a sign-in attempt; false when the pair or the address is over its
 * limit, and the password must not be checked.
 */
export async function admitSignInAttempt(db: Database, email: string, address: string, limits = SIGN_IN_LIMITS): Promise<boolean> {
  return db.platform(async (tx) => {
    // Always the pair first, then the address: every attempt takes the row locks in the same order.
    if ((await countAttempt(tx, 'pair', keyHash(email, address), limits.windowMinutes)) > limits.perEmailAndAddress) return false;
    return (await countAttempt(tx, 'address', keyHash(address), limits.windowMinutes)) <= limits.perAddress;
  });
}

/**
 * A right password: the pair starts afresh and its attempt no longer counts
 * against the address. Windows long past are cleared out at the same time.
 */
export async function forgetSignInAttempts(db: Database, email: string, address: string, limits = SIGN_IN_LIMITS): Promise<void> {
  await db.platform(async (tx) => {
    await tx.execute(sql`DELETE FROM sign_in_attempt WHERE scope = 'pair' AND key_hash = ${keyHash(email, address)}`);
    await tx.execute(sql`UPDATE sign_in_attempt SET attempts = greatest(attempts - 1, 0)
                          WHERE scope = 'address' AND key_hash = ${keyHash(address)}`);
    await tx.execute(sql`DELETE FROM sign_in_attempt WHERE window_started_at < now() - make_interval(mins => ${limits.windowMinutes})`);
  });
}
