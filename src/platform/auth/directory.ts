import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';

/**
 * The sign-in directory (decision 0034): which ICS each sign-in email belongs
 * to. Password sign-in starts before the ICS is known, so it asks here first;
 * on Citus this is a reference table every node holds whole, and its key on the
 * email alone keeps one email to one ICS across the region. Every account
 * points at its entry (a foreign key on ics_id and email), so an account
 * cannot be out of step with it; the app may add entries but never move or
 * remove one.
 */
export const SIGN_IN_DIRECTORY = 'sign_in_directory';

/** The constraint a second account with a taken email breaks, in this ICS or any other. */
export const SIGN_IN_NAME_TAKEN = 'sign_in_directory_pkey';

/** Enters a new account's email for its ICS, before the account itself (which points at it), in the ICS's transaction. */
export async function enterSignInName(tx: Tx, icsId: string, email: string): Promise<void> {
  await tx.execute(sql`INSERT INTO sign_in_directory (email, ics_id) VALUES (${email}, ${icsId}::uuid)`);
}
