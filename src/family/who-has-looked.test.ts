import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { recordAuditMany } from '../platform/audit/audit.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import type { Actor } from '../platform/access/actor.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { demoFamilyPeople, whoHasLooked } from './service.js';

/**
 * "Who has looked at my record" on the service: a page at a time, newest
 * first; staff by name, role and organisation unless the ICS hides names;
 * refusals, the young person's own looks, scheduled jobs and children's
 * social care left out; never opened to a parent.
 */
describe('who has looked at my record', () => {
  let j: TestJoinery;
  let gp: Actor;
  let socialWorker: Actor;
  let youngPerson: FamilyMember;
  let parent: FamilyMember;
  let teenId: string;

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
    socialWorker = await actorFor(j.db, 'social-worker@demo.joinery.test');
    const people = await demoFamilyPeople(j.db, 'demo.joinery.test');
    const asMember = (p: { given_name: string; family_name: string; nhs_number: string; birthdate: string }): FamilyMember => ({
      givenName: p.given_name, familyName: p.family_name, nhsNumber: p.nhs_number, birthdate: p.birthdate, identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd',
    });
    youngPerson = asMember(people.youngPerson!);
    parent = asMember(people.parent!);
    [{ id: teenId }] = await rows<{ id: string }>(j.db.owner, sql`SELECT child_id AS id FROM family_access_grant WHERE kind = 'own-access' AND nhs_number = ${youngPerson.nhsNumber}`);
    // 25 looks by the GP, then a refusal, a social worker's look and a scheduled job's, newest last.
    await j.db.tenant(gp.icsId, async (tx) => {
      await recordAuditMany(tx, gp, Array.from({ length: 25 }, (_, i) => ({ childId: teenId, action: 'record.view', what: `Problem list ${i}` })));
      await recordAuditMany(tx, gp, [{ childId: teenId, action: 'child.access-refused', what: 'Refused: something' }]);
      await recordAuditMany(tx, socialWorker, [{ childId: teenId, action: 'record.view', what: 'Child protection plan flag' }]);
    });
  }, 400_000);
  afterAll(() => j?.close());

  it('pages the looks, 20 at a time, naming the GP with role and organisation, never the audit’s wording', async () => {
    const first = await whoHasLooked(j.db, youngPerson, teenId, 1);
    expect(first.window).toMatchObject({ page: 1, size: 20 });
    expect(first.looks).toHaveLength(20);
    expect(first.looks[0]).toEqual({ at: expect.anything(), who: `${gp.name} (GP, ${gp.organisationName})`, what: 'Your health record', emergency: false });
    const last = await whoHasLooked(j.db, youngPerson, teenId, first.window.pages);
    const all = [...first.looks, ...(first.window.pages > 1 ? last.looks : [])];
    expect(all.map((l) => l.what).join(' ')).not.toMatch(/Problem list|Child protection|Refused/);
    expect(all.some((l) => l.who.includes(socialWorker.name))).toBe(false);
    expect(first.window.total).toBeGreaterThanOrEqual(25);
  });

  it('hides staff names when the ICS chooses, and refuses a parent', async () => {
    await j.db.owner.execute(sql`INSERT INTO family_setting (ics_id, hide_staff_names) VALUES (${gp.icsId}::uuid, true) ON CONFLICT (ics_id) DO UPDATE SET hide_staff_names = true`);
    const { looks } = await whoHasLooked(j.db, youngPerson, teenId, 1);
    expect(looks[0].who).toBe(`GP, ${gp.organisationName}`);
    expect(looks.some((l) => l.who.includes(gp.name))).toBe(false);
    const refused = await whoHasLooked(j.db, parent, teenId, 1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RefusedAccess);
    expect((refused as RefusedAccess).message).toBe('Only the young person themself can see who has looked at their record.');
  });
});
