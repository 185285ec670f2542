import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ForbiddenError, ValidationError, ConflictError } from '../platform/http/errors.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { addClient, clientActor } from '../fhir/clients.js';
import { ageInYears, readRegistration, registerChild, saveFlag, saveRelatedPerson } from './registration.js';
import { testNhsNumbers } from '../platform/identity/nhs-number.js';

const kinds = await databaseKinds();
const TODAY = '2026-11-23';
const child = { nhsNumber: '999 000 0018', givenName: 'Ada', familyName: 'Okafor', dateOfBirth: '2015-06-14', sex: 'female' as const };

const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.fields;
    throw e;
  }
  return {};
};

describe('reading a registration from a feed', () => {
  it('counts age in whole years, birthday included', () => {
    expect(ageInYears('2000-11-23', '2026-11-23')).toBe(26);
    expect(ageInYears('2000-11-24', '2026-11-23')).toBe(25);
    expect(ageInYears('2008-02-29', '2026-02-28')).toBe(17);
  });

  it('takes children and young people up to the day before their 26th birthday', () => {
    expect(readRegistration({ ...child, dateOfBirth: '2000-11-24' }, TODAY).dateOfBirth).toBe('2000-11-24');
    expect(fieldsOf(() => readRegistration({ ...child, dateOfBirth: '2000-11-23' }, TODAY)).dateOfBirth).toMatch(/^Out of scope: .*26th birthday/);
  });

  it('normalises the NHS number and refuses a wrong check digit, a future birth or no identifier at all', () => {
    expect(readRegistration(child, TODAY).nhsNumber).toBe('9990000018');
    expect(fieldsOf(() => readRegistration({ ...child, nhsNumber: '9990000019' }, TODAY)).nhsNumber).toMatch(/valid NHS number/);
    expect(fieldsOf(() => readRegistration({ ...child, dateOfBirth: '2026-11-24' }, TODAY)).dateOfBirth).toMatch(/past/);
    expect(fieldsOf(() => readRegistration({ ...child, dateOfBirth: '2015-02-30' }, TODAY)).dateOfBirth).toMatch(/real date/);
    expect(fieldsOf(() => readRegistration({ ...child, nhsNumber: null }, TODAY)).nhsNumber).toMatch(/local identifier/);
    expect(readRegistration({ ...child, nhsNumber: null, localId: 'MRN1' }, TODAY).localId).toBe('MRN1');
    expect(fieldsOf(() => readRegistration({ ...child, givenName: 'A\u0000' }, TODAY)).givenName).toMatch(/hidden/);
  });
});

describe.each(kinds)('registering children from a feed on %s', (kind) => {
  let j: TestJoinery;
  let engine: Actor;
  let practiceFeed: Actor;
  let practiceId: string;
  let otherPractice: string;
  let nhsNumbers: Generator<string>;

  const inIcs = <T>(fn: (tx: Parameters<Parameters<TestJoinery['db']['tenant']>[1]>[0]) => Promise<T>) => j.db.tenant(j.ics.icsId, fn);
  const freshNumber = async () => {
    for (;;) {
      const n = nhsNumbers.next().value as string;
      const used = await rows(j.db.owner, sql`SELECT 1 FROM child WHERE nhs_number = ${n}`);
      if (!used.length) return n;
    }
  };

  beforeAll(async () => {
    j = await startJoinery(kind, 120);
    nhsNumbers = testNhsNumbers(990_000);
    const practices = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM organisation WHERE ics_id = ${j.ics.icsId}::uuid AND kind = 'gp-practice' ORDER BY ods_code LIMIT 2`);
    [practiceId, otherPractice] = practices.map((p) => p.id);
    engine = await inIcs(async (tx) => {
      const c = await addClient(tx, j.ics.icsId, { name: 'Engine', scopes: 'system/*.cruds', organisationId: null });
      return (await clientActor(tx, j.ics.icsId, c.clientId, ['system/*.cruds']))!;
    });
    practiceFeed = await inIcs(async (tx) => {
      const c = await addClient(tx, j.ics.icsId, { name: 'Practice feed', scopes: 'system/*.cruds', organisationId: practiceId });
      return (await clientActor(tx, j.ics.icsId, c.clientId, ['system/*.cruds']))!;
    });
  });
  afterAll(() => j?.close());

  it('creates a child once: the same input again is unchanged, a change is an update, all audited', async () => {
    const nhsNumber = await freshNumber();
    const input = { ...child, nhsNumber, registeredPracticeId: practiceId };
    const first = await inIcs((tx) => registerChild(tx, engine, input, { today: TODAY }));
    expect(first.outcome).toBe('created');
    expect((await inIcs((tx) => registerChild(tx, engine, input, { today: TODAY }))).outcome).toBe('unchanged');
    const moved = await inIcs((tx) => registerChild(tx, engine, { ...input, familyName: 'Okafor-Smith', ethnicCategory: 'N' }, { today: TODAY }));
    expect(moved).toEqual({ childId: first.childId, outcome: 'updated' });
    const [saved] = await rows<{ family_name: string; ethnic_category: string; nhs_number: string }>(j.db.owner, sql`SELECT family_name, ethnic_category, nhs_number FROM child WHERE id = ${first.childId}::uuid`);
    expect(saved).toEqual({ family_name: 'Okafor-Smith', ethnic_category: 'N', nhs_number: nhsNumber });
    const audit = await rows<{ action: string; role: string }>(j.db.owner, sql`SELECT action, role FROM audit_event WHERE child_id = ${first.childId}::uuid ORDER BY id`);
    expect(audit).toEqual([{ action: 'child.register', role: 'system' }, { action: 'child.update-registration', role: 'system' }]);
  });

  it('lets an organisation’s system register only its own patients, and people not at all', async () => {
    const gp = await actorFor(j.db, 'gp@demo.joinery.test');
    const nhsNumber = await freshNumber();
    await expect(inIcs((tx) => registerChild(tx, gp, { ...child, nhsNumber }, { today: TODAY }))).rejects.toThrow(ForbiddenError);
    await expect(inIcs((tx) => registerChild(tx, practiceFeed, { ...child, nhsNumber, registeredPracticeId: otherPractice }, { today: TODAY }))).rejects.toThrow(/only children registered with its own organisation/);
    const own = await inIcs((tx) => registerChild(tx, practiceFeed, { ...child, nhsNumber, registeredPracticeId: practiceId }, { today: TODAY }));
    expect(own.outcome).toBe('created');
  });

  it('refuses to give a child an NHS number that belongs to another', async () => {
    const nhsNumber = await freshNumber();
    const a = await inIcs((tx) => registerChild(tx, engine, { ...child, nhsNumber }, { today: TODAY }));
    const taken = await rows<{ nhs_number: string }>(j.db.owner, sql`SELECT nhs_number FROM child WHERE ics_id = ${j.ics.icsId}::uuid AND id <> ${a.childId}::uuid AND nhs_number IS NOT NULL LIMIT 1`);
    await expect(inIcs((tx) => registerChild(tx, engine, { ...child, nhsNumber: taken[0].nhs_number }, { matchId: a.childId, today: TODAY }))).rejects.toThrow(ConflictError);
  });

  it('records carers and flags once, updating them when the feed changes them', async () => {
    const nhsNumber = await freshNumber();
    const { childId } = await inIcs((tx) => registerChild(tx, engine, { ...child, nhsNumber }, { today: TODAY }));
    const mother = { givenName: 'Grace', familyName: 'Okafor', relationship: 'mother', parentalResponsibility: true, phone: '07700 900123' };
    const made = await inIcs((tx) => saveRelatedPerson(tx, engine, childId, mother));
    expect(made.outcome).toBe('created');
    expect((await inIcs((tx) => saveRelatedPerson(tx, engine, childId, mother))).outcome).toBe('unchanged');
    expect((await inIcs((tx) => saveRelatedPerson(tx, engine, childId, { ...mother, phone: '07700 900999' }))).outcome).toBe('updated');
    await expect(inIcs((tx) => saveRelatedPerson(tx, engine, childId, { ...mother, email: 'not an email' }))).rejects.toThrow(ValidationError);

    const flag = { kind: 'looked-after' as const, startedOn: '2025-01-01' };
    expect((await inIcs((tx) => saveFlag(tx, engine, childId, flag, { today: TODAY }))).outcome).toBe('created');
    expect((await inIcs((tx) => saveFlag(tx, engine, childId, flag, { today: TODAY }))).outcome).toBe('unchanged');
    expect((await inIcs((tx) => saveFlag(tx, engine, childId, { ...flag, endedOn: '2026-01-01' }, { today: TODAY }))).outcome).toBe('updated');
    await expect(inIcs((tx) => saveFlag(tx, engine, childId, { ...flag, endedOn: '2024-01-01' }, { today: TODAY }))).rejects.toThrow(ValidationError);
    // An organisation's system with no relationship to this child changes nothing.
    await expect(inIcs((tx) => saveFlag(tx, practiceFeed, childId, flag, { today: TODAY }))).rejects.toThrow(ForbiddenError);
  });
});
