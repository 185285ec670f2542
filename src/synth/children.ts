import { careTeam, DemoCaseloads, type ChildFacts } from './care-teams.js';
import { drawConditions, isComplexity } from './conditions.js';
import { consentRows, planConsentRows } from './consent.js';
import { ageOn, earliestBirthUnder, isoDate, isoTimestamp } from './dates.js';
import { addressIn, drawFamilySize, makeAdult, makeFamily, type Family } from './families.js';
import { drawInvolvement } from './flags.js';
import { givenNameGroup } from './ethnicity.js';
import { givenName, surname, type Sex } from './names.js';
import type { NhsNumbers } from './nhs-numbers.js';
import type { Rng } from '../platform/random/seeded.js';
import type { RecordGenerator } from './record.js';
import type { ActivityGenerator } from './activity-events.js';
import type { CarePlanGenerator } from './care-plans.js';
import type { MdtGenerator } from './mdt-meetings.js';
import type { ReferralGenerator } from './referrals.js';
import type { Practice, Structure } from './structure.js';
import type { BatchWriter } from './writer.js';

const MINUTES_A_DAY = 24 * 60;
/** Children generated between turns of the event loop: a few milliseconds' work, so the writes keep the database busy. */
const CHILDREN_A_TURN = 50;

/** Tables written per child, parents first so foreign keys hold batch by batch. */
export const CHILD_TABLES = [
  'child',
  'related_person',
  'child_related_person',
  'child_flag',
  'record_entry',
  'contact',
  'care_team_member',
  'consent_record',
  'care_plan',
  'care_plan_goal',
  'care_plan_version',
  'task',
  'task_event',
  'mdt_meeting',
  'mdt_member',
  'mdt_case',
  'record_letter',
] as const;

export type PopulationInput = {
  structure: Structure;
  todayDays: number;
  rng: Rng;
  ids: Rng;
  nhs: NhsNumbers;
  writer: BatchWriter;
  /** Writes each child's shared record and contacts, from its own random streams. */
  record: RecordGenerator;
  /** Five years of activity events for the population dashboards, from its own random stream. */
  activity: ActivityGenerator;
  /** Writes care plans, their versions and actions, from streams of their own. */
  carePlans: CarePlanGenerator;
  /** Puts some children on hub MDT case lists, with outcomes and actions for past meetings. */
  mdt: MdtGenerator;
  /** Five years of advice requests and referrals to the hub, with clinic bookings, from streams of its own. */
  referrals: ReferralGenerator;
  batch: number;
  onBatch: (done: number) => void;
};

/** Working hours, so audit-looking timestamps look like a working day. */
const workMinute = (rng: Rng) => rng.int(8 * 60 + 30, 17 * 60 + 30);

/**
 * Dates of birth for a household's children: uniform over the 18 years (so
 * ages come out flat and birthdays spread over the year), at least ~9 months
 * apart unless twins.
 */
function siblingBirthDays(rng: Rng, n: number, earliest: number, today: number): number[] {
  const span = today - earliest + 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && rng.chance(0.015)) {
      out.push(out[i - 1]);
      continue;
    }
    let dob = today - Math.floor(rng.next() * span);
    for (let tries = 0; tries < 12 && out.some((d) => Math.abs(d - dob) < 280); tries++) dob = today - Math.floor(rng.next() * span);
    out.push(dob);
  }
  return out;
}

/** Generates every child practice by practice, household by household, writing in batches. */
export async function generateChildren(input: PopulationInput): Promise<void> {
  const { structure, todayDays, rng, ids, nhs, writer } = input;
  const icsId = structure.icsId;
  const earliest = earliestBirthUnder(18, todayDays);
  const caseloads = new DemoCaseloads(structure.demo);
  let done = 0;

  const household = (practice: Practice, size: number) => {
    const family: Family = makeFamily(rng, ids, icsId, practice);
    for (const a of family.adults) writer.add('related_person', a.row);
    for (const dobDays of siblingBirthDays(rng, size, earliest, todayDays)) {
      const id = ids.uuid();
      const age = ageOn(dobDays, todayDays);
      const roll = rng.next();
      const sex: Sex | 'unknown' = roll < 0.0002 ? 'unknown' : roll < 0.5102 ? 'male' : 'female';
      const male = sex === 'male';
      const named: Sex = sex === 'unknown' ? (rng.chance(0.5) ? 'male' : 'female') : sex;
      const school = age < 4 ? null : age <= 10 ? family.primary : family.secondary;
      const decile = family.lsoa.decile;
      const nhsNumber = nhs.next();
      const given = givenName(rng, named, givenNameGroup(rng, family.ethnic, family.nameGroup));
      writer.add('child', {
        ics_id: icsId,
        id,
        nhs_number: nhsNumber,
        given_name: given,
        family_name: family.childSurname,
        date_of_birth: isoDate(dobDays),
        sex,
        ethnic_category: family.ethnic,
        postcode_district: family.lsoa.district,
        lsoa: family.lsoa.code,
        imd_decile: decile,
        registered_practice_id: practice.id,
        school_id: school?.id ?? null,
      });

      const basics = { dobDays, age, decile, male, todayDays };
      const drawn = drawConditions(rng, basics);
      const conditions = new Map(drawn.map((d) => [d.key, d.onsetDays]));
      const involvement = drawInvolvement(rng, basics, conditions.has('autism'));
      for (const f of involvement.flags) {
        writer.add('child_flag', {
          ics_id: icsId,
          id: ids.uuid(),
          child_id: id,
          kind: f.kind,
          local_authority_id: practice.place.socialCareId,
          started_on: isoDate(f.startedDays),
          ended_on: f.endedDays === null ? null : isoDate(f.endedDays),
        });
      }

      const adults = [...family.adults];
      if (involvement.lookedAfter) {
        // Birth parents usually keep parental responsibility (shared with the
        // local authority); the foster carer who looks after the child does not have it.
        const fosterGroup = rng.chance(0.75) ? 'english' : family.nameGroup;
        const foster = makeAdult(rng, ids, {
          icsId,
          given: givenName(rng, rng.chance(0.8) ? 'female' : 'male', fosterGroup, true),
          family: surname(rng, fosterGroup),
          address: addressIn(rng, rng.pick(practice.lsoas)),
          relationship: 'foster carer',
          parentalResponsibility: false,
        });
        writer.add('related_person', foster.row);
        adults.push(foster);
      }
      for (const a of adults) {
        writer.add('child_related_person', { ics_id: icsId, child_id: id, related_person_id: a.id, relationship: a.relationship, parental_responsibility: a.parentalResponsibility });
      }

      const facts: ChildFacts = { ...basics, id, name: `${given} ${family.childSurname}`, nhsNumber, practice, school, conditions, complex: drawn.some((d) => isComplexity(d.key)), involvement };
      const team = careTeam(rng, facts);
      for (const m of team) {
        writer.add('care_team_member', {
          ics_id: icsId,
          id: ids.uuid(),
          child_id: id,
          professional_id: m.professionalId,
          role_in_team: m.roleInTeam,
          started_at: isoTimestamp(m.startedDays, workMinute(rng)),
          ended_at: null,
        });
      }
      caseloads.note(facts, team);
      // The record's contacts of the last year are the child's activity events of that time (docs/decisions/0012).
      const firstEvent = input.activity.columns.length;
      input.activity.child(facts, family.ethnic);
      input.record.child(facts, team, family.ethnic, {
        events: input.activity.columns.attendancesSince(firstEvent, input.record.recordFrom * MINUTES_A_DAY),
        link: (index, contactId) => input.activity.columns.link(index, contactId),
      });
      const planSharing = input.carePlans.child(facts, team);
      input.mdt.child(facts, team);
      input.referrals.child(facts, team);
      const consents = consentRows(rng, ids, icsId, facts, team, adults);
      if (planSharing) consents.push(...planConsentRows(ids, icsId, facts, adults, planSharing, consents));
      for (const row of consents) writer.add('consent_record', row);
    }
  };

  let sinceTurn = 0;
  for (const practice of structure.practices) {
    let left = practice.children;
    while (left > 0) {
      const size = Math.min(left, drawFamilySize(rng));
      household(practice, size);
      left -= size;
      done += size;
      if (writer.buffered('child') >= input.batch) {
        await writer.flush();
        input.onBatch(done);
        sinceTurn = 0;
      } else if ((sinceTurn += size) >= CHILDREN_A_TURN) {
        // The last batch is being written meanwhile, a statement at a time: each answer
        // is read, and the next statement sent, only when generation gives the event loop a turn.
        await new Promise(setImmediate);
        sinceTurn = 0;
      }
    }
  }

  for (const t of caseloads.topUps()) {
    writer.add('care_team_member', {
      ics_id: icsId,
      id: ids.uuid(),
      child_id: t.childId,
      professional_id: t.professionalId,
      role_in_team: t.roleInTeam,
      started_at: isoTimestamp(todayDays - rng.int(30, 400), workMinute(rng)),
      ended_at: null,
    });
  }
  await writer.flush();
  input.onBatch(done);
}
