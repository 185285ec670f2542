import { pgTable, uuid, text, timestamp, date, integer, smallint, boolean, bigserial, numeric, jsonb, primaryKey, index, uniqueIndex, foreignKey } from 'drizzle-orm/pg-core';
import { whoChanged } from '../platform/db/who-changed.js';
import { child } from '../children/schema.js';
import { cluster } from '../organisations/schema.js';
import { contact } from '../record/schema.js';

export const ACTIVITY_TYPES = ['ed', 'admission', 'outpatient', 'gp', 'community', 'mental-health', 'prescription'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/**
 * One unit of activity for the population dashboards: an ED attendance, an
 * admission, an outpatient attendance, a GP, community or mental health
 * contact, or a prescription issued. Every contact the record holds of a
 * counted type has its event here (contact_id), written in the same
 * transaction; five years of history (~20 a child) is longer than the
 * record's timeline, and an event carries only what the dashboards count. The practice and
 * cluster are those at the time of the event; the age is the age on the day.
 * (source_system, source_id) identifies an imported row, so a file loaded
 * twice adds nothing; generated events have none.
 */
export const activityEvent = pgTable(
  'activity_event',
  {
    icsId: uuid('ics_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    childId: uuid('child_id').notNull(),
    type: text('type').$type<ActivityType>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** The first day of the month the event falls in (England's clock): what the rollups group by. */
    month: date('month').notNull(),
    ageYears: smallint('age_years').notNull(),
    practiceId: uuid('practice_id').notNull(),
    clusterId: uuid('cluster_id'),
    organisationId: uuid('organisation_id'),
    siteId: uuid('site_id'),
    /** A code from data/activity-reasons.tsv (a diagnosis, procedure or medicine group). */
    reasonCode: text('reason_code'),
    /** Admissions: emergency (true) or planned (false). */
    emergency: boolean('emergency'),
    /** Admissions: nights in hospital (0 for a day case). */
    bedDays: smallint('bed_days'),
    /** Outpatients: a first attendance (true) or a follow-up (false). */
    firstAttendance: boolean('first_attendance'),
    sourceSystem: text('source_system'),
    sourceId: text('source_id'),
    /** The record's contact this event counts (docs/decisions/0012): null for prescriptions and for history older than the record. */
    contactId: uuid('contact_id'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    uniqueIndex('activity_event_contact_idx').on(t.icsId, t.contactId),
    foreignKey({ columns: [t.icsId, t.contactId], foreignColumns: [contact.icsId, contact.id] }),
    index('activity_event_month_idx').on(t.icsId, t.month, t.type),
    index('activity_event_child_idx').on(t.icsId, t.childId, t.occurredAt),
    uniqueIndex('activity_event_source_idx').on(t.icsId, t.sourceSystem, t.sourceId),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
  ],
);

export const BREAKDOWNS = ['all', 'imd', 'ethnicity', 'age', 'sex'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/**
 * Monthly totals per practice for every measure (events, bed days, children
 * in a cohort), each broken down by one dimension at a time: the dashboards
 * read these, never the events. Rewritten a month at a time by rollups/rollup.ts when
 * events for that month are generated or imported.
 * dimension 'all' has category ''; 'imd' has quintiles '1'–'5' (1 = most
 * deprived, Core20); 'age' has age bands; 'sex' and 'ethnicity' their groups.
 */
export const populationRollup = pgTable(
  'population_rollup',
  {
    icsId: uuid('ics_id').notNull(),
    measure: text('measure').notNull(),
    dimension: text('dimension').$type<Breakdown>().notNull(),
    month: date('month').notNull(),
    practiceId: uuid('practice_id').notNull(),
    clusterId: uuid('cluster_id'),
    category: text('category').notNull(),
    value: numeric('value', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.measure, t.dimension, t.month, t.practiceId, t.category] })],
);

export const AREA_LEVELS = ['ics', 'place', 'cluster'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/**
 * The same totals summed for each hub (cluster), place and the whole ICS,
 * rewritten with population_rollup. A whole-ICS page then reads one row per
 * measure, month and category instead of one per practice: ~1,300 rows for
 * the dashboard's list rather than ~330,000 at 500,000 children.
 * area_id is the cluster's or place's id, or the ICS's own for 'ics'.
 */
export const populationAreaRollup = pgTable(
  'population_area_rollup',
  {
    icsId: uuid('ics_id').notNull(),
    level: text('level').$type<AreaLevel>().notNull(),
    areaId: uuid('area_id').notNull(),
    measure: text('measure').notNull(),
    dimension: text('dimension').$type<Breakdown>().notNull(),
    month: date('month').notNull(),
    category: text('category').notNull(),
    value: numeric('value', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.level, t.areaId, t.measure, t.dimension, t.month, t.category] })],
);

/**
 * An indicator defined as data: a numerator and a denominator (each a
 * measure from measures.ts), a unit, which way is better, and an optional
 * local target with where it came from. The built-in indicators live in
 * indicators.ts; rows here are the ICS's own (and may override nothing).
 */
export const indicatorDefinition = pgTable(
  'indicator_definition',
  {
    icsId: uuid('ics_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    numerator: text('numerator').notNull(),
    denominator: text('denominator').notNull(),
    /** per-1000-year | per-100000-year | per-1000 | percent */
    unit: text('unit').notNull(),
    improvement: text('improvement').notNull(),
    target: numeric('target', { mode: 'number' }),
    targetSource: text('target_source'),
    ...whoChanged(),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.id] })],
);

/**
 * A care model (e.g. a child health hub) starting in a cluster from a month,
 * reaching full effect after rampMonths: what an evaluation compares before
 * and after, and against clusters without it. effects holds the injected
 * relative effects when the synthetic generator made the data (the truth an
 * evaluation should recover); it is null for a real implementation.
 */
export const careModelImplementation = pgTable(
  'care_model_implementation',
  {
    icsId: uuid('ics_id').notNull(),
    model: text('model').notNull(),
    clusterId: uuid('cluster_id').notNull(),
    startMonth: date('start_month').notNull(),
    rampMonths: integer('ramp_months').notNull().default(0),
    effects: jsonb('effects').$type<Record<string, number>>(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.model, t.clusterId] }),
    foreignKey({ columns: [t.icsId, t.clusterId], foreignColumns: [cluster.icsId, cluster.id] }),
  ],
);

/** One test of a case-finding rule: at least `atLeast` events of an event measure. */
export type CaseFindingCriterion = { measure: string; atLeast: number };

/**
 * A case-finding rule kept as data: children meeting any of its criteria in
 * the last `windowMonths`, optionally only those in a cohort (e.g. asthma)
 * and only those with no hub contact (referral or advice) yet.
 */
export const caseFindingRule = pgTable(
  'case_finding_rule',
  {
    icsId: uuid('ics_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    criteria: jsonb('criteria').$type<CaseFindingCriterion[]>().notNull(),
    windowMonths: integer('window_months').notNull().default(12),
    cohort: text('cohort'),
    noHubContact: boolean('no_hub_contact').notNull().default(false),
    active: boolean('active').notNull().default(true),
    ...whoChanged(),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.id] })],
);
