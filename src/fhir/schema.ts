import { pgTable, uuid, text, timestamp, primaryKey, foreignKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisation } from '../organisations/schema.js';

/**
 * A system that talks to Joinery over FHIR (OAuth 2.0 client credentials).
 * Without an organisation it is the ICS's own integration engine and sees
 * the whole ICS; with one it sees the children that organisation cares for.
 * Only a hash of the secret is kept; a client with no secret cannot get a
 * token (the command-line importer acts as such a client).
 */
export const fhirClient = pgTable(
  'fhir_client',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    secretHash: text('secret_hash'),
    /** SMART v2 system scopes, space-separated, e.g. "system/*.rs system/Condition.cud". */
    scopes: text('scopes').notNull(),
    organisationId: uuid('organisation_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    uniqueIndex('fhir_client_name_idx').on(t.icsId, t.name),
    foreignKey({ columns: [t.icsId, t.organisationId], foreignColumns: [organisation.icsId, organisation.id] }),
  ],
);

/** An access token: only its hash is stored, with the scopes it carries and when it stops working. */
export const fhirToken = pgTable(
  'fhir_token',
  {
    icsId: uuid('ics_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    clientId: uuid('client_id').notNull(),
    scopes: text('scopes').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.tokenHash] }),
    // The token names its ICS (decision 0034): found by the key, ics_id and hash, on one shard.
    index('fhir_token_client_idx').on(t.icsId, t.clientId, t.expiresAt),
    foreignKey({ columns: [t.icsId, t.clientId], foreignColumns: [fhirClient.icsId, fhirClient.id] }),
  ],
);

/**
 * What a sender calls one of our things: an identifier (system and value) or
 * the sender's own resource id (its namespace and id). Importing the same
 * resource again finds the row it made the first time, for the rows whose own
 * table has no source columns (children, related people, flags).
 */
export const fhirLink = pgTable(
  'fhir_link',
  {
    icsId: uuid('ics_id').notNull(),
    resourceType: text('resource_type').notNull(),
    /** 'identifier' (system|value) or 'id' (sender namespace and resource id). */
    kind: text('kind').$type<'identifier' | 'id'>().notNull(),
    system: text('system').notNull(),
    value: text('value').notNull(),
    targetId: uuid('target_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.resourceType, t.kind, t.system, t.value] }),
    index('fhir_link_target_idx').on(t.icsId, t.targetId),
  ],
);
