import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/client.js';
import type { Actor } from './actor.js';
import { auditChild, auditEachChild, checkedAccess, openChild, openChildReading, openEachChild, type ChildAccess, type ChildRead } from './door.js';
import { legitimateRelationships, legitimateRelationshipsOfEach, type Relationship } from './relationship.js';
import { policy } from './policy.js';
import { RefusedAccess } from './refused-access.js';
import { NotFoundError } from '../http/errors.js';
import { grantBreakGlass } from '../../children/store.js';
import { databaseKinds } from '../../../test/database.js';
import { startJoinery, type TestJoinery } from '../../../test/joinery.js';
import { actorFor } from '../../../test/actors.js';

const kinds = await databaseKinds();

type Audit = { professional_id: string; role: string; child_id: string; action: string; what: string; why: string | null; details: Record<string, unknown> | null };

/**
 * The door (door.ts) for every child-scoped read or change: a missing child
 * is not found; no relationship is a refusal whose audit commits while the
 * rest of the transaction is rolled back; an allowed opening is audited with
 * its why; the decision it hands out works only in its own transaction.
 */
describe.each(kinds)('the door to a child’s data (%s)', (kind) => {
  let j: TestJoinery;
  let gp: Actor;
  let analyst: Actor;
  let mine: string;
  let stranger: string;
  let otherIcsChild: string;
  let practiceName: string;

  const as = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => j.db.tenant(actor.icsId, fn);
  const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
  const auditOf = (childId: string) => rows<Audit>(j.db.owner, sql`SELECT professional_id, role, child_id, action, what, why, details
    FROM audit_event WHERE child_id = ${childId}::uuid ORDER BY at, id`);
  const summary = { rule: policy.viewChildSummary, refused: 'child summary' };

  beforeAll(async () => {
    j = await startJoinery(kind);
    [gp, analyst] = await Promise.all(['gp', 'ics-analyst'].map((r) => actorFor(j.db, `${r}@demo.joinery.test`)));
    [{ id: mine, practice_name: practiceName }] = await rows<{ id: string; practice_name: string }>(j.db.owner, sql`SELECT c.id, o.name AS practice_name
      FROM child c JOIN organisation o ON o.id = c.registered_practice_id WHERE c.registered_practice_id = ${gp.organisationId}::uuid ORDER BY c.id LIMIT 1`);
    const others = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE ics_id = ${gp.icsId}::uuid
      AND registered_practice_id <> ${gp.organisationId}::uuid ORDER BY id LIMIT 40`);
    for (const { id } of others) {
      if ((await as(gp, (tx) => legitimateRelationships(tx, gp, id))).length === 0) {
        stranger = id;
        break;
      }
    }
    expect(stranger).toBeDefined();
    [{ id: otherIcsChild }] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE ics_id = ${j.other.icsId}::uuid LIMIT 1`);
  });
  afterAll(() => j?.close());

  it('a child who is not in this ICS, or not at all, is not found, and nothing is audited', async () => {
    for (const childId of [otherIcsChild, crypto.randomUUID()]) {
      expect(await errorOf(as(gp, (tx) => openChild(tx, gp, childId, summary)))).toBeInstanceOf(NotFoundError);
      expect(await auditOf(childId)).toEqual([]);
    }
  });

  it('without a relationship: an audited refusal that commits, while what the transaction wrote before it is rolled back', async () => {
    const before = (await auditOf(stranger)).length;
    const teamPlace = crypto.randomUUID();
    const refused = await errorOf(as(gp, async (tx) => {
      // An earlier write in the same transaction: a care team place for someone else's child, made before the door refused.
      await tx.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
        VALUES (${gp.icsId}::uuid, ${teamPlace}::uuid, ${mine}::uuid, ${analyst.professionalId}::uuid, 'Written before the refusal')`);
      return openChild(tx, gp, stranger, summary);
    }));
    expect(refused).toBeInstanceOf(RefusedAccess);
    expect(refused).toMatchObject({ status: 403, childId: stranger, canBreakGlass: true, message: 'You do not have a care relationship with this child.' });
    expect((await auditOf(stranger)).slice(before)).toEqual([{
      professional_id: gp.professionalId, role: 'gp', child_id: stranger, action: 'child.access-refused',
      what: 'Refused: child summary', why: 'You do not have a care relationship with this child.', details: null,
    }]);
    expect(await rows(j.db.owner, sql`SELECT id FROM care_team_member WHERE id = ${teamPlace}::uuid`)).toEqual([]);
  });

  it('a role that may not take emergency access is refused without the offer', async () => {
    const refused = await errorOf(as(analyst, (tx) => openChild(tx, analyst, mine, summary)));
    expect(refused).toMatchObject({ childId: mine, canBreakGlass: false, message: 'Your role does not give access to children’s records.' });
    const [last] = (await auditOf(mine)).slice(-1);
    expect(last).toMatchObject({ professional_id: analyst.professionalId, action: 'child.access-refused', what: 'Refused: child summary' });
  });

  it('a refusal offers emergency access only where taking it would let the rule through, and is audited alike', async () => {
    const before = (await auditOf(stranger)).length;
    // A rule emergency access does not meet (as bringing a child one cares for to an MDT meeting): offering it would help no one.
    const caring = {
      rule: (_a: Actor, relationships: { kind: string }[]) => (relationships.some((r) => r.kind !== 'break-glass')
        ? { allowed: true as const, why: 'cares for the child' } : { allowed: false as const, reason: 'Only for a child you care for.' }),
      refused: 'something only for a child one cares for',
    };
    const refused = await errorOf(as(gp, (tx) => openChild(tx, gp, stranger, caring)));
    expect(refused).toBeInstanceOf(RefusedAccess);
    expect(refused).toMatchObject({ childId: stranger, canBreakGlass: false, message: 'Only for a child you care for.' });
    expect((await auditOf(stranger)).slice(before)).toEqual([{
      professional_id: gp.professionalId, role: 'gp', child_id: stranger, action: 'child.access-refused',
      what: 'Refused: something only for a child one cares for', why: 'Only for a child you care for.', details: null,
    }]);
    // The summary's rule is met by emergency access, so the same GP is offered it there.
    expect(await errorOf(as(gp, (tx) => openChild(tx, gp, stranger, summary)))).toMatchObject({ canBreakGlass: true });
  });

  it('the relationships of a short list of children, read at once, are each child’s as read alone, strongest first', async () => {
    const paediatrician = await actorFor(j.db, 'paediatrician@demo.joinery.test');
    const listed = [mine, stranger, ...(await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE ics_id = ${gp.icsId}::uuid ORDER BY id DESC LIMIT 30`)).map((c) => c.id)];
    for (const actor of [gp, paediatrician, analyst]) {
      const each = await as(actor, (tx) => legitimateRelationshipsOfEach(tx, actor, listed));
      const alone = new Map<string, Relationship[]>();
      for (const id of listed) alone.set(id, await as(actor, (tx) => legitimateRelationships(tx, actor, id)));
      expect(each).toEqual(alone);
    }
    const ofGp = await as(gp, (tx) => legitimateRelationshipsOfEach(tx, gp, [mine, stranger]));
    expect(ofGp.get(mine)![0]).toEqual({ kind: 'registered-practice', detail: practiceName });
    expect(ofGp.get(stranger)).toEqual([]);
  });

  it('a batch opens each child as openChild would: allowed, refused (with or without the emergency offer), further refused, or not found; each refusal audited, and each allowed child audited with its own why', async () => {
    const missing = crypto.randomUUID();
    const [frozenForTest] = (await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE registered_practice_id = ${gp.organisationId}::uuid
      AND id <> ${mine}::uuid ORDER BY id LIMIT 1`)).map((c) => c.id);
    const before = { mine: (await auditOf(mine)).length, stranger: (await auditOf(stranger)).length, frozen: (await auditOf(frozenForTest)).length };
    const answers = await as(gp, async (tx) => {
      const each = await openEachChild(tx, gp, [mine, stranger, missing, otherIcsChild, frozenForTest, mine], {
        ...summary, furtherRefusals: async (allowed) => new Map(allowed.filter((id) => id === frozenForTest).map((id) => [id, 'The record is frozen (test)'])),
      });
      const opened = each.get(mine) as ChildAccess;
      await auditEachChild(tx, [{ access: opened, entry: { action: 'test.batch-read', what: 'Batch read', details: { n: 1 } } }]);
      return each;
    });
    // One answer per child asked about, however often it was named.
    expect([...answers.keys()].sort()).toEqual([mine, stranger, missing, otherIcsChild, frozenForTest].sort());
    expect(answers.get(mine)).toMatchObject({ actor: gp, childId: mine, why: `Registered practice: ${practiceName}`, child: { id: mine } });
    expect(answers.get(stranger)).toBeInstanceOf(RefusedAccess);
    expect(answers.get(stranger)).toMatchObject({ childId: stranger, canBreakGlass: true });
    expect(answers.get(frozenForTest)).toMatchObject({ childId: frozenForTest, canBreakGlass: false, message: 'The record is frozen (test)' });
    expect(answers.get(missing)).toBeInstanceOf(NotFoundError);
    expect(answers.get(otherIcsChild)).toBeInstanceOf(NotFoundError);
    expect((await auditOf(stranger)).slice(before.stranger)).toEqual([{
      professional_id: gp.professionalId, role: 'gp', child_id: stranger, action: 'child.access-refused', what: 'Refused: child summary',
      why: 'You do not have a care relationship with this child.', details: null,
    }]);
    expect((await auditOf(frozenForTest)).slice(before.frozen).map((a) => [a.action, a.why])).toEqual([['child.access-refused', 'The record is frozen (test)']]);
    expect((await auditOf(mine)).slice(before.mine)).toEqual([{
      professional_id: gp.professionalId, role: 'gp', child_id: mine, action: 'test.batch-read', what: 'Batch read',
      why: `Registered practice: ${practiceName}`, details: { n: 1 },
    }]);
    expect(await auditOf(missing)).toEqual([]);
    // The batch's accesses are good only in their own transaction, as openChild's are.
    const stale = answers.get(mine) as ChildAccess;
    expect((await errorOf(as(gp, (tx) => auditEachChild(tx, [{ access: stale, entry: { action: 'test.forged', what: 'Forged' } }])))) as Error)
      .toHaveProperty('message', 'A child access decision is good only in the transaction that made it.');
  });

  it('a refusal caught inside the transaction keeps its audit with what the transaction goes on to write', async () => {
    const before = (await auditOf(stranger)).length;
    await as(gp, async (tx) => {
      expect(await errorOf(openChild(tx, gp, stranger, summary))).toBeInstanceOf(RefusedAccess);
      const access = await openChild(tx, gp, mine, { ...summary, audit: { action: 'test.after-a-refusal', what: 'Read after a caught refusal' } });
      expect(access.childId).toBe(mine);
    });
    expect((await auditOf(stranger)).slice(before).map((a) => [a.action, a.what])).toEqual([['child.access-refused', 'Refused: child summary']]);
    expect((await auditOf(mine)).slice(-1)[0]).toMatchObject({ action: 'test.after-a-refusal', professional_id: gp.professionalId });
  });

  it('allowed: the audit row names who, what, and why (the strongest relationship); the decision carries the child and relationships', async () => {
    const before = (await auditOf(mine)).length;
    const access = await as(gp, (tx) => openChild(tx, gp, mine, { ...summary, audit: { action: 'child.view-summary', what: 'Child summary', details: { test: true } } }));
    expect(access).toMatchObject({ actor: gp, childId: mine, why: `Registered practice: ${practiceName}`, child: { id: mine } });
    expect(access.relationships[0]).toEqual({ kind: 'registered-practice', detail: practiceName });
    expect(Object.isFrozen(access)).toBe(true);
    expect((await auditOf(mine)).slice(before)).toEqual([{
      professional_id: gp.professionalId, role: 'gp', child_id: mine, action: 'child.view-summary', what: 'Child summary',
      why: `Registered practice: ${practiceName}`, details: { test: true },
    }]);
  });

  it('a read asked with the door comes back only when the door opens: the child’s own row, audited as openChild audits; a refusal gives nothing back, and a missing child is not found', async () => {
    // What a capability reads with the door's question: the child's name, from the child's own row (null when none).
    const nameRead: ChildRead = (icsId, childId) => sql`SELECT json_build_object('id', c.id, 'family', c.family_name) FROM child c WHERE c.ics_id = ${icsId}::uuid AND c.id = ${childId}`;
    const [{ family_name: family }] = await rows<{ family_name: string }>(j.db.owner, sql`SELECT family_name FROM child WHERE id = ${mine}::uuid`);
    const before = (await auditOf(mine)).length;
    const opened = await as(gp, (tx) => openChildReading<{ id: string; family: string }>(tx, gp, mine, { ...summary, audit: { action: 'child.view-summary', what: 'Child summary (read with the door)' } }, nameRead));
    expect(opened.found).toEqual({ id: mine, family });
    expect(opened.access).toMatchObject({ childId: mine, why: `Registered practice: ${practiceName}` });
    expect((await auditOf(mine)).slice(before).map((a) => [a.action, a.what, a.why])).toEqual([['child.view-summary', 'Child summary (read with the door)', `Registered practice: ${practiceName}`]]);

    const refusedBefore = (await auditOf(stranger)).length;
    let leaked: unknown;
    const refused = await errorOf(as(gp, async (tx) => { leaked = await openChildReading(tx, gp, stranger, summary, nameRead); }));
    expect(refused).toBeInstanceOf(RefusedAccess);
    expect(leaked).toBeUndefined();
    expect((await auditOf(stranger)).slice(refusedBefore).map((a) => [a.action, a.what])).toEqual([['child.access-refused', 'Refused: child summary']]);

    for (const childId of [otherIcsChild, crypto.randomUUID()]) {
      expect(await errorOf(as(gp, (tx) => openChildReading(tx, gp, childId, summary, nameRead)))).toBeInstanceOf(NotFoundError);
      expect(await auditOf(childId)).toEqual([]);
    }
  });

  it('a decision from another transaction, or a copy of one, is refused by the door and by the stores that require it', async () => {
    const REFUSED = 'A child access decision is good only in the transaction that made it.';
    const stale = await as(gp, (tx) => openChild(tx, gp, mine, summary));
    const forged: ChildAccess = { ...stale };
    for (const access of [stale, forged]) {
      expect((await errorOf(as(gp, async (tx) => checkedAccess(tx, access)))) as Error).toHaveProperty('message', REFUSED);
      expect((await errorOf(as(gp, (tx) => auditChild(tx, access, { action: 'test.forged', what: 'Forged' })))) as Error).toHaveProperty('message', REFUSED);
      // A store's child-scoped write takes only a decision of its own transaction: no emergency access is granted on a stale one.
      expect((await errorOf(as(gp, (tx) => grantBreakGlass(tx, access, 'Forged reason, never granted', 4)))) as Error).toHaveProperty('message', REFUSED);
    }
    expect(await rows(j.db.owner, sql`SELECT id FROM break_glass WHERE reason = 'Forged reason, never granted'`)).toEqual([]);
    expect((await auditOf(mine)).map((a) => a.action)).not.toContain('test.forged');
  });
});
