import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { MDT_ACCESS_DAYS } from './relationship.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';

const kinds = await databaseKinds();

/**
 * A SENCO attended a hub MDT about a child they do not otherwise care for,
 * and a paediatrician chaired it. While the meeting is recent both see the case
 * through it; once MDT_ACCESS_DAYS have passed, the meeting page no longer
 * names the child and the outcome page, the letter and its PDF are refused,
 * as the brief and the child summary already are.
 */
describe.each(kinds)('the MDT access window (%s)', (kind) => {
  let j: TestJoinery;
  let senco: TestClient;
  let chair: TestClient;
  let meetingId: string;
  let caseId: string;
  let child: { id: string; given_name: string; family_name: string; nhs_number: string };
  let ids: { senco: string; chair: string };
  const WINDOW_CLOSED = `Your access to this child through the MDT meeting has ended: it lasts ${MDT_ACCESS_DAYS} days after the meeting.`;

  const heldDaysAgo = (days: number) => j.db.owner.execute(sql`UPDATE mdt_meeting SET starts_at = now() - make_interval(days => ${days}) WHERE id = ${meetingId}::uuid`);

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    const [pros] = await rows<{ lead: string; senco: string; cluster_id: string; password_hash: string }>(j.db.owner, sql`SELECT l.id AS lead, s.id AS senco, cl.id AS cluster_id, s.password_hash
      FROM professional l JOIN cluster cl ON cl.lead_paediatrician_id = l.id, professional s
      WHERE l.email = 'paediatrician@demo.joinery.test' AND s.email = 'senco@demo.joinery.test' ORDER BY cl.id LIMIT 1`);
    // The hub lead hands the chair to a paediatrician who leads no cluster (so sees no hub child as its lead).
    const [chairman] = await rows<{ id: string; email: string }>(j.db.owner, sql`SELECT p.id, p.email FROM professional p WHERE p.ics_id = ${j.ics.icsId}::uuid AND p.role = 'paediatrician' AND p.active
      AND NOT EXISTS (SELECT 1 FROM cluster cl WHERE cl.lead_paediatrician_id = p.id) ORDER BY p.id LIMIT 1`);
    await j.db.owner.execute(sql`UPDATE professional SET password_hash = ${pros.password_hash} WHERE id = ${chairman.id}::uuid`);
    // A child with no care relationship to the SENCO or the chair.
    [child] = await rows(j.db.owner, sql`SELECT c.id, c.given_name, c.family_name, c.nhs_number FROM child c
      WHERE c.ics_id = ${j.ics.icsId}::uuid AND c.nhs_number IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.child_id = c.id AND m.professional_id IN (${chairman.id}::uuid, ${pros.senco}::uuid))
        AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.child_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM mdt_case mc WHERE mc.child_id = c.id)
      ORDER BY c.id LIMIT 1`);
    meetingId = crypto.randomUUID();
    caseId = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO mdt_meeting (ics_id, id, series_id, cluster_id, title, starts_at, duration_minutes, max_cases, venue, chair_id, status, version)
      VALUES (${j.ics.icsId}::uuid, ${meetingId}::uuid, ${meetingId}::uuid, ${pros.cluster_id}::uuid, 'Window test MDT', now() - interval '2 days', 90, 8, 'Hub', ${chairman.id}::uuid, 'held', 1)`);
    await j.db.owner.execute(sql`INSERT INTO mdt_member (ics_id, meeting_id, professional_id, invited_by, attended)
      VALUES (${j.ics.icsId}::uuid, ${meetingId}::uuid, ${chairman.id}::uuid, ${pros.lead}::uuid, true), (${j.ics.icsId}::uuid, ${meetingId}::uuid, ${pros.senco}::uuid, ${pros.lead}::uuid, true)`);
    await j.db.owner.execute(sql`INSERT INTO mdt_case (ics_id, id, meeting_id, child_id, source, question, brought_by, position, status, discussion, decisions, letter, letter_sent_at, version)
      VALUES (${j.ics.icsId}::uuid, ${caseId}::uuid, ${meetingId}::uuid, ${child.id}::uuid, 'member', 'Anxiety and school refusal: what support?', ${chairman.id}::uuid, 1, 'discussed',
        'Discussed.', 'School support plan.', ${JSON.stringify({ title: 'MDT outcome letter', lines: [{ text: 'What we decided: a school support plan.' }] })}, now() - interval '2 days', 2)`);
    senco = await TestClient.signIn(j.app, 'senco@demo.joinery.test');
    chair = await TestClient.signIn(j.app, chairman.email);
    ids = { senco: pros.senco, chair: chairman.id };
  }, 300_000);
  afterAll(() => j?.close());

  const views = async (who: TestClient) => ({
    meeting: pageText((await who.get(`/mdt/${meetingId}`)).body),
    letter: (await who.get(`/mdt/cases/${caseId}/letter`)).statusCode,
    pdf: (await who.get(`/mdt/cases/${caseId}/letter.pdf`)).statusCode,
  });

  it('shows the case through the meeting while it is recent', async () => {
    await heldDaysAgo(MDT_ACCESS_DAYS - 1);
    const seen = await views(senco);
    expect(seen.meeting).toContain(child.family_name.toUpperCase());
    expect(seen.meeting).toContain('Anxiety and school refusal');
    expect([seen.letter, seen.pdf]).toEqual([200, 200]);
    expect((await chair.get(`/mdt/cases/${caseId}/outcome`)).statusCode).toBe(200);
  });

  it('stops naming the child on the meeting page once the window has closed', async () => {
    await heldDaysAgo(MDT_ACCESS_DAYS + 1);
    const [{ last }] = await rows<{ last: number }>(j.db.owner, sql`SELECT coalesce(max(id), 0)::int AS last FROM audit_event`);
    for (const who of [senco, chair]) {
      const page = pageText((await who.get(`/mdt/${meetingId}`)).body);
      expect(page).toContain('Window test MDT');
      expect(page).not.toContain(child.family_name.toUpperCase());
      expect(page).not.toContain('Anxiety and school refusal');
      expect(page).toContain(WINDOW_CLOSED);
    }
    // Not shown, so not audited as shown.
    const named = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'mdt.case-list' AND id > ${last}`);
    expect(named[0].n).toBe(0);
  });

  it('refuses the outcome letter, its PDF and the outcome page once the window has closed, with the reason', async () => {
    await heldDaysAgo(MDT_ACCESS_DAYS + 1);
    const letter = await senco.get(`/mdt/cases/${caseId}/letter`);
    expect(letter.statusCode).toBe(403);
    expect(pageText(letter.body)).toContain(WINDOW_CLOSED);
    expect((await senco.get(`/mdt/cases/${caseId}/letter.pdf`)).statusCode).toBe(403);
    const outcome = await chair.get(`/mdt/cases/${caseId}/outcome`);
    expect(outcome.statusCode).toBe(403);
    expect(pageText(outcome.body)).toContain(WINDOW_CLOSED);
    // The brief and the child summary refused already; they still do.
    expect((await senco.get(`/mdt/cases/${caseId}/brief`)).statusCode).toBe(403);
    expect((await senco.get(`/children/${child.id}`)).statusCode).toBe(403);
    const refusals = await rows<{ why: string; professional_id: string }>(j.db.owner, sql`SELECT why, professional_id FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'child.access-refused' AND why = ${WINDOW_CLOSED}`);
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    // The letter and the outcome page were refused to each of them, by name.
    expect(new Set(refusals.map((r) => r.professional_id))).toEqual(new Set([ids.senco, ids.chair]));
  });
});
