import { pgTable, uuid, text, timestamp, primaryKey, index } from 'drizzle-orm/pg-core';

/**
 * A professional's stated reason to see more of a child than their
 * relationship gives (emergency access, sensitive entries): who, which child,
 * why, until when, and the privacy officer's review of it.
 */
export const reviewedAccessColumns = () => ({
  icsId: uuid('ics_id').notNull(),
  id: uuid('id').notNull(),
  professionalId: uuid('professional_id').notNull(),
  childId: uuid('child_id').notNull(),
  reason: text('reason').notNull(),
  grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  reviewedBy: uuid('reviewed_by'),
  reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  reviewOutcome: text('review_outcome'),
  reviewNote: text('review_note'),
});

/** Emergency ("break-glass") access: time-limited, with a reason, reviewed by a privacy officer. */
export const breakGlass = pgTable(
  'break_glass',
  reviewedAccessColumns(),
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('break_glass_active_idx').on(t.icsId, t.professionalId, t.childId, t.expiresAt),
    index('break_glass_review_idx').on(t.icsId, t.reviewedAt),
  ],
);
