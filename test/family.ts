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
