import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { inIcs, one } from '../../test/in-ics.js';
import { adultWithParentalResponsibility, familyClient } from '../../test/family.js';
import type { Actor } from '../platform/access/actor.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { PAUSED } from '../platform/access/family-policy.js';
import { londonToday } from '../platform/time/form-dates.js';
import { revisePlan, startPlan } from '../careplans/service.js';
import * as family from './service.js';

/**
 * Issue 16: confidential items never reach a parent or carer, in any list,
 * count, letter or thread of the family pages, nor by an item's address.
 * One child of 14 with a mother holding proxy access to everything, and the
 * young person's own access; each confidential item carries the word SECRET,
 * and every page the mother can reach is read over HTTP for it. The young
 * person still reads what is theirs, so the absence is not an empty page.
 */
describe('what a parent never sees on the family pages', () => {
  let j: TestJoinery;
  let gp: Actor;
  let childId: string;
  let mother: FamilyMember;
  let youngPerson: FamilyMember;
  let questionId: string;
  const secretLetters: string[] = [];
  const today = londonToday();
  const inAMonth = new Date(Date.parse(`${today}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);

  async function fileLetter(title: string, organisationKind = 'gp-practice', filedAt = sql`now()`): Promise<string> {
    const id = crypto.randomUUID();
    const org = await one<{ id: string }>(j, sql`SELECT id FROM organisation WHERE ics_id = ${gp.icsId}::uuid AND kind = ${organisationKind} LIMIT 1`);
    await j.db.owner.execute(sql`INSERT INTO record_letter (ics_id, id, child_id, title, body, source, filed_by, filed_by_name, filed_by_organisation_id, filed_at)
      VALUES (${gp.icsId}::uuid, ${id}::uuid, ${childId}::uuid, ${title}, ${JSON.stringify({ title, lines: [{ text: `${title}: the letter's text.` }] })}::jsonb,
              'clinic', ${gp.professionalId}::uuid, ${gp.name}, ${org.id}::uuid, ${filedAt})`);
    return id;
  }

  const plan = (whatMatters: string) => ({
    title: 'Asthma care plan', whatMatters, strengths: 'Knows their inhaler technique', needs: 'Inhaler at school', atSchool: '',
    contingencyWhatToDo: 'Blue inhaler, then 999 if no better', contingencyWhoToCall: 'GP practice', keyWorkerId: gp.professionalId, reviewOn: inAMonth,
  });

  /** Every page of the child the family member can reach from their home page: home, the child's page and each letter it links to. */
  async function everyPage(client: TestClient): Promise<string> {
    const pages = [(await client.get('/family')).body];
    const child = await client.get(`/family/children/${childId}`);
    expect(child.statusCode).toBe(200);
    pages.push(child.body);
    for (const href of new Set(child.body.match(/\/family\/children\/[0-9a-f-]+\/(letters|advice)\/[0-9a-f-]+/g) ?? [])) {
      const res = await client.get(href);
      expect(res.statusCode, href).toBe(200);
      pages.push(res.body);
    }
    return pages.map(pageText).join('\n');
  }

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
    const dob = new Date(Date.parse(`${today}T00:00:00Z`) - (14 * 365 + 40) * 86_400_000).toISOString().slice(0, 10);
    const c = await one<{ id: string; nhs_number: string; given_name: string }>(j, sql`SELECT c.id, c.nhs_number, c.given_name FROM child c
      WHERE c.ics_id = ${gp.icsId}::uuid AND c.registered_practice_id = ${gp.organisationId}::uuid AND c.nhs_number IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.child_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM care_plan p WHERE p.child_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.child_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM record_freeze f WHERE f.child_id = c.id) ORDER BY c.id LIMIT 1`);
    childId = c.id;
    await j.db.owner.execute(sql`UPDATE child SET date_of_birth = ${dob}::date WHERE id = ${childId}::uuid`);
    const adult = await adultWithParentalResponsibility(j, gp.icsId, childId, { relationship: 'mother', givenName: 'Morwenna', nhsNumber: '9990004001' });
    mother = adult;
    await inIcs(j, (tx) => family.grantProxy(tx, gp, childId, {
      relatedPersonId: adult.relatedPersonId, basis: 'birth-certificate', evidenceNote: 'Birth certificate BC-7 seen',
      maySee: ['appointments', 'plan', 'letters', 'advice', 'messages'],
    }));
    await inIcs(j, (tx) => family.recordCompetence(tx, gp, childId, {
      decision: 'own-access', framework: 'gillick', outcome: 'competent', understood: 'Who sees what, and that they can change it',
    }));
    await inIcs(j, (tx) => family.grantOwnAccess(tx, gp, childId, {}));
    youngPerson = { givenName: c.given_name, familyName: 'X', nhsNumber: c.nhs_number, birthdate: dob, identityLevel: 'P9', vectorOfTrust: 'P9.Cp.Cd' };

    // What the mother may see.
    await fileLetter('Asthma clinic letter');
    await inIcs(j, (tx) => startPlan(tx, gp, childId, plan('Playing football with friends'), today));
    await family.askQuestion(j.db, mother, childId, { subject: 'Inhaler at school', message: 'Can school keep a spare?' });
    questionId = (await one<{ id: string }>(j, sql`SELECT id FROM family_question WHERE child_id = ${childId}::uuid`)).id;

    // What she may not: social care's letter, a letter the young person keeps private, a letter filed during an earlier freeze, a sensitive entry,
    // the young person's own question.
    secretLetters.push(await fileLetter('SECRET social care assessment', 'childrens-social-care'));
    const kept = await fileLetter('SECRET letter the young person keeps private');
    secretLetters.push(kept);
    await family.hideFromParents(j.db, youngPerson, childId, { kind: 'letter', itemId: kept });
    secretLetters.push(await fileLetter('SECRET letter filed during a freeze', 'gp-practice', sql`now() - interval '90 minutes'`));
    await j.db.owner.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id, frozen_at, lifted_at)
      VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, 'enquiry', ${gp.professionalId}::uuid, ${gp.organisationId}::uuid,
              now() - interval '2 hours', now() - interval '1 hour')`);
    await j.db.owner.execute(sql`INSERT INTO record_entry (ics_id, id, child_id, kind, display, status, sensitive_category, recorded_by, recording_organisation_id)
      VALUES (${gp.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, 'problem', 'SECRET sexual health consultation', 'active', 'sexual-health',
              ${gp.professionalId}::uuid, ${gp.organisationId}::uuid)`);
    await family.askQuestion(j.db, youngPerson, childId, { subject: 'SECRET question of my own', message: 'Just for me' });

    // While the record is frozen (by the GP's own team, who may still write), the plan changes and the mother's question is answered; then it is lifted.
    const freezeId = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id)
      VALUES (${gp.icsId}::uuid, ${freezeId}::uuid, ${childId}::uuid, 'enquiry', ${gp.professionalId}::uuid, ${gp.organisationId}::uuid)`);
    await inIcs(j, (tx) => revisePlan(tx, gp, childId, plan('SECRET plan text written during the freeze'), 1, today));
    await inIcs(j, (tx) => family.answerQuestion(tx, gp, childId, questionId, { answer: 'SECRET answer written during the freeze' }));
    await j.db.owner.execute(sql`UPDATE record_freeze SET lifted_at = now() WHERE id = ${freezeId}::uuid`);
  }, 240_000);
  afterAll(() => j?.close());

  it('no page the mother reaches holds any of them, while what she may see is there', async () => {
    const seen = await everyPage(await familyClient(j, mother));
    expect(seen).toContain('Asthma clinic letter: the letter\'s text.');
    expect(seen).toContain('Playing football with friends');
    expect(seen).toContain('Inhaler at school');
    expect(seen).not.toContain('SECRET');
  });

  it('counts only what she may see: one letter listed, one question, no answer yet', async () => {
    const page = await family.familyChildPage(j.db, mother, childId);
    expect(page.letters!.map((l) => l.title)).toEqual(['Asthma clinic letter']);
    expect(page.threads!.map((t) => [t.subject, t.messages.length, t.answered_at])).toEqual([['Inhaler at school', 1, null]]);
  });

  it('each confidential letter, opened by its address, is not found for her', async () => {
    const client = await familyClient(j, mother);
    for (const id of secretLetters) {
      const res = await client.get(`/family/children/${childId}/letters/${id}`);
      expect(res.statusCode, id).toBe(404);
      expect(res.body).not.toContain('SECRET');
    }
  });

  it('the young person reads their own private letter and question; the care team keeps the answer written during the freeze', async () => {
    const seen = await everyPage(await familyClient(j, youngPerson));
    expect(seen).toContain('SECRET letter the young person keeps private');
    expect(seen).toContain('SECRET question of my own');
    expect(seen).not.toContain('SECRET social care assessment');
    expect(seen).not.toContain('SECRET sexual health consultation');
    const thread = await inIcs(j, (tx) => family.questionThread(tx, gp, childId, questionId));
    expect(thread.thread.messages.map((m) => m.body)).toEqual(['Can school keep a spare?', 'SECRET answer written during the freeze']);
  });

  it('a plan changed again after the freeze reaches her as it now stands', async () => {
    await inIcs(j, (tx) => revisePlan(tx, gp, childId, plan('Swimming on Saturdays'), 2, today));
    const seen = await everyPage(await familyClient(j, mother));
    expect(seen).toContain('Swimming on Saturdays');
    expect(seen).not.toContain('SECRET');
  });

  it('a child protection plan pauses her access with the neutral words, saying nothing of why, and the young person’s own goes on', async () => {
    const flagId = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO child_flag (ics_id, id, child_id, kind, started_on) VALUES (${gp.icsId}::uuid, ${flagId}::uuid, ${childId}::uuid, 'child-protection-plan', current_date)`);
    try {
      const client = await familyClient(j, mother);
      const refused = await client.get(`/family/children/${childId}`);
      expect(refused.statusCode).toBe(403);
      expect(pageText(refused.body)).toContain(PAUSED);
      const home = pageText((await client.get('/family')).body);
      expect(home).toContain(PAUSED);
      for (const text of [pageText(refused.body), home]) expect(text).not.toMatch(/protection|safeguard|frozen|social care/i);
      expect((await (await familyClient(j, youngPerson)).get(`/family/children/${childId}`)).statusCode).toBe(200);
    } finally {
      await j.db.owner.execute(sql`DELETE FROM child_flag WHERE id = ${flagId}::uuid`);
    }
  });
});
