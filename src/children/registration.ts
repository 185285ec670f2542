import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { systemPolicy, type Decision } from '../platform/access/policy.js';
import { auditChild, openChild, type ChildAccess, type ChildRule } from '../platform/access/door.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { fieldErrors } from '../platform/http/validate.js';
import { FLAG_KINDS, type FlagKind } from './schema.js';
import { isValidNhsNumber, normaliseNhsNumber } from '../platform/identity/nhs-number.js';
import { ETHNIC_CATEGORIES } from './labels.js';
import { datesBeforeBirth } from '../platform/time/before-birth.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';

/**
 * Children, their carers and their safeguarding flags as a feed (a GP system,
 * the ICS's integration engine) sends them. The same input twice changes
 * nothing: a child is found again by NHS number or by the row the caller
 * matched from the sender's identifier.
 */

/** Joinery is for children and young people: up to the 26th birthday (SEND support runs to 25). */
export const AGE_LIMIT_YEARS = 26;

export type Outcome = 'created' | 'updated' | 'unchanged';

/** No control characters (PostgreSQL refuses NUL; the rest are never meant in a name or a line). */
const noHidden = (v: string) => ![...v].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);
const name = (label: string) =>
  z.string({ error: `Enter the ${label}` }).trim().min(1, `Enter the ${label}`).max(100, `The ${label} must be 100 characters or fewer`)
    .refine(noHidden, `The ${label} must not include hidden characters`);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a full date like 2015-03-27')
  .refine((v) => new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'Enter a real date');
const optionalLine = (max: number) => z.string().trim().max(max).refine(noHidden, 'Must not include hidden characters').nullish();

const registrationShape = z.object({
  nhsNumber: z.string().transform(normaliseNhsNumber).refine(isValidNhsNumber, 'Enter a valid NHS number (10 digits with a correct check digit)').nullish(),
  localId: optionalLine(200),
  givenName: name('given name'),
  familyName: name('family name'),
  dateOfBirth: isoDate,
  sex: z.enum(['male', 'female', 'other', 'unknown'], { error: 'Sex must be male, female, other or unknown' }),
  ethnicCategory: z.string().refine((v) => v in ETHNIC_CATEGORIES, 'Ethnic category must be an NHS ethnic category code (A–Z)').nullish(),
  postcodeDistrict: z.string().trim().toUpperCase().regex(/^[A-Z]{1,2}[0-9][0-9A-Z]?$/, 'Postcode district must be like LS1 or SW1A').nullish(),
  registeredPracticeId: z.guid().nullish(),
});

export type ChildRegistration = z.input<typeof registrationShape>;

/** Age in whole years on a day (both ISO dates). */
export function ageInYears(dateOfBirth: string, today: string): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

/** Checks a registration: shape, a date of birth in the past, and in scope (under 26). */
export function readRegistration(input: unknown, today = new Date().toISOString().slice(0, 10)) {
  const parsed = registrationShape.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const r = parsed.data;
  if (r.dateOfBirth > today) throw new ValidationError({ dateOfBirth: 'Date of birth must be today or in the past' });
  if (ageInYears(r.dateOfBirth, today) >= AGE_LIMIT_YEARS) {
    throw new ValidationError({
      dateOfBirth: `Out of scope: Joinery holds records of children and young people up to their ${AGE_LIMIT_YEARS}th birthday, and this person is ${AGE_LIMIT_YEARS} or over`,
    });
  }
  if (!r.nhsNumber && !r.localId) throw new ValidationError({ nhsNumber: 'Give an NHS number or a local identifier' });
  return r;
}

type ChildRow = {
  id: string; nhs_number: string | null; local_id: string | null; given_name: string; family_name: string; date_of_birth: string; sex: string;
  ethnic_category: string; postcode_district: string | null; registered_practice_id: string | null;
};

const CHILD_COLUMNS = sql`id, nhs_number, local_id, given_name, family_name, date_of_birth, sex, ethnic_category, postcode_district, registered_practice_id`;

async function childById(tx: Tx, icsId: string, id: string) {
  const [found] = await rows<ChildRow>(tx, sql`SELECT ${CHILD_COLUMNS} FROM child WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid`);
  return found;
}

async function childByNhsNumber(tx: Tx, icsId: string, nhsNumber: string) {
  const [found] = await rows<ChildRow>(tx, sql`SELECT ${CHILD_COLUMNS} FROM child WHERE ics_id = ${icsId}::uuid AND nhs_number = ${nhsNumber}`);
  return found;
}

/** A feed may change a child it relates to, unless the record is frozen: the door opened for `what`. */
async function openToChange(tx: Tx, actor: Actor, childId: string, what: string): Promise<ChildAccess> {
  const access = await openChild(tx, actor, childId, { rule: systemPolicy.updateChild, refused: what });
  await refuseChangeWhileFrozen(tx, access, what);
  return access;
}

/**
 * Registers a child from a feed, or brings an existing child's details up to
 * date. `matchId` is the child the caller already knows this is (from the
 * sender's identifier); otherwise the NHS number finds them. A child without an
 * NHS number is kept with the local identifier and stays unverified (no NHS
 * number) until a feed sends one. Details the feed leaves out are kept.
 */
export async function registerChild(
  tx: Tx, actor: Actor, input: ChildRegistration, opts: { matchId?: string; today?: string } = {},
): Promise<{ childId: string; outcome: Outcome }> {
  const r = readRegistration(input, opts.today);
  let existing = opts.matchId ? await childById(tx, actor.icsId, opts.matchId) : undefined;
  if (opts.matchId && !existing) throw new NotFoundError();
  const byNhs = r.nhsNumber ? await childByNhsNumber(tx, actor.icsId, r.nhsNumber) : undefined;
  if (existing && byNhs && byNhs.id !== existing.id) {
    throw new ConflictError('This NHS number already belongs to another child in this ICS.');
  }
  if (existing?.nhs_number && r.nhsNumber && existing.nhs_number !== r.nhsNumber) {
    throw new ConflictError('This child already has a different NHS number.');
  }
  existing ??= byNhs;

  if (!existing) {
    // A child not yet here has no door to open, and no one to audit a refusal against: registering is the system policy's decision alone.
    const rule: ChildRule = (a) => systemPolicy.registerChild(a, r.registeredPracticeId ?? null);
    const decision: Decision = rule(actor, []);
    if (!decision.allowed) throw new ForbiddenError(decision.reason);
    const id = crypto.randomUUID();
    await tx.execute(sql`
      INSERT INTO child (ics_id, id, nhs_number, local_id, given_name, family_name, date_of_birth, sex, ethnic_category, postcode_district, registered_practice_id)
      VALUES (${actor.icsId}::uuid, ${id}::uuid, ${r.nhsNumber ?? null}, ${r.localId ?? null}, ${r.givenName}, ${r.familyName}, ${r.dateOfBirth}::date,
              ${r.sex}, ${r.ethnicCategory ?? 'Z'}, ${r.postcodeDistrict ?? null}, ${r.registeredPracticeId ?? null}::uuid)`);
    // Once the child is here, the door opens on the same decision and audits the registration through it.
    await openChild(tx, actor, id, {
      rule, refused: 'registering a child',
      audit: { action: 'child.register', what: r.nhsNumber ? 'Registered from a feed' : 'Registered from a feed without an NHS number (unverified)' },
    });
    return { childId: id, outcome: 'created' };
  }

  const access = await openToChange(tx, actor, existing.id, 'registration details from a feed');
  const next: ChildRow = {
    ...existing,
    nhs_number: r.nhsNumber ?? existing.nhs_number,
    local_id: r.localId ?? existing.local_id,
    given_name: r.givenName,
    family_name: r.familyName,
    date_of_birth: r.dateOfBirth,
    sex: r.sex,
    ethnic_category: r.ethnicCategory ?? existing.ethnic_category,
    postcode_district: r.postcodeDistrict ?? existing.postcode_district,
    registered_practice_id: r.registeredPracticeId ?? existing.registered_practice_id,
  };
  const changed = (Object.keys(next) as (keyof ChildRow)[]).filter((k) => next[k] !== existing[k]);
  if (changed.length === 0) return { childId: existing.id, outcome: 'unchanged' };
  await tx.execute(sql`
    UPDATE child SET nhs_number = ${next.nhs_number}, local_id = ${next.local_id}, given_name = ${next.given_name}, family_name = ${next.family_name},
           date_of_birth = ${next.date_of_birth}::date, sex = ${next.sex}, ethnic_category = ${next.ethnic_category},
           postcode_district = ${next.postcode_district}, registered_practice_id = ${next.registered_practice_id}::uuid
     WHERE ics_id = ${actor.icsId}::uuid AND id = ${existing.id}::uuid`);
  await auditChild(tx, access, {
    action: 'child.update-registration',
    what: 'Registration details changed by a feed', details: { changed },
  });
  return { childId: existing.id, outcome: 'updated' };
}

const relatedShape = z.object({
  givenName: name('given name'),
  familyName: name('family name'),
  relationship: z.string().trim().min(1, 'Say how this person is related to the child').max(60).refine(noHidden, 'Must not include hidden characters'),
  parentalResponsibility: z.boolean(),
  phone: optionalLine(40),
  email: z.email('Enter an email address like name@example.com').max(200).nullish(),
  address: optionalLine(300),
});
export type RelatedPersonInput = z.input<typeof relatedShape>;

type RelatedRow = {
  id: string; given_name: string; family_name: string; phone: string | null; email: string | null; address: string | null;
  relationship: string; parental_responsibility: boolean;
};

/**
 * Records a parent or carer of a child from a feed. The person is found again
 * by `matchId` (from the sender's identifier) or by name among the child's
 * people, so a second import updates rather than duplicates.
 */
export async function saveRelatedPerson(
  tx: Tx, actor: Actor, childId: string, input: RelatedPersonInput, opts: { matchId?: string } = {},
): Promise<{ relatedPersonId: string; outcome: Outcome }> {
  const parsed = relatedShape.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const p = parsed.data;
  if (!(await childById(tx, actor.icsId, childId))) throw new NotFoundError();
  const access = await openToChange(tx, actor, childId, 'a carer from a feed');
  const [existing] = await rows<RelatedRow>(
    tx,
    sql`SELECT p.id, p.given_name, p.family_name, p.phone, p.email, p.address, r.relationship, r.parental_responsibility
          FROM child_related_person r JOIN related_person p ON p.ics_id = r.ics_id AND p.id = r.related_person_id
         WHERE r.ics_id = ${actor.icsId}::uuid AND r.child_id = ${childId}::uuid
           AND ${opts.matchId ? sql`p.id = ${opts.matchId}::uuid` : sql`lower(p.given_name) = lower(${p.givenName}) AND lower(p.family_name) = lower(${p.familyName})`}
         LIMIT 1`,
  );
  if (!existing) {
    const id = crypto.randomUUID();
    await tx.execute(sql`INSERT INTO related_person (ics_id, id, given_name, family_name, phone, email, address)
      VALUES (${actor.icsId}::uuid, ${id}::uuid, ${p.givenName}, ${p.familyName}, ${p.phone ?? null}, ${p.email ?? null}, ${p.address ?? null})`);
    await tx.execute(sql`INSERT INTO child_related_person (ics_id, child_id, related_person_id, relationship, parental_responsibility)
      VALUES (${actor.icsId}::uuid, ${childId}::uuid, ${id}::uuid, ${p.relationship}, ${p.parentalResponsibility})`);
    await auditChild(tx, access, { action: 'child.add-related-person', what: `Carer added from a feed: ${p.relationship}` });
    return { relatedPersonId: id, outcome: 'created' };
  }
  const same = existing.given_name === p.givenName && existing.family_name === p.familyName && existing.relationship === p.relationship &&
    existing.parental_responsibility === p.parentalResponsibility && existing.phone === (p.phone ?? existing.phone) &&
    existing.email === (p.email ?? existing.email) && existing.address === (p.address ?? existing.address);
  if (same) return { relatedPersonId: existing.id, outcome: 'unchanged' };
  await tx.execute(sql`UPDATE related_person SET given_name = ${p.givenName}, family_name = ${p.familyName}, phone = ${p.phone ?? existing.phone},
      email = ${p.email ?? existing.email}, address = ${p.address ?? existing.address}
      WHERE ics_id = ${actor.icsId}::uuid AND id = ${existing.id}::uuid`);
  await tx.execute(sql`UPDATE child_related_person SET relationship = ${p.relationship}, parental_responsibility = ${p.parentalResponsibility}
      WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid AND related_person_id = ${existing.id}::uuid`);
  await auditChild(tx, access, { action: 'child.update-related-person', what: `Carer details changed by a feed: ${p.relationship}` });
  return { relatedPersonId: existing.id, outcome: 'updated' };
}

const flagShape = z.object({
  kind: z.enum(FLAG_KINDS, { error: `The flag must be one of: ${FLAG_KINDS.join(', ')}` }),
  startedOn: isoDate,
  endedOn: isoDate.nullish(),
  localAuthorityId: z.guid().nullish(),
});
export type FlagInput = z.input<typeof flagShape>;

/**
 * Records a safeguarding or looked-after flag (CP-IS) from a feed. A flag is
 * the same flag when it has the same kind and start date (or `matchId`); a
 * second import may end it.
 */
export async function saveFlag(
  tx: Tx, actor: Actor, childId: string, input: FlagInput, opts: { matchId?: string; today?: string } = {},
): Promise<{ flagId: string; outcome: Outcome }> {
  const parsed = flagShape.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const f = parsed.data;
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  if (f.startedOn > today) throw new ValidationError({ startedOn: 'The flag must start today or in the past' });
  if (f.endedOn && f.endedOn < f.startedOn) throw new ValidationError({ endedOn: 'The flag must end on or after its start' });
  if (!(await childById(tx, actor.icsId, childId))) throw new NotFoundError();
  const access = await openToChange(tx, actor, childId, 'a flag from a feed');
  const beforeBirth = datesBeforeBirth(access.child.date_of_birth, { startedOn: f.startedOn });
  if (Object.keys(beforeBirth).length) throw new ValidationError(beforeBirth);
  const [existing] = await rows<{ id: string; kind: FlagKind; started_on: string; ended_on: string | null; local_authority_id: string | null }>(
    tx,
    sql`SELECT id, kind, started_on, ended_on, local_authority_id FROM child_flag WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid
         AND ${opts.matchId ? sql`id = ${opts.matchId}::uuid` : sql`kind = ${f.kind} AND started_on = ${f.startedOn}::date`} LIMIT 1`,
  );
  if (!existing) {
    const id = crypto.randomUUID();
    await tx.execute(sql`INSERT INTO child_flag (ics_id, id, child_id, kind, local_authority_id, started_on, ended_on)
      VALUES (${actor.icsId}::uuid, ${id}::uuid, ${childId}::uuid, ${f.kind}, ${f.localAuthorityId ?? null}::uuid, ${f.startedOn}::date, ${f.endedOn ?? null}::date)`);
    await auditChild(tx, access, { action: 'child.add-flag', what: `Flag added from a feed: ${f.kind}` });
    return { flagId: id, outcome: 'created' };
  }
  const localAuthority = f.localAuthorityId ?? existing.local_authority_id;
  if (existing.kind === f.kind && existing.started_on === f.startedOn && existing.ended_on === (f.endedOn ?? null) && existing.local_authority_id === localAuthority) {
    return { flagId: existing.id, outcome: 'unchanged' };
  }
  await tx.execute(sql`UPDATE child_flag SET kind = ${f.kind}, started_on = ${f.startedOn}::date, ended_on = ${f.endedOn ?? null}::date,
      local_authority_id = ${localAuthority}::uuid WHERE ics_id = ${actor.icsId}::uuid AND id = ${existing.id}::uuid`);
  await auditChild(tx, access, { action: 'child.update-flag', what: `Flag changed by a feed: ${f.kind}` });
  return { flagId: existing.id, outcome: 'updated' };
}
