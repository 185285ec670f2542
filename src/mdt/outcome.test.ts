import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { auditMark, auditSince } from '../../test/audit.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { refusalOf } from '../../test/refusal.js';
import { inIcs, one } from '../../test/in-ics.js';
import { addMonths, londonDateAndTime, londonToday } from '../platform/time/form-dates.js';
import { longDate } from '../platform/time/calendar-days.js';
import { bringCase, caseBrief, caseTeam, caseTeamsOfChild, outcomeLetter, recordAttendance, recordOutcome, recurringThemes } from './service.js';
import { hubChildren, MDT_CASE_WHY, meetingHasStarted, mdtPeople, meetingWith, type Hub, type MdtPeople } from './test-fixtures.js';

const kinds = await databaseKinds();

/**
 * Recording a case's discussion, the outcome letter it sends, and what the
 * meeting leaves behind (themes, the case's team), called as the MDT pages
 * and the FHIR CareTeam call them: who may, what changes, what is audited
 * (who, which child, why) and the words of each refusal.
 */
describe.each(kinds)('MDT service: the outcome and its letter (%s)', (kind) => {
  let j: TestJoinery;
  let p: MdtPeople;
  let hub: Hub;
  let child: string;
  let meetingId: string;
  let caseId: string;
  const today = londonToday();
  const outcome = (over: Record<string, unknown> = {}) => ({
    discussion: 'Night-time wheeze and days off school.', decisions: 'Asthma review; a school health care plan.', themes: ['Asthma and wheeze'], otherTheme: 'Damp housing',
    actions: [
      { description: 'Visit home about damp and mould', ownerKind: 'professional', ownerId: p.socialWorker.professionalId, dueOn: addMonths(today, 1) },
      { description: 'Offer a place in the asthma-friendly PE group', ownerKind: 'organisation', ownerId: p.senco.organisationId, dueOn: addMonths(today, 2) },
    ],
    ...over,
  });

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    ({ people: p, hub } = await mdtPeople(j));
    [child] = await hubChildren(j, p, 1);
    meetingId = await meetingWith(j, p, hub, [p.gp, p.socialWorker, p.senco], { title: 'Outcome MDT' });
    caseId = await inIcs(j, (tx) => bringCase(tx, p.gp, meetingId, { childId: child, source: 'nomination', question: 'Wheeze and missed school: what would help?' }));
  }, 300_000);
  afterAll(() => j?.close());

  it('recordOutcome: refuses a meeting that has not happened, then one with no attendance recorded; no letter, task or worklist item follows', async () => {
    const unchanged = async () => {
      expect(await one(j, sql`SELECT status, version, letter, letter_sent_at FROM mdt_case WHERE id = ${caseId}::uuid`)).toEqual({ status: 'listed', version: 1, letter: null, letter_sent_at: null });
      expect(await rows(j.db.owner, sql`SELECT 1 FROM task WHERE source_id = ${caseId}::uuid UNION ALL SELECT 1 FROM worklist_item WHERE link = ${`/mdt/cases/${caseId}/letter`}`)).toEqual([]);
    };
    const mark = await auditMark(j.db);
    const startsAt = (await one<{ starts_at: Date }>(j, sql`SELECT starts_at FROM mdt_meeting WHERE id = ${meetingId}::uuid`)).starts_at;
    expect(await refusalOf(inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome(), 1, today)))).toEqual({
      kind: 'ConflictError',
      message: `This meeting has not happened yet (it starts at 13:00 on ${longDate(londonDateAndTime(startsAt).date)}): record the discussion and send its letter after the meeting, once who attended is recorded.`,
    });
    await unchanged();
    expect(await auditSince(j.db, mark)).toEqual([]);
    // The page offers no form the service would refuse: it says why instead.
    expect((await inIcs(j, (tx) => caseBrief(tx, p.lead, caseId, today))).outcomeWaits).toMatch(/^This meeting has not happened yet/);
    await meetingHasStarted(j, meetingId);
    const started = await auditMark(j.db);
    expect(await refusalOf(inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome(), 1, today)))).toEqual({
      kind: 'ConflictError', message: 'Record who attended the meeting first: the outcome letter names them and goes to each of them.',
    });
    await unchanged();
    expect(await auditSince(j.db, started)).toEqual([]);
    await inIcs(j, (tx) => recordAttendance(tx, p.lead, meetingId, [p.lead.professionalId, p.gp.professionalId, p.socialWorker.professionalId]));
    expect((await inIcs(j, (tx) => caseBrief(tx, p.lead, caseId, today))).outcomeWaits).toBeNull();
  });

  it('recordOutcome: refuses a member who does not run the meeting, an owner not in the list and a past due date, and saves nothing', async () => {
    const mark = await auditMark(j.db);
    expect(await refusalOf(inIcs(j, (tx) => recordOutcome(tx, p.gp, caseId, outcome(), 1, today)))).toEqual({ kind: 'ForbiddenError', message: 'Only the chair or the hub lead runs this meeting.' });
    const [visit] = outcome().actions;
    expect(await refusalOf(inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome({ actions: [{ ...visit, ownerId: p.analyst.professionalId }] }), 1, today)))).toEqual({
      kind: 'ValidationError', message: 'Invalid input', fields: { 'actions.0.ownerId': 'Select who will do it from the list' },
    });
    expect(await refusalOf(inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome({ actions: [{ ...visit, dueOn: addMonths(today, -1) }] }), 1, today)))).toEqual({
      kind: 'ValidationError', message: 'Invalid input', fields: { 'actions.0.dueOn': 'Due date must be today or in the future' },
    });
    // A paediatrician who neither cares for the child nor came: named, and refused until the chair confirms them.
    const stranger = await one<{ name: string }>(j, sql`SELECT name FROM professional WHERE id = ${p.otherPaediatrician.professionalId}::uuid`);
    expect(await refusalOf(inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome({ actions: [outcome().actions[1], { ...visit, ownerId: p.otherPaediatrician.professionalId }] }), 1, today)))).toEqual({
      kind: 'ValidationError', message: 'Invalid input',
      fields: { 'actions.1.confirmOwner': `${stranger.name} is not in this child’s care team and did not attend this meeting. Choose someone who is, or confirm that ${stranger.name} should do it.` },
    });
    expect(await refusalOf(inIcs(j, (tx) => outcomeLetter(tx, p.gp, caseId)))).toEqual({ kind: 'NotFoundError', message: 'Page not found' });
    expect(await one(j, sql`SELECT status, version, letter FROM mdt_case WHERE id = ${caseId}::uuid`)).toEqual({ status: 'listed', version: 1, letter: null });
    expect(await auditSince(j.db, mark)).toEqual([]);
  });

  it('recordOutcome: the chair records the discussion; its actions, the letter filed in the record and worklist items follow, each audited with the child’s reason', async () => {
    const mark = await auditMark(j.db);
    await inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome(), 1, today));
    const saved = await one<{ status: string; version: number; themes: string[]; letter: string }>(j, sql`SELECT status, version, themes, letter FROM mdt_case WHERE id = ${caseId}::uuid`);
    expect([saved.status, saved.version, saved.themes]).toEqual(['discussed', 2, ['Asthma and wheeze', 'Damp housing']]);
    expect(JSON.parse(saved.letter).title).toBe(`Outcome of the ${hub.name} MDT meeting`);
    // Whoever brought the case stays accountable for its actions.
    const tasks = await rows(j.db.owner, sql`SELECT description, agency, owner_professional_id, owner_organisation_id, accountable_professional_id, source, status FROM task
      WHERE source_id = ${caseId}::uuid ORDER BY due_on`);
    expect(tasks).toEqual([
      { description: 'Visit home about damp and mould', agency: 'social-care', owner_professional_id: p.socialWorker.professionalId, owner_organisation_id: null, accountable_professional_id: p.gp.professionalId, source: 'mdt', status: 'ready' },
      { description: 'Offer a place in the asthma-friendly PE group', agency: 'education', owner_professional_id: null, owner_organisation_id: p.senco.organisationId, accountable_professional_id: p.gp.professionalId, source: 'mdt', status: 'ready' },
    ]);
    const told = await rows<{ professional_id: string }>(j.db.owner, sql`SELECT professional_id FROM worklist_item WHERE kind = 'mdt-letter' AND link = ${`/mdt/cases/${caseId}/letter`} ORDER BY professional_id`);
    expect(told.map((t) => t.professional_id)).toEqual([p.lead.professionalId, p.gp.professionalId, p.socialWorker.professionalId].sort());

    // The lead's reason is their relationship with the child (they lead its hub), not their seat at the meeting.
    const why = `Cluster lead paediatrician: ${hub.name}`;
    const audited = await auditSince(j.db, mark);
    // The letter offers the family the Friends and Family Test first, so the offer is audited before the actions.
    expect(audited.map((e) => e.action)).toEqual(['feedback.offer', 'task.create', 'task.create', 'record.file-letter', 'mdt.outcome']);
    expect(audited).toMatchObject(audited.map(() => ({ actor: p.lead.professionalId, role: 'paediatrician', child, why })));
    expect(audited[4]).toMatchObject({ what: 'Discussed at Outcome MDT; outcome letter sent', details: { caseId, actions: 2 } });

    expect(await refusalOf(inIcs(j, (tx) => recordOutcome(tx, p.lead, caseId, outcome({ actions: [] }), 1, today)))).toEqual({
      kind: 'ConflictError', message: 'Someone else recorded this case after you opened it, so nothing of yours was saved.',
    });
  });

  it('outcomeLetter: members and those who may see the child read the letter as sent, each read audited with their reason; others are refused', async () => {
    const read = async (actor: typeof p.gp) => {
      const mark = await auditMark(j.db);
      const letter = await inIcs(j, (tx) => outcomeLetter(tx, actor, caseId));
      return { title: letter.letter.title, child: letter.childId, audited: await auditSince(j.db, mark) };
    };
    const seen = (actor: typeof p.gp, why: string) => ({
      title: `Outcome of the ${hub.name} MDT meeting`, child,
      audited: [{ actor: actor.professionalId, role: actor.role, child, action: 'mdt.read-letter', what: 'MDT outcome letter', why, details: { caseId } }],
    });
    expect(await read(p.gp)).toEqual(seen(p.gp, `Registered practice: ${p.gp.organisationName}`));
    expect(await read(p.socialWorker)).toEqual(seen(p.socialWorker, MDT_CASE_WHY));
    // A refused attempt to read a named child's letter is an access attempt: audited with who, which child and why, as the door audits every refusal.
    const mark = await auditMark(j.db);
    expect(await refusalOf(inIcs(j, (tx) => outcomeLetter(tx, p.otherPaediatrician, caseId)))).toEqual({ kind: 'RefusedAccess', message: 'You are not invited to this MDT meeting.' });
    expect(await auditSince(j.db, mark)).toEqual([{
      actor: p.otherPaediatrician.professionalId, role: 'paediatrician', child, action: 'child.access-refused', what: 'Refused: an MDT outcome letter', why: 'You are not invited to this MDT meeting.', details: null,
    }]);
  });

  it('recurringThemes, caseTeamsOfChild and caseTeam: what the meeting leaves, for callers that check access, audited by none of them', async () => {
    const mark = await auditMark(j.db);
    const themes = async (actor: typeof p.gp) => (await inIcs(j, (tx) => recurringThemes(tx, actor, today))).filter((t) => t.theme === 'Damp housing');
    expect(await themes(p.lead)).toEqual([{ theme: 'Damp housing', cases: 1, hubs: hub.name }]);
    expect(await themes(p.senco)).toEqual([{ theme: 'Damp housing', cases: 1, hubs: hub.name }]);
    expect(await themes(p.otherPaediatrician)).toEqual([]);

    const { teams, team } = await inIcs(j, async (tx) => ({ teams: await caseTeamsOfChild(tx, j.ics.icsId, child), team: await caseTeam(tx, j.ics.icsId, caseId) }));
    expect(teams.map((t) => t.case_id)).toEqual([caseId]);
    expect(team.members.map((m) => [m.id, m.chair]).sort()).toEqual(
      [[p.lead.professionalId, true], [p.gp.professionalId, false], [p.socialWorker.professionalId, false], [p.senco.professionalId, false]].sort(),
    );
    expect(await auditSince(j.db, mark)).toEqual([]);
  });
});
