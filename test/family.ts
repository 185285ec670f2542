import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { TestJoinery } from './joinery.js';
import { TestClient } from './http.js';
import { createFamilySession, FAMILY_SESSION_COOKIE, type FamilyMember } from '../src/platform/http/family-session.js';
import { demoFamilyPeople } from '../src/family/service.js';
import type { Actor } from '../src/platform/access/actor.js';
import { one } from './in-ics.js';

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

/** A child as the family tests use them. */
export type TestKid = { id: string; given_name: string; nhs_number: string; date_of_birth: string };

/**
 * Hands out children of the GP's practice, each only once, with an NHS
 * number, no flag and no family access yet (and none that `where` rules
 * out), made `age` years and a month old today; and adults with parental
 * responsibility for them, each with an NHS number of their own counting up
 * from `firstNhs`, so that families made in one test file never meet.
 */
export function testFamilies(j: TestJoinery, gp: Actor, opts: { firstNhs: number; where?: SQL }) {
  const picked: string[] = [];
  let nextNhs = opts.firstNhs;
  return {
    async childAged(age: number): Promise<TestKid> {
      const found = await one<TestKid>(j, sql`SELECT c.id, c.given_name, c.nhs_number FROM child c
        WHERE c.ics_id = ${gp.icsId}::uuid AND c.registered_practice_id = ${gp.organisationId}::uuid AND c.nhs_number IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.ics_id = ${gp.icsId}::uuid AND f.ics_id = c.ics_id AND f.child_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.ics_id = ${gp.icsId}::uuid AND g.ics_id = c.ics_id AND g.child_id = c.id)
          ${opts.where ? sql`AND ${opts.where}` : sql``}
          AND NOT (c.id = ANY(${sql.param(picked)}::uuid[])) ORDER BY c.id LIMIT 1`);
      picked.push(found.id);
      const d = new Date();
      d.setUTCFullYear(d.getUTCFullYear() - age);
      d.setUTCDate(d.getUTCDate() - 30);
      const dob = d.toISOString().slice(0, 10);
      await j.db.owner.execute(sql`UPDATE child SET date_of_birth = ${dob}::date WHERE ics_id = ${gp.icsId}::uuid AND id = ${found.id}::uuid`);
      return { ...found, date_of_birth: dob };
    },
    adultOf: (c: TestKid, relationship: string, givenName: string) =>
      adultWithParentalResponsibility(j, gp.icsId, c.id, { relationship, givenName, nhsNumber: String(nextNhs++) }),
  };
}

/** The young person as NHS login describes them when they sign in as themselves. */
export const signingInAs = (k: Omit<TestKid, 'id'>): FamilyMember => ({
  givenName: k.given_name, familyName: 'X', nhsNumber: k.nhs_number, birthdate: k.date_of_birth, identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd',
});
