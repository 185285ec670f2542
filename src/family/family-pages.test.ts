import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { inIcs, one } from '../../test/in-ics.js';
import { signingInAs, testFamilies, type TestKid } from '../../test/family.js';
import type { Actor } from '../platform/access/actor.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { NotFoundError, ValidationError } from '../platform/http/errors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { offersFor, sendAdvice } from '../advice/service.js';
import { addFamilyAction, planHistory, planVersion as planVersionOf, startPlan, viewPlan } from '../careplans/service.js';
import { TestClient, pageText } from '../../test/http.js';
import * as family from './service.js';

type Kid = TestKid;

/**
 * The family's pages, end to end on the services: the advice sent to them
 * (with the proxy's "advice" permission), the family's own care plan actions
 * marked done and seen by the care team, and a proxy grant limited later or
 * refused for a looked-after child's birth parent. Confidential items (a
 * young person's private action, anything from a freeze) reach no list.
 */
describe('family pages: advice, the family’s plan actions, proxy grants', () => {
  let j: TestJoinery;
  let gp: Actor;
  let child: Kid;
  let teen: Kid;
  let mother: FamilyMember & { relatedPersonId: string };
  let father: FamilyMember & { relatedPersonId: string };
  let teenMother: FamilyMember & { relatedPersonId: string };
  let youngPerson: FamilyMember;
  const today = londonToday();
  let childAged: (age: number) => Promise<Kid>;
  let adultOf: ReturnType<typeof testFamilies>['adultOf'];
  const grant = (c: Kid, who: { relatedPersonId: string }, maySee: string[], extra: Record<string, unknown> = {}) =>
    inIcs(j, (tx) => family.grantProxy(tx, gp, c.id, { relatedPersonId: who.relatedPersonId, basis: 'birth-certificate', evidenceNote: 'BC-7 seen', maySee, ...extra }));
  const plan = (c: Kid) => inIcs(j, (tx) => startPlan(tx, gp, c.id, {
    title: 'Asthma and school', whatMatters: 'Playing football', strengths: 'Knows the inhaler', needs: 'Fewer night symptoms', contingencyWhatToDo: 'Use the blue inhaler',
    contingencyWhoToCall: 'The practice', keyWorkerId: gp.professionalId, reviewOn: today.replace(/^(\d{4})/, (y) => String(Number(y) + 1)).replace(/-02-29$/, '-02-28'),
  }, today));
  const planVersion = async (c: Kid) => (await one<{ version: number }>(j, sql`SELECT version FROM care_plan WHERE child_id = ${c.id}::uuid`)).version;
  // The version is read before the tenant transaction opens: PGlite has one connection, so a read beside an open transaction would wait on it.
  const addAction = async (c: Kid, description: string, owner: string, privateToYoungPerson?: 'yes') => {
    const version = await planVersion(c);
    return inIcs(j, (tx) => addFamilyAction(tx, gp, c.id, { description, owner, privateToYoungPerson, dueOn: '' }, version, today));
  };
  const actionId = async (description: string) => (await one<{ id: string }>(j, sql`SELECT id FROM care_plan_family_action WHERE description = ${description}`)).id;
  const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof RefusedAccess ? e.message : Promise.reject(e)));
  const fieldsOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof ValidationError ? e.fields : Promise.reject(e)));
  /** A freeze that began and was lifted an hour ago, for items stamped inside it. */
  async function pastFreeze(c: Kid): Promise<void> {
    await j.db.owner.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id, frozen_at, lifted_at)
      VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${c.id}::uuid, 'enquiry', ${gp.professionalId}::uuid, ${gp.organisationId}::uuid, now() - interval '2 hours', now() - interval '1 hour')`);
  }

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
    ({ childAged, adultOf } = testFamilies(j, gp, { firstNhs: 9990002000, where: sql`NOT EXISTS (SELECT 1 FROM care_plan cp WHERE cp.ics_id = c.ics_id AND cp.child_id = c.id)` }));
    child = await childAged(6);
    teen = await childAged(14);
    mother = await adultOf(child, 'mother', 'Morgan');
    father = await adultOf(child, 'father', 'Frankie');
    teenMother = await adultOf(teen, 'mother', 'Tamsin');
    await grant(child, mother, ['appointments', 'plan', 'letters', 'advice', 'messages']);
    await grant(child, father, ['plan']);
    await grant(teen, teenMother, ['plan', 'advice']);
    await inIcs(j, (tx) => family.recordCompetence(tx, gp, teen.id, { decision: 'own-access', framework: 'gillick', outcome: 'competent', understood: 'Who would see what, and how to stop it' }));
    await inIcs(j, (tx) => family.grantOwnAccess(tx, gp, teen.id, {}));
    youngPerson = signingInAs(teen);
    await plan(child);
    await plan(teen);
    const [offer] = await inIcs(j, (tx) => offersFor(tx, j.ics.icsId, child.date_of_birth, today));
    await inIcs(j, (tx) => sendAdvice(tx, gp, child.id, { pages: [offer.choice], note: 'Keep this handy' }, { source: 'child-page' }, today));
  }, 240_000);
  afterAll(() => j?.close());

  describe('advice sent to the family', () => {
    it('a parent lists the advice and reads it, red criteria first, the read audited as them', async () => {
      const page = await family.familyChildPage(j.db, mother, child.id);
      expect(page.advice).toHaveLength(1);
      const { view } = await family.familyAdvice(j.db, mother, child.id, page.advice![0].id);
      expect(view.note).toBe('Keep this handy');
      expect(view.pages[0].red.length).toBeGreaterThan(0);
      expect(view.pages[0].title).toBe(page.advice![0].titles[0]);
      const audit = await one<{ actor_name: string; why: string }>(j, sql`SELECT actor_name, why FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'family.read-advice'`);
      expect(audit).toEqual({ actor_name: 'Morgan Testparent', why: 'Proxy access (parent or carer): mother' });
    });

    it('a proxy whose grant leaves out advice has no advice section and is refused a page of it', async () => {
      const page = await family.familyChildPage(j.db, father, child.id);
      expect(page.advice).toBeNull();
      const [sent] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM advice_sending WHERE child_id = ${child.id}::uuid`);
      expect(await refusal(family.familyAdvice(j.db, father, child.id, sent.id))).toBe('Your access to this child does not include advice.');
    });

    it('advice sent while the record was frozen reaches no family list, and cannot be opened by its id', async () => {
      await pastFreeze(child);
      const [offer] = await inIcs(j, (tx) => offersFor(tx, j.ics.icsId, child.date_of_birth, today));
      await inIcs(j, (tx) => sendAdvice(tx, gp, child.id, { pages: [offer.choice] }, { source: 'child-page' }, today));
      const [late] = await rows<{ id: string }>(j.db.owner, sql`UPDATE advice_sending SET sent_at = now() - interval '90 minutes'
        WHERE child_id = ${child.id}::uuid AND note IS NULL RETURNING id`);
      const page = await family.familyChildPage(j.db, mother, child.id);
      expect(page.advice!.map((a) => a.id)).not.toContain(late.id);
      expect(page.advice).toHaveLength(1);
      await expect(family.familyAdvice(j.db, mother, child.id, late.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('a young person keeps advice from their parents: the parent no longer lists or opens it, the young person still does and can show it again', async () => {
      const [offer] = await inIcs(j, (tx) => offersFor(tx, j.ics.icsId, teen.date_of_birth, today));
      await inIcs(j, (tx) => sendAdvice(tx, gp, teen.id, { pages: [offer.choice], note: 'Private: ring the clinic' }, { source: 'child-page' }, today));
      const [sent] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM advice_sending WHERE child_id = ${teen.id}::uuid AND note = 'Private: ring the clinic'`);
      expect((await family.familyChildPage(j.db, teenMother, teen.id)).advice!.map((a) => a.id)).toContain(sent.id);
      // A parent cannot choose what is kept from them.
      expect(await refusal(family.hideFromParents(j.db, teenMother, teen.id, { kind: 'advice', itemId: sent.id })))
        .toBe('Only the young person themself can choose what their parents see.');

      await family.hideFromParents(j.db, youngPerson, teen.id, { kind: 'advice', itemId: sent.id });
      const parentPage = await family.familyChildPage(j.db, teenMother, teen.id);
      expect(parentPage.advice!.map((a) => a.id)).not.toContain(sent.id);
      expect(JSON.stringify(parentPage)).not.toContain('Private: ring the clinic');
      await expect(family.familyAdvice(j.db, teenMother, teen.id, sent.id)).rejects.toBeInstanceOf(NotFoundError);
      const ownPage = await family.familyChildPage(j.db, youngPerson, teen.id);
      expect(ownPage.advice!.find((a) => a.id === sent.id)).toMatchObject({ hidden: true });
      expect((await family.familyAdvice(j.db, youngPerson, teen.id, sent.id)).view.note).toBe('Private: ring the clinic');
      const audit = await one<{ what: string }>(j, sql`SELECT what FROM audit_event WHERE child_id = ${teen.id}::uuid AND action = 'family.hide-from-parents'`);
      expect(audit.what).toBe('Advice sent to the family kept from parents by the young person');

      await family.hideFromParents(j.db, youngPerson, teen.id, { kind: 'advice', itemId: sent.id, show: 'yes' });
      expect((await family.familyChildPage(j.db, teenMother, teen.id)).advice!.map((a) => a.id)).toContain(sent.id);
    });

    it('a young person cannot hide advice that is not theirs', async () => {
      const [other] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM advice_sending WHERE child_id = ${child.id}::uuid LIMIT 1`);
      await expect(family.hideFromParents(j.db, youngPerson, teen.id, { kind: 'advice', itemId: other.id })).rejects.toMatchObject({ fields: { itemId: 'That item is not one of yours' } });
    });
  });

  describe('the family’s care plan actions', () => {
    it('a parent marks their action done; the care team sees who and when on the plan; the child’s action is not the parent’s to mark', async () => {
      await addAction(child, 'Give the brown inhaler morning and night', 'parent-or-carer');
      await addAction(child, 'Tell a teacher when wheezy', 'young-person');
      const page = await family.familyChildPage(j.db, mother, child.id);
      expect(page.actions.map((a) => [a.description, a.mine])).toEqual([['Give the brown inhaler morning and night', true], ['Tell a teacher when wheezy', false]]);

      await family.markActionDone(j.db, mother, child.id, { actionId: await actionId('Give the brown inhaler morning and night') });
      const seen = await inIcs(j, (tx) => viewPlan(tx, gp, child.id));
      const done = seen.familyActions!.find((a) => a.description === 'Give the brown inhaler morning and night')!;
      expect(done.done_by_name).toBe('Morgan Testparent');
      expect(done.done_at).not.toBeNull();
      const audit = await one<{ actor_name: string; what: string }>(j, sql`SELECT actor_name, what FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'family.mark-action-done'`);
      expect(audit).toEqual({ actor_name: 'Morgan Testparent', what: 'Care plan action marked done by the family: Give the brown inhaler morning and night' });

      expect(await fieldsOf(family.markActionDone(j.db, mother, child.id, { actionId: await actionId('Tell a teacher when wheezy') })))
        .toEqual({ actionId: 'That is not one of your actions still to do' });
      expect(await fieldsOf(family.markActionDone(j.db, mother, child.id, { actionId: await actionId('Give the brown inhaler morning and night') })))
        .toEqual({ actionId: 'That is not one of your actions still to do' });
      expect(await fieldsOf(family.markActionDone(j.db, mother, child.id, { actionId: 'not-an-id' }))).toEqual({ actionId: 'Choose the action you have done' });
    });

    it('a proxy without "plan" is refused marking an action done', async () => {
      await inIcs(j, async (tx) => {
        const [g] = await rows<{ id: string; version: number }>(tx, sql`SELECT id, version FROM family_access_grant WHERE related_person_id = ${father.relatedPersonId}::uuid`);
        await family.changeAccess(tx, gp, child.id, g.id, { change: 'limited', reason: 'Agreed with both parents', version: g.version, maySee: ['appointments'] });
      });
      const page = await family.familyChildPage(j.db, father, child.id);
      expect(page.plan).toBeNull();
      expect(page.actions).toEqual([]);
      expect(await refusal(family.markActionDone(j.db, father, child.id, { actionId: await actionId('Tell a teacher when wheezy') })))
        .toBe('Your access to this child does not include the care plan.');
      const history = await inIcs(j, (tx) => family.familyAccessOf(tx, gp, child.id));
      expect(history.history.find((e) => e.change === 'limited')?.reason).toBe('Agreed with both parents');
    });

    it('a young person’s private action never reaches their parent: not listed, not counted, not markable; the young person marks it', async () => {
      await addAction(teen, 'Book the sexual health clinic follow-up', 'young-person', 'yes');
      await addAction(teen, 'Pick up the new spacer', 'parent-or-carer');
      const parentPage = await family.familyChildPage(j.db, teenMother, teen.id);
      expect(parentPage.actions.map((a) => a.description)).toEqual(['Pick up the new spacer']);
      expect(JSON.stringify(parentPage)).not.toContain('sexual health');
      const privateId = await actionId('Book the sexual health clinic follow-up');
      expect(await fieldsOf(family.markActionDone(j.db, teenMother, teen.id, { actionId: privateId }))).toEqual({ actionId: 'That is not one of your actions still to do' });

      const ownPage = await family.familyChildPage(j.db, youngPerson, teen.id);
      expect(ownPage.actions.map((a) => [a.description, a.mine])).toEqual([['Book the sexual health clinic follow-up', true], ['Pick up the new spacer', false]]);
      await family.markActionDone(j.db, youngPerson, teen.id, { actionId: privateId });
      const seen = await inIcs(j, (tx) => viewPlan(tx, gp, teen.id));
      expect(seen.familyActions!.find((a) => a.id === privateId)).toMatchObject({ private_to_young_person: true, done_by_name: `${teen.given_name} X` });
    });

    it('an action added while the record was frozen reaches no one in the family', async () => {
      await addAction(teen, 'Action during the enquiry', 'young-person');
      await pastFreeze(teen);
      await j.db.owner.execute(sql`UPDATE care_plan_family_action SET added_at = now() - interval '90 minutes' WHERE description = 'Action during the enquiry'`);
      for (const who of [youngPerson, teenMother]) {
        expect((await family.familyChildPage(j.db, who, teen.id)).actions.map((a) => a.description)).not.toContain('Action during the enquiry');
      }
    });

    it('a plan version keeps the family’s actions as they stood then: its history, the version page and the family version to print', async () => {
      const c = await childAged(8);
      const mum = await adultOf(c, 'mother', 'Verity');
      await grant(c, mum, ['plan']);
      await plan(c);
      await addAction(c, 'Bring the peak flow diary to clinic', 'parent-or-carer');
      const added = await planVersion(c);
      await family.markActionDone(j.db, mum, c.id, { actionId: await actionId('Bring the peak flow diary to clinic') });
      await addAction(c, 'Practise the spacer with a teddy', 'parent-or-carer');
      const later = await planVersion(c);

      const history = await inIcs(j, (tx) => planHistory(tx, gp, c.id));
      expect(history.versions.find((v) => v.version === added)?.change).toBe('Action added for the parent or carer: Bring the peak flow diary to clinic');
      const atAdded = await inIcs(j, (tx) => planVersionOf(tx, gp, c.id, added));
      expect(atAdded.familyActions!.map((a) => [a.description, a.done_by_name])).toEqual([['Bring the peak flow diary to clinic', null]]);
      expect(atAdded.changes).toContainEqual({ label: 'Family action', before: '', after: 'Bring the peak flow diary to clinic (parent or carer)' });
      const atLater = await inIcs(j, (tx) => planVersionOf(tx, gp, c.id, later));
      expect(atLater.familyActions!.map((a) => [a.description, a.done_by_name])).toEqual([
        ['Practise the spacer with a teddy', null], ['Bring the peak flow diary to clinic', 'Verity Testparent'],
      ]);
      expect(atLater.changes.map((ch) => ch.after)).toEqual([
        'Practise the spacer with a teddy (parent or carer)', 'Bring the peak flow diary to clinic (parent or carer): done by Verity Testparent',
      ]);

      const client = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
      const page = pageText((await client.get(`/children/${c.id}/care-plan/versions/${added}`)).body);
      expect(page).toContain('What the family will do');
      expect(page).toContain('Bring the peak flow diary to clinic');
      expect(page).toContain('Not done yet');
      expect(page).not.toContain('Practise the spacer');
      const print = pageText((await client.get(`/children/${c.id}/care-plan/print`)).body);
      expect(print).toContain('What you will do');
      expect(print).toContain('Parent or carer: Practise the spacer with a teddy.');
      expect(print).not.toContain('Bring the peak flow diary');
    });

    it('the family version to print holds only what a parent may see: no private action of the young person’s, nothing added during a freeze', async () => {
      await addAction(teen, 'See the school counsellor on Fridays', 'young-person', 'yes');
      await addAction(teen, 'Carry the inhaler in the school bag', 'young-person');
      const client = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
      const print = pageText((await client.get(`/children/${teen.id}/care-plan/print`)).body);
      expect(print).toContain('Parent or carer: Pick up the new spacer.');
      expect(print).toContain(`${teen.given_name}: Carry the inhaler in the school bag.`);
      expect(print).not.toContain('school counsellor');
      expect(print).not.toContain('Action during the enquiry');
      // The care team's own view of the plan still lists them all.
      expect(pageText((await client.get(`/children/${teen.id}/care-plan`)).body)).toContain('See the school counsellor on Fridays (kept from parents)');
    });

    it('refuses a private action for anyone but the young person, and a due date in the past', async () => {
      const version = await planVersion(child);
      const fields = await fieldsOf(inIcs(j, (tx) => addFamilyAction(tx, gp, child.id, {
        description: 'Something', owner: 'parent-or-carer', privateToYoungPerson: 'yes', dueOn: '2001-01-01',
      }, version, today)));
      expect(fields).toEqual({ privateToYoungPerson: 'Only the young person’s own action can be kept from their parents', dueOn: 'Due date must be today or in the future' });
    });
  });

  describe('a looked-after child’s birth parent', () => {
    it('gets proxy access only with a reason; a refusal is kept, ends what they had, and must be reviewed before a later grant', async () => {
      const looked = await childAged(9);
      await j.db.owner.execute(sql`INSERT INTO child_flag (ics_id, id, child_id, kind, started_on) VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${looked.id}::uuid, 'looked-after', current_date - 100)`);
      const birthMother = await adultOf(looked, 'mother', 'Bea');
      expect(await fieldsOf(grant(looked, birthMother, ['appointments']))).toEqual({
        lookedAfterReason: 'This child is looked after: say why this parent’s proxy access is right for the child, and what it is limited to',
      });
      await grant(looked, birthMother, ['appointments'], { lookedAfterReason: 'Contact plan agreed: appointments only' });
      await inIcs(j, (tx) => family.refuseProxy(tx, gp, looked.id, { relatedPersonId: birthMother.relatedPersonId, reason: 'Care order review: no online access' }));
      expect(await refusal(family.familyChildPage(j.db, birthMother, looked.id))).toBe('Your access to this information has ended. Contact the GP practice if you think this is wrong.');

      const page = await inIcs(j, (tx) => family.familyAccessOf(tx, gp, looked.id));
      expect(page.refusals.map((r) => [r.name, r.reason])).toEqual([['Bea Testparent', 'Care order review: no online access']]);
      expect(page.history.map((e) => [e.change, e.reason])).toEqual(expect.arrayContaining([
        ['limited', 'Contact plan agreed: appointments only'], ['ended', 'Refused: Care order review: no online access'],
      ]));
      const again = await fieldsOf(grant(looked, birthMother, ['appointments'], { lookedAfterReason: 'New contact plan' }));
      expect(again?.refusalReviewed).toContain('Bea Testparent’s proxy access was refused by');
      await grant(looked, birthMother, ['appointments'], { lookedAfterReason: 'New contact plan', refusalReviewed: 'yes' });
      expect((await family.familyChildPage(j.db, birthMother, looked.id)).appointments).toEqual([]);
      const audits = await rows<{ action: string; stated_reason: string | null }>(j.db.owner, sql`SELECT action, stated_reason FROM audit_event
        WHERE child_id = ${looked.id}::uuid AND action IN ('family.grant-proxy', 'family.refuse-proxy') ORDER BY at, id`);
      expect(audits.map((a) => a.action)).toEqual(['family.grant-proxy', 'family.refuse-proxy', 'family.grant-proxy']);
      expect(audits[1].stated_reason).toBe('Care order review: no online access');
    });

    it('the child summary shows who has access online and on what basis to a professional who sees health detail', async () => {
      const glance = await inIcs(j, async (tx) => {
        const { openChild } = await import('../platform/access/door.js');
        const { policy } = await import('../platform/access/policy.js');
        return family.familyAccessGlance(tx, await openChild(tx, gp, child.id, { rule: policy.viewChildSummary, refused: 'summary' }));
      });
      expect(glance!.holders.map((h) => [h.name, h.access, h.basis])).toEqual(expect.arrayContaining([
        ['Morgan Testparent', 'Proxy (mother)', 'Birth certificate naming them as a parent'],
      ]));
      const reviewAge = (await one<{ age: number }>(j, sql`SELECT coalesce((SELECT review_age FROM family_setting WHERE ics_id = ${gp.icsId}::uuid), 13) AS age`)).age;
      expect(glance!.nextReview?.what).toBe(`${reviewAge}th birthday: Parents’ proxy access is reviewed with the young person’s view.`);
    });
  });
});
