import { pgTable, uuid, text, timestamp, check, primaryKey } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * Signed-in sessions: a tenant table (decision 0034). The cookie's token names
 * its ICS, so a session is found by its hash among that ICS's rows.
 */
export const session = pgTable('session', {
  tokenHash: text('token_hash').notNull(),
  icsId: uuid('ics_id').notNull(),
  professionalId: uuid('professional_id').notNull(),
  csrfToken: text('csrf_token').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  /** How this session was signed in: 'password' or 'cis2'. */
  method: text('method').notNull().default('password'),
  /** The authentication assurance CIS2 vouched for (acr, e.g. AAL3_ANY); null for a password. */
  assurance: text('assurance'),
  /** The national RBAC role (person_roleid) chosen at CIS2 for this session, and its name. */
  nrbacRoleId: text('nrbac_role_id'),
  nrbacRoleName: text('nrbac_role_name'),
  /** Kept server-side only to end the provider's session at sign-out (id_token_hint). */
  idToken: text('id_token'),
}, (t) => [
  primaryKey({ columns: [t.icsId, t.tokenHash] }),
  check('session_method_check', sql`${t.method} IN ('password', 'cis2')`),
]);
