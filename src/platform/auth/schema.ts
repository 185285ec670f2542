import { pgTable, text, integer, timestamp, primaryKey, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * Sign-in attempts in the current window, per email-and-address pair and per
 * address. Platform data, counted before the tenant is known; keys are hashes.
 */
export const signInAttempt = pgTable('sign_in_attempt', {
  scope: text('scope').notNull(),
  keyHash: text('key_hash').notNull(),
  attempts: integer('attempts').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.scope, t.keyHash] }),
  check('sign_in_attempt_scope_check', sql`${t.scope} IN ('pair', 'address')`),
]);
