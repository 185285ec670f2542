import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { openChild } from '../platform/access/door.js';
import { policy } from '../platform/access/policy.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { actorFor } from '../../test/actors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { offerFeedback } from './service.js';
import { shownShare } from './recommending.js';
import { checkAppSqlAsCitusWould } from '../../test/citus-ready/heard-in-tests.js';

const kinds = await databaseKinds();

describe('the share who would recommend', () => {
  it('counts very good and good over every answer but don’t know, and withholds 1 to 7 from roles that must not see them', () => {
    // 9 very good or good out of 12 with a view: 75%.
    expect(shownShare(9, 12, false)).toEqual({ recommending: 9, answered: 12, share: 75 });
    expect(shownShare(9, 12, true)).toEqual({ recommending: 9, answered: 12, share: 75 });
    // 5 recommending of 11: the 5 could point to a family, so it and the share go.
    expect(shownShare(5, 11, true)).toEqual({ recommending: 'Suppressed', answered: 11, share: null });
    expect(shownShare(5, 11, false)).toEqual({ recommending: 5, answered: 11, share: 45.5 });
    expect(shownShare(3, 4, true)).toEqual({ recommending: 'Suppressed', answered: 'Suppressed', share: null });
    // Nobody gave a view: no share, and zero names no one.
    expect(shownShare(0, 0, true)).toEqual({ recommending: 0, answered: 0, share: null });
  });
});

/** Families answer the Friends and Family Test once through their link; the ICS sees the share who recommend; the hub lead reads the words. */
describe.each(kinds)('Friends and Family Test feedback (%s)', (kind) => {
  let j: TestJoinery;
  let child: { id: string; given_name: string; family_name: string; nhs_number: string };
  let hub: { id: string; name: string; lead: string };
  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, q))[0];
  const eventDate = '2026-10-14';

  /** A link for the child's hub clinic, made as the outcome would make it, under the GP's access. */
  async function newLink(sourceId = crypto.randomUUID()): Promise<string> {
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    return (await j.db.tenant(gp.icsId, async (tx) => {
      const access = await openChild(tx, gp, child.id, { rule: policy.viewChildSummary, refused: 'test' });
      return offerFeedback(tx, access, { serviceKind: 'hub-clinic', sourceId, clusterId: hub.id, eventDate });
    }))!;
  }

  beforeAll(async () => {
    j = await startJoinery(kind);
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    child = await one(sql`SELECT id, given_name, family_name, nhs_number FROM child WHERE registered_practice_id = ${gp.organisationId}::uuid ORDER BY id LIMIT 1`);
    hub = await one(sql`SELECT cl.id, cl.name, cl.lead_paediatrician_id AS lead FROM cluster cl JOIN professional p ON p.id = cl.lead_paediatrician_id
      WHERE p.email = 'paediatrician@demo.joinery.test' ORDER BY cl.id LIMIT 1`);
  }, 300_000);
  afterAll(() => j?.close());

  it('asks the one question on a page that needs no sign-in and says nothing of the child', async () => {
    const family = TestClient.anonymous(j.app);
    const page = await family.get(`/feedback/${await newLink()}`);
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain('Overall, how was your experience of our service?');
    expect(text).toContain('Child health hub clinic, 14 October 2026');
    for (const answer of ['Very good', 'Good', 'Neither good nor poor', 'Poor', 'Very poor', 'Don’t know']) expect(text).toContain(answer);
    for (const secret of [child.given_name, child.family_name, child.nhs_number, hub.name]) expect(text).not.toContain(secret);
  });

  it('takes one answer through a link, then tells anyone who tries again that it has been used', async () => {
    const token = await newLink();
    const family = TestClient.anonymous(j.app);
    await family.get(`/feedback/${token}`);
    const missing = await family.post(`/feedback/${token}`, { comments: 'Lovely staff.' });
    expect(missing.statusCode).toBe(400);
    expect(pageText(missing.body)).toContain('There is a problem');
    expect(pageText(missing.body)).toContain('Select how your experience was');
    expect(missing.body).toContain('Lovely staff.');

    const sent = await family.post(`/feedback/${token}`, { answer: 'very-good', comments: 'The doctor listened to us.', anonymous: 'yes' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/feedback/thanks');
    const saved = await one(sql`SELECT cluster_id, service_kind, to_char(event_date, 'YYYY-MM-DD') AS event_date, answer, free_text, anonymous, link_id
      FROM feedback_response WHERE free_text = 'The doctor listened to us.'`);
    expect(saved).toEqual({ cluster_id: hub.id, service_kind: 'hub-clinic', event_date: eventDate, answer: 'very-good', free_text: 'The doctor listened to us.', anonymous: true, link_id: null });

    const again = await family.get(`/feedback/${token}`);
    expect(again.statusCode).toBe(410);
    expect(pageText(again.body)).toContain('You have already answered');
    const twice = await family.post(`/feedback/${token}`, { answer: 'poor', comments: 'Second go.', anonymous: 'no' });
    expect(twice.statusCode).toBe(410);
    expect((await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM feedback_response WHERE free_text = 'Second go.'`)).n).toBe(0);
  });

  it('keeps only the token’s hash, and an answer that is not anonymous keeps its link', async () => {
    const token = await newLink();
    expect((await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM feedback_link WHERE token_hash = ${token}`)).n).toBe(0);
    const family = TestClient.anonymous(j.app);
    await family.get(`/feedback/${token}`);
    expect((await family.post(`/feedback/${token}`, { answer: 'good', comments: '', anonymous: 'no' })).statusCode).toBe(303);
    const link = await one<{ id: string; used: boolean }>(sql`SELECT id, used_at IS NOT NULL AS used FROM feedback_link
      WHERE token_hash = encode(sha256(convert_to(${token}, 'UTF8')), 'hex')`);
    expect(link.used).toBe(true);
    expect((await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM feedback_response WHERE link_id = ${link.id}::uuid AND NOT anonymous`)).n).toBe(1);
  });

  it('turns away an expired link and a made-up one with a clear page, never an error', async () => {
    const token = await newLink();
    // The family opened the link in time, and came back to answer after it expired.
    const family = TestClient.anonymous(j.app);
    await family.get(`/feedback/${token}`);
    await j.db.owner.execute(sql`UPDATE feedback_link SET expires_at = now() - interval '1 day' WHERE token_hash = encode(sha256(convert_to(${token}, 'UTF8')), 'hex')`);
    const expired = await family.get(`/feedback/${token}`);
    expect(expired.statusCode).toBe(410);
    expect(pageText(expired.body)).toContain('This feedback link has expired');
    expect((await family.post(`/feedback/${token}`, { answer: 'good', comments: '', anonymous: 'yes' })).statusCode).toBe(410);
    for (const bad of ['nonsense', 'A'.repeat(43), '%00%27--', 'x'.repeat(90)]) {
      const res = await family.get(`/feedback/${bad}`);
      expect(res.statusCode, bad).toBe(404);
      expect(pageText(res.body)).toContain('We cannot find this feedback link');
    }
  });

  it('shows the ICS the share who would recommend, suppressing small numbers for the analyst, and the words only to the hub’s lead', async () => {
    // A hub of its own with known answers in one month: 8 very good, 2 good, 2 poor, 1 don't know → 10 of 12, 83.3%; in the next, 3 good of 4.
    const [{ place_id }] = await rows<{ place_id: string }>(j.db.owner, sql`SELECT place_id FROM cluster WHERE id = ${hub.id}::uuid`);
    const fixture = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO cluster (ics_id, id, name, place_id, lead_paediatrician_id) VALUES (${j.ics.icsId}::uuid, ${fixture}::uuid, 'Fixture Hub', ${place_id}::uuid, ${hub.lead}::uuid)`);
    const today = londonToday();
    const month = (back: number) => { const d = new Date(`${today.slice(0, 7)}-15T00:00:00Z`); d.setUTCMonth(d.getUTCMonth() - back); return d.toISOString().slice(0, 10); };
    const answers: [string, string, number][] = [['very-good', month(2), 8], ['good', month(2), 2], ['poor', month(2), 2], ['dont-know', month(2), 1], ['good', month(1), 3], ['very-poor', month(1), 1]];
    for (const [answer, on, n] of answers) {
      for (let i = 0; i < n; i++) {
        await j.db.owner.execute(sql`INSERT INTO feedback_response (ics_id, id, cluster_id, service_kind, event_date, answer, free_text, anonymous)
          VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${fixture}::uuid, 'advice', ${on}::date, ${answer}, ${answer === 'very-poor' ? 'Nobody rang back.' : ''}, true)`);
      }
    }
    const monthRow = (html: string, name: string) => {
      const cells = pageText(html).match(new RegExp(`${name}\\s+Answers\\s+(\\S+)\\s+Would recommend\\s+(\\S+)\\s+Share\\s+(\\S+)`));
      return cells && `${name} ${cells[1]} ${cells[2]} ${cells[3]}`;
    };
    const label = (back: number) => new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(month(back)));
    const paed = await TestClient.signIn(j.app, 'paediatrician@demo.joinery.test');
    const seen = await paed.get(`/population/feedback?hub=${fixture}`);
    expect(seen.statusCode).toBe(200);
    expect(monthRow(seen.body, label(2))).toBe(`${label(2)} 12 10 83.3%`);
    expect(monthRow(seen.body, label(1))).toBe(`${label(1)} 4 3 75%`);
    const analyst = await TestClient.signIn(j.app, 'ics-analyst@demo.joinery.test');
    const suppressed = await analyst.get(`/population/feedback?hub=${fixture}`);
    expect(monthRow(suppressed.body, label(2))).toBe(`${label(2)} 12 10 83.3%`);
    expect(monthRow(suppressed.body, label(1))).toBe(`${label(1)} Suppressed Suppressed Suppressed`);
    const csv = (await analyst.get(`/population/feedback.csv?hub=${fixture}`)).body;
    expect(csv).toContain(`${month(2).slice(0, 7)},Fixture Hub,Every service,12,10,83.3`);
    expect(csv).toContain(`${month(1).slice(0, 7)},Fixture Hub,Every service,Suppressed,Suppressed,Suppressed`);

    const words = await paed.get(`/population/feedback/hubs/${fixture}`);
    expect(words.statusCode).toBe(200);
    expect(pageText(words.body)).toContain('Nobody rang back.');
    expect((await analyst.get(`/population/feedback/hubs/${fixture}`)).statusCode).toBe(403);
    expect((await (await TestClient.signIn(j.app, 'senco@demo.joinery.test')).get('/population/feedback')).statusCode).toBe(403);
  });

  // The jobs, forms and pages here that the crawl of test/citus-queries.test.ts does not reach.
  checkAppSqlAsCitusWould(kind, () => j.db, () => j.ics.icsId);
});
