import type { Role } from '../platform/access/roles.js';
import type { ChildBasics } from './conditions.js';
import type { Involvement } from './flags.js';
import type { DemoUser } from './professionals.js';
import type { Rng } from '../platform/random/seeded.js';
import type { Practice, School } from './structure.js';

export type ChildFacts = ChildBasics & {
  id: string;
  /** Given and family name, and NHS number: for generated letters that name the child. */
  name: string;
  nhsNumber: string;
  practice: Practice;
  school: School | null;
  /** Condition key → onset day. */
  conditions: Map<string, number>;
  complex: boolean;
  involvement: Involvement;
};

export type TeamMember = { professionalId: string; role: Role; roleInTeam: string; startedDays: number };

const between = (rng: Rng, from: number, to: number) => (to <= from ? to : from + Math.floor(rng.next() * (to - from + 1)));

/**
 * Who is in a child's care team, from their conditions and involvement. GPs
 * and practice nurses are left out: registration already relates them to the
 * child (platform/access/relationship.ts), as does hub leadership.
 */
export function careTeam(rng: Rng, c: ChildFacts): TeamMember[] {
  const team: TeamMember[] = [];
  const { practice, conditions: cond } = c;
  const place = practice.place;
  const add = (professionalId: string, role: Role, roleInTeam: string, startedDays: number) =>
    team.push({ professionalId, role, roleInTeam, startedDays: Math.min(c.todayDays, Math.max(c.dobDays, startedDays)) });
  const sinceOnset = (keys: string[]) => {
    const onsets = keys.filter((k) => cond.has(k)).map((k) => cond.get(k)!);
    return between(rng, Math.max(c.dobDays, ...onsets, c.todayDays - 5 * 365), c.todayDays);
  };

  // Every under-five has a health visitor from the new-birth visit (~day 12).
  if (c.age < 5) add(rng.pick(practice.healthVisitors), 'health-visitor', 'Health visitor', c.dobDays + 12);

  const diabetes = cond.has('type-1-diabetes') || cond.has('type-2-diabetes');
  const epilepsy = cond.has('epilepsy');
  if (epilepsy || diabetes || c.complex) {
    // The hub lead takes most of the hub's complex children; colleagues the rest.
    const lead = rng.chance(0.6);
    const id = lead ? practice.cluster.lead : rng.pick(place.paediatricians);
    add(id, 'paediatrician', id === practice.cluster.lead ? 'Hub lead paediatrician' : 'Consultant paediatrician',
      sinceOnset(['epilepsy', 'type-1-diabetes', 'type-2-diabetes']));
  }
  if (c.complex || (cond.has('type-1-diabetes') && rng.chance(0.4)) || (epilepsy && rng.chance(0.25))) {
    add(rng.pick(place.careCoordinators), 'care-coordinator', 'Care coordinator', sinceOnset(['type-1-diabetes', 'epilepsy']));
  }
  if (c.school) {
    const needsPlan = diabetes || epilepsy || c.complex || (cond.has('asthma') && rng.chance(0.5));
    if (needsPlan) add(c.school.nurse, 'school-nurse', 'School nurse (health care plan)', sinceOnset(['asthma', 'epilepsy', 'type-1-diabetes']));
    if (cond.has('ehc-plan')) add(c.school.senco, 'senco', 'SENCO (EHC plan)', sinceOnset(['ehc-plan']));
  }
  const inv = c.involvement;
  if (inv.camhs) add(rng.pick(place.camhs), 'camhs-clinician', 'CAMHS clinician', between(rng, c.todayDays - 540, c.todayDays - 7));
  if (inv.lookedAfter || inv.protectionPlan) {
    const flag = inv.flags.find((f) => f.endedDays === null && f.kind !== 'young-carer');
    add(rng.pick(place.socialWorkers), 'social-worker', 'Allocated social worker', flag?.startedDays ?? c.todayDays - 30);
  }
  if (inv.youthJustice) add(rng.pick(place.youthJusticeWorkers), 'youth-justice-worker', 'Youth justice case worker', between(rng, c.todayDays - 400, c.todayDays - 7));
  if (inv.youngCarer) add(rng.pick(place.youngCarerWorkers), 'care-coordinator', "Young carers' support worker", between(rng, c.todayDays - 700, c.todayDays - 7));
  return team;
}

/** Which children a demo user could plausibly hold, if chance gave them none. */
const IN_PATCH: Partial<Record<Role, (c: ChildFacts, me: DemoUser) => boolean>> = {
  // A hub lead also sees children with other long-term conditions in joint clinics.
  paediatrician: (c, me) => c.practice.cluster.lead === me.id && c.conditions.size > 0,
  'care-coordinator': (c) => c.practice.place.index === 0 && c.conditions.size > 0,
  'health-visitor': (c, me) => c.age < 5 && c.practice.healthVisitors.includes(me.id),
  'school-nurse': (c, me) => c.school?.nurse === me.id,
  senco: (c, me) => c.school?.senco === me.id,
  'camhs-clinician': (c) => c.practice.place.index === 0 && c.age >= 11,
  'social-worker': (c) => c.practice.place.index === 0,
  'youth-justice-worker': (c) => c.practice.place.index === 0 && c.age >= 10,
};

const DEMO_ROLE_IN_TEAM: Partial<Record<Role, string>> = {
  paediatrician: 'Hub lead paediatrician',
  'care-coordinator': 'Care coordinator',
  'health-visitor': 'Health visitor',
  'school-nurse': 'School nurse (health care plan)',
  senco: 'SENCO (EHC plan)',
  'camhs-clinician': 'CAMHS clinician',
  // Without a plan or care order, a social worker's case is a child in need.
  'social-worker': 'Allocated social worker (child in need)',
  'youth-justice-worker': 'Youth justice case worker',
};

/**
 * Makes sure every caring demo user has someone on their caseload. At demo
 * sizes chance does this alone; in a small test ICS a rare caseload (youth
 * justice, say) can come up empty, and then the first few children in the
 * demo user's patch are added.
 */
export class DemoCaseloads {
  private held = new Map<string, number>();
  private reserve = new Map<Role, string[]>();

  constructor(private demo: Map<Role, DemoUser>) {
    for (const u of demo.values()) if (IN_PATCH[u.role]) this.held.set(u.id, 0);
  }

  note(c: ChildFacts, team: TeamMember[]): void {
    for (const m of team) {
      const n = this.held.get(m.professionalId);
      if (n !== undefined) this.held.set(m.professionalId, n + 1);
    }
    for (const [role, inPatch] of Object.entries(IN_PATCH) as [Role, NonNullable<(typeof IN_PATCH)[Role]>][]) {
      const me = this.demo.get(role);
      if (!me) continue;
      const list = this.reserve.get(role) ?? [];
      if (list.length < 3 && inPatch(c, me) && !team.some((m) => m.professionalId === me.id)) {
        list.push(c.id);
        this.reserve.set(role, list);
      }
    }
  }

  /** Care-team entries still needed: (child, demo user) pairs for empty caseloads. */
  topUps(): { childId: string; professionalId: string; roleInTeam: string }[] {
    const out: { childId: string; professionalId: string; roleInTeam: string }[] = [];
    for (const u of this.demo.values()) {
      if (this.held.get(u.id) !== 0) continue;
      for (const childId of this.reserve.get(u.role) ?? []) out.push({ childId, professionalId: u.id, roleInTeam: DEMO_ROLE_IN_TEAM[u.role]! });
    }
    return out;
  }
}
