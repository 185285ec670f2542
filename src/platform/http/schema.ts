import { pgTable, uuid, text, timestamp } from 'drizzle-orm/pg-core';

/** Signed-in sessions. Platform data, not a child's: looked up by token hash before the tenant is known. */
export const session = pgTable('session', {
  tokenHash: text('token_hash').primaryKey(),
  icsId: uuid('ics_id').notNull(),
  professionalId: uuid('professional_id').notNull(),
  csrfToken: text('csrf_token').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
});
