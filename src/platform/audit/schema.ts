import { pgTable, uuid, text, timestamp, jsonb, bigserial, primaryKey, index } from 'drizzle-orm/pg-core';

/**
 * Append-only: the application's database role may insert and select, never
 * update or delete (granted in the tenancy migration).
 */
export const auditEvent = pgTable(
  'audit_event',
  {
    icsId: uuid('ics_id').notNull(),
    id: bigserial('id', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    professionalId: uuid('professional_id'),
    role: text('role'),
    /** The name at the time: a system client has no professional row to join. */
    actorName: text('actor_name'),
    organisationId: uuid('organisation_id'),
    childId: uuid('child_id'),
    action: text('action').notNull(),
    what: text('what').notNull(),
    /** The legitimate relationship or break-glass reason that allowed it. */
    why: text('why'),
    details: jsonb('details'),
    /** The record entry the event was about, and its sensitive category at the time. */
    entryId: uuid('entry_id'),
    sensitiveCategory: text('sensitive_category'),
    /** A reason the person typed (freezing a record, showing sensitive entries): the access log shows it only to those it is for. */
    statedReason: text('stated_reason'),
    /** How the actor signed in ('password', 'cis2'), the assurance level and the CIS2 role (person_roleid) of that session. */
    signInMethod: text('sign_in_method'),
    assurance: text('assurance'),
    nrbacRoleId: text('nrbac_role_id'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('audit_child_idx').on(t.icsId, t.childId, t.at),
    index('audit_professional_idx').on(t.icsId, t.professionalId, t.at),
    index('audit_at_idx').on(t.icsId, t.at),
    index('audit_action_idx').on(t.icsId, t.action),
    index('audit_organisation_idx').on(t.icsId, t.organisationId),
  ],
);
