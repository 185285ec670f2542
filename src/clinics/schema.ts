import { sql } from 'drizzle-orm';
import { pgTable, uuid, text, timestamp, integer, boolean, primaryKey, foreignKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { child } from '../children/schema.js';
import { cluster, organisation, professional } from '../organisations/schema.js';
import { referral } from '../referrals/schema.js';

/** Joint: a paediatrician and a GP see the child together; GPwSI: a GP with a special interest alone. */
export const CLINIC_FORMATS = ['joint', 'gpwsi'] as const;
export type ClinicFormat = (typeof CLINIC_FORMATS)[number];

/** A booking is live while booked; it ends as seen, did-not-attend, moved (rescheduled) or cancelled. */
export const BOOKING_STATES = ['booked', 'seen', 'did-not-attend', 'moved', 'cancelled'] as const;
export type BookingState = (typeof BOOKING_STATES)[number];

/** What the clinician decided after seeing the child. */
export const CLINIC_NEXT = ['follow-up', 'discharged', 'referred-on'] as const;
export type ClinicNext = (typeof CLINIC_NEXT)[number];

/** A hub or cluster clinic: one session at a practice, on one day, cut into equal slots. */
export const clinicSession = pgTable(
  'clinic_session',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    clusterId: uuid('cluster_id').notNull(),
    venueId: uuid('venue_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    slotMinutes: integer('slot_minutes').notNull(),
    slotCount: integer('slot_count').notNull(),
    format: text('format').$type<ClinicFormat>().notNull(),
    paediatricianId: uuid('paediatrician_id'),
    gpId: uuid('gp_id').notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('clinic_session_cluster_idx').on(t.icsId, t.clusterId, t.startsAt),
    index('clinic_session_starts_idx').on(t.icsId, t.startsAt),
    foreignKey({ columns: [t.icsId, t.clusterId], foreignColumns: [cluster.icsId, cluster.id] }),
    foreignKey({ columns: [t.icsId, t.venueId], foreignColumns: [organisation.icsId, organisation.id] }),
    foreignKey({ columns: [t.icsId, t.paediatricianId], foreignColumns: [professional.icsId, professional.id] }),
    foreignKey({ columns: [t.icsId, t.gpId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/** One appointment time in a session. */
export const clinicSlot = pgTable(
  'clinic_slot',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    sessionId: uuid('session_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('clinic_slot_session_idx').on(t.icsId, t.sessionId, t.startsAt),
    foreignKey({ columns: [t.icsId, t.sessionId], foreignColumns: [clinicSession.icsId, clinicSession.id] }),
  ],
);

/**
 * A child booked into a slot for a referral. The partial unique indexes make
 * double booking impossible in the database itself: one booking holds a slot
 * unless it was moved or cancelled, and a referral has one live booking.
 */
export const clinicBooking = pgTable(
  'clinic_booking',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    slotId: uuid('slot_id').notNull(),
    referralId: uuid('referral_id').notNull(),
    childId: uuid('child_id').notNull(),
    state: text('state').$type<BookingState>().notNull(),
    bookedBy: uuid('booked_by').notNull(),
    bookedByName: text('booked_by_name').notNull(),
    bookedAt: timestamp('booked_at', { withTimezone: true }).notNull().defaultNow(),
    endedBy: uuid('ended_by'),
    endedByName: text('ended_by_name'),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endNote: text('end_note'),
    seenJointly: boolean('seen_jointly'),
    plan: text('plan'),
    next: text('next').$type<ClinicNext>(),
    nextService: text('next_service'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    uniqueIndex('clinic_booking_slot_taken_idx').on(t.icsId, t.slotId).where(sql`state NOT IN ('moved', 'cancelled')`),
    uniqueIndex('clinic_booking_referral_live_idx').on(t.icsId, t.referralId).where(sql`state = 'booked'`),
    index('clinic_booking_referral_idx').on(t.icsId, t.referralId, t.bookedAt),
    index('clinic_booking_child_idx').on(t.icsId, t.childId),
    foreignKey({ columns: [t.icsId, t.slotId], foreignColumns: [clinicSlot.icsId, clinicSlot.id] }),
    foreignKey({ columns: [t.icsId, t.referralId], foreignColumns: [referral.icsId, referral.id] }),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
  ],
);
