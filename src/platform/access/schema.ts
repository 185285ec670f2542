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

/**
 * How an ICS checks an administrator's clinical accounts and write-scoped
 * FHIR clients: 'approval' (a second administrator must approve before use)
 * or 'review' (usable at once, flagged until the privacy officer reviews it).
 */
export const icsDutySetting = pgTable('ics_duty_setting', {
  icsId: uuid('ics_id').primaryKey(),
  mode: text('mode').notNull().default('review'),
  changedBy: uuid('changed_by'),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One account or client change awaiting a second person: approved by another administrator, or reviewed by the privacy officer. */
export const dutyCheck = pgTable(
  'duty_check',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    professionalId: uuid('professional_id'),
    fhirClientId: uuid('fhir_client_id'),
    what: text('what').notNull(),
    mode: text('mode').notNull(),
    /** Null when made from the command line. */
    requestedBy: uuid('requested_by'),
    requestedByName: text('requested_by_name').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: uuid('decided_by'),
    decidedByName: text('decided_by_name'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('duty_check_open_idx').on(t.icsId, t.decidedAt, t.mode),
  ],
);

/** A child's record frozen during a safeguarding investigation (see freeze.ts); lifting it sets liftedAt. */
export const recordFreeze = pgTable(
  'record_freeze',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    reason: text('reason').notNull(),
    frozenBy: uuid('frozen_by').notNull(),
    frozenByOrganisationId: uuid('frozen_by_organisation_id').notNull(),
    frozenAt: timestamp('frozen_at', { withTimezone: true }).notNull().defaultNow(),
    liftedBy: uuid('lifted_by'),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.id] }), index('record_freeze_child_idx').on(t.icsId, t.childId)],
);
