import { uuid, text, timestamp } from 'drizzle-orm/pg-core';

/** The columns every history row carries: who made the change (id and name as it was then) and when. */
export const whoChanged = () => ({
  changedBy: uuid('changed_by').notNull(),
  changedByName: text('changed_by_name').notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
});
