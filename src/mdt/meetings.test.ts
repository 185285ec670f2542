import crypto from 'node:crypto';
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
import { bringCase, hubsToSchedule, inviteMember, meetingsOf, openMeeting, recordAttendance, removeMember, scheduleMeetings } from './service.js';
import { hubChildren, meetingHasStarted, mdtPeople, meetingWith, scheduleForm, type Hub, type MdtPeople } from './test-fixtures.js';

const kinds = await databaseKinds();

const RUN_ONLY = 'Only the chair or the hub lead runs this meeting.';
const NOT_INVITED = 'You are not invited to this MDT meeting.';

/**
 * Scheduling MDT meetings and running them (members, the case list,
 * attendance), called as the MDT pages call them: who may, what each
 * changes, what is audited (who, which child, why) and the words of each refusal.
 */
describe.each(kinds)('MDT service: scheduling and running meetings (%s)', (kind) => {
  let j: TestJoinery;
  let p: MdtPeople;
  let hub: Hub;
  const today = londonToday();
  const members = (meetingId: string) =>
    rows<{ professional_id: string; attended: boolean | null }>(j.db.owner, sql`SELECT professional_id, attended FROM mdt_member WHERE meeting_id = ${meetingId}::uuid AND removed_at IS NULL ORDER BY professional_id`);

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    ({ people: p, hub } = await mdtPeople(j));
  }, 300_000);
  afterAll(() => j?.close());

  it('hubsToSchedule and scheduleMeetings: the hub lead schedules a series, chairs and is invited to each, audited once with the series', async () => {
    expect((await inIcs(j, (tx) => hubsToSchedule(tx, p.lead))).map((h) => h.id)).toContain(hub.id);
    expect(await inIcs(j, (tx) => hubsToSchedule(tx, p.gp))).toEqual([]);
    const mark = await auditMark(j.db);
    const ids = await inIcs(j, (tx) => scheduleMeetings(tx, p.lead, scheduleForm(hub, { title: 'Series MDT', count: '3', repeatWeeks: '2' }), today));
    const made = await rows<{ id: string; series_id: string; chair_id: string; status: string; london: string }>(j.db.owner, sql`SELECT id, series_id, chair_id, status,
      to_char(starts_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS london FROM mdt_meeting WHERE title = 'Series MDT' ORDER BY starts_at`);
    const first = addMonths(today, 1);
    const plus = (days: number) => new Date(Date.parse(`${first}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    expect(made.map((m) => [m.id, m.chair_id, m.status, m.london])).toEqual([0, 14, 28].map((d, i) => [ids[i], p.lead.professionalId, 'scheduled', `${plus(d)} 13:00`]));
    expect(new Set(made.map((m) => m.series_id)).size).toBe(1);
    for (const id of ids) expect(await members(id)).toEqual([{ professional_id: p.lead.professionalId, attended: null }]);
    expect(await auditSince(j.db, mark)).toEqual([{
      actor: p.lead.professionalId, role: 'paediatrician', child: null, action: 'mdt.schedule', what: `3 MDT meetings scheduled for ${hub.name}`, why: 'hub lead',
      details: { seriesId: made[0].series_id },
    }]);
  });

  it('scheduleMeetings: refuses anyone but the hub’s lead, an unknown hub and a meeting in the past, saying why, and schedules nothing', async () => {
    const mark = await auditMark(j.db);
    const schedule = (actor: typeof p.gp, over: Record<string, unknown>) => refusalOf(inIcs(j, (tx) => scheduleMeetings(tx, actor, scheduleForm(hub, { title: 'Refused MDT', ...over }), today)));
    for (const who of [p.gp, p.otherPaediatrician]) {
      expect(await schedule(who, {})).toEqual({ kind: 'ForbiddenError', message: 'Only the hub’s lead paediatrician schedules its MDT meetings.' });
    }
    expect(await schedule(p.lead, { clusterId: crypto.randomUUID() })).toEqual({ kind: 'ValidationError', message: 'Invalid input', fields: { clusterId: 'Select the hub' } });
    expect(await schedule(p.lead, { firstDate: addMonths(today, -1) })).toEqual({
      kind: 'ValidationError', message: 'Invalid input', fields: { firstDate: 'The first meeting must be today or in the future' },
    });
    expect((await one<{ n: number }>(j, sql`SELECT count(*)::int AS n FROM mdt_meeting WHERE title = 'Refused MDT'`)).n).toBe(0);
    expect(await auditSince(j.db, mark)).toEqual([]);
  });

  it('inviteMember and meetingsOf: the chair invites to one meeting or the rest of the series; each invitation audited with who was invited', async () => {
    const ids = await inIcs(j, (tx) => scheduleMeetings(tx, p.lead, scheduleForm(hub, { title: 'Invite MDT', count: '2' }), today));
    const mark = await auditMark(j.db);
    await inIcs(j, (tx) => inviteMember(tx, p.lead, ids[0], p.socialWorker.professionalId, true));
    await inIcs(j, (tx) => inviteMember(tx, p.lead, ids[1], p.senco.professionalId, false));
    // Inviting again adds nobody, and says so.
    await inIcs(j, (tx) => inviteMember(tx, p.lead, ids[1], p.socialWorker.professionalId, false));
    expect(await auditSince(j.db, mark)).toEqual([
      { who: p.socialWorker, to: ids, n: 2 }, { who: p.senco, to: [ids[1]], n: 1 }, { who: p.socialWorker, to: [], n: 0 },
    ].map(({ who, to, n }) => ({
      actor: p.lead.professionalId, role: 'paediatrician', child: null, action: 'mdt.invite', what: `${who.name} invited to ${n} MDT meeting(s)`, why: 'chair of the meeting', details: { meetingIds: to },
    })));
    const seen = async (actor: typeof p.gp) => (await inIcs(j, (tx) => meetingsOf(tx, actor, today))).filter((m) => ids.includes(m.id)).map((m) => [m.id, m.is_member]);
    expect(await seen(p.socialWorker)).toEqual([[ids[0], true], [ids[1], true]]);
    expect(await seen(p.senco)).toEqual([[ids[1], true]]);
    expect(await seen(p.lead)).toEqual([[ids[0], true], [ids[1], true]]);
    expect(await seen(p.gp)).toEqual([]);

    const mark2 = await auditMark(j.db);
    // A member, or someone not invited at all: neither runs the meeting.
    for (const who of [p.socialWorker, p.gp]) {
      expect(await refusalOf(inIcs(j, (tx) => inviteMember(tx, who, ids[0], p.gp.professionalId, false)))).toEqual({ kind: 'ForbiddenError', message: RUN_ONLY });
    }
    for (const nobody of ['not-an-id', crypto.randomUUID(), p.analyst.professionalId]) {
      expect(await refusalOf(inIcs(j, (tx) => inviteMember(tx, p.lead, ids[0], nobody, false)))).toEqual({
        kind: 'ValidationError', message: 'Invalid input', fields: { professionalId: 'Select a person from the list' },
      });
    }
    expect(await refusalOf(inIcs(j, (tx) => inviteMember(tx, p.lead, crypto.randomUUID(), p.gp.professionalId, false)))).toEqual({ kind: 'NotFoundError', message: 'Page not found' });
    expect(await auditSince(j.db, mark2)).toEqual([]);
  });

  it('openMeeting: members see the case list, each child named audited with the child’s own reason; others are refused', async () => {
    const [child] = await hubChildren(j, p, 1);
    const id = await meetingWith(j, p, hub, [p.gp, p.senco], { title: 'Open MDT' });
    await inIcs(j, (tx) => bringCase(tx, p.gp, id, { childId: child, source: 'nomination', question: 'Wheeze at night: what would help?' }));
    const open = async (actor: typeof p.gp) => {
      const mark = await auditMark(j.db);
      const m = await inIcs(j, (tx) => openMeeting(tx, actor, id));
      return { named: m.cases.map((c) => ('child' in c ? c.child.id : c.hidden)), can: m.can, audited: await auditSince(j.db, mark) };
    };
    const listed = (actor: typeof p.gp, why: string) => [{ actor: actor.professionalId, role: actor.role, child, action: 'mdt.case-list', what: 'On the case list of Open MDT', why, details: { meetingId: id } }];
    expect(await open(p.gp)).toEqual({ named: [child], can: { run: false, bring: true }, audited: listed(p.gp, `Registered practice: ${p.gp.organisationName}`) });
    expect(await open(p.senco)).toEqual({
      named: [child], can: { run: false, bring: true }, audited: listed(p.senco, 'MDT case discussion: on the case list of an MDT meeting you are invited to'),
    });
    expect((await open(p.lead)).can).toEqual({ run: true, bring: true });

    const mark = await auditMark(j.db);
    expect(await refusalOf(inIcs(j, (tx) => openMeeting(tx, p.socialWorker, id)))).toEqual({ kind: 'ForbiddenError', message: NOT_INVITED });
    expect(await refusalOf(inIcs(j, (tx) => openMeeting(tx, p.gp, crypto.randomUUID())))).toEqual({ kind: 'NotFoundError', message: 'Page not found' });
    expect(await auditSince(j.db, mark)).toEqual([]);
  });

  it('removeMember: ends membership and what it gave (the meeting, its children), audited; the chair stays', async () => {
    const [child] = await hubChildren(j, p, 1);
    const id = await meetingWith(j, p, hub, [p.gp, p.senco], { title: 'Remove MDT' });
    await inIcs(j, (tx) => bringCase(tx, p.gp, id, { childId: child, source: 'nomination', question: 'Constipation and school: what would help?' }));
    const mark = await auditMark(j.db);
    await inIcs(j, (tx) => removeMember(tx, p.lead, id, p.senco.professionalId));
    expect((await members(id)).map((m) => m.professional_id).sort()).toEqual([p.lead.professionalId, p.gp.professionalId].sort());
    expect(await auditSince(j.db, mark)).toEqual([{
      actor: p.lead.professionalId, role: 'paediatrician', child: null, action: 'mdt.remove-member', what: 'Member removed from Remove MDT', why: 'chair of the meeting',
      details: { meetingId: id, professionalId: p.senco.professionalId },
    }]);
    expect(await refusalOf(inIcs(j, (tx) => openMeeting(tx, p.senco, id)))).toEqual({ kind: 'ForbiddenError', message: NOT_INVITED });

    const mark2 = await auditMark(j.db);
    expect(await refusalOf(inIcs(j, (tx) => removeMember(tx, p.lead, id, p.lead.professionalId)))).toEqual({ kind: 'ConflictError', message: 'The chair cannot be removed from their own meeting.' });
    expect(await refusalOf(inIcs(j, (tx) => removeMember(tx, p.lead, id, p.senco.professionalId)))).toEqual({ kind: 'NotFoundError', message: 'Page not found' });
    expect(await refusalOf(inIcs(j, (tx) => removeMember(tx, p.gp, id, p.lead.professionalId)))).toEqual({ kind: 'ForbiddenError', message: RUN_ONLY });
    expect(await auditSince(j.db, mark2)).toEqual([]);
  });

  it('recordAttendance: the chair records who came, among the members only, once the meeting has started, and the meeting is held; audited', async () => {
    const id = await meetingWith(j, p, hub, [p.gp, p.senco], { title: 'Attendance MDT' });
    expect(await refusalOf(inIcs(j, (tx) => recordAttendance(tx, p.gp, id, [p.gp.professionalId])))).toEqual({ kind: 'ForbiddenError', message: RUN_ONLY });
    // Before the meeting there is no attendance to record: refused, nothing changed, nothing audited.
    const startsAt = (await one<{ starts_at: Date }>(j, sql`SELECT starts_at FROM mdt_meeting WHERE id = ${id}::uuid`)).starts_at;
    const before = await auditMark(j.db);
    const early = await refusalOf(inIcs(j, (tx) => recordAttendance(tx, p.lead, id, [p.lead.professionalId])));
    expect(early).toEqual({ kind: 'ConflictError', message: `This meeting has not started yet (it starts at 13:00 on ${longDate(londonDateAndTime(startsAt).date)}): record who attended once it has.` });
    expect((await members(id)).map((m) => m.attended)).toEqual([null, null, null]);
    expect((await one<{ status: string }>(j, sql`SELECT status FROM mdt_meeting WHERE id = ${id}::uuid`)).status).toBe('scheduled');
    expect(await auditSince(j.db, before)).toEqual([]);
    await meetingHasStarted(j, id);
    const mark = await auditMark(j.db);
    await inIcs(j, (tx) => recordAttendance(tx, p.lead, id, [p.lead.professionalId, p.gp.professionalId, p.socialWorker.professionalId]));
    const came = new Map((await members(id)).map((m) => [m.professional_id, m.attended]));
    expect(Object.fromEntries(came)).toEqual({ [p.lead.professionalId]: true, [p.gp.professionalId]: true, [p.senco.professionalId]: false });
    expect((await one<{ status: string }>(j, sql`SELECT status FROM mdt_meeting WHERE id = ${id}::uuid`)).status).toBe('held');
    expect(await auditSince(j.db, mark)).toEqual([{
      actor: p.lead.professionalId, role: 'paediatrician', child: null, action: 'mdt.attendance', what: 'Attendance recorded for Attendance MDT', why: 'chair of the meeting', details: { meetingId: id },
    }]);
  });
});
