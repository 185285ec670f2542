import { sql } from 'drizzle-orm';
import { pgTable, uuid, text, timestamp, integer, boolean, jsonb, primaryKey, foreignKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { child } from '../children/schema.js';
import { ics, organisation, professional } from '../organisations/schema.js';

/** Where an episode of care at home starts: the GP, the hub's triage, ED, a ward stepping down, or a step-up from home. */
export const EPISODE_SOURCES = ['gp', 'triage', 'ed', 'ward-step-down', 'step-up'] as const;
export type EpisodeSource = (typeof EPISODE_SOURCES)[number];

export const DISCHARGE_OUTCOMES = ['recovered-at-home', 'admitted', 'transferred', 'self-discharged'] as const;
export type DischargeOutcome = (typeof DISCHARGE_OUTCOMES)[number];

export const VISIT_KINDS = ['home', 'video'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

/** Who recorded a set of observations: a professional, or (from the family pages, later) a carer. */
export const RECORDER_KINDS = ['professional', 'carer'] as const;
export type RecorderKind = (typeof RECORDER_KINDS)[number];

/** What a pathway says (name, criteria, observations and timings): the same columns in the pathway and each saved version of it. */
const pathwayTerms = () => ({
  name: text('name').notNull(),
  inclusion: jsonb('inclusion').$type<string[]>().notNull(),
  exclusion: jsonb('exclusion').$type<string[]>().notNull(),
  observations: jsonb('observations').$type<string[]>().notNull(),
  observeEveryHours: integer('observe_every_hours').notNull(),
  expectedStayDays: integer('expected_stay_days').notNull(),
  dischargeCriteria: jsonb('discharge_criteria').$type<string[]>().notNull(),
});

/** A condition pathway the ICS edits: who it is for, what is observed and how often, how long, and when the child can leave. */
export const wardPathway = pgTable(
  'ward_pathway',
  {
    icsId: uuid('ics_id').notNull().references(() => ics.id),
    id: text('id').notNull(),
    ...pathwayTerms(),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.id] })],
);

/** Every saved version of a pathway: an episode keeps the one it was referred under, so an edit applies to new episodes only. */
export const wardPathwayVersion = pgTable(
  'ward_pathway_version',
  {
    icsId: uuid('ics_id').notNull(),
    pathwayId: text('pathway_id').notNull(),
    version: integer('version').notNull(),
    ...pathwayTerms(),
    active: boolean('active').notNull(),
    savedBy: uuid('saved_by'),
    savedByName: text('saved_by_name').notNull(),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.pathwayId, t.version] }),
    foreignKey({ columns: [t.icsId, t.pathwayId], foreignColumns: [wardPathway.icsId, wardPathway.id] }),
  ],
);

/** The response to each escalation level at home and its timer in minutes, as the ICS sets them. */
export type WardResponses = Record<'low' | 'medium' | 'high' | 'emergency', { response: string; minutes: number }>;

/** The ICS's virtual ward: the community children's nursing team that runs it, its consultant, capacity and timers. */
export const virtualWard = pgTable(
  'virtual_ward',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    nursingTeamId: uuid('nursing_team_id').notNull(),
    consultantId: uuid('consultant_id').notNull(),
    capacity: integer('capacity').notNull(),
    responses: jsonb('responses').$type<WardResponses>().notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    foreignKey({ columns: [t.icsId, t.nursingTeamId], foreignColumns: [organisation.icsId, organisation.id] }),
    foreignKey({ columns: [t.icsId, t.consultantId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/** Who an unacknowledged escalation goes to, in order: position 0 first, then up. */
export const wardRota = pgTable(
  'ward_rota',
  {
    icsId: uuid('ics_id').notNull(),
    wardId: uuid('ward_id').notNull(),
    position: integer('position').notNull(),
    professionalId: uuid('professional_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.wardId, t.position] }),
    foreignKey({ columns: [t.icsId, t.wardId], foreignColumns: [virtualWard.icsId, virtualWard.id] }),
    foreignKey({ columns: [t.icsId, t.professionalId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/** A change to the ward's response timers, rota or capacity: what it was and became, by whom and when. */
export const wardSettingChange = pgTable(
  'ward_setting_change',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    wardId: uuid('ward_id').notNull(),
    setting: text('setting').$type<'responses' | 'rota' | 'capacity'>().notNull(),
    before: jsonb('before').notNull(),
    after: jsonb('after').notNull(),
    changedBy: uuid('changed_by').notNull(),
    changedByName: text('changed_by_name').notNull(),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('ward_setting_change_ward_idx').on(t.icsId, t.wardId, t.savedAt),
    foreignKey({ columns: [t.icsId, t.wardId], foreignColumns: [virtualWard.icsId, virtualWard.id] }),
  ],
);

/** A child's stay on the virtual ward, from referral to discharge (state-machine.ts says which moves are legal). */
export const wardEpisode = pgTable(
  'ward_episode',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    wardId: uuid('ward_id').notNull(),
    childId: uuid('child_id').notNull(),
    pathwayId: text('pathway_id').notNull(),
    /** The pathway's version when the child was referred: its frequency, stay and criteria hold for this episode. */
    pathwayVersion: integer('pathway_version').notNull(),
    state: text('state').notNull(),
    source: text('source').$type<EpisodeSource>().notNull(),
    /** The hub referral a triage decision came from (no foreign key: referrals starts episodes, so it may not be depended on here). */
    referralId: uuid('referral_id'),
    reason: text('reason').notNull(),
    referredBy: uuid('referred_by').notNull(),
    referredByName: text('referred_by_name').notNull(),
    referredAt: timestamp('referred_at', { withTimezone: true }).notNull(),
    decidedBy: uuid('decided_by'),
    decidedByName: text('decided_by_name'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    declineReason: text('decline_reason'),
    checks: jsonb('checks').$type<Record<string, unknown>>(),
    safeguardingDiscussedWith: text('safeguarding_discussed_with'),
    safeguardingDiscussion: text('safeguarding_discussion'),
    consentGivenBy: text('consent_given_by'),
    /** The level at which the carer's "worse" escalates for this child, as the clinician chose at acceptance. */
    carerWorseLevel: text('carer_worse_level'),
    admittedAt: timestamp('admitted_at', { withTimezone: true }),
    dischargedAt: timestamp('discharged_at', { withTimezone: true }),
    outcome: text('outcome').$type<DischargeOutcome>(),
    dischargeSummary: text('discharge_summary'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    uniqueIndex('ward_episode_live_idx').on(t.icsId, t.childId).where(sql`${t.state} IN ('referred', 'accepted', 'on-ward', 'escalated')`),
    index('ward_episode_state_idx').on(t.icsId, t.wardId, t.state),
    index('ward_episode_child_idx').on(t.icsId, t.childId),
    foreignKey({ columns: [t.icsId, t.wardId], foreignColumns: [virtualWard.icsId, virtualWard.id] }),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.pathwayId], foreignColumns: [wardPathway.icsId, wardPathway.id] }),
    foreignKey({ columns: [t.icsId, t.pathwayId, t.pathwayVersion], foreignColumns: [wardPathwayVersion.icsId, wardPathwayVersion.pathwayId, wardPathwayVersion.version] }),
  ],
);

/** A home or video visit, scheduled and then recorded with who went. */
export const wardVisit = pgTable(
  'ward_visit',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    episodeId: uuid('episode_id').notNull(),
    childId: uuid('child_id').notNull(),
    kind: text('kind').$type<VisitKind>().notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    scheduledBy: uuid('scheduled_by').notNull(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneBy: uuid('done_by'),
    doneByName: text('done_by_name'),
    notes: text('notes'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('ward_visit_episode_idx').on(t.icsId, t.episodeId, t.dueAt),
    index('ward_visit_child_idx').on(t.icsId, t.childId, t.dueAt),
    foreignKey({ columns: [t.icsId, t.episodeId], foreignColumns: [wardEpisode.icsId, wardEpisode.id] }),
  ],
);

/** One set of observations as recorded (every value optional) and its PEWS result on the named chart and version. */
export const wardObservation = pgTable(
  'ward_observation',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    episodeId: uuid('episode_id').notNull(),
    childId: uuid('child_id').notNull(),
    observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    recorderKind: text('recorder_kind').$type<RecorderKind>().notNull(),
    recordedBy: uuid('recorded_by'),
    recordedByName: text('recorded_by_name').notNull(),
    observed: jsonb('observed').$type<Record<string, unknown>>().notNull(),
    score: integer('score').notNull(),
    parameters: jsonb('parameters').$type<Record<string, number>>().notNull(),
    escalation: text('escalation').notNull(),
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    missing: jsonb('missing').$type<string[]>().notNull(),
    chartName: text('chart_name').notNull(),
    chartVersion: text('chart_version').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('ward_observation_episode_idx').on(t.icsId, t.episodeId, t.observedAt),
    index('ward_observation_child_idx').on(t.icsId, t.childId, t.observedAt),
    foreignKey({ columns: [t.icsId, t.episodeId], foreignColumns: [wardEpisode.icsId, wardEpisode.id] }),
  ],
);

/** An escalation raised by an observation (or a missed one): its level, the response due, whose it is now, and who acknowledged it. */
export const wardEscalation = pgTable(
  'ward_escalation',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    episodeId: uuid('episode_id').notNull(),
    childId: uuid('child_id').notNull(),
    observationId: uuid('observation_id'),
    level: text('level').notNull(),
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    response: text('response').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    responseDueAt: timestamp('response_due_at', { withTimezone: true }).notNull(),
    ownerId: uuid('owner_id').notNull(),
    rotaPosition: integer('rota_position').notNull(),
    steppedUpAt: timestamp('stepped_up_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by'),
    acknowledgedByName: text('acknowledged_by_name'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    /** For a missed-observation alert: when the observations were due (one alert per due time of a stay). */
    missedObservationsDueAt: timestamp('missed_observations_due_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('ward_escalation_open_idx').on(t.icsId, t.responseDueAt).where(sql`${t.acknowledgedAt} IS NULL`),
    index('ward_escalation_episode_idx').on(t.icsId, t.episodeId),
    index('ward_escalation_child_idx').on(t.icsId, t.childId, t.raisedAt),
    uniqueIndex('ward_escalation_missed_once_idx').on(t.icsId, t.episodeId, t.missedObservationsDueAt).where(sql`${t.missedObservationsDueAt} IS NOT NULL`),
    foreignKey({ columns: [t.icsId, t.episodeId], foreignColumns: [wardEpisode.icsId, wardEpisode.id] }),
    foreignKey({ columns: [t.icsId, t.observationId], foreignColumns: [wardObservation.icsId, wardObservation.id] }),
    foreignKey({ columns: [t.icsId, t.ownerId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

