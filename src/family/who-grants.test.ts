import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { inIcs, one } from '../../test/in-ics.js';
import type { Actor } from '../platform/access/actor.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { ValidationError } from '../platform/http/errors.js';
import { ENDED, NO_PR } from '../platform/access/family-policy.js';
import * as family from './service.js';

/**
 * Issue 16: proxy access is granted by the registered practice, or by the
 * social worker of a looked-after child, whose local authority is then its
 * corporate parent; and a grant may end on a date. Each through the service
 * and the door, as the data stands.
 */
describe('who grants proxy access, on what basis, until when', () => {
  let j: TestJoinery;
  let gp: Actor;
  let socialWorker: Actor;
  const taken: string[] = [];
  let nextNhs = 9990006001;

  /** A child of the GP's practice with the social worker in their care team, looked after or not. */
  async function child(lookedAfter: boolean): Promise<{ id: string; flagId: string | null }> {
    const c = await one<{ id: string }>(j, sql`SELECT c.id FROM child c WHERE c.ics_id = ${gp.icsId}::uuid AND c.registered_practice_id = ${gp.organisationId}::uuid
      AND c.nhs_number IS NOT NULL AND NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.child_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.child_id = c.id) AND NOT (c.id = ANY(${sql.param(taken)}::uuid[])) ORDER BY c.id LIMIT 1`);
    taken.push(c.id);
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = current_date - interval '8 years 2 months' WHERE id = ${c.id}::uuid`);
    await j.db.owner.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
      VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${c.id}::uuid, ${socialWorker.professionalId}::uuid, 'Allocated social worker')`);
    let flagId: string | null = null;
    if (lookedAfter) {
      flagId = crypto.randomUUID();
      await j.db.owner.execute(sql`INSERT INTO child_flag (ics_id, id, child_id, kind, local_authority_id, started_on)
        VALUES (${gp.icsId}::uuid, ${flagId}::uuid, ${c.id}::uuid, 'looked-after', ${socialWorker.organisationId}::uuid, current_date - 200)`);
    }
    return { id: c.id, flagId };
  }

  /** An adult recorded for the child (parental responsibility as given), as NHS login describes them. */
  async function adult(childId: string, relationship: string, pr: boolean): Promise<FamilyMember & { relatedPersonId: string }> {
    const id = crypto.randomUUID();
    const nhs = String(nextNhs++);
    await j.db.owner.execute(sql`INSERT INTO related_person (ics_id, id, given_name, family_name, nhs_number, date_of_birth)
      VALUES (${gp.icsId}::uuid, ${id}::uuid, 'Cory', 'Testcarer', ${nhs}, '1979-09-09')`);
    await j.db.owner.execute(sql`INSERT INTO child_related_person (ics_id, child_id, related_person_id, relationship, parental_responsibility)
      VALUES (${gp.icsId}::uuid, ${childId}::uuid, ${id}::uuid, ${relationship}, ${pr})`);
    return { relatedPersonId: id, givenName: 'Cory', familyName: 'Testcarer', nhsNumber: nhs, birthdate: '1979-09-09', identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd' };
  }

  const grant = (by: Actor, childId: string, who: { relatedPersonId: string }, basis: string, extra: Record<string, unknown> = {}) =>
    inIcs(j, (tx) => family.grantProxy(tx, by, childId, {
      relatedPersonId: who.relatedPersonId, basis, evidenceNote: 'Care order CO-12 seen', maySee: ['appointments', 'plan', 'letters'], ...extra,
    }));
  const outcome = (p: Promise<unknown>) => p.then(() => 'granted', (e: unknown) => {
    if (e instanceof RefusedAccess) return e.message;
    if (e instanceof ValidationError) return e.fields;
    throw e;
  });
  const grantsOf = (childId: string) => one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM family_access_grant WHERE child_id = ${childId}::uuid`);

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
    socialWorker = await actorFor(j.db, 'social-worker@demo.joinery.test');
  }, 240_000);
  afterAll(() => j?.close());

  it('the social worker of a looked-after child grants the local authority proxy access as corporate parent, which the door opens', async () => {
    const looked = await child(true);
    const authority = await adult(looked.id, 'local authority (corporate parent)', false);
    expect(await outcome(grant(socialWorker, looked.id, authority, 'corporate-parent'))).toBe('granted');
    const page = await family.familyChildPage(j.db, authority, looked.id);
    expect(page.child.id).toBe(looked.id);
    const access = await inIcs(j, (tx) => family.familyAccessOf(tx, gp, looked.id));
    expect(access.grants.map((g) => [g.basis, g.granted_by_name])).toEqual([['corporate-parent', socialWorker.name]]);
  });

  it('when the child stops being looked after, the corporate parent’s access stops at the door', async () => {
    const looked = await child(true);
    const authority = await adult(looked.id, 'local authority (corporate parent)', false);
    await grant(socialWorker, looked.id, authority, 'corporate-parent');
    await j.db.owner.execute(sql`UPDATE child_flag SET ended_on = current_date WHERE id = ${looked.flagId}::uuid`);
    expect(await outcome(family.familyChildPage(j.db, authority, looked.id))).toBe(NO_PR);
  });

  it('a social worker cannot grant for a child who is not looked after, nor anyone claim corporate parenthood of one; nothing is saved', async () => {
    const notLooked = await child(false);
    const mother = await adult(notLooked.id, 'mother', true);
    expect(await outcome(grant(socialWorker, notLooked.id, mother, 'birth-certificate')))
      .toBe('A social worker grants family access only for a looked-after child; for others, the registered practice does.');
    expect(await outcome(grant(gp, notLooked.id, mother, 'corporate-parent'))).toEqual({ basis: 'Only a looked-after child has the local authority as corporate parent' });
    expect((await grantsOf(notLooked.id)).n).toBe(0);
  });

  it('a time-limited grant works until its end date and not after it', async () => {
    const c = await child(false);
    const father = await adult(c.id, 'father', true);
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await grant(gp, c.id, father, 'pr-agreement', { endsOn: tomorrow });
    expect((await family.familyChildPage(j.db, father, c.id)).child.id).toBe(c.id);
    await j.db.owner.execute(sql`UPDATE family_access_grant SET ends_on = current_date - 1 WHERE child_id = ${c.id}::uuid`);
    expect(await outcome(family.familyChildPage(j.db, father, c.id))).toBe(ENDED);
  });
});
