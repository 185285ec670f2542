import { sql } from 'drizzle-orm';
import { rows, setTenant, type Database } from '../db/client.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { accountFacts, accountRefusal } from './account-use.js';

export type SignInResult = { icsId: string; professionalId: string } | { refused: string } | null;

/**
 * Checks an email and password; returns who signed in, or null without
 * saying which part was wrong. Only once the password is right does it say
 * why a real account may not be used (a role that does not fit its place).
 */
export async function signIn(db: Database, email: string, password: string): Promise<SignInResult> {
  const [found] = await db.platform((tx) =>
    rows<{ ics_id: string; id: string; password_hash: string | null; active: boolean }>(
      tx,
      sql`SELECT * FROM joinery_sign_in_lookup(${email})`,
    ),
  );
  const ok = await verifyPassword(found?.password_hash ?? (await decoyHash()), password);
  if (!found || !found.active || !found.password_hash || !ok) return null;
  const facts = await db.platform(async (tx) => {
    await setTenant(tx, found.ics_id);
    return accountFacts(tx, found.ics_id, found.id);
  });
  const refused = facts ? accountRefusal(facts) : 'This account cannot be used.';
  if (refused) return { refused };
  return { icsId: found.ics_id, professionalId: found.id };
}
