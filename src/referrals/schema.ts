import { sql } from 'drizzle-orm';
import { pgTable, uuid, text, timestamp, date, integer, primaryKey, foreignKey, index } from 'drizzle-orm/pg-core';
import { whoChanged } from '../platform/db/who-changed.js';
import { child } from '../children/schema.js';
import { cluster, organisation, professional } from '../organisations/schema.js';
import { mdtCase } from '../mdt/schema.js';
import type { ReferralState } from './state-machine.js';

export const REFERRAL_KINDS = ['advice', 'referral'] as const;
export type ReferralKind = (typeof REFERRAL_KINDS)[number];

export const URGENCIES = ['routine', 'soon', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

/**
 * A GP's question about a child: an advice request or a referral, routed by
 * the child's registered practice to its hub and the hub's senior
 * decision-maker (or whoever covers them that day). It moves only as the
 * state machine allows; each move is in referral_event. Never deleted.
 */
export const referral = pgTable(
  'referral',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    kind: text('kind').$type<ReferralKind>().notNull(),
    referrerId: uuid('referrer_id').notNull(),
    referringPracticeId: uuid('referring_practice_id').notNull(),
    clusterId: uuid('cluster_id').notNull(),
    decisionMakerId: uuid('decision_maker_id').notNull(),
    urgency: text('urgency').$type<Urgency>().notNull(),
    reason: text('reason').notNull(),
    question: text('question').notNull(),
    tried: text('tried').notNull().default(''),
    state: text('state').$type<ReferralState>().notNull(),
    outcomeNotes: text('outcome_notes'),
    referredOnService: text('referred_on_service'),
    dueOn: date('due_on').notNull(),
    // Denormalised milestones so waiting times and outcomes are counted without replaying events.
    triagedAt: timestamp('triaged_at', { withTimezone: true }),
    triageOutcome: text('triage_outcome').$type<ReferralState>(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }),
    seenIn: text('seen_in').$type<'community' | 'hospital'>(),
    convertedAt: timestamp('converted_at', { withTimezone: true }),
    // The MDT case a "discuss at the hub MDT" decision brought, whose outcome the referral's page follows.
    mdtCaseId: uuid('mdt_case_id'),
    version: integer('version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('referral_decision_maker_idx').on(t.icsId, t.decisionMakerId, t.state, t.dueOn),
    index('referral_cluster_idx').on(t.icsId, t.clusterId, t.createdAt),
    // A hub's open work by state (triage lists, late items) without reading its whole history.
    index('referral_cluster_state_idx').on(t.icsId, t.clusterId, t.state, t.createdAt),
    index('referral_referrer_idx').on(t.icsId, t.referrerId, t.createdAt),
    index('referral_child_idx').on(t.icsId, t.childId),
    // Activity counts an advice request converted to a referral in the month of its conversion (src/activity): few rows, so partial.
    index('referral_converted_idx').on(t.icsId, t.convertedAt).where(sql`converted_at IS NOT NULL`),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.referrerId], foreignColumns: [professional.icsId, professional.id] }),
    foreignKey({ columns: [t.icsId, t.decisionMakerId], foreignColumns: [professional.icsId, professional.id] }),
    foreignKey({ columns: [t.icsId, t.clusterId], foreignColumns: [cluster.icsId, cluster.id] }),
    foreignKey({ columns: [t.icsId, t.referringPracticeId], foreignColumns: [organisation.icsId, organisation.id] }),
    foreignKey({ columns: [t.icsId, t.mdtCaseId], foreignColumns: [mdtCase.icsId, mdtCase.id] }),
  ],
);

/** Each move of a referral: who, when, from and to, and why. */
export const referralEvent = pgTable(
  'referral_event',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    referralId: uuid('referral_id').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    note: text('note'),
    ...whoChanged(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('referral_event_referral_idx').on(t.icsId, t.referralId, t.changedAt),
    foreignKey({ columns: [t.icsId, t.referralId], foreignColumns: [referral.icsId, referral.id] }),
  ],
);

/**
 * The secure message thread on an advice request or referral: the GP's
 * question and the paediatrician's answers, append-only.
 */
export const referralMessage = pgTable(
  'referral_message',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    referralId: uuid('referral_id').notNull(),
    authorId: uuid('author_id').notNull(),
    authorName: text('author_name').notNull(),
    authorRole: text('author_role').notNull(),
    body: text('body').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    /** A record extract's entry, and the sensitive category and recording team it had when sent (so it is seen by the record's rules). */
    entryId: uuid('entry_id'),
    sensitiveCategory: text('sensitive_category'),
    recordingOrganisationId: uuid('recording_organisation_id'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('referral_message_referral_idx').on(t.icsId, t.referralId, t.sentAt),
    foreignKey({ columns: [t.icsId, t.referralId], foreignColumns: [referral.icsId, referral.id] }),
    foreignKey({ columns: [t.icsId, t.authorId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/** Who triages for a hub while its lead is away: from and to (inclusive), one cover a day. */
export const triageCover = pgTable(
  'triage_cover',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    clusterId: uuid('cluster_id').notNull(),
    coverId: uuid('cover_id').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('triage_cover_cluster_idx').on(t.icsId, t.clusterId, t.startsOn),
    foreignKey({ columns: [t.icsId, t.clusterId], foreignColumns: [cluster.icsId, cluster.id] }),
    foreignKey({ columns: [t.icsId, t.coverId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);
