import {
  pgTable, uuid, text, timestamp, date, smallint, boolean, primaryKey, foreignKey, index, uniqueIndex, check,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { organisation, professional } from '../organisations/schema.js';

export const child = pgTable(
  'child',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    /** Null when the feed had no NHS number: the child is kept with a local identifier, unverified. */
    nhsNumber: text('nhs_number'),
    localId: text('local_id'),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    /**
     * Lower-cased names for prefix search. Stored (not an expression index)
     * because row-level security lets only leakproof operators reach an index:
     * lower() and LIKE are not, starts_with() on a plain column is.
     */
    familyNameKey: text('family_name_key').generatedAlwaysAs(sql`lower(family_name)`),
    givenNameKey: text('given_name_key').generatedAlwaysAs(sql`lower(given_name)`),
    dateOfBirth: date('date_of_birth').notNull(),
    sex: text('sex').notNull(),
    ethnicCategory: text('ethnic_category').notNull(),
    postcodeDistrict: text('postcode_district'),
    lsoa: text('lsoa'),
    imdDecile: smallint('imd_decile'),
    registeredPracticeId: uuid('registered_practice_id'),
    schoolId: uuid('school_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    uniqueIndex('child_nhs_number_idx').on(t.icsId, t.nhsNumber),
    // Byte-order ("C") name keys: prefix ranges and the result order both come
    // straight from these indexes, and they cover the search (index-only scans).
    index('child_family_name_idx').on(t.icsId, sql`${t.familyNameKey} COLLATE "C"`, sql`${t.givenNameKey} COLLATE "C"`, t.dateOfBirth, t.id),
    index('child_given_name_idx').on(t.icsId, sql`${t.givenNameKey} COLLATE "C"`, sql`${t.familyNameKey} COLLATE "C"`, t.dateOfBirth, t.id),
    index('child_practice_idx').on(t.icsId, t.registeredPracticeId),
    foreignKey({ columns: [t.icsId, t.registeredPracticeId], foreignColumns: [organisation.icsId, organisation.id] }),
    foreignKey({ columns: [t.icsId, t.schoolId], foreignColumns: [organisation.icsId, organisation.id] }),
  ],
);

/** A parent, carer or other adult in the child's life. Siblings link to the same person. */
export const relatedPerson = pgTable(
  'related_person',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    phone: text('phone'),
    email: text('email'),
    address: text('address'),
    /** As the practice verified them: what a proxy grant matches NHS login against (src/family). */
    nhsNumber: text('nhs_number'),
    dateOfBirth: date('date_of_birth'),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.id] }), check('related_person_nhs_number_check', sql`${t.nhsNumber} ~ '^[0-9]{10}$'`)],
);

export const childRelatedPerson = pgTable(
  'child_related_person',
  {
    icsId: uuid('ics_id').notNull(),
    childId: uuid('child_id').notNull(),
    relatedPersonId: uuid('related_person_id').notNull(),
    relationship: text('relationship').notNull(),
    parentalResponsibility: boolean('parental_responsibility').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.childId, t.relatedPersonId] }),
    index('child_related_person_person_idx').on(t.icsId, t.relatedPersonId),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.relatedPersonId], foreignColumns: [relatedPerson.icsId, relatedPerson.id] }),
  ],
);

/**
 * A professional's place in a child's care team. The relationship lasts from
 * startedAt until endedAt; ending it ends their access.
 */
export const careTeamMember = pgTable(
  'care_team_member',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    professionalId: uuid('professional_id').notNull(),
    roleInTeam: text('role_in_team').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('care_team_child_idx').on(t.icsId, t.childId),
    index('care_team_professional_idx').on(t.icsId, t.professionalId),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.professionalId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

export const CONSENT_SCOPES = [
  'share-record-with-care-team', 'share-with-health', 'share-with-social-care', 'share-with-education', 'share-with-youth-justice', 'family-access',
] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];
export const CONSENT_DECISIONS = ['given', 'refused', 'withdrawn'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];
/**
 * Who made the decision: a family member with parental responsibility, the
 * young person, or (for consent carried over from a care plan's own sharing
 * list by migration 0040) someone the plan did not name.
 */
export const CONSENT_GIVERS = ['parent', 'young-person', 'carried-over-from-care-plan'] as const;

/**
 * Consent is kept as a history of decisions, never changed: a withdrawal or
 * refusal is a new row, and the latest decision per scope stands (the view
 * consent_current). A young person under 16 decides for themselves only when
 * a professional judged them competent to (competenceJudgedBy, with what they
 * understood in competenceNote).
 */
export const consentRecord = pgTable(
  'consent_record',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    scope: text('scope').$type<ConsentScope>().notNull(),
    decision: text('decision').$type<ConsentDecision>().notNull().default('given'),
    givenBy: text('given_by').notNull(),
    givenByRelatedPersonId: uuid('given_by_related_person_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
    competenceJudgedBy: uuid('competence_judged_by'),
    competenceNote: text('competence_note'),
    recordedBy: uuid('recorded_by'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('consent_child_idx').on(t.icsId, t.childId),
    index('consent_child_scope_idx').on(t.icsId, t.childId, t.scope, t.decidedAt, t.recordedAt),
    check('consent_record_decision_check', sql`${t.decision} IN ('given', 'refused', 'withdrawn')`),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.recordedBy], foreignColumns: [professional.icsId, professional.id] }),
    foreignKey({ columns: [t.icsId, t.competenceJudgedBy], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

export const FLAG_KINDS = ['looked-after', 'child-protection-plan', 'young-carer'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/** Safeguarding and looked-after flags (CP-IS), with the responsible local authority. */
export const childFlag = pgTable(
  'child_flag',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    kind: text('kind').$type<FlagKind>().notNull(),
    localAuthorityId: uuid('local_authority_id'),
    startedOn: date('started_on').notNull(),
    endedOn: date('ended_on'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('child_flag_child_idx').on(t.icsId, t.childId),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.localAuthorityId], foreignColumns: [organisation.icsId, organisation.id] }),
  ],
);
