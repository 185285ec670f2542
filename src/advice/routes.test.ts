import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { londonToday } from '../platform/time/form-dates.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { pdfText } from '../../test/pdf-text.js';
import { inIcs, one } from '../../test/in-ics.js';
import { tokenHash } from '../platform/http/session.js';
import { openChild } from '../platform/access/door.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { adviceLinkPolicy } from '../platform/access/advice-link-policy.js';
import { policy } from '../platform/access/policy.js';
import type { Actor } from '../platform/access/actor.js';

/** Born this many whole months before today (the day of the month kept, so the age is exact). */
function bornMonthsAgo(months: number, dayOffset = 0): string {
  const d = new Date(`${londonToday()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + dayOffset);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

/**
 * A paediatrician sends advice pages to a family from the child's page; the
 * family opens the one-time link without signing in, on one device only.
 */
describe('sending advice to a family (pglite)', () => {
  let j: TestJoinery;
  let lead: TestClient;
  let childId: string;
  let otherChildId: string;
  const setAge = (id: string, dob: string) => j.db.owner.execute(sql`UPDATE child SET date_of_birth = ${dob}::date WHERE id = ${id}::uuid`);
  const offered = async (id: string) => [...(await lead.get(`/children/${id}/advice`)).body.matchAll(/name="pages" type="checkbox" value="([^"]+)"/g)].map((m) => m[1]);
  const send = async (id: string, form: Record<string, string | string[]>) => {
    await lead.get(`/children/${id}/advice`);
    return lead.post(`/children/${id}/advice`, form);
  };
  const linkIn = (html: string) => /id="family-link"[^>]*value="[^"]*\/advice\/([A-Za-z0-9_-]+)"/.exec(html)?.[1];

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    lead = await TestClient.signIn(j.app, 'paediatrician@demo.joinery.test');
    const children = await rows<{ id: string; practice: string }>(j.db.owner, sql`SELECT c.id, c.registered_practice_id AS practice FROM child c
      JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
      JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
      JOIN professional p ON p.ics_id = cl.ics_id AND p.id = cl.lead_paediatrician_id
      WHERE p.email = 'paediatrician@demo.joinery.test' ORDER BY c.id LIMIT 2`);
    [childId, otherChildId] = children.map((c) => c.id);
    await j.db.owner.execute(sql`UPDATE organisation SET phone = '01632 960123' WHERE id = ${children[0].practice}::uuid`);
    await setAge(childId, bornMonthsAgo(2));
  }, 120_000);
  afterAll(() => j?.close());

  it('offers only the bands for the child’s age, right at the band boundaries (H034)', async () => {
    expect(await offered(childId)).toContain('fever:1:0-3');
    await setAge(otherChildId, bornMonthsAgo(3));
    expect((await offered(otherChildId)).filter((c) => c.startsWith('fever:'))).toEqual(['fever:1:3-6']);
    await setAge(otherChildId, bornMonthsAgo(3, 1));
    expect((await offered(otherChildId)).filter((c) => c.startsWith('fever:'))).toEqual(['fever:1:0-3']);
    // Eczema is for every age to 18; wheeze starts at 12 months, so a 2-month-old is not offered it.
    expect(await offered(childId)).toContain('eczema:1:0-216');
    expect((await offered(childId)).some((c) => c.startsWith('wheeze-asthma:'))).toBe(false);
  });

  it('refuses a band that does not fit the child’s age, and a page past its review date, and sends nothing (H034, H035)', async () => {
    const wrongBand = await send(childId, { pages: 'fever:1:3-6' });
    expect(wrongBand.statusCode).toBe(400);
    expect(pageText(wrongBand.body)).toContain('The 3 to 6 months advice in Fever in babies and young children is not for a child of 2 months: send the 0 to 3 months advice');
    await j.db.owner.execute(sql`INSERT INTO advice_page_version (ics_id, page_id, version, title, condition, author, approved_by, approved_on, review_by, demonstration, age_bands, sources, saved_by_name)
      SELECT ics_id, page_id, 2, title, condition, author, approved_by, '2024-01-01', '2025-01-01', demonstration, age_bands, sources, 'test'
      FROM advice_page_version WHERE page_id = 'constipation' AND version = 1 AND ics_id = ${j.ics.icsId}::uuid`);
    expect((await offered(childId)).some((c) => c.startsWith('constipation:'))).toBe(false);
    const pastReview = await send(childId, { pages: ['constipation:2:0-12'] });
    expect(pastReview.statusCode).toBe(400);
    expect(pageText(pastReview.body)).toContain('Constipation is past its review date (2025-01-01) and cannot be sent until it is approved again');
    expect((await send(childId, { pages: [] })).statusCode).toBe(400);
    expect((await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM advice_sending`)).n).toBe(0);
  });

  it('sends pages with a note, audited, and the child’s record shows what, which version, by whom and when', async () => {
    const sent = await send(childId, { pages: ['fever:1:0-3', 'bronchiolitis:1:0-3'], note: 'Call us if she is no better by Friday.' });
    expect(sent.statusCode).toBe(200);
    const token = linkIn(sent.body);
    expect(token).toBeDefined();
    const row = await one<{ token_hash: string; practice_phone: string; source: string }>(j, sql`SELECT token_hash, practice_phone, source FROM advice_sending WHERE child_id = ${childId}::uuid`);
    expect(row).toMatchObject({ practice_phone: '01632 960123', source: 'child-page' });
    expect(row.token_hash).not.toContain(token!);
    const record = pageText((await lead.get(`/children/${childId}/advice`)).body);
    expect(record).toContain('Fever in babies and young children, version 1 (0 to 3 months)');
    expect(record).toContain('Bronchiolitis, version 1 (0 to 3 months)');
    expect(record).toMatch(/Sent by .*\(Paediatrician\)/);
    expect(record).toContain('Not opened yet');
    const audit = await one<{ what: string; why: string }>(j, sql`SELECT what, why FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'advice.send'`);
    expect(audit.what).toBe('Advice sent to the family: Fever in babies and young children (version 1, 0 to 3 months); Bronchiolitis (version 1, 0 to 3 months), with a note');
    expect(audit.why).toMatch(/^Cluster lead paediatrician: /);
  });

  it('refuses anyone without a health relationship to the child, audited', async () => {
    const senco = await TestClient.signIn(j.app, 'senco@demo.joinery.test');
    expect((await senco.post(`/children/${childId}/advice`, { pages: 'fever:1:0-3' })).statusCode).toBe(403);
    const admin = await TestClient.signIn(j.app, 'admin@demo.joinery.test');
    expect((await admin.get(`/children/${childId}/advice`)).statusCode).toBe(403);
    const refusals = await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'child.access-refused'`);
    expect(refusals.n).toBeGreaterThanOrEqual(2);
  });

  it('opens the link without signing in, red first, with the actions as links and nothing else of the record; then only on that device', async () => {
    const sent = await send(childId, { pages: ['fever:1:0-3'], note: 'Keep this page.' });
    const token = linkIn(sent.body)!;
    const phone = TestClient.anonymous(j.app);
    const page = await phone.get(`/advice/${token}`);
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    const child = await one<{ given_name: string; family_name: string; nhs_number: string }>(j, sql`SELECT given_name, family_name, nhs_number FROM child WHERE id = ${childId}::uuid`);
    expect(text).toContain(`Advice for ${child.given_name}`);
    expect(text).toContain('Keep this page.');
    expect(text).not.toContain(child.family_name);
    expect(text).not.toContain(child.nhs_number);
    expect(text.indexOf('Call 999 or go to A&E now if')).toBeLessThan(text.indexOf('Get help today if'));
    expect(text.indexOf('Get help today if')).toBeLessThan(text.indexOf('You can look after your child at home if'));
    expect(text).toContain('under 3 months old and has a temperature of 38°C or more');
    expect(text).toContain('This advice is for a child under 3 months old.');
    expect(page.body).toContain('href="tel:999"');
    expect(page.body).toContain('href="tel:111"');
    expect(page.body).toContain('href="tel:01632960123"');
    expect(text).toContain('Demonstration content');

    // The same phone opens it again; another device is refused.
    expect((await phone.get(`/advice/${token}`)).statusCode).toBe(200);
    const other = await TestClient.anonymous(j.app).get(`/advice/${token}`);
    expect(other.statusCode).toBe(403);
    expect(pageText(other.body)).toContain('This link has already been opened');
    expect(pageText(other.body)).not.toContain('Keep this page.');
    expect((await TestClient.anonymous(j.app).get('/advice/not-a-real-link-at-all-xxxxxxxx')).statusCode).toBe(404);
    expect(pageText((await lead.get(`/children/${childId}/advice`)).body)).toMatch(/Opened \d/);
  });

  it('audits each open of the link as the advice link holder: what was shown, which child, why; and each refusal', async () => {
    const token = linkIn((await send(childId, { pages: ['fever:1:0-3'] })).body)!;
    const sendingId = (await one<{ id: string }>(j, sql`SELECT id FROM advice_sending ORDER BY sent_at DESC LIMIT 1`)).id;
    const phone = TestClient.anonymous(j.app);
    await phone.get(`/advice/${token}`);
    await phone.get(`/advice/${token}`);
    await phone.get(`/advice/${token}/advice.pdf`);
    await TestClient.anonymous(j.app).get(`/advice/${token}`);
    const audits = await rows<{ actor_name: string; role: string; child_id: string; action: string; what: string; why: string; professional_id: string }>(j.db.owner,
      sql`SELECT actor_name, role, child_id, action, what, why, professional_id FROM audit_event WHERE role = 'advice-link-holder' ORDER BY id`);
    // One holder per sending: every row of this link's holder, refusals included, carries the id its opens were audited under.
    const { professional_id: holderId } = await one<{ professional_id: string }>(j, sql`SELECT professional_id FROM audit_event WHERE action = 'advice.link-open' AND details->>'sendingId' = ${sendingId}`);
    const byHolder = audits.filter((a) => a.professional_id === holderId);
    expect(byHolder.map((a) => a.action)).toEqual(['advice.link-open', 'advice.link-open', 'advice.link-pdf', 'child.access-refused']);
    for (const a of byHolder) {
      expect(a.actor_name).toBe('Advice link holder');
      expect(a.child_id).toBe(childId);
    }
    expect(byHolder[0].what).toBe('Advice opened from the family’s one-time link: Fever in babies and young children (version 1)');
    expect(byHolder[0].why).toMatch(/^Holder of a one-time advice link: advice sent on \d{4}-\d{2}-\d{2}$/);
    expect(byHolder[2].what).toBe('Advice printed from the family’s one-time link (PDF): Fever in babies and young children (version 1)');
    // The other phone was refused, and the refusal says why.
    expect(byHolder[3]).toMatchObject({ what: 'Refused: Open advice sent to the family', why: 'The link to this advice was opened on another phone or computer.' });
    // The care team reading the child's access log sees who that was in words, never the role's id.
    const log = pageText((await lead.get(`/children/${childId}/access-log`)).body);
    expect(log).toContain('Family, through a one-time advice link');
    expect(log).not.toContain('advice-link-holder');
    const csv = (await lead.get(`/children/${childId}/access-log.csv`)).body;
    expect(csv).toContain('Family, through a one-time advice link');
    expect(csv).not.toContain('advice-link-holder');
  });

  it('reveals nothing else of the child: not their full name, NHS number, date of birth, record or other advice sent (link page and PDF)', async () => {
    await send(childId, { pages: ['bronchiolitis:1:0-3'], note: 'A note from another sending.' });
    const token = linkIn((await send(childId, { pages: ['fever:1:0-3'], note: 'Only this note.' })).body)!;
    const child = await one<{ given_name: string; family_name: string; nhs_number: string; date_of_birth: string }>(j,
      sql`SELECT given_name, family_name, nhs_number, date_of_birth::text FROM child WHERE id = ${childId}::uuid`);
    // Something of the record no advice page could say.
    await j.db.owner.execute(sql`INSERT INTO record_entry (ics_id, id, child_id, kind, display, status)
      VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${childId}::uuid, 'problem', 'Quillwort marker condition', 'active')`);
    const phone = TestClient.anonymous(j.app);
    const text = pageText((await phone.get(`/advice/${token}`)).body);
    const pdf = pdfText((await phone.get(`/advice/${token}/advice.pdf`)).rawPayload);
    for (const shown of [text, pdf]) {
      expect(shown).toContain(`Advice for ${child.given_name}`);
      expect(shown).toContain('Only this note.');
      expect(shown).not.toContain('A note from another sending.');
      expect(shown).not.toContain('Bronchiolitis');
      expect(shown).not.toContain(child.family_name);
      expect(shown).not.toContain(child.nhs_number);
      expect(shown).not.toContain(child.date_of_birth);
      expect(shown).not.toContain('Quillwort');
    }
  });

  it('lets the link’s holder through the door to that one sending only: no other rule, no other child, no replaced link', async () => {
    const token = linkIn((await send(childId, { pages: ['fever:1:0-3'] })).body)!;
    const sendingId = (await one<{ id: string }>(j, sql`SELECT id FROM advice_sending ORDER BY sent_at DESC LIMIT 1`)).id;
    const holder = (hash: string): Actor => ({
      icsId: j.ics.icsId, professionalId: '00000000-0000-4000-8000-000000000001', name: 'Advice link holder', email: '', role: 'advice-link-holder',
      organisationId: j.ics.icsId, organisationName: 'Holder of a one-time advice link', adviceLink: { sendingId, tokenHash: hash, deviceHash: null },
    });
    const refusal = (actor: Actor, id: string, rule: typeof adviceLinkPolicy.openSentAdvice) => inIcs(j, async (tx) => {
      try {
        await openChild(tx, actor, id, { rule, refused: 'test' });
        return null;
      } catch (e) {
        if (e instanceof RefusedAccess) return e.message;
        throw e;
      }
    });
    expect(await refusal(holder(tokenHash(token)), childId, adviceLinkPolicy.openSentAdvice)).toBeNull();
    expect(await refusal(holder(tokenHash(token)), otherChildId, adviceLinkPolicy.openSentAdvice)).toBe('The link is not the family’s current link to this advice.');
    expect(await refusal(holder(tokenHash('an-older-link-for-the-same-sending')), childId, adviceLinkPolicy.openSentAdvice)).toBe('The link is not the family’s current link to this advice.');
    for (const rule of [policy.viewChildSummary, policy.viewHealthDetail, policy.viewCarePlan, policy.sendAdvice]) {
      expect(await refusal(holder(tokenHash(token)), childId, rule)).not.toBeNull();
    }
  });

  it('takes "did this help?" from the device that opened it, and the record shows the answer', async () => {
    const token = linkIn((await send(childId, { pages: ['eczema:1:0-216'] })).body)!;
    const phone = TestClient.anonymous(j.app);
    await phone.get(`/advice/${token}`);
    expect((await phone.post(`/advice/${token}/helpful`, { page: 'eczema', helpful: 'yes' })).statusCode).toBe(303);
    const stranger = TestClient.anonymous(j.app);
    await stranger.get('/sign-in');
    expect((await stranger.post(`/advice/${token}/helpful`, { page: 'eczema', helpful: 'no' })).statusCode).toBe(400);
    expect((await one<{ helpful: boolean }>(j, sql`SELECT helpful FROM advice_sending_page WHERE page_id = 'eczema'`)).helpful).toBe(true);
    expect(await one(j, sql`SELECT actor_name, child_id, what FROM audit_event WHERE action = 'advice.link-helpful'`))
      .toEqual({ actor_name: 'Advice link holder', child_id: childId, what: 'The family said the advice helped: Eczema' });
    expect(pageText((await lead.get(`/children/${childId}/advice`)).body)).toContain('Eczema, version 1 (0 to 216 months): family said it helped');
  });

  it('offers the family the Friends and Family Test for the advice on their page, once, counted for the ICS as advice', async () => {
    const token = linkIn((await send(childId, { pages: ['eczema:1:0-216'] })).body)!;
    const phone = TestClient.anonymous(j.app);
    const page = await phone.get(`/advice/${token}`);
    expect(pageText(page.body)).toContain('Tell us how we did');
    const feedback = /href="(\/feedback\/[A-Za-z0-9_-]+)"/.exec(page.body)![1];
    const form = await phone.get(feedback);
    expect(form.statusCode).toBe(200);
    expect(pageText(form.body)).toContain('Advice from the child health hub');
    expect(pageText(form.body)).not.toContain('Eczema');
    expect((await phone.post(feedback, { answer: 'very-good', comments: 'Clear and kind.', anonymous: 'yes' })).statusCode).toBe(303);
    const hub = await one<{ cluster_id: string }>(j, sql`SELECT cp.cluster_id FROM child c JOIN cluster_practice cp ON cp.practice_id = c.registered_practice_id WHERE c.id = ${childId}::uuid`);
    expect(await one(j, sql`SELECT service_kind, cluster_id, answer, free_text FROM feedback_response WHERE free_text = 'Clear and kind.'`))
      .toEqual({ service_kind: 'advice', cluster_id: hub.cluster_id, answer: 'very-good', free_text: 'Clear and kind.' });
    // Answered: the page no longer offers it, and the ICS counts it under advice.
    expect(pageText((await phone.get(`/advice/${token}`)).body)).not.toContain('Tell us how we did');
    const figures = pageText((await lead.get(`/population/feedback?service=advice&hub=${hub.cluster_id}`)).body);
    expect(figures).toContain('advice from the child health hub');
  });

  it('prints the advice as a PDF with the same words, red first, and the numbers to call', async () => {
    const token = linkIn((await send(childId, { pages: ['fever:1:0-3'], note: 'Printed note.' })).body)!;
    const phone = TestClient.anonymous(j.app);
    await phone.get(`/advice/${token}`);
    const pdf = await phone.get(`/advice/${token}/advice.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Printed note.');
    expect(text).toContain('This advice is for a child under 3 months old.');
    expect(text).toContain('Call 999 or go to A&E now if:');
    expect(text).toContain('Call NHS 111 or go to 111.nhs.uk');
    expect(text).toMatch(/Call your GP practice \(.+, 01632 960123\)/);
    expect(text.indexOf('Call 999 or go to A&E now if:')).toBeLessThan(text.indexOf('Get help today if:'));
    expect((await TestClient.anonymous(j.app).get(`/advice/${token}/advice.pdf`)).statusCode).toBe(403);
  });

  it('stops a link when it expires, and a new link replaces the old one', async () => {
    const token = linkIn((await send(childId, { pages: ['eczema:1:0-216'] })).body)!;
    const sendingId = (await one<{ id: string }>(j, sql`SELECT id FROM advice_sending ORDER BY sent_at DESC LIMIT 1`)).id;
    await j.db.owner.execute(sql`UPDATE advice_sending SET link_expires_at = now() - interval '1 minute' WHERE id = ${sendingId}::uuid`);
    const expired = await TestClient.anonymous(j.app).get(`/advice/${token}`);
    expect(expired.statusCode).toBe(410);
    expect(pageText(expired.body)).toContain('This link has expired');
    await lead.get(`/children/${childId}/advice`);
    const renewed = linkIn((await lead.post(`/children/${childId}/advice/${sendingId}/link`, {})).body)!;
    expect(renewed).not.toBe(token);
    const renewedPage = await TestClient.anonymous(j.app).get(`/advice/${renewed}`);
    expect(renewedPage.statusCode).toBe(200);
    expect((await TestClient.anonymous(j.app).get(`/advice/${token}`)).statusCode).toBe(404);
    // The family can still say how the advice was, once, from the new link; the old link's feedback page is gone.
    expect(pageText(renewedPage.body)).toContain('Tell us how we did');
    const feedback = /href="(\/feedback\/[A-Za-z0-9_-]+)"/.exec(renewedPage.body)![1];
    expect((await TestClient.anonymous(j.app).get(feedback)).statusCode).toBe(200);
    expect(await rows(j.db.owner, sql`SELECT 1 FROM feedback_link WHERE service_kind = 'advice' AND source_id = ${sendingId}::uuid`)).toHaveLength(1);
  });

  it('shows the ICS how many pages were sent, opened and found helpful, by hub and deprivation, small numbers withheld from analysts', async () => {
    const paedFigures = pageText((await lead.get('/advice-figures')).body);
    const sent = (await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM advice_sending_page`)).n;
    // The responsive table repeats each column's heading in its cell.
    expect(paedFigures).toMatch(new RegExp(`All Pages sent ${sent} Opened \\d+ Helped 1 Did not help 0`));
    // One child had all the advice: one area of deprivation holds every page sent.
    expect(paedFigures).toMatch(new RegExp(`By deprivation .*Area (Core20 \\(most deprived fifth\\)|Other areas|Not known) Pages sent ${sent} `));
    const analyst = await TestClient.signIn(j.app, 'ics-analyst@demo.joinery.test');
    const withheld = pageText((await analyst.get('/advice-figures')).body);
    expect(withheld).toContain('Suppressed');
    expect(withheld).toMatch(/All Pages sent (\d+|Suppressed) Opened (\d+|Suppressed) Helped Suppressed Did not help 0/);
    expect((await (await TestClient.signIn(j.app, 'senco@demo.joinery.test')).get('/advice-figures')).statusCode).toBe(403);
  });
});
