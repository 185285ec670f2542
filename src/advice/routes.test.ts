import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { londonToday } from '../platform/time/form-dates.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { pdfText } from '../../test/pdf-text.js';
import { one } from '../../test/in-ics.js';

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

  it('takes "did this help?" from the device that opened it, and the record shows the answer', async () => {
    const token = linkIn((await send(childId, { pages: ['eczema:1:0-216'] })).body)!;
    const phone = TestClient.anonymous(j.app);
    await phone.get(`/advice/${token}`);
    expect((await phone.post(`/advice/${token}/helpful`, { page: 'eczema', helpful: 'yes' })).statusCode).toBe(303);
    const stranger = TestClient.anonymous(j.app);
    await stranger.get('/sign-in');
    expect((await stranger.post(`/advice/${token}/helpful`, { page: 'eczema', helpful: 'no' })).statusCode).toBe(400);
    expect((await one<{ helpful: boolean }>(j, sql`SELECT helpful FROM advice_sending_page WHERE page_id = 'eczema'`)).helpful).toBe(true);
    expect(pageText((await lead.get(`/children/${childId}/advice`)).body)).toContain('Eczema, version 1 (0 to 216 months): family said it helped');
  });

  it('prints the advice as a PDF with the same words, red first, and the numbers to call', async () => {
    const token = linkIn((await send(childId, { pages: ['fever:1:0-3'], note: 'Printed note.' })).body)!;
    const phone = TestClient.anonymous(j.app);
    await phone.get(`/advice/${token}`);
    const pdf = await phone.get(`/advice/${token}/advice.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Printed note.');
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
    expect((await TestClient.anonymous(j.app).get(`/advice/${renewed}`)).statusCode).toBe(200);
    expect((await TestClient.anonymous(j.app).get(`/advice/${token}`)).statusCode).toBe(404);
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
