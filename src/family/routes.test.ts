import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { inIcs, one } from '../../test/in-ics.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { adultWithParentalResponsibility, demoParent, familyClient } from '../../test/family.js';
import { actorFor } from '../../test/actors.js';
import { pdfText } from '../../test/pdf-text.js';
import { londonToday } from '../platform/time/form-dates.js';
import { childAdvice, offersFor, sendAdvice } from '../advice/service.js';
import { grantProxy } from './service.js';

/**
 * The family area and the professionals' family access page over HTTP: the
 * demo parent's pages through a family session, their question, and a GP
 * granting proxy access (refused without parental responsibility, with the
 * NHS error summary). Axe runs on the same pages in e2e/family.test.ts.
 */
describe('family pages over HTTP', () => {
  let j: TestJoinery;
  let parent: FamilyMember;
  let gp: TestClient;

  beforeAll(async () => {
    j = await startJoinery('pglite', 600);
    parent = await demoParent(j);
    gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
  }, 300_000);
  afterAll(() => j?.close());

  it('the demo parent’s home lists their granted children, each page shows the care team, and a question is sent', async () => {
    const family = await familyClient(j, parent);
    const granted = await rows<{ id: string; name: string }>(j.db.owner, sql`SELECT DISTINCT c.id, c.given_name || ' ' || c.family_name AS name FROM family_access_grant g
      JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id WHERE g.nhs_number = ${parent.nhsNumber} AND g.status = 'active'`);
    expect(granted.length).toBeGreaterThan(0);
    const home = pageText((await family.get('/family')).body);
    for (const c of granted) expect(home).toContain(c.name);
    // Each is opened by the door, not merely named: a link to the child's page, no refusal.
    expect((await family.get('/family')).body).toContain(`href="/family/children/${granted[0].id}"`);
    expect(home).not.toContain('You do not have access to this child’s information');

    const page = await family.get(`/family/children/${granted[0].id}`);
    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).toContain('The people looking after');

    const empty = await family.post(`/family/children/${granted[0].id}/questions`, { subject: '', message: '' });
    expect(empty.statusCode).toBe(400);
    expect(pageText(empty.body)).toContain('There is a problem Enter what your question is about Enter your question');
    const sent = await family.post(`/family/children/${granted[0].id}/questions`, { subject: 'Swimming', message: 'Can she swim with her cast?' });
    expect(sent.statusCode).toBe(303);
    expect(pageText((await family.get(sent.headers.location as string)).body)).toContain('Your question has been sent. The care team aims to answer within 2 working days.');
  });

  it('someone at P5 is told why they see no child, and a child’s page refuses them', async () => {
    const p5 = await familyClient(j, { ...parent, identityLevel: 'P5' });
    const home = pageText((await p5.get('/family')).body);
    expect(home).toContain('To see a child’s information you will need to prove who you are with photo ID.');
    const [child] = await rows<{ id: string }>(j.db.owner, sql`SELECT child_id AS id FROM family_access_grant WHERE nhs_number = ${parent.nhsNumber} LIMIT 1`);
    const refused = await p5.get(`/family/children/${child.id}`);
    expect(refused.statusCode).toBe(403);
    expect(pageText(refused.body)).toContain('prove who you are with photo ID (NHS login P9)');
  });

  it('a GP grants proxy access on the child’s page only with parental responsibility, the refusal in the error summary', async () => {
    const child = await one<{ id: string }>(j, sql`SELECT c.id FROM child c JOIN professional p ON p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id
      WHERE p.email = 'gp@demo.joinery.test' AND c.date_of_birth > current_date - interval '12 years'
        AND EXISTS (SELECT 1 FROM child_related_person r WHERE r.child_id = c.id AND NOT r.parental_responsibility)
        AND EXISTS (SELECT 1 FROM child_related_person r WHERE r.child_id = c.id AND r.parental_responsibility
                    AND NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.child_id = c.id AND g.related_person_id = r.related_person_id))
      ORDER BY c.id LIMIT 1`);
    const adults = await rows<{ id: string; name: string; pr: boolean }>(j.db.owner, sql`SELECT rp.id, rp.given_name || ' ' || rp.family_name AS name, r.parental_responsibility AS pr
      FROM child_related_person r JOIN related_person rp ON rp.ics_id = r.ics_id AND rp.id = r.related_person_id
      WHERE r.child_id = ${child.id}::uuid AND NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.child_id = r.child_id AND g.related_person_id = r.related_person_id)`);
    const without = adults.find((a) => !a.pr)!;
    const withPr = adults.find((a) => a.pr)!;
    expect(pageText((await gp.get(`/children/${child.id}`)).body)).toContain('Family access: who can see this child’s information online');
    expect((await gp.get(`/children/${child.id}/family-access`)).statusCode).toBe(200);

    const form = { basis: 'birth-certificate', evidenceNote: 'Birth certificate BC-42 seen', maySee: ['plan', 'letters'] };
    const refused = await gp.post(`/children/${child.id}/family-access/proxy`, { ...form, relatedPersonId: without.id });
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toContain(`There is a problem ${without.name} is not recorded as having parental responsibility for this child, so cannot be given proxy access`);

    const granted = await gp.post(`/children/${child.id}/family-access/proxy`, { ...form, relatedPersonId: withPr.id });
    expect(granted.statusCode).toBe(303);
    const page = pageText((await gp.get(granted.headers.location as string)).body);
    expect(page).toContain('Saved.');
    expect(page).toContain(withPr.name);
    expect(page).toContain('Birth certificate naming them as a parent – Birth certificate BC-42 seen');
    expect(page).toContain('May see plan, letters');
  });

  it('a family session reaches none of the professionals’ pages, CSV exports or FHIR for its own child: confidential items have no other way out', async () => {
    const family = await familyClient(j, parent);
    const [child] = await rows<{ id: string; nhs_number: string }>(j.db.owner, sql`SELECT c.id, c.nhs_number FROM family_access_grant g
      JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id WHERE g.nhs_number = ${parent.nhsNumber} AND g.status = 'active' LIMIT 1`);
    for (const path of [`/children/${child.id}`, `/children/${child.id}/record`, `/children/${child.id}/access-log`, `/children/${child.id}/access-log.csv`,
      `/children/${child.id}/letters`, '/my-children', '/population/indicators', '/privacy/access-log']) {
      const res = await family.get(path);
      // Sent to the professionals' sign-in, as anyone without a professional session is.
      expect({ path, status: res.statusCode, location: res.headers.location }).toEqual({ path, status: 302, location: `/sign-in?next=${encodeURIComponent(path)}` });
      expect(res.body).not.toContain(child.nhs_number);
    }
    // FHIR answers only a system client's bearer token: the family's cookie is not one.
    const fhir = await family.get(`/fhir/R4/Patient/${child.id}`);
    expect(fhir.statusCode).toBe(401);
    expect(fhir.body).not.toContain(child.nhs_number);
  });

  it('a professional’s session opens no family page', async () => {
    const res = await gp.get('/family');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in');
  });

  it('the parent reads advice on their own pages, prints it as a PDF and says it helped; the professional sees it opened and the answer', async () => {
    // A child the demo parent may see advice for, and a GP of the child's practice who sends it.
    const child = await one<{ id: string; given_name: string; date_of_birth: string; email: string }>(j, sql`SELECT c.id, c.given_name, c.date_of_birth::text, p.email
      FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
      JOIN professional p ON p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id AND p.role = 'gp'
      WHERE g.nhs_number = ${parent.nhsNumber} AND 'advice' = ANY(g.may_see) ORDER BY c.id, p.email LIMIT 1`);
    const sender = await actorFor(j.db, child.email);
    const today = londonToday();
    const [offer] = await inIcs(j, (tx) => offersFor(tx, j.ics.icsId, child.date_of_birth, today));
    const sent = await inIcs(j, (tx) => sendAdvice(tx, sender, child.id, { pages: [offer.choice], note: 'Ring us if no better in 2 days' }, { source: 'child-page' }, today));
    const family = await familyClient(j, parent);
    const here = `/family/children/${child.id}/advice/${sent.id}`;
    // Their child's page lists it with who sent it, their role in plain words.
    expect(pageText((await family.get(`/family/children/${child.id}`)).body)).toContain(`by ${sender.name} (GP)`);
    const page = await family.get(here);
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain('Ring us if no better in 2 days');
    expect(text.indexOf('Call 999 or go to A&E now if')).toBeLessThan(text.indexOf('Get help today if'));
    expect(page.body).toContain(`href="${here}/advice.pdf"`);
    // Reading it on their own pages counts as opened, as the one-time link's first open does.
    expect(await one(j, sql`SELECT first_opened_at IS NOT NULL AS opened FROM advice_sending WHERE id = ${sent.id}::uuid`)).toEqual({ opened: true });

    const pdf = await family.get(`${here}/advice.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const printed = pdfText(pdf.rawPayload);
    expect(printed).toContain('Ring us if no better in 2 days');
    expect(printed.indexOf('Call 999 or go to A&E now if')).toBeLessThan(printed.indexOf('Get help today if'));

    const wrong = await family.post(`${here}/helpful`, { page: offer.pageId, helpful: 'maybe' });
    expect(wrong.statusCode).toBe(400);
    expect(pageText(wrong.body)).toContain('choose “Yes, it helped” or “No, it did not help”');
    const answered = await family.post(`${here}/helpful`, { page: offer.pageId, helpful: 'yes' });
    expect(answered.statusCode).toBe(303);
    expect(pageText((await family.get(answered.headers.location as string)).body)).toContain('Thank you for telling us.');
    const audit = await one<{ what: string }>(j, sql`SELECT what FROM audit_event WHERE action = 'family.advice-helpful' AND child_id = ${child.id}::uuid`);
    expect(audit.what).toBe(`Said the advice helped: ${offer.title}`);
    // A sending that is not this child's is not theirs to answer, and their answer stands.
    expect((await family.post(`/family/children/${child.id}/advice/${crypto.randomUUID()}/helpful`, { page: offer.pageId, helpful: 'no' })).statusCode).toBe(404);

    // What the sender sees on the child's advice page: opened, and the family's answer beside the page.
    const { sent: onRecord } = await inIcs(j, (tx) => childAdvice(tx, sender, child.id, today));
    const mine = onRecord.find((r) => r.id === sent.id)!;
    expect(mine.first_opened_at).not.toBeNull();
    expect(mine.pages.map((p) => ({ pageId: p.pageId, helpful: p.helpful }))).toEqual([{ pageId: offer.pageId, helpful: true }]);
  });

  it('lists the letters sent to the family, saying what kind each is, and not a GP’s referral letter written to the hub', async () => {
    const family = await familyClient(j, parent);
    const [child] = await rows<{ id: string; ics_id: string; gp_id: string; gp_name: string; org: string }>(j.db.owner, sql`SELECT c.id, c.ics_id, p.id AS gp_id, p.name AS gp_name, p.organisation_id AS org
      FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id JOIN professional p ON p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id AND p.role = 'gp'
      WHERE g.nhs_number = ${parent.nhsNumber} AND g.status = 'active' AND 'letters' = ANY(g.may_see) ORDER BY c.id LIMIT 1`);
    for (const [title, source] of [['Referral to the hub: wheeze', 'referral'], ['After the hub team met', 'mdt'], ['After care at home', 'virtual-ward-discharge']]) {
      await j.db.owner.execute(sql`INSERT INTO record_letter (ics_id, id, child_id, title, body, source, filed_by, filed_by_name, filed_by_organisation_id)
        VALUES (${child.ics_id}::uuid, gen_random_uuid(), ${child.id}::uuid, ${title}, ${JSON.stringify({ title, lines: [] })}::jsonb, ${source}, ${child.gp_id}::uuid, ${child.gp_name}, ${child.org}::uuid)`);
    }
    const letters = pageText((await family.get(`/family/children/${child.id}`)).body).split('Letters')[1].split('Advice sent to you')[0];
    expect(letters).toMatch(/After the hub team met Letter after the care team met about your child, \d+ \w+ \d{4}/);
    expect(letters).toMatch(/After care at home Letter after care at home, \d+ \w+ \d{4}/);
    expect(letters).not.toContain('Referral to the hub: wheeze');
  });

  it('offers “the young person agrees” on a parent’s proxy only from 15, when the agreement counts: not for a 13-year-old', async () => {
    const gpActor = await actorFor(j.db, 'gp@demo.joinery.test');
    const children = await rows<{ id: string }>(j.db.owner, sql`SELECT c.id FROM child c WHERE c.registered_practice_id = ${gpActor.organisationId}::uuid
      AND NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.child_id = c.id) ORDER BY c.id LIMIT 2`);
    const offered: Record<string, boolean> = {};
    for (const [i, [age, years]] of ([['13', '13 years 2 months'], ['15', '15 years 2 months']] as const).entries()) {
      const childId = children[i].id;
      await j.db.owner.execute(sql`UPDATE child SET date_of_birth = current_date - ${years}::interval WHERE id = ${childId}::uuid`);
      const mother = await adultWithParentalResponsibility(j, gpActor.icsId, childId, { relationship: 'mother', givenName: `Agnes${age}`, nhsNumber: `99900032${age}` });
      await inIcs(j, (tx) => grantProxy(tx, gpActor, childId, { relatedPersonId: mother.relatedPersonId, basis: 'birth-certificate', evidenceNote: 'BC seen', maySee: ['appointments'] }));
      const page = await gp.get(`/children/${childId}/family-access`);
      expect(pageText(page.body)).toContain(`Change Agnes${age} Testparent’s access`);
      offered[age] = page.body.includes('value="young-person-agreed"');
    }
    expect(offered).toEqual({ 13: false, 15: true });
  });
});
