import { pgTable, uuid, text, timestamp, date, boolean, primaryKey, foreignKey, index, uniqueIndex, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { child } from '../children/schema.js';
import { cluster, professional } from '../organisations/schema.js';
import type { FftAnswer, FeedbackService } from './index.js';

/**
 * A one-time Friends and Family Test link handed to a family after a hub
 * service. Only the token's hash is kept; the link expires and is used once.
 */
export const feedbackLink = pgTable(
  'feedback_link',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    tokenHash: text('token_hash').notNull(),
    childId: uuid('child_id').notNull(),
    clusterId: uuid('cluster_id').notNull(),
    serviceKind: text('service_kind').$type<FeedbackService>().notNull(),
    sourceId: uuid('source_id').notNull(),
    eventDate: date('event_date').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    uniqueIndex('feedback_link_ics_token_idx').on(t.icsId, t.tokenHash),
    index('feedback_link_token_idx').on(t.tokenHash),
    uniqueIndex('feedback_link_source_idx').on(t.icsId, t.serviceKind, t.sourceId),
    check('feedback_link_service_kind_check', sql`${t.serviceKind} IN ('hub-clinic', 'mdt-outcome', 'advice', 'care-at-home')`),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.clusterId], foreignColumns: [cluster.icsId, cluster.id] }),
    foreignKey({ columns: [t.icsId, t.createdBy], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/** One family's answer. It names no child: the link only when the family did not ask to stay anonymous. */
export const feedbackResponse = pgTable(
  'feedback_response',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    clusterId: uuid('cluster_id').notNull(),
    serviceKind: text('service_kind').$type<FeedbackService>().notNull(),
    eventDate: date('event_date').notNull(),
    answer: text('answer').$type<FftAnswer>().notNull(),
    freeText: text('free_text').notNull().default(''),
    anonymous: boolean('anonymous').notNull(),
    linkId: uuid('link_id'),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('feedback_response_cluster_idx').on(t.icsId, t.clusterId, t.eventDate),
    check('feedback_response_answer_check', sql`${t.answer} IN ('very-good', 'good', 'neither', 'poor', 'very-poor', 'dont-know')`),
    check('feedback_response_anonymous_check', sql`NOT ${t.anonymous} OR ${t.linkId} IS NULL`),
    foreignKey({ columns: [t.icsId, t.clusterId], foreignColumns: [cluster.icsId, cluster.id] }),
    foreignKey({ columns: [t.icsId, t.linkId], foreignColumns: [feedbackLink.icsId, feedbackLink.id] }),
  ],
);
