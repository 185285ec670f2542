import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { openFeedbackLinkOnLetter } from '../../test/feedback-link.js';
import { londonToday } from '../platform/time/form-dates.js';
import { LETTER_KINDS } from '../letters/templates.js';
import { offersFor } from '../advice/service.js';
import { demoWard, episodeState, inIcs, onWard, plainChild, type Ward } from './test-fixtures.js';

const BASE = '/admin/letter-templates/virtual-ward-discharge';

/**
 * Discharge from the virtual ward over HTTP: the summary letter to the GP in
 * the ICS's own wording (which cannot drop what the GP relies on), filed and
 * copied the same day, and the family's self-care advice sent through the
 * advice service in the same transaction.
 */
describe('discharge from the virtual ward: the GP’s letter and the family’s advice', () => {
  let j: TestJoinery;
  let w: Ward;
  let admin: TestClient;
  let nurse: TestClient;

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    w = await demoWard(j);
    admin = await TestClient.signIn(j.app, 'admin@demo.joinery.test');
    nurse = await TestClient.signIn(j.app, 'care-coordinator@demo.joinery.test');
  }, 300_000);
  afterAll(() => j?.close());

  const childOnWard = async () => {
    const child = await plainChild(j, w.gp);
    const episodeId = await onWard(j, w, child);
    const [{ date_of_birth }] = await rows<{ date_of_birth: string }>(j.db.owner, sql`SELECT date_of_birth::text FROM child WHERE id = ${child}::uuid`);
    const offers = await inIcs(j, (tx) => offersFor(tx, j.ics.icsId, date_of_birth, londonToday()));
    return { child, episodeId, offers };
  };

  it('refuses discharge-letter wording that leaves out the escalations or the summary, saving nothing', async () => {
    await admin.get(BASE);
    const body = LETTER_KINDS['virtual-ward-discharge'].body.replace('{{escalations}}', 'none').replace('{{summary}}', '');
    const res = await admin.post(BASE, { title: LETTER_KINDS['virtual-ward-discharge'].title, body, version: '0' });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain('The letter must include {{escalations}} (the escalations during the stay) and {{summary}} (the nurse’s or doctor’s summary and follow-up), or they would be left out of every letter');
    expect(await rows(j.db.owner, sql`SELECT 1 FROM letter_template WHERE kind = 'virtual-ward-discharge'`)).toHaveLength(0);
  });

  it('refuses advice that cannot be sent, discharging nothing and filing no letter', async () => {
    const { child, episodeId, offers } = await childOnWard();
    await nurse.get(`/virtual-ward/episodes/${episodeId}/discharge`);
    // A band of an offered page meant for another age (H034): refused, naming the band that fits.
    const pages = await rows<{ page_id: string; bands: { fromMonths: number; toMonths: number }[] }>(j.db.owner,
      sql`SELECT page_id, age_bands AS bands FROM advice_page_version WHERE ics_id = ${j.ics.icsId}::uuid AND jsonb_array_length(age_bands) > 1`);
    const offer = offers.find((o) => pages.some((p) => p.page_id === o.pageId))!;
    const other = pages.find((p) => p.page_id === offer.pageId)!.bands.find((b) => b.fromMonths !== offer.fromMonths)!;
    const wrongBand = await nurse.post(`/virtual-ward/episodes/${episodeId}/discharge`, {
      outcome: 'recovered-at-home', summary: 'Well.', version: '3', pages: `${offer.pageId}:${offer.version}:${other.fromMonths}-${other.toMonths}`,
    });
    expect(wrongBand.statusCode).toBe(400);
    expect(pageText(wrongBand.body)).toContain(`The ${other.fromMonths} to ${other.toMonths} months advice in ${offer.title} is not for a child of`);
    expect(pageText(wrongBand.body)).toContain(`send the ${offer.band} advice`);
    const res = await nurse.post(`/virtual-ward/episodes/${episodeId}/discharge`, { outcome: 'recovered-at-home', summary: 'Well.', version: '3', pages: 'no-such-page:1:0-12' });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain('There is a problem There is no approved advice page no-such-page');
    expect((await episodeState(j, episodeId)).state).toBe('on-ward');
    expect(await rows(j.db.owner, sql`SELECT 1 FROM record_letter WHERE child_id = ${child}::uuid AND source = 'virtual-ward-discharge'`)).toHaveLength(0);
  });

  it('files the letter in the ICS’s saved wording the same day, copies it to the referrer, and sends the chosen advice to the family', async () => {
    const body = LETTER_KINDS['virtual-ward-discharge'].body.replace('## Summary and follow-up', '## What happened and what next');
    expect((await admin.post(BASE, { title: 'Home again: {{child}}', body, version: '0' })).statusCode).toBe(303);

    const { child, episodeId, offers } = await childOnWard();
    expect(offers.length).toBeGreaterThan(0);
    const page = await nurse.get(`/virtual-ward/episodes/${episodeId}/discharge`);
    expect(page.body).toContain(`value="${offers[0].choice}"`);
    const res = await nurse.post(`/virtual-ward/episodes/${episodeId}/discharge`, {
      outcome: 'recovered-at-home', summary: 'Feeding well, saturations 96% in air.\nReview by the GP if not improving in 48 hours.', version: '3', pages: offers[0].choice, note: 'As we talked about.',
    });
    expect(res.statusCode).toBe(200);
    const shown = pageText(res.body);
    expect(shown).toContain(`Advice sent: ${offers[0].title} (version ${offers[0].version}`);
    expect(res.body).toMatch(/value="[^"]*\/advice\/[A-Za-z0-9_-]{20,}"/);

    const [letter] = await rows<{ title: string; body: { lines: { text: string; heading?: boolean }[] }; filed_on: string }>(j.db.owner,
      sql`SELECT title, body, (filed_at AT TIME ZONE 'Europe/London')::date::text AS filed_on FROM record_letter WHERE child_id = ${child}::uuid AND source = 'virtual-ward-discharge' AND source_id = ${episodeId}::uuid`);
    expect(letter.title).toMatch(/^Home again: /);
    expect(letter.filed_on).toBe(londonToday());
    const texts = letter.body.lines.map((l) => l.text);
    expect(texts).toEqual(expect.arrayContaining(['What happened and what next', 'Feeding well, saturations 96% in air.', 'Review by the GP if not improving in 48 hours.', 'Recovered at home']));
    expect(texts).not.toContain('Summary and follow-up');
    expect(texts[texts.indexOf('Advice sent to the family') + 1]).toMatch(new RegExp(`^${offers[0].title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(version \\d+`));

    const [item] = await rows<{ link: string }>(j.db.owner, sql`SELECT link FROM worklist_item WHERE professional_id = ${w.gp.professionalId}::uuid AND kind = 'ward-discharge' AND child_id = ${child}::uuid`);
    expect(item.link).toBe(`/virtual-ward/episodes/${episodeId}/letter`);
    const [sending] = await rows<{ source: string; note: string; by: string }>(j.db.owner,
      sql`SELECT s.source, s.note, a.actor_name AS by FROM advice_sending s JOIN audit_event a ON a.ics_id = s.ics_id AND a.child_id = s.child_id AND a.action = 'advice.send' WHERE s.child_id = ${child}::uuid`);
    expect(sending).toEqual({ source: 'virtual-ward-discharge', note: 'As we talked about.', by: w.nurse.name });
    // The child's advice page says where it was sent from.
    const onRecord = pageText((await nurse.get(`/children/${child}/advice`)).body);
    expect(onRecord).toMatch(new RegExp(`Sent by ${w.nurse.name} \\([^)]*\\), \\d{1,2} \\w+ \\d{4}, \\d{2}:\\d{2}, at discharge from care at home`));
    expect((await episodeState(j, episodeId)).state).toBe('discharged');
  });

  it('discharges without advice when none is chosen, with the letter’s advice heading left out', async () => {
    const { child, episodeId } = await childOnWard();
    await nurse.get(`/virtual-ward/episodes/${episodeId}/discharge`);
    const res = await nurse.post(`/virtual-ward/episodes/${episodeId}/discharge`, { outcome: 'admitted', summary: 'Admitted to the children’s ward.', version: '3' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/virtual-ward/episodes/${episodeId}/letter?sent=1`);
    const [letter] = await rows<{ body: { lines: { text: string }[] } }>(j.db.owner, sql`SELECT body FROM record_letter WHERE child_id = ${child}::uuid AND source = 'virtual-ward-discharge'`);
    expect(letter.body.lines.map((l) => l.text)).not.toContain('Advice sent to the family');
    expect(await rows(j.db.owner, sql`SELECT 1 FROM advice_sending WHERE child_id = ${child}::uuid`)).toHaveLength(0);
  });

  it('offers the family the Friends and Family Test about their care at home, at the hub of the child’s practice, whatever the outcome, by a link on the letter for families who do not sign in', async () => {
    const { child, episodeId } = await childOnWard();
    await nurse.get(`/virtual-ward/episodes/${episodeId}/discharge`);
    expect((await nurse.post(`/virtual-ward/episodes/${episodeId}/discharge`, { outcome: 'admitted', summary: 'Admitted for oxygen.', version: '3' })).statusCode).toBe(303);
    const links = await rows<{ service_kind: string; event_date: string; used: boolean; hub_of_practice: boolean }>(j.db.owner, sql`SELECT l.service_kind,
        to_char(l.event_date, 'YYYY-MM-DD') AS event_date, l.used_at IS NOT NULL AS used,
        EXISTS (SELECT 1 FROM child c JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
                 WHERE c.id = l.child_id AND cp.cluster_id = l.cluster_id) AS hub_of_practice
      FROM feedback_link l WHERE l.child_id = ${child}::uuid AND l.source_id = ${episodeId}::uuid`);
    expect(links).toEqual([{ service_kind: 'care-at-home', event_date: londonToday(), used: false, hub_of_practice: true }]);
    // A family without NHS login answers by the one-time link the letter carries, as clinic and MDT letters do.
    const letterPage = pageText((await nurse.get(`/virtual-ward/episodes/${episodeId}/letter`)).body);
    const { token, family, form } = await openFeedbackLinkOnLetter(j.app, letterPage);
    expect(form).toContain('Care at home');
    const sent = await family.post(`/feedback/${token}`, { answer: 'very-good', comments: 'The nurse rang every evening.', anonymous: 'no' });
    expect(sent.headers.location).toBe('/feedback/thanks');
    expect(await rows(j.db.owner, sql`SELECT r.answer, r.free_text FROM feedback_response r JOIN feedback_link l ON l.ics_id = r.ics_id AND l.id = r.link_id
      WHERE l.source_id = ${episodeId}::uuid`)).toEqual([{ answer: 'very-good', free_text: 'The nurse rang every evening.' }]);
  });
});
