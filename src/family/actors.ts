import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../platform/db/client.js';
import { NotFoundError } from '../platform/http/errors.js';
import { FAMILY_ROLE, type Actor } from '../platform/access/actor.js';
import type { FamilyMember } from '../platform/http/family-session.js';

/** A stable id for a family member in the audit (the actor column), made from their NHS number. */
export function familyMemberId(nhsNumber: string): string {
  const h = crypto.createHash('sha256').update(`family:${nhsNumber}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The family member as an actor in each ICS where a professional granted them access (usually one, none before any grant). */
export async function familyActors(db: Database, member: FamilyMember): Promise<Actor[]> {
  const found = await db.platform((tx) => rows<{ ics_id: string }>(tx, sql`SELECT ics_id FROM joinery_family_lookup(${member.nhsNumber}, ${member.birthdate}::date)`));
  return found.map(({ ics_id }) => ({
    icsId: ics_id, professionalId: familyMemberId(member.nhsNumber), name: `${member.givenName} ${member.familyName}`, email: '',
    role: FAMILY_ROLE, organisationId: ics_id, organisationName: 'Family member (NHS login)',
    signedIn: { method: 'nhs-login', assurance: member.identityLevel, nrbacRoleId: null, nrbacRoleName: null },
    family: { nhsNumber: member.nhsNumber, birthdate: member.birthdate, identityLevel: member.identityLevel },
  }));
}


/** Runs fn in the ICS that holds this child for this family member; not found in any is not found. */
export async function inFamilyTenant<T>(db: Database, member: FamilyMember, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  for (const actor of await familyActors(db, member)) {
    try {
      return await db.tenant(actor.icsId, (tx) => fn(tx, actor));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  throw new NotFoundError();
}
