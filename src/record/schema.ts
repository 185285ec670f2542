import { pgTable, uuid, text, timestamp, date, integer, boolean, jsonb, bigserial, primaryKey, foreignKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { child } from '../children/schema.js';
import { reviewedAccessColumns } from '../platform/access/schema.js';

/** The kinds of entry in a child's shared record (SCR core and Additional Information). */
export const ENTRY_KINDS = [
  'allergy',
  'medication',
  'problem',
  'procedure',
  'immunisation',
  'observation',
  'anticipatory-care',
  'communication-need',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Why an entry is sensitive; a sensitive entry is hidden outside the recording team. */
export const SENSITIVE_CATEGORIES = [
  'sexual-health',
  'termination-of-pregnancy',
  'fertility',
  'gender-reassignment',
  'confidential-from-parents',
] as const;
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number];

/**
 * One entry of a child's record. Columns common to every kind are typed;
 * what only one kind has (a reaction, a dose, a value and unit) is in details.
 * (source_system, source_id) is the sender's identifier: importing the same
 * entry again finds it instead of adding a copy.
 */
export const recordEntry = pgTable(
  'record_entry',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    kind: text('kind').$type<EntryKind>().notNull(),
    codeSystem: text('code_system'),
    code: text('code'),
    display: text('display').notNull(),
    /** active | resolved | inactive | stopped | completed | not-done | entered-in-error, as the kind allows. */
    status: text('status').notNull(),
    /** When it began or happened (onset, start, date given, date performed). */
    startedOn: date('started_on'),
    /** When it ended (resolved, stopped). */
    endedOn: date('ended_on'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    sensitiveCategory: text('sensitive_category').$type<SensitiveCategory>(),
    recordedBy: uuid('recorded_by'),
    recordedByName: text('recorded_by_name'),
    recordingOrganisationId: uuid('recording_organisation_id'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    sourceSystem: text('source_system'),
    sourceId: text('source_id'),
    version: integer('version').notNull().default(1),
    /** FHIR elements a feed sent that the columns do not hold, kept as sent and given back (decision 0019). */
    asSent: jsonb('as_sent').$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('record_entry_child_idx').on(t.icsId, t.childId, t.kind, t.startedOn),
    index('record_entry_code_idx').on(t.icsId, t.kind, t.code),
    uniqueIndex('record_entry_source_idx').on(t.icsId, t.sourceSystem, t.sourceId),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
  ],
);

/** Every version of every entry, written when it is created or changed: "its history". Append-only. */
export const recordEntryHistory = pgTable(
  'record_entry_history',
  {
    icsId: uuid('ics_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    entryId: uuid('entry_id').notNull(),
    version: integer('version').notNull(),
    changedBy: uuid('changed_by'),
    changedByName: text('changed_by_name'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.id] }), index('record_entry_history_entry_idx').on(t.icsId, t.entryId, t.version)],
);

export const CONTACT_TYPES = [
  'ed', 'urgent-care', 'out-of-hours', 'admission', 'outpatient', 'gp', 'community', 'mental-health', 'social-care',
] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];
/** FHIR Encounter statuses of contacts that did not (or may not have) taken place: kept, but never shown or counted as attendances. */
export const NOT_ATTENDED = ['planned', 'cancelled', 'entered-in-error', 'unknown'] as const;
/** Unscheduled care: what CP-IS reports to the local authority. */
export const UNSCHEDULED_CONTACTS: readonly ContactType[] = ['ed', 'urgent-care', 'out-of-hours'];

/** A contact with a service: the timeline, and the activity the population dashboards count. */
export const contact = pgTable(
  'contact',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    type: text('type').$type<ContactType>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    organisationId: uuid('organisation_id'),
    siteId: uuid('site_id'),
    reasonCode: text('reason_code'),
    reasonDisplay: text('reason_display'),
    /** Whether this was an emergency admission (admissions only). */
    emergency: boolean('emergency'),
    sensitiveCategory: text('sensitive_category').$type<SensitiveCategory>(),
    recordedBy: uuid('recorded_by'),
    recordingOrganisationId: uuid('recording_organisation_id'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    sourceSystem: text('source_system'),
    sourceId: text('source_id'),
    /** FHIR elements a feed sent that the columns do not hold (the sender's class, type codings), kept as sent (decision 0019). */
    asSent: jsonb('as_sent').$type<Record<string, unknown>>(),
    /** A fed encounter's FHIR status; null when it took place as recorded. Not-happened ones (NOT_ATTENDED) are never attendances. */
    status: text('status'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('contact_child_idx').on(t.icsId, t.childId, t.startedAt),
    index('contact_type_time_idx').on(t.icsId, t.type, t.startedAt),
    uniqueIndex('contact_source_idx').on(t.icsId, t.sourceSystem, t.sourceId),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
  ],
);

/** A professional's stated reason to see a child's sensitive entries: time-limited, audited, reviewed by a privacy officer. */
export const sensitiveReveal = pgTable(
  'sensitive_reveal',
  reviewedAccessColumns(),
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('sensitive_reveal_idx').on(t.icsId, t.professionalId, t.childId, t.expiresAt),
    index('sensitive_reveal_review_idx').on(t.icsId, t.reviewedAt),
  ],
);

/**
 * A letter filed in the child's record (an MDT outcome letter, a clinic
 * letter): its title and lines exactly as sent, where it came from, and who
 * filed it. Letters are never edited; a correction is a new letter.
 */
export const recordLetter = pgTable(
  'record_letter',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    title: text('title').notNull(),
    body: jsonb('body').$type<{ title: string; lines: { text: string; heading?: boolean }[] }>().notNull(),
    source: text('source').notNull(),
    sourceId: uuid('source_id'),
    filedBy: uuid('filed_by').notNull(),
    filedByName: text('filed_by_name').notNull(),
    filedByOrganisationId: uuid('filed_by_organisation_id').notNull(),
    filedAt: timestamp('filed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('record_letter_child_idx').on(t.icsId, t.childId, t.filedAt),
    // letterFiledFrom finds the letter filed from a source (an MDT outcome, a clinic visit).
    index('record_letter_source_idx').on(t.icsId, t.source, t.sourceId, t.filedAt),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
  ],
);
