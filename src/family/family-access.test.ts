import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { databaseError, rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { signingInAs } from '../../test/family.js';
import { inIcs, one } from '../../test/in-ics.js';
import type { Actor } from '../platform/access/actor.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { ValidationError } from '../platform/http/errors.js';
import { NotFoundError } from '../platform/http/errors.js';
import { AGE_MILESTONES_JOB, PAUSED, YOUNG_PERSON_DECIDES } from '../platform/access/family-policy.js';
import { scheduledJobActor } from '../platform/access/actor.js';
import { openItems } from '../worklist/service.js';
import * as family from './service.js';
import { applyAgeMilestones } from './age-milestones.js';
import { londonToday } from '../platform/time/form-dates.js';

const kinds = await databaseKinds();

type Kid = { id: string; given_name: string; nhs_number: string; date_of_birth: string; registered_practice_id: string };

/**
 * Families' own door, end to end on the service: a professional grants proxy
 * access only with evidence of parental responsibility; the parent then sees
 * their child's care team, letters and plan through the door, audited as
 * themselves; what the young person hid, what was recorded while frozen and
 * social care's letters never reach them; a proxy pauses at 16; a family's
 * question lands on the care team's worklists and is answered there.
 */
describe.each(kinds)('family access (%s)', (kind) => {
  let j: TestJoinery;
  let gp: Actor;
  let child: Kid;
  let teen: Kid;
  let mother: FamilyMember & { relatedPersonId: string };
  let youngPerson: FamilyMember;
  let letterId: string;
  let nextNhs = 9990001000;

  const newNhs = () => String(nextNhs++);
  const yearsAgo = (years: number, days = 0) => {
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() - years);
    d.setUTCDate(d.getUTCDate() - days);
    return d.toISOString().slice(0, 10);
  };

  /** A child of the GP's practice aged `age`, given an NHS number we know and the date of birth asked for. */
  const picked: string[] = [];
  async function childAged(age: number, skip: string[] = [], dob = yearsAgo(age, 30)): Promise<Kid> {
    const found = await one<Kid>(j, sql`SELECT c.id, c.given_name, c.nhs_number, c.registered_practice_id FROM child c
      WHERE c.ics_id = ${gp.icsId}::uuid AND c.registered_practice_id = ${gp.organisationId}::uuid AND c.nhs_number IS NOT NULL
        AND NOT (c.id = ANY(${sql.param([...skip, ...picked])}::uuid[])) ORDER BY c.id LIMIT 1`);
    picked.push(found.id);
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = ${dob}::date WHERE id = ${found.id}::uuid`);
    return { ...found, date_of_birth: dob };
  }

  /** A new adult in the child's life, with (or without) parental responsibility and an NHS number and date of birth. */
  async function adultOf(c: Kid, relationship: string, pr: boolean, given = 'Alex'): Promise<FamilyMember & { relatedPersonId: string }> {
    const id = crypto.randomUUID();
    const nhs = newNhs();
    await j.db.owner.execute(sql`INSERT INTO related_person (ics_id, id, given_name, family_name, nhs_number, date_of_birth)
      VALUES (${gp.icsId}::uuid, ${id}::uuid, ${given}, 'Testparent', ${nhs}, '1985-03-04')`);
    await j.db.owner.execute(sql`INSERT INTO child_related_person (ics_id, child_id, related_person_id, relationship, parental_responsibility)
      VALUES (${gp.icsId}::uuid, ${c.id}::uuid, ${id}::uuid, ${relationship}, ${pr})`);
    return { relatedPersonId: id, givenName: given, familyName: 'Testparent', nhsNumber: nhs, birthdate: '1985-03-04', identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd' };
  }

  async function fileLetter(c: Kid, title: string, organisationKind = 'gp-practice'): Promise<string> {
    const id = crypto.randomUUID();
    const [org] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM organisation WHERE ics_id = ${gp.icsId}::uuid AND kind = ${organisationKind} LIMIT 1`);
    await j.db.owner.execute(sql`INSERT INTO record_letter (ics_id, id, child_id, title, body, source, filed_by, filed_by_name, filed_by_organisation_id)
      VALUES (${gp.icsId}::uuid, ${id}::uuid, ${c.id}::uuid, ${title}, ${JSON.stringify({ title, lines: [{ text: 'Seen in clinic today.' }] })}::jsonb,
              'clinic', ${gp.professionalId}::uuid, ${gp.name}, ${org.id}::uuid)`);
    return id;
  }

  const grant = (c: Kid, who: { relatedPersonId: string }, basis = 'birth-certificate', extra: Record<string, unknown> = {}) =>
    inIcs(j, (tx) => family.grantProxy(tx, gp, c.id, {
      relatedPersonId: who.relatedPersonId, basis, evidenceNote: 'Birth certificate seen, ref BC-1', maySee: ['appointments', 'plan', 'letters', 'messages'], ...extra,
    }));
  const letterTitles = async (member: FamilyMember, c: Kid) => ((await family.familyChildPage(j.db, member, c.id)).letters ?? []).map((l) => l.title);
  const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof RefusedAccess ? e.message : Promise.reject(e)));

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
    child = await childAged(8);
    teen = await childAged(14, [child.id]);
    mother = await adultOf(child, 'mother', true, 'Morgan');
    await grant(child, mother);
    letterId = await fileLetter(child, 'Clinic letter: asthma review');
    youngPerson = signingInAs(teen);
  }, 240_000);
  afterAll(() => j?.close());

  describe('granting proxy access', () => {
    it('refuses a proxy for someone without parental responsibility, saying so, and records nothing', async () => {
      const grandad = await adultOf(child, 'grandfather', false, 'Glen');
      const error = await grant(child, grandad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.relatedPersonId).toBe('Glen Testparent is not recorded as having parental responsibility for this child, so cannot be given proxy access');
      expect((await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM family_access_grant WHERE related_person_id = ${grandad.relatedPersonId}::uuid`)).n).toBe(0);
    });

    it('refuses a proxy without the evidence of parental responsibility checked', async () => {
      const father = await adultOf(child, 'father', true, 'Frank');
      const error = await inIcs(j, (tx) => family.grantProxy(tx, gp, child.id, { relatedPersonId: father.relatedPersonId, maySee: ['plan'] })).catch((e: unknown) => e);
      expect((error as ValidationError).fields).toMatchObject({ basis: 'Choose the evidence of parental responsibility you checked', evidenceNote: expect.stringContaining('Enter what you checked') });
    });

    it('the database itself refuses a proxy row with no evidence basis', async () => {
      await expect(j.db.owner.execute(sql`INSERT INTO family_access_grant (ics_id, id, child_id, kind, related_person_id, nhs_number, date_of_birth, may_see, granted_by, granted_by_name)
        VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${child.id}::uuid, 'proxy', ${mother.relatedPersonId}::uuid, '9990000999', '1980-01-01', '{}', ${gp.professionalId}::uuid, 'x')`))
        .rejects.toSatisfy((e: unknown) => /family_access_grant_proxy_check/.test(databaseError(e).message));
    });

    it('refuses a professional who is not at the registered practice, audited', async () => {
      const other = await one<{ email: string }>(j, sql`SELECT email FROM professional WHERE ics_id = ${gp.icsId}::uuid AND role = 'gp' AND organisation_id <> ${gp.organisationId}::uuid LIMIT 1`);
      const elsewhere = await actorFor(j.db, other.email);
      const father = await adultOf(child, 'stepfather', true, 'Sol');
      expect(await refusal(inIcs(j, (tx) => family.grantProxy(tx, elsewhere, child.id, {
        relatedPersonId: father.relatedPersonId, basis: 'pr-agreement', evidenceNote: 'seen', maySee: ['plan'],
      })))).toBe('Proxy and own access are granted at the child’s registered practice, or by the social worker of a looked-after child.');
    });

    it('keeps the grant and its history, and shows who has access on the child’s family access page', async () => {
      const page = await inIcs(j, (tx) => family.familyAccessOf(tx, gp, child.id));
      const g = page.grants.find((x) => x.related_person_id === mother.relatedPersonId)!;
      expect(g).toMatchObject({ kind: 'proxy', basis: 'birth-certificate', status: 'active', granted_by_name: gp.name, relationship: 'mother' });
      expect(page.history.filter((e) => e.grant_id === g.id).map((e) => e.change)).toEqual(['granted']);
    });
  });

  describe('what a parent sees', () => {
    it('the care team, letters and plan sections, audited with the parent as actor', async () => {
      const page = await family.familyChildPage(j.db, mother, child.id);
      expect(page.child.givenName).toBe(child.given_name);
      expect(page.letters!.map((l) => l.title)).toContain('Clinic letter: asthma review');
      const audits = await rows<{ role: string; actor_name: string; action: string; why: string; sign_in_method: string }>(j.db.owner, sql`SELECT role, actor_name, action, why, sign_in_method
        FROM audit_event WHERE child_id = ${child.id}::uuid AND role = 'family' ORDER BY id`);
      expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['family.view-care-team', 'family.viewLetters', 'family.viewPlan']));
      expect(audits[0]).toMatchObject({ actor_name: 'Morgan Testparent', why: 'Proxy access (parent or carer): mother', sign_in_method: 'nhs-login' });
    });

    it('never a letter filed while the record was frozen, nor one from children’s social care', async () => {
      await fileLetter(child, 'Social care assessment', 'childrens-social-care');
      const freezeId = crypto.randomUUID();
      await j.db.owner.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id, frozen_at, lifted_at)
        VALUES (${gp.icsId}::uuid, ${freezeId}::uuid, ${child.id}::uuid, 'enquiry', ${gp.professionalId}::uuid, ${gp.organisationId}::uuid, now(), now() + interval '2 seconds')`);
      await fileLetter(child, 'Letter during the freeze');
      await new Promise((r) => setTimeout(r, 2100));
      const titles = await letterTitles(mother, child);
      expect(titles).toContain('Clinic letter: asthma review');
      expect(titles).not.toContain('Social care assessment');
      expect(titles).not.toContain('Letter during the freeze');
    });

    it('a frozen record pauses proxy access with the neutral words', async () => {
      const freezeId = crypto.randomUUID();
      await j.db.owner.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id)
        VALUES (${gp.icsId}::uuid, ${freezeId}::uuid, ${child.id}::uuid, 'enquiry', ${gp.professionalId}::uuid, ${gp.organisationId}::uuid)`);
      try {
        expect(await refusal(family.familyChildPage(j.db, mother, child.id))).toBe(PAUSED);
      } finally {
        await j.db.owner.execute(sql`UPDATE record_freeze SET lifted_at = now() WHERE id = ${freezeId}::uuid`);
      }
    });

    it('someone signed in with another NHS number sees nothing of the child', async () => {
      const stranger = { ...mother, nhsNumber: '9990009999' };
      await expect(family.familyChildPage(j.db, stranger, child.id)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('a young person’s own access', () => {
    it('under 16 is refused until a professional records competence; then granted', async () => {
      const refused = await inIcs(j, (tx) => family.grantOwnAccess(tx, gp, teen.id, {})).catch((e: unknown) => e);
      expect((refused as ValidationError).fields.form).toContain('before granting it (they are under 16)');
      await inIcs(j, (tx) => family.recordCompetence(tx, gp, teen.id, {
        decision: 'own-access', framework: 'gillick', outcome: 'competent', understood: 'Who would see what, and that they can change it',
      }));
      await inIcs(j, (tx) => family.grantOwnAccess(tx, gp, teen.id, {}));
      const page = await family.familyChildPage(j.db, youngPerson, teen.id);
      expect(page.ownAccess).toBe(true);
      expect(page.canHide).toBe(true);
    });

    it('hides a letter from their parents: the parent no longer sees it anywhere, the young person still does', async () => {
      const dad = await adultOf(teen, 'father', true, 'Dana');
      await grant(teen, dad);
      const private1 = await fileLetter(teen, 'Letter the young person keeps private');
      expect(await letterTitles(dad, teen)).toContain('Letter the young person keeps private');
      await family.hideFromParents(j.db, youngPerson, teen.id, { kind: 'letter', itemId: private1 });
      expect(await letterTitles(dad, teen)).not.toContain('Letter the young person keeps private');
      await expect(family.familyLetter(j.db, dad, teen.id, private1)).rejects.toBeInstanceOf(NotFoundError);
      expect(await letterTitles(youngPerson, teen)).toContain('Letter the young person keeps private');
      // A parent cannot hide things, nor un-hide them.
      expect(await refusal(family.hideFromParents(j.db, dad, teen.id, { kind: 'letter', itemId: private1, show: 'yes' })))
        .toBe('Only the young person themself can choose what their parents see.');
    });
  });

  describe('at 16', () => {
    it('a parent’s proxy access pauses until the young person agrees, whatever the grant says', async () => {
      const sixteen = await childAged(16, [child.id, teen.id]);
      const parent = await adultOf(sixteen, 'mother', true, 'Sam');
      await grant(sixteen, parent);
      expect(await refusal(family.familyChildPage(j.db, parent, sixteen.id))).toBe(YOUNG_PERSON_DECIDES);
      const g = (await inIcs(j, (tx) => family.familyAccessOf(tx, gp, sixteen.id))).grants[0];
      await inIcs(j, (tx) => family.changeAccess(tx, gp, sixteen.id, g.id, { change: 'young-person-agreed', reason: 'Told me in clinic', version: g.version }));
      expect((await family.familyChildPage(j.db, parent, sixteen.id)).child.id).toBe(sixteen.id);
    });
  });

  describe('the young person’s agreement at 16', () => {
    it('is refused before 15, so no agreement taken years before carries a proxy past 16; one recorded that early does not count at the door', async () => {
      const ten = await childAged(10, [child.id, teen.id]);
      const parent = await adultOf(ten, 'mother', true, 'Tess');
      await grant(ten, parent);
      const g = (await inIcs(j, (tx) => family.familyAccessOf(tx, gp, ten.id))).grants[0];
      const error = await inIcs(j, (tx) => family.changeAccess(tx, gp, ten.id, g.id, { change: 'young-person-agreed', reason: 'Said yes', version: g.version })).catch((e: unknown) => e);
      expect((error as ValidationError).fields.change).toBe(`${ten.given_name} is 10: their agreement to this access carrying on past 16 is recorded from age 15`);
      expect((await one<{ on: string | null }>(j, sql`SELECT young_person_agreed_on AS on FROM family_access_grant WHERE id = ${g.id}::uuid`)).on).toBeNull();

      // Written around the service (or before this rule): agreed at 10, and now 16.
      const dob = yearsAgo(16, 30);
      await j.db.owner.execute(sql`UPDATE child SET date_of_birth = ${dob}::date WHERE id = ${ten.id}::uuid`);
      await j.db.owner.execute(sql`UPDATE family_access_grant SET young_person_agreed_on = ${dob}::date + interval '10 years' WHERE id = ${g.id}::uuid`);
      expect(await refusal(family.familyChildPage(j.db, parent, ten.id))).toBe(YOUNG_PERSON_DECIDES);
    });
  });

  describe('competence assessments', () => {
    it('are kept as new rows, never changed: the latest for own access decides, and the database refuses an update or a removal', async () => {
      const young = await childAged(13, [child.id, teen.id]);
      const assess = (outcome: string) => inIcs(j, (tx) => family.recordCompetence(tx, gp, young.id, {
        decision: 'own-access', framework: 'gillick', outcome, understood: outcome === 'competent' ? 'Who would see what' : 'Not yet sure who would see it',
      }));
      await assess('competent');
      await new Promise((r) => setTimeout(r, 20));
      await assess('not-yet-competent');
      const page = await inIcs(j, (tx) => family.familyAccessOf(tx, gp, young.id));
      expect(page.competence.map((c) => [c.outcome, c.understood, c.assessed_by_name])).toEqual([
        ['not-yet-competent', 'Not yet sure who would see it', gp.name], ['competent', 'Who would see what', gp.name],
      ]);
      const refused = await inIcs(j, (tx) => family.grantOwnAccess(tx, gp, young.id, {})).catch((e: unknown) => e);
      expect((refused as ValidationError).fields.form).toBe(`Record that ${young.given_name} is competent to have their own access before granting it (they are under 16)`);
      const asApp = (q: ReturnType<typeof sql>) => inIcs(j, (tx) => tx.execute(q)).then(() => 'changed', (e: unknown) => databaseError(e).message);
      expect(await asApp(sql`UPDATE competence_assessment SET outcome = 'competent' WHERE child_id = ${young.id}::uuid`)).toMatch(/permission denied/);
      expect(await asApp(sql`DELETE FROM competence_assessment WHERE child_id = ${young.id}::uuid`)).toMatch(/permission denied/);
      expect((await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM competence_assessment WHERE child_id = ${young.id}::uuid`)).n).toBe(2);
    });

    it('uses the Fraser guidelines for contraception advice, and only for it', async () => {
      const young = await childAged(14, [child.id, teen.id]);
      const assess = (decision: string, framework: string) => inIcs(j, (tx) => family.recordCompetence(tx, gp, young.id, {
        decision, framework, outcome: 'competent', understood: 'The advice, its risks, and why telling a parent was discussed',
      })).then(() => null, (e: unknown) => (e as ValidationError).fields);
      expect(await assess('own-access', 'fraser')).toEqual({ framework: 'Fraser guidelines are for contraception advice: use Gillick competence for this decision' });
      expect(await assess('contraception-advice', 'gillick')).toEqual({ framework: 'Contraception advice is assessed against the Fraser guidelines: choose Fraser' });
      expect(await assess('contraception-advice', 'fraser')).toBeNull();
      expect(await rows(j.db.owner, sql`SELECT decision, framework FROM competence_assessment WHERE child_id = ${young.id}::uuid`))
        .toEqual([{ decision: 'contraception-advice', framework: 'fraser' }]);
      // The database holds the same rule for any other way in.
      await expect(j.db.owner.execute(sql`INSERT INTO competence_assessment (ics_id, id, child_id, decision, framework, outcome, understood, assessed_by, assessed_by_name)
        VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${young.id}::uuid, 'treatment', 'fraser', 'competent', 'x', ${gp.professionalId}::uuid, 'x')`))
        .rejects.toSatisfy((e: unknown) => /competence_assessment_fraser_check/.test(databaseError(e).message));
    });
  });

  describe('questions to the care team', () => {
    it('land on the care team’s worklists with the answer date; an answer closes them for everyone', async () => {
      const member = await one<{ professional_id: string; email: string }>(j, sql`SELECT m.professional_id, p.email FROM care_team_member m
        JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id WHERE m.ics_id = ${gp.icsId}::uuid AND m.child_id = ${child.id}::uuid AND m.ended_at IS NULL LIMIT 1`);
      if (!member) await j.db.owner.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
        VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${child.id}::uuid, ${gp.professionalId}::uuid, 'GP')`);
      const answerer = member ? await actorFor(j.db, member.email) : gp;
      const { days } = await family.askQuestion(j.db, mother, child.id, { subject: 'Inhaler at school', message: 'Can school keep a spare inhaler?' });
      expect(days).toBe(2);
      const items = await inIcs(j, (tx) => openItems(tx, answerer));
      const item = items.find((i) => i.title === 'A question from the family: Inhaler at school')!;
      expect(item.due_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const questionId = item.link!.split('/').pop()!;

      // Unanswered past its time, it shows as overdue on the child's family access page (H028).
      await j.db.owner.execute(sql`UPDATE family_question SET answer_due_at = now() - interval '1 day' WHERE id = ${questionId}::uuid`);
      const waiting = (await inIcs(j, (tx) => family.familyAccessOf(tx, answerer, child.id))).questions;
      expect(waiting).toContainEqual(expect.objectContaining({ id: questionId, subject: 'Inhaler at school', overdue: true }));

      await inIcs(j, (tx) => family.answerQuestion(tx, answerer, child.id, questionId, { answer: 'Yes: bring it to reception with a note.' }));
      expect((await inIcs(j, (tx) => openItems(tx, answerer))).some((i) => i.link === item.link)).toBe(false);
      const threads = (await family.familyChildPage(j.db, mother, child.id)).threads!;
      expect(threads[0].messages.map((m) => [m.from_family, m.body])).toEqual([[true, 'Can school keep a spare inhaler?'], [false, 'Yes: bring it to reception with a note.']]);
      expect(threads[0].answered_at).not.toBeNull();
    });

    it('a parent never sees the young person’s own questions', async () => {
      await family.askQuestion(j.db, youngPerson, teen.id, { subject: 'Private question', message: 'Just for me' });
      const dad = (await inIcs(j, (tx) => family.familyAccessOf(tx, gp, teen.id))).grants.find((g) => g.kind === 'proxy')!;
      const parent: FamilyMember = { ...mother, givenName: 'Dana', nhsNumber: (await one<{ nhs_number: string }>(j, sql`SELECT nhs_number FROM family_access_grant WHERE id = ${dad.id}::uuid`)).nhs_number };
      expect((await family.familyChildPage(j.db, parent, teen.id)).threads!.map((t) => t.subject)).not.toContain('Private question');
      expect((await family.familyChildPage(j.db, youngPerson, teen.id)).threads!.map((t) => t.subject)).toContain('Private question');
    });
  });

  describe('the daily age milestones job', () => {
    it('suspends a proxy at 16 without the young person’s agreement, ends one at 18, and lists 30-day notices', async () => {
      const today = londonToday();
      const sixteen = await childAged(16);
      const adult = await childAged(18);
      const soon = new Date(`${today}T00:00:00Z`);
      soon.setUTCDate(soon.getUTCDate() + 10);
      const turning = await childAged(15, [], `${soon.getUTCFullYear() - 16}${soon.toISOString().slice(4, 10)}`);
      const parents = new Map<string, string>();
      for (const c of [sixteen, adult, turning]) {
        const p = await adultOf(c, 'mother', true, 'Milly');
        parents.set(c.id, p.relatedPersonId);
        await grant(c, p);
      }
      const grantOf = (c: Kid) => one<{ id: string; status: string; status_reason: string | null }>(j, sql`SELECT id, status, status_reason FROM family_access_grant
        WHERE child_id = ${c.id}::uuid AND related_person_id = ${parents.get(c.id)!}::uuid`);

      const job = scheduledJobActor(gp.icsId, AGE_MILESTONES_JOB, 'Scheduled job: age milestones');
      const run = await inIcs(j, (tx) => applyAgeMilestones(tx, job, today));
      expect(await grantOf(sixteen)).toMatchObject({ status: 'suspended', status_reason: 'Turned 16: paused until the young person agrees to it' });
      expect(await grantOf(adult)).toMatchObject({ status: 'ended', status_reason: 'Turned 18: proxy access ends' });
      expect(await grantOf(turning)).toMatchObject({ status: 'active' });
      expect(run.sixteen).toBeGreaterThanOrEqual(1);
      expect(await rows(j.db.owner, sql`SELECT milestone, to_char(milestone_on, 'YYYY-MM-DD') AS on FROM family_notice WHERE grant_id = ${(await grantOf(turning)).id}::uuid`))
        .toEqual([{ milestone: 16, on: soon.toISOString().slice(0, 10) }]);
      const history = await rows<{ change: string; by_name: string }>(j.db.owner, sql`SELECT change, by_name FROM family_access_event WHERE grant_id = ${(await grantOf(sixteen)).id}::uuid ORDER BY at`);
      expect(history).toEqual([{ change: 'granted', by_name: gp.name }, { change: 'suspended', by_name: 'Age milestones' }]);
      // The proxy a young person agreed to at 16 (above) stays as it was; running again changes nothing more.
      expect((await inIcs(j, (tx) => applyAgeMilestones(tx, job, today)))).toEqual({ review: 0, sixteen: 0, eighteen: 0, unused: 0, notices: 0, practice: 0 });
    });
  });

  it('a P5 family member is shown no children', async () => {
    expect(await family.familyHome(j.db, { ...mother, identityLevel: 'P5' })).toEqual([]);
    expect((await family.familyHome(j.db, mother)).map((c) => c.childId)).toContain(child.id);
    expect(letterId).toBeTruthy();
  });
});
