import { composeLetter, letterText } from '../mdt/service.js';
import { THEMES } from '../mdt/index.js';
import { agencyOf } from '../careplans/index.js';
import type { ChildFacts, TeamMember } from './care-teams.js';
import { isoDate, isoTimestamp } from './dates.js';
import type { Rng } from '../platform/random/seeded.js';
import type { Cluster, Structure } from './structure.js';
import type { BatchWriter } from './writer.js';

/** Meetings every 4 weeks, 6 months back and 3 months ahead, 90 minutes, up to 8 children. */
const EVERY_DAYS = 28;
const BACK = 7;
const AHEAD = 3;
const MAX_CASES = 8;

type Meeting = { id: string; cluster: Cluster; day: number; members: string[]; cases: number; held: boolean };
type Person = { name: string; role: string; org: string };

const QUESTIONS: Record<string, string[]> = {
  asthma: ['Frequent wheeze and days off school: how do we get asthma under control at home and school?', 'Three ED visits with wheeze this winter: what support would help?'],
  complex: ['Many teams involved: who coordinates, and what does the family need most?', 'Several unplanned admissions: can we plan care closer to home?'],
  epilepsy: ['Seizures at school: is the school plan working, and does the family need more support?'],
  diabetes: ['Rising HbA1c and missed clinics: how can we support the family?'],
  other: ['Poor weight gain and feeding worries: what should we try before a hospital referral?', 'Low mood and school refusal: who should lead, and what can the school do?', 'Constipation not settling in primary care: next steps?'],
};
const DISCUSSIONS = [
  'The team heard how things are at home and at school, and what the family have tried so far.',
  'We looked at the recent attendances and the current plan, and heard from the school and the health visitor.',
];
const DECISIONS = ['Manage in the community with a review at the next hub clinic.', 'A joint review in the hub clinic, and a plan shared with the school.', 'Refer on to the specialist service, with the GP kept informed.'];
const ACTIONS: Record<string, string> = {
  'health-visitor': 'Visit at home to review routines and support the family',
  'social-worker': 'Talk with the family about housing and money support',
  'camhs-clinician': 'Offer an assessment appointment',
  gp: 'Review medicines and book a follow-up at the practice',
  paediatrician: 'See the child jointly in the next hub clinic',
};

/**
 * Hub MDT meetings for every hub, with members from health, social care and
 * mental health, and case lists of children from the hub's practices: past
 * meetings with their discussions, letters and actions (some overdue), future
 * ones with children already listed. Draws from streams of its own.
 */
export class MdtGenerator {
  private meetings = new Map<string, Meeting[]>();
  private people = new Map<string, Person>();
  private orgNames = new Map<string, string>();
  private hubNames = new Map<string, string>();

  constructor(private structure: Structure, private today: number, private rng: Rng, private ids: Rng, private writer: BatchWriter) {
    for (const p of structure.rows.professional) this.people.set(p.id as string, { name: p.name as string, role: p.role as string, org: p.organisation_id as string });
    for (const o of structure.rows.organisation) this.orgNames.set(o.id as string, o.name as string);
    for (const h of structure.rows.cluster) this.hubNames.set(h.id as string, h.name as string);
    const icsId = structure.icsId;
    for (const cluster of structure.clusters) {
      const place = cluster.place;
      const members = [cluster.lead, ...cluster.practices.map((p) => rng.pick(p.gps)), rng.pick(cluster.practices[0].healthVisitors), rng.pick(place.socialWorkers), rng.pick(place.camhs)];
      const seriesId = this.ids.uuid();
      const list: Meeting[] = [];
      const first = this.today - BACK * EVERY_DAYS + rng.int(0, EVERY_DAYS - 1);
      for (let day = first; day <= this.today + AHEAD * EVERY_DAYS; day += EVERY_DAYS) {
        const m: Meeting = { id: this.ids.uuid(), cluster, day, members: [...new Set(members)], cases: 0, held: day < this.today };
        list.push(m);
        this.writer.add('mdt_meeting', {
          ics_id: icsId, id: m.id, series_id: seriesId, cluster_id: cluster.id, title: 'Hub MDT meeting', starts_at: isoTimestamp(day, 13 * 60),
          duration_minutes: 90, max_cases: MAX_CASES, venue: this.orgNames.get(rng.pick(cluster.practices).id) ?? 'Practice', chair_id: cluster.lead,
          status: m.held ? 'held' : 'scheduled', notes: null, version: 1, created_at: isoTimestamp(first - 14, 600),
        });
        for (const id of m.members) {
          this.writer.add('mdt_member', { ics_id: icsId, meeting_id: m.id, professional_id: id, invited_by: cluster.lead, invited_at: isoTimestamp(first - 14, 600), removed_at: null, attended: m.held ? rng.chance(0.85) || id === cluster.lead : null });
        }
      }
      this.meetings.set(cluster.id, list);
    }
  }

  /** Puts some children with long-term conditions, complex needs or safeguarding involvement on a hub's case list. */
  child(c: ChildFacts, team: TeamMember[]): void {
    const inv = c.involvement;
    const kind = c.complex ? 'complex' : c.conditions.has('epilepsy') ? 'epilepsy' : c.conditions.has('type-1-diabetes') ? 'diabetes' : c.conditions.has('asthma') ? 'asthma' : 'other';
    const p = c.complex ? 0.25 : kind === 'other' ? (inv.protectionPlan || inv.camhs ? 0.05 : 0.002) : kind === 'asthma' ? 0.015 : 0.08;
    if (!this.rng.chance(p)) return;
    const open = (this.meetings.get(c.practice.cluster.id) ?? []).filter((m) => m.cases < MAX_CASES && m.day >= c.dobDays);
    if (!open.length) return;
    this.bring(c, team, this.rng.pick(open), this.rng.pick(QUESTIONS[kind]), this.rng.chance(0.3) ? 'triage' : 'nomination');
  }

  /**
   * A referral the hub decided to discuss at its MDT, on `day`: the child goes
   * on the case list of the hub's first meeting after it with room, and the
   * case is returned for the referral to point at; null when no meeting (the
   * meetings cover only the last months) has room.
   */
  fromTriage(c: ChildFacts, team: TeamMember[], day: number, question: string): { id: string; day: number; held: boolean } | null {
    const m = (this.meetings.get(c.practice.cluster.id) ?? []).find((x) => x.day > day && x.cases < MAX_CASES);
    if (!m) return null;
    return { id: this.bring(c, team, m, question, 'triage'), day: m.day, held: m.held };
  }

  /** Lists the child at the meeting; a meeting held has their discussion, letter and actions. Returns the case's id. */
  private bring(c: ChildFacts, team: TeamMember[], m: Meeting, question: string, source: 'triage' | 'nomination'): string {
    const rng = this.rng;
    m.cases++;
    const icsId = this.structure.icsId;
    const caseId = this.ids.uuid();
    const broughtBy = rng.pick(c.practice.gps);
    let discussed: Record<string, unknown> = { discussion: null, decisions: null, themes: [], letter: null, letter_sent_at: null };
    if (m.held) {
      const owners = [...new Set([...m.members.filter((id) => ACTIONS[this.people.get(id)!.role]), ...team.map((t) => t.professionalId).filter((id) => ACTIONS[this.people.get(id)?.role ?? ''])])];
      const actions = owners.length ? [rng.pick(owners)].concat(rng.chance(0.4) ? [rng.pick(owners)] : []) : [];
      const discussion = rng.pick(DISCUSSIONS);
      const decisions = rng.pick(DECISIONS);
      const letter = composeLetter({
        childName: c.name, dateOfBirth: isoDate(c.dobDays), nhsNumber: c.nhsNumber, hub: this.hubNames.get(m.cluster.id)!, meetingDate: isoDate(m.day),
        question, discussion, decisions, broughtBy: this.people.get(broughtBy)!.name, chair: this.people.get(m.cluster.lead)!.name, attendees: [],
        actions: [...new Set(actions)].map((id) => ({ description: ACTIONS[this.people.get(id)!.role], owner: this.people.get(id)!.name, dueOn: isoDate(m.day + 42) })),
      });
      discussed = { discussion, decisions, themes: rng.chance(0.8) ? [rng.pick(THEMES)] : [], letter: letterText(letter), letter_sent_at: isoTimestamp(m.day, 16 * 60) };
      const chair = this.people.get(m.cluster.lead)!;
      this.writer.add('record_letter', {
        ics_id: icsId, id: this.ids.uuid(), child_id: c.id, title: letter.title, body: letter, source: 'mdt', source_id: caseId,
        filed_by: m.cluster.lead, filed_by_name: chair.name, filed_by_organisation_id: chair.org, filed_at: isoTimestamp(m.day, 16 * 60),
      });
      for (const id of new Set(actions)) {
        const due = m.day + 42;
        const status = due < this.today ? (rng.chance(0.7) ? 'done' : 'ready') : rng.chance(0.3) ? 'in-progress' : 'ready';
        const taskId = this.ids.uuid();
        const person = this.people.get(id)!;
        this.writer.add('task', {
          ics_id: icsId, id: taskId, child_id: c.id, source: 'mdt', source_id: caseId, agency: agencyOf(person.role) ?? 'health', description: ACTIONS[person.role],
          owner_professional_id: id, owner_organisation_id: null, accountable_professional_id: broughtBy, due_on: isoDate(due), status,
          outcome: status === 'done' ? 'Done; family and GP told.' : null, version: status === 'ready' ? 1 : 2, created_by: m.cluster.lead,
          created_at: isoTimestamp(m.day, 16 * 60), updated_at: isoTimestamp(Math.min(this.today, due), 16 * 60),
        });
        this.writer.add('task_event', { ics_id: icsId, id: this.ids.uuid(), task_id: taskId, from_status: null, to_status: 'ready', note: null, changed_by: m.cluster.lead, changed_by_name: this.people.get(m.cluster.lead)!.name, changed_at: isoTimestamp(m.day, 16 * 60) });
        if (status !== 'ready') {
          this.writer.add('task_event', { ics_id: icsId, id: this.ids.uuid(), task_id: taskId, from_status: 'ready', to_status: status, note: status === 'done' ? 'Done; family and GP told.' : null, changed_by: id, changed_by_name: person.name, changed_at: isoTimestamp(Math.min(this.today, due), 16 * 60) });
        }
      }
    }
    this.writer.add('mdt_case', {
      ics_id: icsId, id: caseId, meeting_id: m.id, child_id: c.id, source, question, brought_by: broughtBy,
      position: m.cases, status: m.held ? 'discussed' : 'listed', ...discussed, version: m.held ? 2 : 1, added_at: isoTimestamp(m.day - rng.int(3, 25), 600),
    });
    return caseId;
  }
}
