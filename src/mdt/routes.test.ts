import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateBoxes } from '../../test/date-boxes.js';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';
import { longDate } from '../platform/time/calendar-days.js';
import { actorFor } from '../../test/actors.js';
import { bringCase } from './service.js';

const kinds = await databaseKinds();

/** A hub MDT from scheduling to the outcome letter, as the lead, a GP, a social worker and a SENCO each meet it. */
describe.each(kinds)('hub MDT meetings (%s)', (kind) => {
  let j: TestJoinery;
  let meetingId: string;
  let nextMeetingId: string;
  let thirdMeetingId: string;
  let caseId: string;
  let child: { id: string; nhs_number: string; given_name: string };
  const pros: Record<string, { id: string; organisation_id: string; name: string }> = {};
  const today = londonToday();
  const boxes = dateBoxes;
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
  const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, q))[0];

  beforeAll(async () => {
    j = await startJoinery(kind);
    for (const role of ['gp', 'paediatrician', 'social-worker', 'senco', 'practice-nurse']) {
      pros[role] = await one(sql`SELECT id, organisation_id, name FROM professional WHERE email = ${`${role}@demo.joinery.test`}`);
    }
    child = await one(sql`SELECT c.id, c.nhs_number, c.given_name FROM child c WHERE c.ics_id = ${j.ics.icsId}::uuid AND c.registered_practice_id = ${pros.gp.organisation_id}::uuid
      AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${j.ics.icsId}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id AND m.professional_id IN (${pros['social-worker'].id}::uuid, ${pros.senco.id}::uuid)) LIMIT 1`);
  }, 120_000);
  afterAll(() => j?.close());

  it('lets only a hub lead schedule, refuses a meeting in the past, and schedules a recurring series', async () => {
    const gp = await signIn('gp');
    expect(pageText((await gp.get('/mdt/new')).body)).toContain('you do not lead a hub');
    const lead = await signIn('paediatrician');
    const page = await lead.get('/mdt/new');
    const hubId = /name="clusterId" type="radio" value="([0-9a-f-]+)"/.exec(page.body)![1];
    const form = { clusterId: hubId, title: 'Hub MDT', time: '13:00', durationMinutes: '90', repeatWeeks: '4', count: '3', maxCases: '2', venue: 'Willowbrook Surgery' };
    const past = await lead.post('/mdt/new', { ...form, ...boxes('firstDate', addMonths(today, -1)) });
    expect(past.statusCode).toBe(400);
    expect(pageText(past.body)).toContain('The first meeting must be today or in the future');
    expect((await lead.post('/mdt/new', { ...form, ...boxes('firstDate', addMonths(today, 1)) })).statusCode).toBe(303);
    const meetings = await rows<{ id: string; starts_at: Date }>(j.db.owner, sql`SELECT id, starts_at FROM mdt_meeting WHERE chair_id = ${pros.paediatrician.id}::uuid AND title = 'Hub MDT' ORDER BY starts_at`);
    expect(meetings).toHaveLength(3);
    expect((new Date(meetings[1].starts_at).getTime() - new Date(meetings[0].starts_at).getTime()) / 86_400_000).toBeCloseTo(28, 0);
    meetingId = meetings[0].id;
    nextMeetingId = meetings[1].id;
    thirdMeetingId = meetings[2].id;
  });

  it('invites members from any agency; a member brings a child they care for, and only such a child', async () => {
    const lead = await signIn('paediatrician');
    await lead.get(`/mdt/${meetingId}`);
    for (const role of ['gp', 'social-worker', 'senco', 'practice-nurse']) {
      expect((await lead.post(`/mdt/${meetingId}/members`, { professionalId: pros[role].id, wholeSeries: 'yes' })).statusCode).toBe(303);
    }
    const invited = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM mdt_member WHERE professional_id = ${pros.senco.id}::uuid AND removed_at IS NULL`);
    expect(invited.n).toBe(3);

    const sw = await signIn('social-worker');
    expect((await sw.get(`/children/${child.id}`)).statusCode).toBe(403);
    await sw.get(`/mdt/${meetingId}/cases/new`);
    const notTheirs = await sw.post(`/mdt/${meetingId}/cases/new`, { nhsNumber: child.nhs_number, question: 'Housing?' });
    expect(notTheirs.statusCode).toBe(403);

    const gp = await signIn('gp');
    await gp.get(`/mdt/${meetingId}/cases/new`);
    const empty = await gp.post(`/mdt/${meetingId}/cases/new`, { nhsNumber: '123', question: '' });
    expect(empty.statusCode).toBe(400);
    expect(pageText(empty.body)).toContain('Enter a valid 10-digit NHS number');
    expect((await gp.post(`/mdt/${meetingId}/cases/new`, { nhsNumber: child.nhs_number, question: 'Recurrent wheeze and missed school: what support at home and school?' })).statusCode).toBe(303);
    const again = await gp.post(`/mdt/${meetingId}/cases/new`, { nhsNumber: child.nhs_number, question: 'Again' });
    expect(again.statusCode).toBe(409);
    caseId = (await one<{ id: string }>(sql`SELECT id FROM mdt_case WHERE meeting_id = ${meetingId}::uuid`)).id;
  });

  it('gives members a brief on each child, and access ends when a member is removed', async () => {
    const sw = await signIn('social-worker');
    const brief = await sw.get(`/mdt/cases/${caseId}/brief`);
    expect(brief.statusCode).toBe(200);
    expect(pageText(brief.body)).toContain('Question for the meeting: Recurrent wheeze');
    expect((await sw.get(`/children/${child.id}`)).statusCode).toBe(200);
    const nurse = await signIn('practice-nurse');
    const lead = await signIn('paediatrician');
    await lead.get(`/mdt/${meetingId}`);
    expect((await lead.post(`/mdt/${meetingId}/members/${pros['practice-nurse'].id}/remove`, {})).statusCode).toBe(303);
    expect((await nurse.get(`/mdt/${meetingId}`)).statusCode).toBe(403);
    const audit = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'mdt.remove-member' AND details->>'meetingId' = ${meetingId}`);
    expect(audit.n).toBe(1);
    // Who removed whom, and why they could: the lead chairs the meeting.
    const removal = await one(sql`SELECT professional_id, why, details->>'professionalId' AS removed FROM audit_event WHERE action = 'mdt.remove-member' AND details->>'meetingId' = ${meetingId}`);
    expect(removal).toEqual({ professional_id: pros.paediatrician.id, why: 'chair of the meeting', removed: pros['practice-nurse'].id });
  });

  it('a SENCO member’s brief leaves out the record’s health detail (conditions, unscheduled care), which a social worker’s shows', async () => {
    const swBrief = pageText((await (await signIn('social-worker')).get(`/mdt/cases/${caseId}/brief`)).body);
    expect(swBrief).toContain('Unscheduled care in the last 12 months');
    const senco = await signIn('senco');
    const brief = await senco.get(`/mdt/cases/${caseId}/brief`);
    expect(brief.statusCode).toBe(200);
    const text = pageText(brief.body);
    expect(text).toContain('Question for the meeting: Recurrent wheeze');
    expect(text).toContain('Conditions and unscheduled care are health detail, shared with health and social care only.');
    expect(text).not.toContain('Unscheduled care in the last 12 months');
    // The record itself stays closed to them, as a member too.
    expect((await senco.get(`/children/${child.id}/record`)).statusCode).toBe(403);
  });

  it('records the discussion with actions for a social worker and a SENCO, and sends the letter', async () => {
    const lead = await signIn('paediatrician');
    // Before the meeting: no attendance form and no "Record the discussion", but why; a form sent anyway is refused.
    const before = pageText((await lead.get(`/mdt/${meetingId}`)).body);
    expect(before).toContain('This meeting has not started yet');
    expect(before).toContain('This meeting has not happened yet');
    expect(before).not.toContain('Record the discussion');
    expect(before).not.toContain('Save attendance');
    const early = await lead.post(`/mdt/${meetingId}/attendance`, { attended: [pros.paediatrician.id] });
    expect([early.statusCode, pageText(early.body)]).toEqual([409, expect.stringContaining('record who attended once it has')]);
    const waiting = await lead.get(`/mdt/cases/${caseId}/outcome`);
    expect(pageText(waiting.body)).toContain('record the discussion and send its letter after the meeting');
    expect(waiting.body).not.toContain('Save and send the outcome letter');
    await j.db.owner.execute(sql`UPDATE mdt_meeting SET starts_at = now() - interval '1 hour' WHERE id = ${meetingId}::uuid`);
    expect(pageText((await lead.get(`/mdt/cases/${caseId}/outcome`)).body)).toContain('Record who attended the meeting first');
    expect((await lead.post(`/mdt/${meetingId}/attendance`, { attended: [pros.paediatrician.id, pros.gp.id, pros['social-worker'].id, pros.senco.id] })).statusCode).toBe(303);
    expect(pageText((await lead.get(`/mdt/${meetingId}`)).body)).toContain('Record the discussion');
    const open = await lead.get(`/mdt/cases/${caseId}/outcome`);
    const version = /name="version" value="(\d+)"/.exec(open.body)![1];
    // Who will do it: those who came before everyone else, each group labelled; the teams last.
    const groups = [...open.body.matchAll(/<optgroup label="([^"]+)">/g)].map((m) => m[1]).filter((g, i, all) => all.indexOf(g) === i);
    expect(groups.filter((g) => g !== 'This child’s care team')).toEqual(['At this meeting', 'Everyone else', 'Teams']);
    const cameFirst = /<optgroup label="At this meeting">(.*?)<\/optgroup>/s.exec(open.body)![1];
    for (const role of ['social-worker', 'senco', 'gp']) expect(cameFirst).toContain(`value="${pros[role].id}"`);
    const noOwner = await lead.post(`/mdt/cases/${caseId}/outcome`, {
      version, discussion: 'We talked about wheeze at night and days off school.', decisions: 'Asthma review; school plan.',
      'actions-0-description': 'Visit home about damp', 'actions-0-ownerId': '', ...boxes('actions-0-dueOn', addMonths(today, 1)),
    });
    expect(noOwner.statusCode).toBe(400);
    expect(pageText(noOwner.body)).toContain('Select who will do it');
    // Someone who neither cares for the child nor came (the practice nurse, removed from the meeting) is named, with a box to confirm them.
    const outsider = await lead.post(`/mdt/cases/${caseId}/outcome`, {
      version, discussion: 'We talked about wheeze at night and days off school.', decisions: 'Asthma review; school plan.',
      'actions-0-description': 'Check inhaler technique', 'actions-0-ownerId': pros['practice-nurse'].id, ...boxes('actions-0-dueOn', addMonths(today, 1)),
    });
    expect(outsider.statusCode).toBe(400);
    expect(pageText(outsider.body)).toContain(`${pros['practice-nurse'].name} is not in this child’s care team and did not attend this meeting.`);
    expect(outsider.body).toMatch(new RegExp(`name="actions-0-confirmOwner" type="checkbox" value="${pros['practice-nurse'].id}"`));
    expect((await one<{ status: string }>(sql`SELECT status FROM mdt_case WHERE id = ${caseId}::uuid`)).status).toBe('listed');
    const saved = await lead.post(`/mdt/cases/${caseId}/outcome`, {
      version, discussion: 'We talked about wheeze at night and days off school.', decisions: 'Asthma review; school plan.',
      'actions-0-description': 'Visit home about damp and mould', 'actions-0-ownerId': pros['social-worker'].id, ...boxes('actions-0-dueOn', addMonths(today, 1)),
      'actions-1-description': 'Write an individual health care plan for school', 'actions-1-ownerId': pros.senco.id, ...boxes('actions-1-dueOn', addMonths(today, 2)),
      'actions-2-description': 'Offer a place in the asthma-friendly PE group', 'actions-2-ownerId': `team:${pros.senco.organisation_id}`, ...boxes('actions-2-dueOn', addMonths(today, 2)),
      themes: ['Asthma and wheeze', 'Housing and money worries'],
    });
    expect(saved.statusCode).toBe(303);
    const teamTask = await one<{ owner_organisation_id: string; owner_professional_id: string | null; agency: string }>(sql`SELECT owner_organisation_id, owner_professional_id, agency
      FROM task WHERE source_id = ${caseId}::uuid AND description LIKE 'Offer a place%'`);
    expect(teamTask).toEqual({ owner_organisation_id: pros.senco.organisation_id, owner_professional_id: null, agency: 'education' });
    const stale = await lead.post(`/mdt/cases/${caseId}/outcome`, { version, discussion: 'Second thoughts on the discussion', decisions: 'y' });
    expect(stale.statusCode).toBe(409);
    // The second save keeps what was typed, in the form at the case's new version, with the letter that was sent a link beside it.
    expect(pageText(stale.body)).toContain('What you typed is kept below, not saved yet.');
    expect(stale.body).toMatch(/<textarea[^>]*name="discussion"[^>]*>\s*Second thoughts on the discussion<\/textarea>/);
    expect(stale.body).toContain(`name="version" value="${Number(version) + 1}"`);
    expect(stale.body).toContain(`href="/mdt/cases/${caseId}/letter" target="_blank"`);

    for (const [role, text] of [['social-worker', 'Visit home about damp and mould'], ['senco', 'Write an individual health care plan for school']]) {
      const c = await signIn(role);
      expect(pageText((await c.get('/tasks')).body)).toContain(text);
    }
    const task = await one<{ accountable_professional_id: string }>(sql`SELECT accountable_professional_id FROM task WHERE source_id = ${caseId}::uuid LIMIT 1`);
    expect(task.accountable_professional_id).toBe(pros.gp.id);

    const gp = await signIn('gp');
    expect(pageText((await gp.get('/worklist')).body)).toContain('MDT outcome letter');
    const letter = pageText((await gp.get(`/mdt/cases/${caseId}/letter`)).body);
    expect(letter).toContain('What we decided');
    expect(letter).toContain('Asthma review; school plan.');
    // Each action is its own sentence, with who and by when; a team has no role.
    expect(letter).toContain(`Visit home about damp and mould. Who: ${pros['social-worker'].name}, Social worker. By ${longDate(addMonths(today, 1))}.`);
    expect(letter).toContain(`Write an individual health care plan for school. Who: ${pros.senco.name}, Education (SENCO). By ${longDate(addMonths(today, 2))}.`);
    expect(letter).toMatch(/Offer a place in the asthma-friendly PE group\. Who: [^,.]+\. By /);
    expect(letter).not.toMatch(/ will (visit|write|offer)/i);
    // The family's one-time Friends and Family Test link, as a hub clinic letter carries it.
    expect(letter).toMatch(/Tell us how we did[\s\S]*Go to \S+\/feedback\/[A-Za-z0-9_-]{40,50} to answer one question/);
    expect((await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM feedback_link WHERE service_kind = 'mdt-outcome' AND source_id = ${caseId}::uuid`)).n).toBe(1);
    const record = await gp.get(`/children/${child.id}/record`);
    const filed = /href="(\/children\/[0-9a-f-]+\/record\/letters\/[0-9a-f-]+)"/.exec(record.body);
    expect(filed).not.toBeNull();
    expect(pageText((await gp.get(filed![1])).body)).toContain('Asthma review; school plan.');
    const pdf = await gp.get(`/mdt/cases/${caseId}/letter.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pageText((await lead.get('/mdt')).body)).toContain('Housing and money worries');
  });

  it('refuses a case for a meeting already held, and once the list is full', async () => {
    const gp = await signIn('gp');
    const others = await rows<{ nhs_number: string }>(j.db.owner, sql`SELECT nhs_number FROM child WHERE registered_practice_id = ${pros.gp.organisation_id}::uuid AND id <> ${child.id}::uuid LIMIT 3`);
    await gp.get(`/mdt/${meetingId}/cases/new`);
    const held = await gp.post(`/mdt/${meetingId}/cases/new`, { nhsNumber: others[0].nhs_number, question: 'Constipation' });
    expect(held.statusCode).toBe(409);
    expect(pageText(held.body)).toContain('already happened');
    for (const other of others.slice(0, 2)) {
      expect((await gp.post(`/mdt/${nextMeetingId}/cases/new`, { nhsNumber: other.nhs_number, question: 'Constipation' })).statusCode).toBe(303);
    }
    const full = await gp.post(`/mdt/${nextMeetingId}/cases/new`, { nhsNumber: others[2].nhs_number, question: 'Eczema' });
    expect(full.statusCode).toBe(409);
    expect(pageText(full.body)).toContain('case list is full');
  });

  it('offers the chair children from the risk list, and takes cases from triage through the service', async () => {
    const hubChild = await one<{ id: string; registered_practice_id: string }>(sql`SELECT c.id, c.registered_practice_id FROM child c
      JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
      JOIN mdt_meeting m ON m.ics_id = cp.ics_id AND m.cluster_id = cp.cluster_id
      WHERE c.ics_id = ${j.ics.icsId}::uuid AND cp.ics_id = ${j.ics.icsId}::uuid AND m.ics_id = ${j.ics.icsId}::uuid AND m.id = ${thirdMeetingId}::uuid ORDER BY c.id LIMIT 1`);
    for (const days of [10, 40, 90]) {
      await j.db.owner.execute(sql`INSERT INTO contact (ics_id, id, child_id, type, started_at, reason_display, organisation_id, recording_organisation_id)
        VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${hubChild.id}::uuid, 'ed', now() - make_interval(days => ${days}), 'Wheeze RL',
                ${hubChild.registered_practice_id}::uuid, ${hubChild.registered_practice_id}::uuid)`);
    }
    const lead = await signIn('paediatrician');
    const page = await lead.get(`/mdt/${thirdMeetingId}`);
    expect(pageText(page.body)).toContain('Suggested from the risk list');
    expect(page.body).toContain(`name="childId" value="${hubChild.id}"`);
    expect((await lead.post(`/mdt/${thirdMeetingId}/cases/suggested`, { childId: hubChild.id, attendances: '3' })).statusCode).toBe(303);
    const listed = await one<{ source: string; question: string }>(sql`SELECT source, question FROM mdt_case WHERE meeting_id = ${thirdMeetingId}::uuid AND child_id = ${hubChild.id}::uuid`);
    expect(listed.source).toBe('risk-list');
    expect(listed.question).toMatch(/emergency department attendances in the last 12 months/);
    expect(pageText((await lead.get(`/mdt/${thirdMeetingId}`)).body)).not.toContain(`value="${hubChild.id}"`);

    // A referral triaged to "discuss at the hub MDT" lands through the same service.
    const actor = await actorFor(j.db, 'paediatrician@demo.joinery.test');
    const other = await one<{ id: string }>(sql`SELECT c.id FROM child c JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
      JOIN mdt_meeting m ON m.ics_id = cp.ics_id AND m.cluster_id = cp.cluster_id WHERE c.ics_id = ${j.ics.icsId}::uuid AND cp.ics_id = ${j.ics.icsId}::uuid AND m.ics_id = ${j.ics.icsId}::uuid AND m.id = ${thirdMeetingId}::uuid AND c.id <> ${hubChild.id}::uuid ORDER BY c.id LIMIT 1`);
    await j.db.tenant(j.ics.icsId, (tx) => bringCase(tx, actor, thirdMeetingId, { childId: other.id, source: 'triage', question: 'Triaged to the hub MDT: faltering growth' }));
    expect(pageText((await lead.get(`/mdt/${thirdMeetingId}`)).body)).toContain('(from triage)');
  });

  it('a case from the risk list carries the server’s count, not the form’s, and a child not on the list is refused', async () => {
    // Room on the third meeting's list for two more.
    await j.db.owner.execute(sql`UPDATE mdt_meeting SET max_cases = max_cases + 2 WHERE id = ${thirdMeetingId}::uuid`);
    const hubChildren = sql`SELECT c.id, c.registered_practice_id FROM child c
      JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
      JOIN mdt_meeting m ON m.ics_id = cp.ics_id AND m.cluster_id = cp.cluster_id
      WHERE c.ics_id = ${j.ics.icsId}::uuid AND cp.ics_id = ${j.ics.icsId}::uuid AND m.ics_id = ${j.ics.icsId}::uuid AND m.id = ${thirdMeetingId}::uuid AND NOT EXISTS (SELECT 1 FROM mdt_case mc WHERE mc.ics_id = ${j.ics.icsId}::uuid AND mc.ics_id = c.ics_id AND mc.child_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM contact e WHERE e.ics_id = ${j.ics.icsId}::uuid AND e.ics_id = c.ics_id AND e.child_id = c.id AND e.type = 'ed' AND e.started_at > now() - interval '400 days')
      ORDER BY c.id LIMIT 2`;
    const [frequent, seldom] = await rows<{ id: string; registered_practice_id: string }>(j.db.owner, hubChildren);
    for (const days of [5, 20, 60, 120]) {
      await j.db.owner.execute(sql`INSERT INTO contact (ics_id, id, child_id, type, started_at, reason_display, organisation_id, recording_organisation_id)
        VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${frequent.id}::uuid, 'ed', now() - make_interval(days => ${days}), 'Wheeze RF',
                ${frequent.registered_practice_id}::uuid, ${frequent.registered_practice_id}::uuid)`);
    }
    // Two attendances: under the risk list's threshold of three.
    for (const days of [5, 20]) {
      await j.db.owner.execute(sql`INSERT INTO contact (ics_id, id, child_id, type, started_at, reason_display, organisation_id, recording_organisation_id)
        VALUES (${j.ics.icsId}::uuid, gen_random_uuid(), ${seldom.id}::uuid, 'ed', now() - make_interval(days => ${days}), 'Wheeze RS',
                ${seldom.registered_practice_id}::uuid, ${seldom.registered_practice_id}::uuid)`);
    }
    const lead = await signIn('paediatrician');
    await lead.get(`/mdt/${thirdMeetingId}`);

    // A forged count in the form is ignored: the question says what the record holds.
    expect((await lead.post(`/mdt/${thirdMeetingId}/cases/suggested`, { childId: frequent.id, attendances: '99' })).statusCode).toBe(303);
    const listed = await one<{ source: string; question: string }>(sql`SELECT source, question FROM mdt_case WHERE meeting_id = ${thirdMeetingId}::uuid AND child_id = ${frequent.id}::uuid`);
    expect(listed.source).toBe('risk-list');
    expect(listed.question).toBe('4 emergency department attendances in the last 12 months: what would help keep this child well at home?');

    // A child not on the risk list is refused, whatever the form says, and nothing is added.
    const refused = await lead.post(`/mdt/${thirdMeetingId}/cases/suggested`, { childId: seldom.id, attendances: '7' });
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('This child is not on the risk list');
    expect((await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM mdt_case WHERE child_id = ${seldom.id}::uuid`)).n).toBe(0);
  });
});
