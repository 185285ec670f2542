import { pgTable, uuid, text, timestamp, integer, boolean, primaryKey, foreignKey, index } from 'drizzle-orm/pg-core';
import { child } from '../children/schema.js';
import { cluster, professional } from '../organisations/schema.js';

export const MEETING_STATUSES = ['scheduled', 'held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** How a child came onto a meeting's case list. */
export const CASE_SOURCES = ['triage', 'nomination', 'risk-list', 'case-finding'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

export const CASE_STATUSES = ['listed', 'discussed', 'deferred', 'withdrawn'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/**
 * A hub or cluster MDT meeting. Meetings scheduled together share a series
 * (every 4 weeks, say). Members are invited per meeting; a member may be
 * removed, which ends what membership gave them.
 */
export const mdtMeeting = pgTable(
  'mdt_meeting',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    seriesId: uuid('series_id').notNull(),
    clusterId: uuid('cluster_id').notNull(),
    title: text('title').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    maxCases: integer('max_cases').notNull(),
    venue: text('venue').notNull(),
    chairId: uuid('chair_id').notNull(),
    status: text('status').$type<MeetingStatus>().notNull(),
    notes: text('notes'),
    version: integer('version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('mdt_meeting_cluster_idx').on(t.icsId, t.clusterId, t.startsAt),
    index('mdt_meeting_series_idx').on(t.icsId, t.seriesId),
    foreignKey({ columns: [t.icsId, t.clusterId], foreignColumns: [cluster.icsId, cluster.id] }),
    foreignKey({ columns: [t.icsId, t.chairId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/** Who is invited to a meeting, and whether they came. */
export const mdtMember = pgTable(
  'mdt_member',
  {
    icsId: uuid('ics_id').notNull(),
    meetingId: uuid('meeting_id').notNull(),
    professionalId: uuid('professional_id').notNull(),
    invitedBy: uuid('invited_by').notNull(),
    invitedAt: timestamp('invited_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    attended: boolean('attended'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.meetingId, t.professionalId] }),
    index('mdt_member_professional_idx').on(t.icsId, t.professionalId),
    foreignKey({ columns: [t.icsId, t.meetingId], foreignColumns: [mdtMeeting.icsId, mdtMeeting.id] }),
    foreignKey({ columns: [t.icsId, t.professionalId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/**
 * A child on a meeting's case list, with the question for the meeting. The
 * professional who brought the case stays accountable for it and its
 * actions. The outcome letter's text is kept exactly as sent.
 */
export const mdtCase = pgTable(
  'mdt_case',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    meetingId: uuid('meeting_id').notNull(),
    childId: uuid('child_id').notNull(),
    source: text('source').$type<CaseSource>().notNull(),
    question: text('question').notNull(),
    broughtBy: uuid('brought_by').notNull(),
    position: integer('position').notNull(),
    status: text('status').$type<CaseStatus>().notNull(),
    discussion: text('discussion'),
    decisions: text('decisions'),
    themes: text('themes').array().$type<string[]>().notNull().default([]),
    letter: text('letter'),
    letterSentAt: timestamp('letter_sent_at', { withTimezone: true }),
    version: integer('version').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('mdt_case_meeting_idx').on(t.icsId, t.meetingId, t.position),
    index('mdt_case_child_idx').on(t.icsId, t.childId),
    foreignKey({ columns: [t.icsId, t.meetingId], foreignColumns: [mdtMeeting.icsId, mdtMeeting.id] }),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.broughtBy], foreignColumns: [professional.icsId, professional.id] }),
  ],
);
