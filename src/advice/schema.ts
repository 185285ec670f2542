import { pgTable, uuid, text, timestamp, date, integer, boolean, jsonb, primaryKey, foreignKey, index, uniqueIndex, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { child } from '../children/schema.js';

/** Where a professional sent advice from: the child's page, a triage decision, an MDT outcome, or discharge from the virtual ward. */
export type AdviceSource = 'child-page' | 'triage' | 'mdt' | 'virtual-ward-discharge';

/**
 * One version of an advice page. Never rewritten: each save (an edit, an
 * approval, an import) is a new version, so what a family was sent can always
 * be read again. Approval is all three of approved_by, approved_on and
 * review_by, or none (a draft).
 */
export const advicePageVersion = pgTable(
  'advice_page_version',
  {
    icsId: uuid('ics_id').notNull(),
    pageId: text('page_id').notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    condition: text('condition').notNull(),
    author: text('author').notNull(),
    approvedBy: text('approved_by'),
    approvedOn: date('approved_on'),
    reviewBy: date('review_by'),
    demonstration: boolean('demonstration').notNull().default(false),
    ageBands: jsonb('age_bands').notNull(),
    sources: jsonb('sources').notNull(),
    /** Null for the command line's import. */
    savedBy: uuid('saved_by'),
    savedByName: text('saved_by_name').notNull(),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.pageId, t.version] }),
    check('advice_page_version_approval_check', sql`(${t.approvedBy} IS NULL) = (${t.approvedOn} IS NULL) AND (${t.approvedOn} IS NULL) = (${t.reviewBy} IS NULL)`),
    check('advice_page_version_review_check', sql`${t.reviewBy} > ${t.approvedOn}`),
  ],
);

/** The ICS's reading-age target for its pages (11 when it has set none). */
export const adviceSetting = pgTable(
  'advice_setting',
  {
    icsId: uuid('ics_id').notNull(),
    targetReadingAge: integer('target_reading_age').notNull().default(11),
  },
  (t) => [primaryKey({ columns: [t.icsId] }), check('advice_setting_target_check', sql`${t.targetReadingAge} BETWEEN 6 AND 18`)],
);

/** Advice sent to a child's family: who sent it, from where, with what note, and the one-time link (its hash). */
export const adviceSending = pgTable(
  'advice_sending',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    note: text('note'),
    source: text('source').$type<AdviceSource>().notNull(),
    /** The triage decision it was sent with; no foreign key, as referrals build on advice and not the other way round. */
    referralId: uuid('referral_id'),
    /** The MDT case whose outcome it was sent with; no foreign key, for the same reason. */
    mdtCaseId: uuid('mdt_case_id'),
    sentBy: uuid('sent_by').notNull(),
    sentByName: text('sent_by_name').notNull(),
    sentByRole: text('sent_by_role').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    /** The child's practice and its number as the record had them when sent. */
    practiceName: text('practice_name'),
    practicePhone: text('practice_phone'),
    tokenHash: text('token_hash').notNull(),
    linkExpiresAt: timestamp('link_expires_at', { withTimezone: true }).notNull(),
    /** The one device allowed to open the link again (the hash of its cookie). */
    deviceHash: text('device_hash'),
    firstOpenedAt: timestamp('first_opened_at', { withTimezone: true }),
    openCount: integer('open_count').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    foreignKey({ name: 'advice_sending_child_fk', columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    uniqueIndex('advice_sending_token_idx').on(t.icsId, t.tokenHash),
    index('advice_sending_token_hash_idx').on(t.tokenHash),
    index('advice_sending_child_idx').on(t.icsId, t.childId, t.sentAt),
    check('advice_sending_source_check', sql`${t.source} IN ('child-page', 'triage', 'mdt', 'virtual-ward-discharge')`),
  ],
);

/** Each page of a sending: the version and age band sent, and whether the family found it helpful. */
export const adviceSendingPage = pgTable(
  'advice_sending_page',
  {
    icsId: uuid('ics_id').notNull(),
    sendingId: uuid('sending_id').notNull(),
    pageId: text('page_id').notNull(),
    version: integer('version').notNull(),
    fromMonths: integer('from_months').notNull(),
    toMonths: integer('to_months').notNull(),
    helpful: boolean('helpful'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.sendingId, t.pageId] }),
    foreignKey({ name: 'advice_sending_page_sending_fk', columns: [t.icsId, t.sendingId], foreignColumns: [adviceSending.icsId, adviceSending.id] }),
    foreignKey({ name: 'advice_sending_page_version_fk', columns: [t.icsId, t.pageId, t.version], foreignColumns: [advicePageVersion.icsId, advicePageVersion.pageId, advicePageVersion.version] }),
  ],
);
