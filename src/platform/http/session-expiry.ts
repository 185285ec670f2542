import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';

export type SessionLimits = { idleMinutes: number; maxHours: number };

/** How long a session row has been idle and alive, in seconds: select these beside its other columns for keepAlive. */
export const SESSION_TIMES = sql`extract(epoch FROM now() - last_seen_at)::float AS idle_seconds, extract(epoch FROM now() - created_at)::float AS age_seconds`;

/**
 * Whether a professional's or a family member's session may go on. One idle
 * for longer than the idle limit, or older than the absolute limit however
 * busy, is ended: a stolen cookie is not good for ever. Otherwise it is
 * touched, at most once a minute to save a write on every request.
 */
export async function keepAlive(
  tx: Tx, table: 'session' | 'family_session', tokenHash: string, times: { idle_seconds: number; age_seconds: number }, limits: SessionLimits,
  /** A professional's session is kept in its ICS (a tenant table); a family member's belongs to none. */
  icsId?: string,
): Promise<boolean> {
  const row = icsId ? sql`ics_id = ${icsId}::uuid AND token_hash = ${tokenHash}` : sql`token_hash = ${tokenHash}`;
  if (times.idle_seconds > limits.idleMinutes * 60 || times.age_seconds > limits.maxHours * 3600) {
    await tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE ${row}`);
    return false;
  }
  if (times.idle_seconds > 60) await tx.execute(sql`UPDATE ${sql.identifier(table)} SET last_seen_at = now() WHERE ${row}`);
  return true;
}
