import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import type { Actor } from '../src/platform/access/actor.js';

/** The Actor a professional signs in as, read as the database owner: for service-level tests. */
export async function actorFor(db: Database, email: string): Promise<Actor> {
  const [p] = await rows<{ ics_id: string; id: string; name: string; email: string; role: Actor['role']; organisation_id: string; organisation_name: string }>(
    db.owner,
    sql`SELECT p.ics_id, p.id, p.name, p.email, p.role, p.organisation_id, o.name AS organisation_name
          FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id WHERE p.email = ${email}`,
  );
  if (!p) throw new Error(`no professional ${email}`);
  return { icsId: p.ics_id, professionalId: p.id, name: p.name, email: p.email, role: p.role, organisationId: p.organisation_id, organisationName: p.organisation_name };
}
