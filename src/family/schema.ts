import { pgTable, uuid, text, timestamp, date, integer, boolean, primaryKey, foreignKey, index, uniqueIndex, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { child, relatedPerson } from '../children/schema.js';
import { professional } from '../organisations/schema.js';

/** Evidence of parental responsibility a professional checked before granting proxy access (or the authority as corporate parent). */
export const PR_EVIDENCE = ['birth-certificate', 'adoption-certificate', 'parental-order', 'pr-agreement', 'court-order', 'corporate-parent'] as const;
export type PrEvidence = (typeof PR_EVIDENCE)[number];

export const GRANT_STATUSES = ['active', 'suspended', 'ended'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/**
 * Proxy access (a parent or carer) or a young person's own access to one
 * child, matched to NHS login by NHS number and date of birth. The row is
 * the access as it stands; every change is a family_access_event row.
 */
export const familyAccessGrant = pgTable(
  'family_access_grant',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    kind: text('kind').$type<'proxy' | 'own-access'>().notNull(),
    relatedPersonId: uuid('related_person_id'),
    nhsNumber: text('nhs_number').notNull(),
    dateOfBirth: date('date_of_birth').notNull(),
    basis: text('basis').$type<PrEvidence>(),
    evidenceNote: text('evidence_note'),
    maySee: text('may_see').array().notNull(),
    grantedBy: uuid('granted_by').notNull(),
    grantedByName: text('granted_by_name').notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
    endsOn: date('ends_on'),
    status: text('status').$type<GrantStatus>().notNull().default('active'),
    statusReason: text('status_reason'),
    youngPersonAgreedOn: date('young_person_agreed_on'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('family_access_grant_person_idx').on(t.icsId, t.nhsNumber, t.dateOfBirth),
    index('family_access_grant_child_idx').on(t.icsId, t.childId),
    uniqueIndex('family_access_grant_live_idx').on(t.icsId, t.childId, t.nhsNumber).where(sql`status <> 'ended'`),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.relatedPersonId], foreignColumns: [relatedPerson.icsId, relatedPerson.id] }),
    foreignKey({ columns: [t.icsId, t.grantedBy], foreignColumns: [professional.icsId, professional.id] }),
    check('family_access_grant_kind_check', sql`${t.kind} IN ('proxy', 'own-access')`),
    check('family_access_grant_status_check', sql`${t.status} IN ('active', 'suspended', 'ended')`),
  ],
);

/** Every change to a grant, append-only: granted, limited, suspended, resumed, ended, the young person's agreement. */
export const familyAccessEvent = pgTable(
  'family_access_event',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    grantId: uuid('grant_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    byProfessionalId: uuid('by_professional_id'),
    byName: text('by_name').notNull(),
    change: text('change').notNull(),
    status: text('status').$type<GrantStatus>().notNull(),
    maySee: text('may_see').array().notNull(),
    endsOn: date('ends_on'),
    reason: text('reason'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('family_access_event_grant_idx').on(t.icsId, t.grantId, t.at),
    foreignKey({ columns: [t.icsId, t.grantId], foreignColumns: [familyAccessGrant.icsId, familyAccessGrant.id] }),
  ],
);

export const COMPETENCE_DECISIONS = ['own-access', 'contraception-advice', 'treatment'] as const;
export type CompetenceDecision = (typeof COMPETENCE_DECISIONS)[number];

/** Gillick (or Fraser) competence for one decision: a new row each time, never changed. */
export const competenceAssessment = pgTable(
  'competence_assessment',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    decision: text('decision').$type<CompetenceDecision>().notNull(),
    framework: text('framework').$type<'gillick' | 'fraser'>().notNull(),
    outcome: text('outcome').$type<'competent' | 'not-yet-competent'>().notNull(),
    understood: text('understood').notNull(),
    assessedBy: uuid('assessed_by').notNull(),
    assessedByName: text('assessed_by_name').notNull(),
    assessedAt: timestamp('assessed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('competence_assessment_child_idx').on(t.icsId, t.childId, t.decision, t.assessedAt),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.assessedBy], foreignColumns: [professional.icsId, professional.id] }),
    // Fraser for contraception advice, and only for it (migration 0080).
    check('competence_assessment_fraser_check', sql`(${t.framework} = 'fraser') = (${t.decision} = 'contraception-advice')`),
  ],
);

/** What a young person with their own access may keep from their parents. */
export type HideableKind = 'letter' | 'appointment' | 'advice';

/** An item a young person with their own access keeps from their parents. */
export const familyHiddenItem = pgTable(
  'family_hidden_item',
  {
    icsId: uuid('ics_id').notNull(),
    childId: uuid('child_id').notNull(),
    itemKind: text('item_kind').$type<HideableKind>().notNull(),
    itemId: uuid('item_id').notNull(),
    hiddenAt: timestamp('hidden_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'family_hidden_item_pk', columns: [t.icsId, t.childId, t.itemKind, t.itemId] }),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
  ],
);

/** The ICS's promise to families (response time in working days) and its proxy review age (11 to 13). */
export const familySetting = pgTable('family_setting', {
  icsId: uuid('ics_id').primaryKey(),
  responseWorkingDays: integer('response_working_days').notNull().default(2),
  reviewAge: integer('review_age').notNull().default(13),
  hideStaffNames: boolean('hide_staff_names').notNull().default(false),
});

/** A question a family asked the care team about one child: a thread of messages, due an answer by answerDueAt. */
export const familyQuestion = pgTable(
  'family_question',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    grantId: uuid('grant_id').notNull(),
    subject: text('subject').notNull(),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull().defaultNow(),
    answerDueAt: timestamp('answer_due_at', { withTimezone: true }).notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('family_question_child_idx').on(t.icsId, t.childId, t.askedAt),
    index('family_question_open_idx').on(t.icsId, t.answerDueAt).where(sql`answered_at IS NULL`),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.grantId], foreignColumns: [familyAccessGrant.icsId, familyAccessGrant.id] }),
  ],
);

export const familyMessage = pgTable(
  'family_message',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    questionId: uuid('question_id').notNull(),
    fromFamily: boolean('from_family').notNull(),
    authorName: text('author_name').notNull(),
    authorRole: text('author_role').notNull(),
    professionalId: uuid('professional_id'),
    body: text('body').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('family_message_question_idx').on(t.icsId, t.questionId, t.sentAt),
    foreignKey({ columns: [t.icsId, t.questionId], foreignColumns: [familyQuestion.icsId, familyQuestion.id] }),
    foreignKey({ columns: [t.icsId, t.professionalId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/**
 * A professional's refusal of proxy access for one adult (a birth parent of a
 * looked-after child, usually), with the reason: kept so that whoever is asked
 * next sees it before granting.
 */
export const familyAccessRefusal = pgTable(
  'family_access_refusal',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    relatedPersonId: uuid('related_person_id').notNull(),
    reason: text('reason').notNull(),
    refusedBy: uuid('refused_by').notNull(),
    refusedByName: text('refused_by_name').notNull(),
    refusedAt: timestamp('refused_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('family_access_refusal_child_idx').on(t.icsId, t.childId, t.refusedAt),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.relatedPersonId], foreignColumns: [relatedPerson.icsId, relatedPerson.id] }),
    foreignKey({ columns: [t.icsId, t.refusedBy], foreignColumns: [professional.icsId, professional.id] }),
  ],
);
