import { pgTable, uuid, text, timestamp, boolean, integer, primaryKey, foreignKey, index, uniqueIndex, check, jsonb } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { OrganisationKind } from '../platform/access/organisation-kinds.js';

export { ORGANISATION_KINDS, type OrganisationKind } from '../platform/access/organisation-kinds.js';

/** The tenant: one Integrated Care System. */
export const ics = pgTable('ics', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  code: text('code').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A place: a local-authority area within the ICS. */
export const place = pgTable(
  'place',
  {
    icsId: uuid('ics_id').notNull().references(() => ics.id),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.id] })],
);


export const organisation = pgTable(
  'organisation',
  {
    icsId: uuid('ics_id').notNull().references(() => ics.id),
    id: uuid('id').notNull(),
    odsCode: text('ods_code').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<OrganisationKind>().notNull(),
    placeId: uuid('place_id'),
    /** The number families are given to call (advice pages name the practice's). */
    phone: text('phone'),
    /** The type codings a FHIR feed sent (HL7 organization-type, ODS role), kept as sent (decision 0019). */
    asSent: jsonb('as_sent').$type<Record<string, unknown>>(),
    /** A school's DfE Unique Reference Number; a school without an ODS code has it as its ods_code too (migration 0088). */
    dfeUrn: text('dfe_urn'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    uniqueIndex('organisation_ods_code_idx').on(t.icsId, t.odsCode),
    uniqueIndex('organisation_dfe_urn_idx').on(t.icsId, t.dfeUrn),
    check('organisation_dfe_urn_form', sql`${t.dfeUrn} IS NULL OR ${t.dfeUrn} ~ '^[0-9]{6}$'`),
    index('organisation_kind_idx').on(t.icsId, t.kind),
    foreignKey({ columns: [t.icsId, t.placeId], foreignColumns: [place.icsId, place.id] }),
  ],
);

/** A site where an organisation works (a surgery, a hospital, a school campus). */
export const site = pgTable(
  'site',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    organisationId: uuid('organisation_id').notNull(),
    name: text('name').notNull(),
    postcodeDistrict: text('postcode_district'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    foreignKey({ columns: [t.icsId, t.organisationId], foreignColumns: [organisation.icsId, organisation.id] }),
  ],
);

/** A cluster / child health hub: 3–6 practices with a lead paediatrician. */
export const cluster = pgTable(
  'cluster',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    placeId: uuid('place_id').notNull(),
    leadPaediatricianId: uuid('lead_paediatrician_id'),
    // How fast the hub promises an answer, in working days (issue 4: triage 2, advice 1 by default).
    triageWorkingDays: integer('triage_working_days').notNull().default(2),
    adviceWorkingDays: integer('advice_working_days').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    foreignKey({ columns: [t.icsId, t.placeId], foreignColumns: [place.icsId, place.id] }),
  ],
);

/** A practice belongs to at most one cluster at a time. */
export const clusterPractice = pgTable(
  'cluster_practice',
  {
    icsId: uuid('ics_id').notNull(),
    clusterId: uuid('cluster_id').notNull(),
    practiceId: uuid('practice_id').notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.practiceId] }),
    index('cluster_practice_cluster_idx').on(t.icsId, t.clusterId),
    foreignKey({ columns: [t.icsId, t.clusterId], foreignColumns: [cluster.icsId, cluster.id] }),
    foreignKey({ columns: [t.icsId, t.practiceId], foreignColumns: [organisation.icsId, organisation.id] }),
  ],
);

/**
 * A professional who signs in. The email is the sign-in name, unique within the ICS here and kept to
 * one ICS across the region by the sign-in directory (src/platform/auth/directory.ts, decision 0034),
 * which every account points at. Every key carries ics_id, so Citus could distribute it; it stays a
 * reference table until every query that joins it names ics_id.
 */
export const professional = pgTable(
  'professional',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    organisationId: uuid('organisation_id').notNull(),
    passwordHash: text('password_hash'),
    active: boolean('active').notNull().default(true),
    /** Their NHS CIS2 identity (12 digits), linked by an administrator; one person may have an account per role and organisation. */
    nhsidUseruid: text('nhsid_useruid'),
    /** Their statutory register (a UK Core identifier system: GMC, NMC, HCPC) and number on it; both or neither (migration 0072). */
    registrationSystem: text('registration_system'),
    registrationNumber: text('registration_number'),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    /** 'password' or 'cis2'. */
    lastSignInMethod: text('last_sign_in_method'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    // Unique within the ICS; across ICSs the sign-in directory keeps an email to one (decision 0034).
    uniqueIndex('professional_email_idx').on(t.icsId, t.email),
    uniqueIndex('professional_cis2_account_idx').on(t.icsId, t.nhsidUseruid, t.organisationId, t.role).where(sql`${t.nhsidUseruid} IS NOT NULL`),
    check('professional_nhsid_useruid_check', sql`${t.nhsidUseruid} ~ '^[0-9]{12}$'`),
    index('professional_org_idx').on(t.icsId, t.organisationId),
    foreignKey({ columns: [t.icsId, t.organisationId], foreignColumns: [organisation.icsId, organisation.id] }),
  ],
);
