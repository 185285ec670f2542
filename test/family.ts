import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { TestJoinery } from './joinery.js';
import { TestClient } from './http.js';
import { createFamilySession, FAMILY_SESSION_COOKIE, type FamilyMember } from '../src/platform/http/family-session.js';
import { demoFamilyPeople } from '../src/family/service.js';

/** The demo ICS's first P9 parent as NHS login describes them. */
export async function demoParent(j: TestJoinery): Promise<FamilyMember> {
  const { parent: p } = await demoFamilyPeople(j.db, 'demo.joinery.test');
  return { givenName: p!.given_name, familyName: p!.family_name, nhsNumber: p!.nhs_number, birthdate: p!.birthdate, identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd' };
}

/** A client signed in to the family pages as this person, having opened their home page once. */
export async function familyClient(j: TestJoinery, member: FamilyMember): Promise<TestClient> {
  const { token } = await createFamilySession(j.db, member, null);
  const client = new TestClient(j.app).withCookie(FAMILY_SESSION_COOKIE, token);
  await client.get('/family');
  return client;
}

/**
 * A parent (or other adult with parental responsibility) of the child, as
 * the child's record names them, and as NHS login would describe them once
 * they sign in: what a professional grants proxy access to.
 */
export async function adultWithParentalResponsibility(
  j: TestJoinery, icsId: string, childId: string, who: { relationship: string; givenName: string; nhsNumber: string },
): Promise<FamilyMember & { relatedPersonId: string }> {
  const id = crypto.randomUUID();
  await j.db.owner.execute(sql`INSERT INTO related_person (ics_id, id, given_name, family_name, nhs_number, date_of_birth)
    VALUES (${icsId}::uuid, ${id}::uuid, ${who.givenName}, 'Testparent', ${who.nhsNumber}, '1984-05-06')`);
  await j.db.owner.execute(sql`INSERT INTO child_related_person (ics_id, child_id, related_person_id, relationship, parental_responsibility)
    VALUES (${icsId}::uuid, ${childId}::uuid, ${id}::uuid, ${who.relationship}, true)`);
  return {
    relatedPersonId: id, givenName: who.givenName, familyName: 'Testparent', nhsNumber: who.nhsNumber, birthdate: '1984-05-06',
    identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd',
  };
}
