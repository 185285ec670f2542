import { pgTable, text, integer, timestamp, primaryKey, check, date } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * Sign-in attempts in the current window, per email-and-address pair and per
 * address. Platform data, counted before the tenant is known; keys are hashes.
 */
export const signInAttempt = pgTable('sign_in_attempt', {
  scope: text('scope').notNull(),
  keyHash: text('key_hash').notNull(),
  attempts: integer('attempts').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.scope, t.keyHash] }),
  check('sign_in_attempt_scope_check', sql`${t.scope} IN ('pair', 'address')`),
]);

/**
 * A family member signed in with NHS login. Not a professional and not yet
 * matched to any child: who they are is their verified NHS number and date
 * of birth; what they may see is decided by the family pages (issue 16).
 */
export const familySession = pgTable('family_session', {
  tokenHash: text('token_hash').primaryKey(),
  csrfToken: text('csrf_token').notNull(),
  nhsNumber: text('nhs_number').notNull(),
  birthdate: date('birthdate').notNull(),
  givenName: text('given_name').notNull(),
  familyName: text('family_name').notNull(),
  /** P9 (photo ID checked) or P5 (matched to the national demographics service). */
  identityLevel: text('identity_level').notNull(),
  /** The vector of trust NHS login returned (vot), e.g. P9.Cp.Cd. */
  vectorOfTrust: text('vector_of_trust').notNull(),
  idToken: text('id_token'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [check('family_session_identity_level_check', sql`${t.identityLevel} IN ('P5', 'P9')`)]);

/** A sign-in under way at CIS2 or NHS login: what its callback must match. Deleted when used, so a callback works once. */
export const oidcSignIn = pgTable('oidc_sign_in', {
  stateHash: text('state_hash').primaryKey(),
  provider: text('provider').notNull(),
  browserHash: text('browser_hash').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  nonce: text('nonce').notNull(),
  nextPage: text('next_page').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [check('oidc_sign_in_provider_check', sql`${t.provider} IN ('cis2', 'nhs-login')`)]);
