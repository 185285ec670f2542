import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { inIcs, one } from '../../test/in-ics.js';
import { familyClient, signingInAs, testFamilies, type TestKid } from '../../test/family.js';
import { pageText, type TestClient } from '../../test/http.js';
import type { Actor } from '../platform/access/actor.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { openChild } from '../platform/access/door.js';
import { policy } from '../platform/access/policy.js';
import { offerFeedbackAtChildsHub, type FeedbackService } from '../feedback/service.js';
import * as family from './service.js';

type Kid = TestKid;

/**
 * "Tell us how we did" on the family's own pages, over HTTP as a parent and
 * a young person use them: the Friends and Family Test offers still open for
 * the child, answered once while signed in; never an offer about what the
 * grant does not show, what the young person keeps from their parents, or
 * what was offered while the record was frozen.
 */
describe('families’ feedback on their own pages', () => {
  let j: TestJoinery;
  let gp: Actor;
  let child: Kid;
  let teen: Kid;
  let mother: FamilyMember & { relatedPersonId: string };
  let father: FamilyMember & { relatedPersonId: string };
  let teenMother: FamilyMember & { relatedPersonId: string };
  let youngPerson: FamilyMember;
  let childAged: (age: number) => Promise<Kid>;
  let adultOf: ReturnType<typeof testFamilies>['adultOf'];
  const grant = (c: Kid, who: { relatedPersonId: string }, maySee: string[]) =>
    inIcs(j, (tx) => family.grantProxy(tx, gp, c.id, { relatedPersonId: who.relatedPersonId, basis: 'birth-certificate', evidenceNote: 'BC-9 seen', maySee }));
  /** The care team offers the family the question after a service, as clinics, MDT outcomes, advice and the ward do. */
  const offer = async (c: Kid, serviceKind: FeedbackService, sourceId = crypto.randomUUID()) => {
    await inIcs(j, async (tx) => {
      const access = await openChild(tx, gp, c.id, { rule: policy.viewChildSummary, refused: 'feedback offer' });
      await offerFeedbackAtChildsHub(tx, access, { serviceKind, sourceId, eventDate: '2026-11-20' });
    });
    return (await one<{ id: string }>(j, sql`SELECT id FROM feedback_link WHERE source_id = ${sourceId}::uuid`)).id;
  };
  const childPage = async (client: TestClient, c: Kid) => pageText((await client.get(`/family/children/${c.id}`)).body);
  const offersOn = (text: string) => (text.includes('Tell us how we did') ? text.split('Tell us how we did')[1].split('Who has looked')[0] : '');

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
    // Children of a practice in a hub, so offers after hub services reach them, and none offered feedback before.
    ({ childAged, adultOf } = testFamilies(j, gp, { firstNhs: 9990004100, where: sql`EXISTS (SELECT 1 FROM cluster_practice cp WHERE cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id)
      AND NOT EXISTS (SELECT 1 FROM feedback_link l WHERE l.ics_id = c.ics_id AND l.child_id = c.id)` }));
    child = await childAged(6);
    teen = await childAged(14);
    mother = await adultOf(child, 'mother', 'Morwenna');
    father = await adultOf(child, 'father', 'Faisal');
    teenMother = await adultOf(teen, 'mother', 'Tegan');
    await grant(child, mother, ['appointments', 'plan', 'letters', 'advice', 'messages']);
    await grant(child, father, ['plan']);
    await grant(teen, teenMother, ['appointments', 'letters', 'advice']);
    await inIcs(j, (tx) => family.recordCompetence(tx, gp, teen.id, { decision: 'own-access', framework: 'gillick', outcome: 'competent', understood: 'Who would see what, and how to stop it' }));
    await inIcs(j, (tx) => family.grantOwnAccess(tx, gp, teen.id, {}));
    youngPerson = signingInAs(teen);
  }, 240_000);
  afterAll(() => j?.close());

  it('a parent is asked on the child’s page, answers once and anonymously; an empty answer is asked again; the offer then leaves the page', async () => {
    const linkId = await offer(child, 'hub-clinic');
    const mum = await familyClient(j, mother);
    expect(offersOn(await childPage(mum, child))).toContain('Child health hub clinic, 20 November 2026');

    const form = await mum.get(`/family/children/${child.id}/feedback/${linkId}`);
    expect(form.statusCode).toBe(200);
    expect(pageText(form.body)).toContain('Overall, how was your experience of our service?');
    const empty = await mum.post(`/family/children/${child.id}/feedback/${linkId}`, { comments: 'Kind staff.' });
    expect(empty.statusCode).toBe(400);
    expect(pageText(empty.body)).toContain('There is a problem Select how your experience was');
    expect(empty.body).toContain('Kind staff.');
    expect(await one(j, sql`SELECT count(*)::int AS n FROM feedback_response WHERE free_text = 'Kind staff.'`)).toEqual({ n: 0 });

    const sent = await mum.post(`/family/children/${child.id}/feedback/${linkId}`, { answer: 'good', comments: 'Kind staff, short wait.', anonymous: 'yes' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/family/children/${child.id}?feedback=1#feedback`);
    expect(await one(j, sql`SELECT service_kind, answer, anonymous, link_id FROM feedback_response WHERE free_text = 'Kind staff, short wait.'`))
      .toEqual({ service_kind: 'hub-clinic', answer: 'good', anonymous: true, link_id: null });
    const after = pageText((await mum.get(sent.headers.location as string)).body);
    expect(after).toContain('Thank you for your feedback.');
    expect(offersOn(after)).not.toContain('Child health hub clinic');
    expect((await mum.get(`/family/children/${child.id}/feedback/${linkId}`)).statusCode).toBe(404);
    expect((await mum.post(`/family/children/${child.id}/feedback/${linkId}`, { answer: 'poor', anonymous: 'no' })).statusCode).toBe(404);
    expect(await one(j, sql`SELECT count(*)::int AS n FROM feedback_response r JOIN feedback_link l ON l.ics_id = r.ics_id AND l.id = ${linkId}::uuid
      WHERE r.answer = 'poor' AND r.link_id = l.id`)).toEqual({ n: 0 });
    expect(await one(j, sql`SELECT role, actor_name FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'family.give-feedback'`))
      .toEqual({ role: 'family', actor_name: 'Morwenna Testparent' });
  });

  it('a parent whose access leaves out appointments is not asked about a clinic visit, and cannot open it by its address', async () => {
    const linkId = await offer(child, 'hub-clinic');
    const dad = await familyClient(j, father);
    expect(offersOn(await childPage(dad, child))).not.toContain('Child health hub clinic');
    expect((await dad.get(`/family/children/${child.id}/feedback/${linkId}`)).statusCode).toBe(404);
    expect((await dad.post(`/family/children/${child.id}/feedback/${linkId}`, { answer: 'good', anonymous: 'no' })).statusCode).toBe(404);
    const mum = await familyClient(j, mother);
    expect(offersOn(await childPage(mum, child))).toContain('Child health hub clinic');
  });

  it('a parent is never asked about what the young person keeps from them, nor about an offer made while the record was frozen', async () => {
    // The team meeting's outcome letter, which the young person keeps from their parents.
    const caseId = crypto.randomUUID();
    const meeting = await offer(teen, 'mdt-outcome', caseId);
    const letterId = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO record_letter (ics_id, id, child_id, title, body, source, source_id, filed_by, filed_by_name, filed_by_organisation_id)
      VALUES (${gp.icsId}::uuid, ${letterId}::uuid, ${teen.id}::uuid, 'After the team meeting', ${JSON.stringify({ title: 'After the team meeting', lines: [] })}::jsonb,
        'mdt', ${caseId}::uuid, ${gp.professionalId}::uuid, ${gp.name}, ${gp.organisationId}::uuid)`);
    await family.hideFromParents(j.db, youngPerson, teen.id, { kind: 'letter', itemId: letterId });
    // Care at home offered during a freeze (since lifted).
    const ward = await offer(teen, 'care-at-home');
    await j.db.owner.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id, frozen_at, lifted_at)
      VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${teen.id}::uuid, 'enquiry', ${gp.professionalId}::uuid, ${gp.organisationId}::uuid, now() - interval '2 hours', now() - interval '1 hour')`);
    await j.db.owner.execute(sql`UPDATE feedback_link SET created_at = now() - interval '90 minutes' WHERE id = ${ward}::uuid`);
    const advice = await offer(teen, 'advice');

    const mum = await familyClient(j, teenMother);
    const hers = offersOn(await childPage(mum, teen));
    expect(hers).toContain('Advice from the child health hub');
    expect(hers).not.toContain('team meeting');
    expect(hers).not.toContain('Care at home');
    for (const hidden of [meeting, ward]) expect((await mum.get(`/family/children/${teen.id}/feedback/${hidden}`)).statusCode).toBe(404);
    expect((await mum.get(`/family/children/${teen.id}/feedback/${advice}`)).statusCode).toBe(200);

    const me = await familyClient(j, youngPerson);
    const mine = offersOn(await childPage(me, teen));
    expect(mine).toContain('Child health hub team meeting about your child');
    expect(mine).not.toContain('Care at home');
    expect((await me.post(`/family/children/${teen.id}/feedback/${meeting}`, { answer: 'very-good', comments: 'They asked what I thought.', anonymous: 'no' })).statusCode).toBe(303);
    expect(await one(j, sql`SELECT service_kind, link_id FROM feedback_response WHERE free_text = 'They asked what I thought.'`))
      .toEqual({ service_kind: 'mdt-outcome', link_id: meeting });
  });
});
