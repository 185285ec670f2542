import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';
import type { Rng } from '../platform/random/seeded.js';
import { isoDate } from './dates.js';
import type { NhsNumbers } from './nhs-numbers.js';
import { demoParentEmail } from '../family/service.js';

/**
 * Families' own door in the demo ICS (issue 16), after the children are
 * written: every parent and carer gets a date of birth and, while the 999
 * range lasts, a verified NHS number (those given access first); a share of
 * families has proxy access to their children
 * under 16, granted at the registered practice on a birth certificate; a
 * looked-after child has the local authority as corporate parent; a
 * 14-year-old has their own access and a letter kept from their parents; a
 * 15-year-old's review falls next week; a 16-year-old's proxy is suspended.
 * The demo parent and young person of the stand-in NHS login are among them
 * (demoFamilyPeople reads them back).
 */

export type FamilyAccessInput = { icsId: string; todayDays: number; domain: string; nhs: NhsNumbers; rng: Rng; ids: Rng };

const SHARE_WITH_PROXY = 0.15;
/** The demo's 15-year-old turns 16 (their parent's proxy review) within a week of today. */
const REVIEW_IN_DAYS = 6;
const YEAR = 365.25;

type Candidate = { child_id: string; dob: string; person_id: string; relationship: string; gp_id: string; gp_name: string };

/** NHS numbers kept back for the adults added after the parents (corporate parents: one per local authority). */
export const KEPT_FOR_LATER = 1_000;

/** Rows written by table, and how many related people (corporate parents) were added beside the writer's. */
export async function generateFamilyAccess(tx: Tx, input: FamilyAccessInput): Promise<{ counts: Record<string, number>; relatedPeopleAdded: number }> {
  const { icsId, todayDays, rng, ids } = input;
  const today = isoDate(todayDays);

  // Every adult's date of birth, in id order so the same seed gives the same dates; their NHS numbers once we know who is given access.
  const adults = await rows<{ id: string }>(tx, sql`SELECT id FROM related_person WHERE ics_id = ${icsId}::uuid ORDER BY id`);
  const identities: AdultIdentity[] = adults.map((a) => ({ id: a.id, nhs: null, dob: isoDate(todayDays - Math.floor(rng.int(22, 55) * YEAR) - rng.int(0, 364)) }));
  const identityOf = new Map(identities.map((i) => [i.id, i]));

  // Parents with parental responsibility of children under 18, with a GP at the child's practice to have granted it.
  const candidates = await rows<Candidate>(tx, sql`SELECT c.id AS child_id, to_char(c.date_of_birth, 'YYYY-MM-DD') AS dob, crp.related_person_id AS person_id, crp.relationship,
      gp.id AS gp_id, gp.name AS gp_name
    FROM child c
    JOIN child_related_person crp ON crp.ics_id = c.ics_id AND crp.child_id = c.id AND crp.parental_responsibility AND crp.relationship IN ('mother', 'father')
    JOIN LATERAL (SELECT p.id, p.name FROM professional p WHERE p.ics_id = c.ics_id AND p.organisation_id = c.registered_practice_id AND p.role = 'gp'
                   ORDER BY p.id LIMIT 1) gp ON true
   WHERE c.ics_id = ${icsId}::uuid AND c.date_of_birth > ${today}::date - interval '18 years'
   ORDER BY crp.related_person_id, c.id`);
  const age = (dob: string) => Math.floor((todayDays - Date.parse(`${dob}T00:00:00Z`) / 86_400_000) / YEAR);

  const grants: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const grant = (c: Pick<Candidate, 'child_id' | 'gp_id' | 'gp_name'>, g: { kind: string; person: string | null; nhs: string; dob: string; basis: string | null; note: string | null; status?: string; reason?: string }) => {
    const id = ids.uuid();
    const grantedAt = `${isoDate(todayDays - rng.int(30, 700))}T10:00:00Z`;
    const maySee = ['appointments', 'plan', 'letters', 'advice', 'messages'];
    grants.push({
      ics_id: icsId, id, child_id: c.child_id, kind: g.kind, related_person_id: g.person, nhs_number: g.nhs, date_of_birth: g.dob, basis: g.basis,
      evidence_note: g.note, may_see: maySee, granted_by: c.gp_id, granted_by_name: c.gp_name, granted_at: grantedAt, status: g.status ?? 'active',
      status_reason: g.reason ?? null, version: g.status ? 2 : 1,
    });
    events.push({ ics_id: icsId, id: ids.uuid(), grant_id: id, at: grantedAt, by_professional_id: c.gp_id, by_name: c.gp_name, change: 'granted', status: 'active', may_see: maySee, reason: g.note });
    if (g.status) events.push({ ics_id: icsId, id: ids.uuid(), grant_id: id, at: `${today}T06:00:00Z`, by_professional_id: null, by_name: 'Age milestones', change: g.status, status: g.status, may_see: maySee, reason: g.reason });
    return id;
  };
  const proxy = (c: Candidate, extra: { status?: string; reason?: string } = {}) => {
    const { nhs, dob } = identityOf.get(c.person_id)!;
    return grant(c, { kind: 'proxy', person: c.person_id, nhs: nhs!, dob, basis: 'birth-certificate', note: 'Birth certificate seen at the practice', ...extra });
  };

  // A share of families, all their children under 16 at once: a parent with one child and a parent with several.
  const chosenPeople = new Set<string>();
  let lastPerson = '';
  for (const c of candidates) {
    if (c.person_id !== lastPerson && rng.chance(SHARE_WITH_PROXY)) chosenPeople.add(c.person_id);
    lastPerson = c.person_id;
  }
  const underSixteen = candidates.filter((c) => age(c.dob) < 16);
  const used = new Set<string>();
  const pick = (want: (c: Candidate) => boolean) => {
    const found = underSixteen.concat(candidates).find((c) => want(c) && !used.has(c.child_id));
    if (found) used.add(found.child_id);
    return found;
  };

  // The demo's 14-year-old, their own access (competent) and a letter they keep from their parents; their parent is the demo parent.
  const fourteen = pick((c) => age(c.dob) === 14);
  const hidden: Record<string, unknown>[] = [];
  if (fourteen) {
    chosenPeople.add(fourteen.person_id);
    const [teen] = await rows<{ nhs_number: string; given_name: string }>(tx, sql`SELECT nhs_number, given_name FROM child WHERE ics_id = ${icsId}::uuid AND id = ${fourteen.child_id}::uuid`);
    await bulkInsert(tx, 'competence_assessment', [{
      ics_id: icsId, id: ids.uuid(), child_id: fourteen.child_id, decision: 'own-access', framework: 'gillick', outcome: 'competent',
      understood: `${teen.given_name} understood what their own access shows, that their parents also have access, and that they can keep items from them.`,
      assessed_by: fourteen.gp_id, assessed_by_name: fourteen.gp_name, assessed_at: `${isoDate(todayDays - 40)}T11:00:00Z`,
    }]);
    grant(fourteen, { kind: 'own-access', person: null, nhs: teen.nhs_number, dob: fourteen.dob, basis: null, note: null });
    const letterId = ids.uuid();
    const title = 'Letter from the school nurse drop-in';
    await bulkInsert(tx, 'record_letter', [{
      ics_id: icsId, id: letterId, child_id: fourteen.child_id, title, source: 'clinic', filed_by: fourteen.gp_id, filed_by_name: fourteen.gp_name,
      filed_by_organisation_id: (await rows<{ o: string }>(tx, sql`SELECT organisation_id AS o FROM professional WHERE ics_id = ${icsId}::uuid AND id = ${fourteen.gp_id}::uuid`))[0].o,
      filed_at: `${isoDate(todayDays - 20)}T14:00:00Z`,
      body: { title, lines: [{ text: `Dear ${teen.given_name},` }, { text: 'Thank you for coming to the drop-in. As we agreed, come back in two weeks if things are no better.' }] },
    }]);
    hidden.push({ ics_id: icsId, child_id: fourteen.child_id, item_kind: 'letter', item_id: letterId, hidden_at: `${isoDate(todayDays - 19)}T18:00:00Z` });
    await tx.execute(sql`UPDATE related_person SET email = ${demoParentEmail(input.domain)} WHERE ics_id = ${icsId}::uuid AND id = ${fourteen.person_id}::uuid`);
  }

  // The 15-year-old whose 16th birthday (and proxy review) comes soonest.
  const daysToSixteenth = (dob: string) => {
    const [y, m, d] = dob.split('-').map(Number);
    return Date.UTC(y + 16, m - 1, d) / 86_400_000 - todayDays;
  };
  const fifteen = underSixteen
    .filter((c) => !used.has(c.child_id) && daysToSixteenth(c.dob) >= 1)
    .reduce<Candidate | undefined>((soonest, c) => (!soonest || daysToSixteenth(c.dob) < daysToSixteenth(soonest.dob) ? c : soonest), undefined);
  if (fifteen) {
    used.add(fifteen.child_id);
    chosenPeople.add(fifteen.person_id);
    // In a small ICS no 16th birthday may fall next week: then this one child is made that few weeks older, so the demo always
    // has a review due next week. Older, never younger, so nothing recorded of them comes before their birth.
    const late = daysToSixteenth(fifteen.dob) - REVIEW_IN_DAYS;
    if (late > 0) {
      const [y, m, d] = fifteen.dob.split('-').map(Number);
      fifteen.dob = isoDate(Date.UTC(y, m - 1, d) / 86_400_000 - late);
      await tx.execute(sql`UPDATE child SET date_of_birth = ${fifteen.dob}::date WHERE ics_id = ${icsId}::uuid AND id = ${fifteen.child_id}::uuid`);
    }
  }
  // A 16-year-old whose parent's proxy was suspended at 16.
  const sixteen = pick((c) => age(c.dob) === 16);
  await giveNhsNumbers(tx, input, identities, new Set([...chosenPeople, ...(sixteen ? [sixteen.person_id] : [])]));
  if (sixteen) proxy(sixteen, { status: 'suspended', reason: 'Turned 16: paused until the young person agrees to it' });

  for (const c of underSixteen) if (chosenPeople.has(c.person_id) && c.child_id !== sixteen?.child_id) proxy(c);

  const corporate = await corporateParents(tx, input, grant);
  await bulkInsert(tx, 'family_access_grant', grants);
  await bulkInsert(tx, 'family_access_event', events);
  await bulkInsert(tx, 'family_hidden_item', hidden);
  const reviews = await reviewedAtThirteen(tx, input);
  return {
    counts: {
      family_access_grant: grants.length, family_access_event: events.length, family_hidden_item: hidden.length, competence_assessment: fourteen ? 1 : 0,
      family_access_review: reviews,
    },
    relatedPeopleAdded: corporate,
  };
}

type AdultIdentity = { id: string; nhs: string | null; dob: string };

/** Sets each adult's NHS number: those given access, then the others in order while the range lasts (KEPT_FOR_LATER kept back). */
export function numberAdults(identities: AdultIdentity[], givenAccess: Set<string>, nhs: NhsNumbers): void {
  if (nhs.left - KEPT_FOR_LATER < givenAccess.size) {
    throw new Error(`the 999 test range has ${nhs.left} NHS numbers left, too few for the ${givenAccess.size} parents given access: generate fewer children in this ICS`);
  }
  for (const identity of identities) if (givenAccess.has(identity.id)) identity.nhs = nhs.next();
  for (const identity of identities) if (!identity.nhs && nhs.left > KEPT_FOR_LATER) identity.nhs = nhs.next();
}

/**
 * Adults' verified NHS numbers: first those given access (NHS login is matched
 * against them), then every other adult while the 999 test range lasts. The
 * range holds about 909,000 numbers, so a large ICS's children and parents
 * outnumber it: its other adults have none recorded, as an adult's number is
 * often not in a child's record. Written with the dates of birth.
 */
async function giveNhsNumbers(tx: Tx, input: FamilyAccessInput, identities: AdultIdentity[], givenAccess: Set<string>) {
  numberAdults(identities, givenAccess, input.nhs);
  for (let i = 0; i < identities.length; i += 5000) {
    await tx.execute(sql`UPDATE related_person rp SET nhs_number = v.nhs, date_of_birth = v.dob
      FROM json_to_recordset(${JSON.stringify(identities.slice(i, i + 5000))}::json) AS v(id uuid, nhs text, dob date)
     WHERE rp.ics_id = ${input.icsId}::uuid AND rp.id = v.id`);
  }
}

/** A looked-after child (or two) with the local authority as corporate parent, granted by their social worker. */
async function corporateParents(tx: Tx, input: FamilyAccessInput, grant: (c: { child_id: string; gp_id: string; gp_name: string }, g: { kind: string; person: string | null; nhs: string; dob: string; basis: string; note: string }) => string) {
  const { icsId, todayDays, ids } = input;
  const lookedAfter = await rows<{ child_id: string; la_id: string; la_name: string; sw_id: string; sw_name: string }>(tx, sql`SELECT DISTINCT ON (f.local_authority_id)
      f.child_id, f.local_authority_id AS la_id, o.name AS la_name, sw.id AS sw_id, sw.name AS sw_name
    FROM child_flag f JOIN organisation o ON o.ics_id = f.ics_id AND o.id = f.local_authority_id
    JOIN LATERAL (SELECT p.id, p.name FROM professional p WHERE p.ics_id = f.ics_id AND p.organisation_id = f.local_authority_id AND p.role = 'social-worker'
                   ORDER BY p.id LIMIT 1) sw ON true
   WHERE f.ics_id = ${icsId}::uuid AND f.kind = 'looked-after' AND f.ended_on IS NULL
   ORDER BY f.local_authority_id, f.child_id`);
  for (const la of lookedAfter) {
    const person = ids.uuid();
    const nhs = input.nhs.next();
    const dob = isoDate(todayDays - Math.floor(41 * YEAR));
    await bulkInsert(tx, 'related_person', [{ ics_id: icsId, id: person, given_name: 'Robin', family_name: 'Ashworth', address: la.la_name, nhs_number: nhs, date_of_birth: dob }]);
    await bulkInsert(tx, 'child_related_person', [{ ics_id: icsId, child_id: la.child_id, related_person_id: person, relationship: 'corporate parent (local authority)', parental_responsibility: true }]);
    grant({ child_id: la.child_id, gp_id: la.sw_id, gp_name: la.sw_name }, { kind: 'proxy', person, nhs, dob, basis: 'corporate-parent', note: `Care order: ${la.la_name} is corporate parent` });
  }
  return lookedAfter.length;
}

/**
 * Proxies of 13- to 15-year-olds granted before the 13th birthday were
 * reviewed then with the young person's view (the demo ICS keeps the
 * default review age), so the door and the age milestones job leave them be.
 */
async function reviewedAtThirteen(tx: Tx, input: FamilyAccessInput): Promise<number> {
  const { icsId, todayDays, ids } = input;
  const due = await rows<{ grant_id: string; child_id: string; by: string; by_name: string; at: string; given_name: string }>(tx, sql`SELECT g.id AS grant_id, g.child_id,
      g.granted_by AS by, g.granted_by_name AS by_name, c.given_name,
      to_char(greatest(g.granted_at, (c.date_of_birth + interval '13 years')::timestamp + interval '10 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at
    FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
   WHERE g.ics_id = ${icsId}::uuid AND g.kind = 'proxy'
     AND extract(year FROM age(${isoDate(todayDays)}::date, c.date_of_birth)) BETWEEN 13 AND 15
     AND extract(year FROM age(g.granted_at::date, c.date_of_birth)) < 13
   ORDER BY g.id`);
  await bulkInsert(tx, 'family_access_review', due.map((r) => ({
    ics_id: icsId, id: ids.uuid(), grant_id: r.grant_id, child_id: r.child_id, milestone: 'review', basis: 'young-persons-view',
    note: `${r.given_name} is happy for their parent to keep seeing appointments and letters.`, recorded_by: r.by, recorded_by_name: r.by_name, recorded_at: r.at,
  })));
  return due.length;
}
