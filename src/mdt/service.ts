import crypto from 'node:crypto';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { legitimateRelationshipsOfEach } from '../platform/access/relationship.js';
import { recordAudit } from '../platform/audit/audit.js';
import { auditChild, auditListedChildren, openChild, type ChildRule } from '../platform/access/door.js';
import { isRole, ROLES } from '../platform/access/roles.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { londonDateAndTime, londonToUtc } from '../platform/time/form-dates.js';
import { longDate } from '../platform/time/calendar-days.js';
import { childNames, confirmOutsider, knownToChild, professionalById, registeredPracticeGps, teamById } from '../children/service.js';
import { hubById, hubsLedBy } from '../organisations/service.js';
import { fileLetter, frequentEdAttenders, listContacts, listEntries, recordPolicy } from '../record/service.js';
import { UNSCHEDULED_CONTACTS } from '../record/index.js';
import { actionsVisibleTo, viewPlan } from '../careplans/service.js';
import { agencyOf, agencyOfTeam } from '../careplans/index.js';
import type { Agency } from '../careplans/index.js';
import { createTasks, openTasksOfChild } from '../tasks/service.js';
import { addToWorklists } from '../worklist/service.js';
import { feedbackLines } from './feedback-link.js';
import { composeLetter, letterText, parseLetter } from './letter.js';
import { currentTemplate } from '../letters/service.js';
import { readCase, readOutcome, readSchedule } from './meeting-input.js';
import { adviceOffers, sendOutcomeAdvice, type OutcomeAdvice } from './outcome-advice.js';

export { MDT_ACCESS_DAYS } from './relationship.js';
export { sendAdviceWith, outcomeAdviceLink, type AdviceService, type SentAdvice } from './outcome-advice.js';
import { mdtPolicy, type MeetingRoles } from './policy.js';
import * as store from './store.js';

export { offerMdtFeedbackWith } from './feedback-link.js';

export type { MeetingRow, MemberRow, CaseRow } from './store.js';

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function rolesOf(actor: Actor, m: store.MeetingRow): MeetingRoles {
  return { isChair: m.chair_id === actor.professionalId, isLead: m.lead_paediatrician_id === actor.professionalId, isMember: m.is_member };
}

async function meetingFor(tx: Tx, actor: Actor, id: string, decide: (r: MeetingRoles) => ReturnType<typeof mdtPolicy.viewMeeting>) {
  const meeting = await store.meetingById(tx, actor, id);
  if (!meeting) throw new NotFoundError();
  const decision = decide(rolesOf(actor, meeting));
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return { meeting, why: decision.why, roles: rolesOf(actor, meeting) };
}

/** The hubs the actor may schedule meetings for: those they lead. */
export const hubsToSchedule = (tx: Tx, actor: Actor) => hubsLedBy(tx, actor.icsId, actor.professionalId);

/**
 * Schedules a run of meetings (every few weeks, say), each with the actor in
 * the chair and invited. Times are London wall-clock times.
 */
export async function scheduleMeetings(tx: Tx, actor: Actor, raw: unknown, today: string): Promise<string[]> {
  const input = readSchedule(raw, today);
  const hub = await hubById(tx, actor.icsId, input.clusterId);
  if (!hub) throw new ValidationError({ clusterId: 'Select the hub' });
  const decision = mdtPolicy.scheduleMeetings(actor, hub.lead_paediatrician_id === actor.professionalId);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const [hour, minute] = input.time.split(':').map(Number);
  const seriesId = crypto.randomUUID();
  const meetings = Array.from({ length: input.count }, (_, i) => ({
    id: crypto.randomUUID(), seriesId, clusterId: hub.id, title: input.title, venue: input.venue, durationMinutes: input.durationMinutes,
    maxCases: input.maxCases, startsAt: londonToUtc(addDays(input.firstDate, i * 7 * input.repeatWeeks), hour, minute),
  }));
  await store.insertMeetings(tx, actor, meetings);
  for (const m of meetings) await store.invite(tx, actor, [m.id], actor.professionalId);
  await recordAudit(tx, actor, { action: 'mdt.schedule', what: `${meetings.length} MDT meetings scheduled for ${hub.name}`, why: decision.why, details: { seriesId } });
  return meetings.map((m) => m.id);
}

export const meetingsOf = (tx: Tx, actor: Actor, today: string) => store.meetingsOf(tx, actor, addDays(today, -60));

/** A meeting with its members and case list; each child named is audited as shown to the actor. */
export async function openMeeting(tx: Tx, actor: Actor, id: string, now = new Date()) {
  const { meeting, why, roles } = await meetingFor(tx, actor, id, (r) => mdtPolicy.viewMeeting(actor, r));
  const members = await store.members(tx, actor.icsId, id);
  const listed = await store.cases(tx, actor.icsId, id);
  const relationships = await legitimateRelationshipsOfEach(tx, actor, listed.map((c) => c.child_id));
  // A child whose MDT access window has closed (and who is not otherwise in the actor's care) stays on the list, unnamed.
  const cases = listed.map((c) => {
    const decision = mdtPolicy.viewCase(actor, { allowed: true, why }, relationships.get(c.child_id)!);
    return decision.allowed ? { ...c, why: decision.why } : { id: c.id, position: c.position, status: c.status, hidden: decision.reason };
  });
  const shown = cases.flatMap((c) => ('child_id' in c ? [c] : []));
  const names = new Map((await childNames(tx, actor.icsId, shown.map((c) => c.child_id))).map((c) => [c.id, c]));
  await auditListedChildren(tx, actor, why, shown.map((c) => ({ childId: c.child_id, action: 'mdt.case-list', what: `On the case list of ${meeting.title}`, why: c.why, details: { meetingId: id } })));
  return {
    meeting, members, cases: cases.map((c) => ('child_id' in c ? { ...c, child: names.get(c.child_id)! } : c)),
    can: { run: mdtPolicy.runMeeting(actor, roles).allowed, bring: meeting.status === 'scheduled' && meeting.cases < meeting.max_cases },
    // What the chair is told instead of being offered a form the service would refuse.
    attendanceWaits: attendanceWaits(meeting, now), outcomeWaits: outcomeWaits(meeting, members, now),
  };
}

/** Invites a professional to this meeting, or to it and the rest of its series. */
export async function inviteMember(tx: Tx, actor: Actor, meetingId: string, professionalId: unknown, wholeSeries: boolean) {
  const { meeting, why } = await meetingFor(tx, actor, meetingId, (r) => mdtPolicy.runMeeting(actor, r));
  const person = typeof professionalId === 'string' && /^[0-9a-f-]{36}$/i.test(professionalId) ? await professionalById(tx, actor.icsId, professionalId) : undefined;
  if (!person || !agencyOf(person.role)) throw new ValidationError({ professionalId: 'Select a person from the list' });
  const ids = wholeSeries ? await store.seriesFrom(tx, actor.icsId, meeting) : [meeting.id];
  const joined = await store.invite(tx, actor, ids, person.id);
  await recordAudit(tx, actor, { action: 'mdt.invite', what: `${person.name} invited to ${joined.length} MDT meeting(s)`, why, details: { meetingIds: joined } });
}

/** Removing a member ends what membership gave them: their access to the children on the case list. */
export async function removeMember(tx: Tx, actor: Actor, meetingId: string, professionalId: string) {
  const { meeting, why } = await meetingFor(tx, actor, meetingId, (r) => mdtPolicy.runMeeting(actor, r));
  if (professionalId === meeting.chair_id) throw new ConflictError('The chair cannot be removed from their own meeting.');
  if (!(await store.removeMember(tx, actor.icsId, meetingId, professionalId))) throw new NotFoundError();
  await recordAudit(tx, actor, { action: 'mdt.remove-member', what: `Member removed from ${meeting.title}`, why, details: { meetingId, professionalId } });
}

/**
 * Puts a child on the case list, with the question for the meeting. The
 * member bringing the case must already care for the child, and stays
 * accountable for it. A full or past meeting takes no more cases.
 */
export async function bringCase(tx: Tx, actor: Actor, meetingId: string, raw: unknown, now = new Date()): Promise<string> {
  const input = readCase(raw);
  await store.lockMeeting(tx, actor.icsId, meetingId);
  const { meeting, roles } = await meetingFor(tx, actor, meetingId, (r) => mdtPolicy.viewMeeting(actor, r));
  // Caring for the child is a standing relationship: emergency access, or being on a case list already, is not.
  const rule: ChildRule = (a, relationships) => mdtPolicy.bringCase(a, roles, relationships.some((r) => r.kind !== 'break-glass' && r.kind !== 'mdt-case'));
  const access = await openChild(tx, actor, input.childId, { rule, refused: 'bringing a child to an MDT meeting' });
  if (meeting.status !== 'scheduled' || Date.parse(meeting.starts_at) < now.getTime()) throw new ConflictError('This meeting has already happened or was cancelled: bring the case to the next one.');
  if (meeting.cases >= meeting.max_cases) throw new ConflictError(`This meeting’s case list is full (${meeting.max_cases} children): bring the case to the next one.`);
  if ((await store.cases(tx, actor.icsId, meetingId)).some((c) => c.child_id === input.childId)) throw new ConflictError('This child is already on this meeting’s case list.');
  const id = crypto.randomUUID();
  await store.insertCase(tx, actor, id, meetingId, input);
  await auditChild(tx, access, { action: 'mdt.bring-case', what: `Brought to ${meeting.title} (${input.source})`, details: { meetingId, caseId: id } });
  return id;
}

/** ED attendances in 12 months that put a child on the risk list offered to the chair. */
export const RISK_LIST_ED_ATTENDANCES = 3;

/**
 * Children of the hub the chair might bring: 3 or more emergency department
 * attendances in the last 12 months, not already on this meeting's list.
 * Each child shown is audited.
 */
export async function riskList(tx: Tx, actor: Actor, meetingId: string, today: string) {
  const { meeting, why } = await meetingFor(tx, actor, meetingId, (r) => mdtPolicy.runMeeting(actor, r));
  const listed = new Set((await store.cases(tx, actor.icsId, meetingId)).map((c) => c.child_id));
  const found = (await frequentEdAttenders(tx, actor, { clusterId: meeting.cluster_id, since: addDays(today, -365), min: RISK_LIST_ED_ATTENDANCES, limit: 20 }))
    .filter((f) => !listed.has(f.child_id));
  const names = new Map((await childNames(tx, actor.icsId, found.map((f) => f.child_id))).map((c) => [c.id, c]));
  await auditListedChildren(tx, actor, why, found.map((f) => ({ childId: f.child_id, action: 'mdt.risk-list', what: `Suggested for ${meeting.title}: ${f.attendances} ED attendances in 12 months` })));
  return found.map((f) => ({ ...f, child: names.get(f.child_id)! }));
}

/**
 * Brings a child from the risk list: the list is asked again on the server,
 * for this child, so only a child who is on it (as the chair may see it) is
 * brought, and the question carries the server's count of attendances, not
 * one sent with the form. A child not on the list is refused.
 */
export async function bringFromRiskList(tx: Tx, actor: Actor, meetingId: string, childId: string, today: string, now = new Date()): Promise<string> {
  const { meeting } = await meetingFor(tx, actor, meetingId, (r) => mdtPolicy.runMeeting(actor, r));
  const [found] = await frequentEdAttenders(tx, actor, {
    clusterId: meeting.cluster_id, since: addDays(today, -365), min: RISK_LIST_ED_ATTENDANCES, limit: 1, childId,
  });
  if (!found) {
    throw new ConflictError(`This child is not on the risk list for this meeting’s hub (${RISK_LIST_ED_ATTENDANCES} or more emergency department attendances in the last 12 months): bring them to the meeting with your own question instead.`);
  }
  return bringCase(tx, actor, meetingId, {
    childId, source: 'risk-list', question: `${found.attendances} emergency department attendances in the last 12 months: what would help keep this child well at home?`,
  }, now);
}

/** One case of a meeting, as the meeting rule and the child's own rule (the MDT access window) allow; the why is the child's. */
async function caseFor(tx: Tx, actor: Actor, caseId: string, decide: (r: MeetingRoles) => ReturnType<typeof mdtPolicy.viewMeeting>) {
  const found = await store.caseById(tx, actor.icsId, caseId);
  if (!found || found.status === 'withdrawn') throw new NotFoundError();
  const meeting = await meetingFor(tx, actor, found.meeting_id, decide);
  const rule: ChildRule = (a, relationships) => mdtPolicy.viewCase(a, { allowed: true, why: meeting.why }, relationships);
  const access = await openChild(tx, actor, found.child_id, { rule, refused: 'an MDT case' });
  return { ...meeting, access, c: found };
}

/**
 * A one-page brief on a child for the meeting, drawn from the shared record
 * as this member may see it: conditions, unscheduled care in the last year,
 * the care plan (if shared with their agency) and open actions. Each part is
 * read through its own service, which checks access and audits.
 */
export async function caseBrief(tx: Tx, actor: Actor, caseId: string, today: string, now = new Date(), forOutcome = false) {
  const { meeting, access, c } = await caseFor(tx, actor, caseId, (r) => mdtPolicy.viewMeeting(actor, r));
  const [child] = await childNames(tx, actor.icsId, [c.child_id]);
  // Who the child is, the question and the open actions are read here, whatever parts of the record the member's agency may see.
  await auditChild(tx, access, { action: 'mdt.brief', what: `Brief for ${meeting.title}`, details: { caseId } });
  // Decided here, before the record's door is opened: its refusal would be audited as an attempt the member never made.
  const readsRecord = recordPolicy.viewRecord(actor, access.relationships).allowed;
  const conditions = readsRecord ? (await listEntries(tx, actor, c.child_id, { kinds: ['problem'], status: 'active', limit: 50 })).entries : null;
  const unscheduled = readsRecord ? await listContacts(tx, actor, c.child_id, { types: [...UNSCHEDULED_CONTACTS], from: addDays(today, -365), limit: 10 }) : null;
  const plan = await unlessRefused(() => viewPlan(tx, actor, c.child_id));
  const actions = actionsVisibleTo(actor, await openTasksOfChild(tx, actor.icsId, c.child_id));
  const members = await store.members(tx, actor.icsId, meeting.id);
  return {
    meeting, case: c, child, healthDetail: conditions !== null, conditions: conditions ?? [], unscheduled: unscheduled ?? { contacts: [], total: 0 }, plan, actions,
    outcomeWaits: outcomeWaits(meeting, members, now), attendees: members.filter((m) => m.attended).map((m) => m.professional_id),
    // Recording the outcome offers advice pages for the family, for the child's age today (issue 18).
    adviceOffers: forOutcome ? await adviceOffers(tx, actor, access.relationships, child.date_of_birth, today) : [],
  };
}

/** The brief the outcome form shows, with the advice pages its recorder may send to the family. */
export const outcomeBrief = (tx: Tx, actor: Actor, caseId: string, today: string, now = new Date()) => caseBrief(tx, actor, caseId, today, now, true);

/**
 * A part of a brief that this member's agency may not see (the record's
 * health detail for education and youth justice, a plan not shared with
 * them) is left out, and the brief says so rather than failing. A refusal
 * is decided before anything is read or written.
 */
async function unlessRefused<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ForbiddenError) return null;
    throw error;
  }
}

/** Briefs for the whole case list, in list order: what members read before the meeting. */
export async function meetingBriefs(tx: Tx, actor: Actor, meetingId: string, today: string) {
  const { meeting } = await meetingFor(tx, actor, meetingId, (r) => mdtPolicy.viewMeeting(actor, r));
  const briefs = [];
  for (const c of await store.cases(tx, actor.icsId, meetingId)) briefs.push(await caseBrief(tx, actor, c.id, today));
  return { meeting, briefs };
}

/** When a meeting is held, in words: "13:00 on 6 January 2027" (London time). */
const heldAt = (m: store.MeetingRow) => { const at = londonDateAndTime(m.starts_at); return `${at.time} on ${longDate(at.date)}`; };

/** Why who attended cannot be recorded yet (the meeting has not started, or was cancelled), or null when it can. */
function attendanceWaits(meeting: store.MeetingRow, now: Date): string | null {
  if (meeting.status === 'cancelled') return 'This meeting was cancelled: there is no attendance to record.';
  if (Date.parse(meeting.starts_at) > now.getTime()) return `This meeting has not started yet (it starts at ${heldAt(meeting)}): record who attended once it has.`;
  return null;
}

/**
 * Why a case's discussion (and with it the outcome letter) cannot be recorded
 * yet, or null when it can: the meeting must have happened, with who attended
 * recorded, since the letter names them and goes to each of them.
 */
function outcomeWaits(meeting: store.MeetingRow, members: store.MemberRow[], now: Date): string | null {
  if (meeting.status === 'cancelled') return 'This meeting was cancelled: bring the case to another meeting.';
  if (Date.parse(meeting.starts_at) > now.getTime()) {
    return `This meeting has not happened yet (it starts at ${heldAt(meeting)}): record the discussion and send its letter after the meeting, once who attended is recorded.`;
  }
  if (!members.some((m) => m.attended)) return 'Record who attended the meeting first: the outcome letter names them and goes to each of them.';
  return null;
}

export async function recordAttendance(tx: Tx, actor: Actor, meetingId: string, attended: string[], now = new Date()) {
  const { meeting, why } = await meetingFor(tx, actor, meetingId, (r) => mdtPolicy.runMeeting(actor, r));
  const waits = attendanceWaits(meeting, now);
  if (waits) throw new ConflictError(waits);
  const members = new Set((await store.members(tx, actor.icsId, meetingId)).map((m) => m.professional_id));
  await store.recordAttendance(tx, actor.icsId, meetingId, attended.filter((id) => members.has(id)));
  await recordAudit(tx, actor, { action: 'mdt.attendance', what: `Attendance recorded for ${meeting.title}`, why, details: { meetingId } });
}

/**
 * Records the discussion of one case: summary, decisions, themes and actions
 * (each with an owner and a due date; the professional who brought the case
 * stays accountable). Writes the outcome letter as sent, files it on the case,
 * and puts it on the worklists of everyone who attended and of whoever
 * brought the case. Two people saving at once: the second is refused.
 */
/** `feedbackOrigin` starts the address of the family's one-time feedback link the letter carries (the Friends and Family Test). */
export async function recordOutcome(tx: Tx, actor: Actor, caseId: string, raw: unknown, expectedVersion: unknown, today: string, now = new Date(), feedbackOrigin = '') {
  const input = readOutcome(raw, today);
  const { meeting, access, c } = await caseFor(tx, actor, caseId, (r) => mdtPolicy.runMeeting(actor, r));
  const members = await store.members(tx, actor.icsId, meeting.id);
  const waits = outcomeWaits(meeting, members, now);
  if (waits) throw new ConflictError(waits);
  if (Number(expectedVersion) !== c.version) throw new ConflictError('Someone else recorded this case after you opened it, so nothing of yours was saved.', c.version);
  const attendees = members.filter((m) => m.attended);
  const owners: { kind: 'professional' | 'organisation'; id: string; name: string; role?: string; agency: Agency }[] = [];
  const outsiders: Record<string, string> = {};
  for (const [i, a] of input.actions.entries()) {
    const person = a.ownerKind === 'professional' ? await professionalById(tx, actor.icsId, a.ownerId) : undefined;
    const team = a.ownerKind === 'organisation' ? await teamById(tx, actor.icsId, a.ownerId) : undefined;
    const agency = person ? agencyOf(person.role) : team ? agencyOfTeam(team.kind) : null;
    if (!agency) throw new ValidationError({ [`actions.${i}.ownerId`]: 'Select who will do it from the list' });
    // Someone neither caring for the child nor at the meeting may be given the action, once the chair confirms it.
    if (person && a.confirmOwner !== person.id && !(await knownToChild(tx, actor.icsId, c.child_id, person.id, attendees.map((m) => m.professional_id)))) {
      outsiders[`actions.${i}.confirmOwner`] = confirmOutsider(person.name, 'did not attend this meeting');
    }
    owners.push({ kind: a.ownerKind, id: a.ownerId, name: (person ?? team)!.name, role: person && isRole(person.role) ? ROLES[person.role] : undefined, agency });
  }
  if (Object.keys(outsiders).length) throw new ValidationError(outsiders);
  // Advice pages for the family go through the advice service, as from the child's page; the letter says what was sent.
  const advice = await sendOutcomeAdvice(tx, actor, c.child_id, caseId, (raw ?? {}) as OutcomeAdvice, today);
  const [child] = await childNames(tx, actor.icsId, [c.child_id]);
  const letter = composeLetter({
    childName: `${child.given_name} ${child.family_name}`, dateOfBirth: child.date_of_birth, nhsNumber: child.nhs_number, hub: meeting.cluster_name,
    meetingDate: meeting.starts_at, question: c.question, discussion: input.discussion,
    decisions: advice ? `${input.decisions}\n\nAdvice pages sent to the family: ${advice.titles.join('; ')}.` : input.decisions,
    actions: input.actions.map((a, i) => ({ description: a.description, owner: owners[i].name, ownerRole: owners[i].role, dueOn: a.dueOn })),
    broughtBy: c.brought_by_name, chair: meeting.chair_name, attendees: attendees.map((m) => `${m.name} (${m.organisation_name})`),
  }, await currentTemplate(tx, actor.icsId, 'mdt-outcome'));
  letter.lines.push(...await feedbackLines(tx, access, { serviceKind: 'mdt-outcome', sourceId: caseId, clusterId: meeting.cluster_id, eventDate: londonDateAndTime(meeting.starts_at).date }, feedbackOrigin));
  const themes = [...input.themes, ...(input.otherTheme ? [input.otherTheme] : [])];
  if (!(await store.saveOutcome(tx, actor.icsId, caseId, c.version, { discussion: input.discussion, decisions: input.decisions, themes, letter: letterText(letter) }))) {
    throw new ConflictError('Someone else recorded this case at the same time. Nothing of yours was saved: open it again to see theirs.');
  }
  await createTasks(tx, input.actions.map((a, i) => ({
    access, source: 'mdt' as const, sourceId: caseId, agency: owners[i].agency, description: a.description,
    owner: { kind: owners[i].kind, id: owners[i].id }, accountableProfessionalId: c.brought_by, dueOn: a.dueOn,
  })));
  await fileLetter(tx, actor, c.child_id, letter, { source: 'mdt', sourceId: caseId });
  // The letter is addressed to the GP: unless a GP of the child's practice brought the case or attended, its GPs are told too.
  const practiceGps = await registeredPracticeGps(tx, access);
  const recipients = new Set([...attendees.map((m) => m.professional_id), c.brought_by]);
  if (!practiceGps.some((id) => recipients.has(id))) for (const id of practiceGps) recipients.add(id);
  await addToWorklists(tx, actor.icsId, [...recipients].map((professionalId) => ({
    professionalId, kind: 'mdt-letter', childId: c.child_id, title: `MDT outcome letter: ${meeting.title}`, link: `/mdt/cases/${caseId}/letter`,
  })));
  await auditChild(tx, access, { action: 'mdt.outcome', what: `Discussed at ${meeting.title}; outcome letter sent`, details: { caseId, actions: input.actions.length } });
  return { advice };
}

/** The outcome letter as sent: for the meeting's members during its access window and, as it is filed in the record, for anyone who may read the child's record. */
export async function outcomeLetter(tx: Tx, actor: Actor, caseId: string) {
  const found = await store.caseById(tx, actor.icsId, caseId);
  if (!found?.letter) throw new NotFoundError();
  const meeting = (await store.meetingById(tx, actor, found.meeting_id))!;
  // The meeting's members in its window, else anyone who may read the child's record; the refusal is the MDT's.
  const rule: ChildRule = (a, relationships) => {
    const asMember = mdtPolicy.viewCase(a, mdtPolicy.viewMeeting(a, rolesOf(a, meeting)), relationships);
    if (asMember.allowed) return asMember;
    const record = recordPolicy.viewRecord(a, relationships);
    return record.allowed ? record : asMember;
  };
  await openChild(tx, actor, found.child_id, { rule, refused: 'an MDT outcome letter', audit: { action: 'mdt.read-letter', what: 'MDT outcome letter', details: { caseId } } });
  return { letter: parseLetter(found.letter), sentAt: found.letter_sent_at!, childId: found.child_id };
}

/** Recurring themes across discussed cases in the last year, for the hub's education sessions. */
export function recurringThemes(tx: Tx, actor: Actor, today: string) {
  return store.themeCounts(tx, actor, addDays(today, -365));
}

/**
 * A child's MDT cases with each meeting's members, for the FHIR CareTeam.
 * No check or audit of its own: only for a caller that has checked the actor
 * may see the child and audits the read.
 */
export const caseTeamsOfChild = (tx: Tx, icsId: string, childId: string) => store.caseTeams(tx, icsId, { childId });
/** caseTeamsOfChild for many children at once (a Bulk Data export's chunk), for a caller that opened each child's door. */
export const caseTeamsOfEach = (tx: Tx, icsId: string, childIds: readonly string[]) => store.caseTeams(tx, icsId, { childIds });
export const caseTeam = async (tx: Tx, icsId: string, caseId: string) => (await store.caseTeams(tx, icsId, { caseId }))[0];

/**
 * Where one case stands, for a page that follows it (a referral decided for
 * the MDT): the meeting, whether it was discussed, what was decided and when
 * its letter was sent. No check or audit of its own: only for a caller that
 * has opened the child's door and audits its own page.
 */
export async function caseOutcome(tx: Tx, icsId: string, caseId: string) {
  const c = await store.caseById(tx, icsId, caseId);
  if (!c) return undefined;
  const [meeting] = await store.caseTeams(tx, icsId, { caseId });
  return {
    caseId, status: c.status, meetingTitle: meeting?.title ?? null, meetingStartsAt: meeting?.starts_at ?? null,
    decisions: c.decisions, letterSentAt: c.letter_sent_at, letterHref: c.letter ? `/mdt/cases/${caseId}/letter` : null,
  };
}

/** The next meeting of the hub that still takes cases, for those who bring one (a referral decided for MDT, case finding). */
export const nextOpenMeeting = (tx: Tx, icsId: string, clusterId: string, now: Date) => store.nextOpenMeeting(tx, icsId, clusterId, now);


// The outcome letter, for the generator's demo meetings.
export { composeLetter, letterText } from './letter.js';

/**
 * The hub's next scheduled meeting with room on its case list, as the actor
 * sees it (with whether they chair, lead or sit on it); undefined when there
 * is none. Case finding offers it as where a nomination would go.
 */
export async function nextMeetingWithRoom(tx: Tx, actor: Actor, clusterId: string, now: Date) {
  const next = await store.nextOpenMeeting(tx, actor.icsId, clusterId, now);
  return next && store.meetingById(tx, actor, next.id);
}
