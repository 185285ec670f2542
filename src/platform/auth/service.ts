import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/client.js';
import { decoyHash, verifyPassword } from './passwords.js';

/** Checks an email and password; returns who signed in, or null without saying which part was wrong. */
export async function signIn(db: Database, email: string, password: string): Promise<{ icsId: string; professionalId: string } | null> {
  const [found] = await db.platform((tx) =>
    rows<{ ics_id: string; id: string; password_hash: string | null; active: boolean }>(
      tx,
      sql`SELECT * FROM joinery_sign_in_lookup(${email})`,
    ),
  );
  const ok = await verifyPassword(found?.password_hash ?? (await decoyHash()), password);
  if (!found || !found.active || !found.password_hash || !ok) return null;
  return { icsId: found.ics_id, professionalId: found.id };
}
