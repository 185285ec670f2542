import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auditMark, auditSince } from '../../test/audit.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { refusalOf } from '../../test/refusal.js';
import { inIcs, one } from '../../test/in-ics.js';
import { londonToday } from '../platform/time/form-dates.js';
import { bringCase, bringFromRiskList, caseBrief, meetingBriefs, riskList } from './service.js';
import { edAttendances, hubChildren, MDT_CASE_WHY, mdtPeople, meetingWith, type Hub, type MdtPeople } from './test-fixtures.js';

const kinds = await databaseKinds();

const NOT_INVITED = 'You are not invited to this MDT meeting.';
const NOT_CARING = 'You can bring a case only for a child you care for.';

/**
 * Putting children on a meeting's case list (by a member, from the risk
 * list) and the briefs members read before it, called as the MDT pages and
 * triage call them: who may, what changes, what is audited (who, which
 * child, why) and the words of each refusal.
 */
describe.each(kinds)('MDT service: the case list and briefs (%s)', (kind) => {
  let j: TestJoinery;
  let p: MdtPeople;
  let hub: Hub;
  let children: string[];
  const today = londonToday();
  const caseRow = (id: string) => one(j, sql`SELECT meeting_id, child_id, source, question, brought_by, position, status, version FROM mdt_case WHERE id = ${id}::uuid`);
  const casesOf = async (meetingId: string) => (await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM mdt_case WHERE meeting_id = ${meetingId}::uuid`)).n;

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    ({ people: p, hub } = await mdtPeople(j));
    children = await hubChildren(j, p, 9);
  }, 300_000);
  afterAll(() => j?.close());

  it('bringCase: a member brings a child they care for to the end of the list, accountable for it, audited against the child', async () => {
    const id = await meetingWith(j, p, hub, [p.gp, p.socialWorker], { title: 'Cases MDT' });
    const mark = await auditMark(j.db);
    const first = await inIcs(j, (tx) => bringCase(tx, p.gp, id, { childId: children[0], source: 'nomination', question: 'Recurrent wheeze: what support at home?' }));
    const second = await inIcs(j, (tx) => bringCase(tx, p.gp, id, { childId: children[1], source: 'triage', question: 'Faltering growth: what next?' }));
    expect(await caseRow(first)).toEqual({
      meeting_id: id, child_id: children[0], source: 'nomination', question: 'Recurrent wheeze: what support at home?', brought_by: p.gp.professionalId, position: 1, status: 'listed', version: 1,
    });
    expect(await caseRow(second)).toMatchObject({ child_id: children[1], source: 'triage', position: 2 });
    expect(await auditSince(j.db, mark)).toEqual([[children[0], first, 'nomination'], [children[1], second, 'triage']].map(([child, caseId, source]) => ({
      actor: p.gp.professionalId, role: 'gp', child, action: 'mdt.bring-case', what: `Brought to Cases MDT (${source})`, why: 'invited to the meeting', details: { meetingId: id, caseId },
    })));
  });

  it('bringCase: refuses a child the member does not care for, a non-member, a child listed already, a full list, a past meeting and an unreadable form', async () => {
    const id = await meetingWith(j, p, hub, [p.gp, p.socialWorker], { title: 'Full MDT', maxCases: '2' });
    await inIcs(j, (tx) => bringCase(tx, p.gp, id, { childId: children[2], source: 'nomination', question: 'Eczema and sleep' }));
    const mark = await auditMark(j.db);
    const bring = (actor: typeof p.gp, childId: string, now?: Date) =>
      refusalOf(inIcs(j, (tx) => bringCase(tx, actor, id, { childId, source: 'nomination', question: 'Constipation and school' }, now)));
    // Being on this list lets the social worker see the child; it is not caring for them.
    expect(await bring(p.socialWorker, children[2])).toEqual({ kind: 'RefusedAccess', message: NOT_CARING });
    expect(await bring(p.socialWorker, children[3])).toEqual({ kind: 'RefusedAccess', message: NOT_CARING });
    expect(await bring(p.senco, children[3])).toEqual({ kind: 'ForbiddenError', message: NOT_INVITED });
    expect(await bring(p.gp, children[2])).toEqual({ kind: 'ConflictError', message: 'This child is already on this meeting’s case list.' });
    expect(await bring(p.gp, children[3], new Date(Date.now() + 90 * 86_400_000))).toEqual({
      kind: 'ConflictError', message: 'This meeting has already happened or was cancelled: bring the case to the next one.',
    });
    const bad = await refusalOf(inIcs(j, (tx) => bringCase(tx, p.gp, id, { childId: 'someone', question: ' ', source: 'hearsay' })));
    expect(bad).toMatchObject({ kind: 'ValidationError', fields: { childId: 'Find the child by NHS number', source: 'Say how the child came to the meeting' } });
    expect(Object.keys(bad.fields!).sort()).toEqual(['childId', 'question', 'source']);
    await inIcs(j, (tx) => bringCase(tx, p.gp, id, { childId: children[3], source: 'nomination', question: 'Constipation and school' }));
    const full = await auditMark(j.db);
    expect(await bring(p.gp, children[4])).toEqual({ kind: 'ConflictError', message: 'This meeting’s case list is full (2 children): bring the case to the next one.' });
    expect(await casesOf(id)).toBe(2);
    // Trying to bring a named child is an attempt on that child: each refusal is audited (who, which child, why), as every refusal at the door is.
    // Not being invited refuses the meeting before any child is asked about, so it names none.
    const refusedBy = (child: string) => ({
      actor: p.socialWorker.professionalId, role: 'social-worker', child, action: 'child.access-refused', what: 'Refused: bringing a child to an MDT meeting', why: NOT_CARING, details: null,
    });
    const audited = await auditSince(j.db, mark);
    expect(audited.slice(0, 2)).toEqual([refusedBy(children[2]), refusedBy(children[3])]);
    expect(audited.slice(2).map((e) => [e.action, e.child])).toEqual([['mdt.bring-case', children[3]]]);
    expect(await auditSince(j.db, full)).toEqual([]);
  });

  it('riskList and bringFromRiskList: the chair is offered the hub’s frequent ED attenders, each audited, and brings one with the server’s count', async () => {
    const [frequent, seldom] = children.slice(5, 7);
    // Twelve: well up the list, which shows the hub's 20 most frequent attenders.
    await edAttendances(j, frequent, Array.from({ length: 12 }, (_, i) => 5 + i * 25));
    await edAttendances(j, seldom, [10, 60]);
    const id = await meetingWith(j, p, hub, [p.gp], { title: 'Risk MDT' });
    const mark = await auditMark(j.db);
    const offered = await inIcs(j, (tx) => riskList(tx, p.lead, id, today));
    expect(offered.filter((f) => [frequent, seldom].includes(f.child_id)).map((f) => [f.child_id, f.attendances, f.child.id])).toEqual([[frequent, 12, frequent]]);
    expect(await auditSince(j.db, mark, { child: frequent })).toEqual([{
      actor: p.lead.professionalId, role: 'paediatrician', child: frequent, action: 'mdt.risk-list', what: 'Suggested for Risk MDT: 12 ED attendances in 12 months', why: 'chair of the meeting', details: null,
    }]);
    expect(await refusalOf(inIcs(j, (tx) => riskList(tx, p.gp, id, today)))).toEqual({ kind: 'ForbiddenError', message: 'Only the chair or the hub lead runs this meeting.' });

    const brought = await inIcs(j, (tx) => bringFromRiskList(tx, p.lead, id, frequent, today));
    expect(await caseRow(brought)).toMatchObject({
      child_id: frequent, source: 'risk-list', brought_by: p.lead.professionalId,
      question: '12 emergency department attendances in the last 12 months: what would help keep this child well at home?',
    });
    expect((await inIcs(j, (tx) => riskList(tx, p.lead, id, today))).map((f) => f.child_id)).not.toContain(frequent);
    expect(await refusalOf(inIcs(j, (tx) => bringFromRiskList(tx, p.lead, id, seldom, today)))).toEqual({
      kind: 'ConflictError',
      message: 'This child is not on the risk list for this meeting’s hub (3 or more emergency department attendances in the last 12 months): bring them to the meeting with your own question instead.',
    });
    expect(await refusalOf(inIcs(j, (tx) => bringFromRiskList(tx, p.gp, id, frequent, today)))).toEqual({ kind: 'ForbiddenError', message: 'Only the chair or the hub lead runs this meeting.' });
    expect((await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM mdt_case WHERE child_id = ${seldom}::uuid`)).n).toBe(0);
  });

  it('caseBrief and meetingBriefs: each member reads what their agency may, every part audited with the child’s reason; others are refused', async () => {
    const [child, other] = children.slice(7, 9);
    const id = await meetingWith(j, p, hub, [p.gp, p.socialWorker, p.senco], { title: 'Brief MDT' });
    const caseId = await inIcs(j, (tx) => bringCase(tx, p.gp, id, { childId: child, source: 'nomination', question: 'Anxiety and school refusal' }));
    const otherCase = await inIcs(j, (tx) => bringCase(tx, p.gp, id, { childId: other, source: 'nomination', question: 'Sleep' }));
    const brief = async (actor: typeof p.gp) => {
      const mark = await auditMark(j.db);
      const b = await inIcs(j, (tx) => caseBrief(tx, actor, caseId, today));
      return { b, audited: await auditSince(j.db, mark) };
    };

    const social = await brief(p.socialWorker);
    expect([social.b.case.id, social.b.child.id, social.b.healthDetail]).toEqual([caseId, child, true]);
    expect(social.audited.map((e) => e.action)).toEqual(['mdt.brief', 'record.read', 'record.read-timeline']);
    expect(social.audited).toMatchObject(social.audited.map(() => ({ actor: p.socialWorker.professionalId, child, why: MDT_CASE_WHY })));
    expect(social.audited[0]).toMatchObject({ what: 'Brief for Brief MDT', details: { caseId } });

    // Education sees no health detail, reads none, and the brief itself is still audited.
    const education = await brief(p.senco);
    expect([education.b.healthDetail, education.b.conditions, education.b.unscheduled]).toEqual([false, [], { contacts: [], total: 0 }]);
    expect(education.audited).toEqual([{ actor: p.senco.professionalId, role: 'senco', child, action: 'mdt.brief', what: 'Brief for Brief MDT', why: MDT_CASE_WHY, details: { caseId } }]);

    const all = await inIcs(j, (tx) => meetingBriefs(tx, p.socialWorker, id, today));
    expect(all.briefs.map((b) => [b.case.id, b.child.id])).toEqual([[caseId, child], [otherCase, other]]);

    const mark = await auditMark(j.db);
    expect(await refusalOf(inIcs(j, (tx) => caseBrief(tx, p.otherPaediatrician, caseId, today)))).toEqual({ kind: 'ForbiddenError', message: NOT_INVITED });
    expect(await refusalOf(inIcs(j, (tx) => meetingBriefs(tx, p.otherPaediatrician, id, today)))).toEqual({ kind: 'ForbiddenError', message: NOT_INVITED });
    expect(await refusalOf(inIcs(j, (tx) => caseBrief(tx, p.socialWorker, crypto.randomUUID(), today)))).toEqual({ kind: 'NotFoundError', message: 'Page not found' });
    expect(await auditSince(j.db, mark)).toEqual([]);
  });
});
