import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { openItems } from '../worklist/service.js';
import * as record from './service.js';
import { SNOMED } from './entries.js';

const kinds = await databaseKinds();

describe.each(kinds)('the shared record service (%s)', (kind) => {
  let j: TestJoinery;
  let gp: Actor;
  let paediatrician: Actor;
  let socialWorker: Actor;
  let analyst: Actor;
  let childId: string;
  let flaggedChildId: string;
  let otherIcsChildId: string;
  const as = <T>(actor: Actor, fn: (tx: Parameters<Parameters<TestJoinery['db']['tenant']>[1]>[0]) => Promise<T>) => j.db.tenant(actor.icsId, fn);
  const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e) => e);

  beforeAll(async () => {
    j = await startJoinery(kind);
    [gp, paediatrician, socialWorker, analyst] = await Promise.all(
      ['gp', 'paediatrician', 'social-worker', 'ics-analyst'].map((r) => actorFor(j.db, `${r}@demo.joinery.test`)),
    );
    // A child registered with the GP's practice whom the paediatrician also cares for: two organisations, one child.
    [{ id: childId }] = await rows<{ id: string }>(j.db.owner, sql`SELECT c.id FROM child c WHERE c.ics_id = ${j.ics.icsId}::uuid AND c.registered_practice_id = ${gp.organisationId}::uuid
      AND EXISTS (SELECT 1 FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
                  WHERE cp.ics_id = ${j.ics.icsId}::uuid AND cl.ics_id = ${j.ics.icsId}::uuid AND cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id AND cl.lead_paediatrician_id = ${paediatrician.professionalId}::uuid)
      AND c.date_of_birth < '2023-01-01' -- born before the entries below are dated
      ORDER BY c.id LIMIT 1`);
    [{ id: flaggedChildId }] = await rows<{ id: string }>(j.db.owner, sql`SELECT m.child_id AS id FROM care_team_member m
      JOIN child_flag f ON f.ics_id = m.ics_id AND f.child_id = m.child_id AND f.kind = 'child-protection-plan'
      WHERE m.ics_id = ${j.ics.icsId}::uuid AND f.ics_id = ${j.ics.icsId}::uuid AND m.professional_id = ${socialWorker.professionalId}::uuid AND m.ended_at IS NULL ORDER BY m.child_id LIMIT 1`);
    [{ id: otherIcsChildId }] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE ics_id = ${j.other.icsId}::uuid LIMIT 1`);
  });
  afterAll(() => j?.close());

  const peanut = (overrides: Record<string, unknown> = {}) => ({
    kind: 'allergy', codeSystem: SNOMED, code: '91935009', display: 'Allergy to peanut', status: 'active', startedOn: '2023-05-01',
    details: { reaction: 'Hives and lip swelling', severity: 'moderate', category: 'food' }, sourceSystem: 'https://gp.example/allergy', sourceId: 'A-1',
    ...overrides,
  });

  it('a feed’s entry is created once: the same input again changes nothing, a change makes version 2 with history', async () => {
    const first = await as(gp, (tx) => record.saveEntry(tx, gp, childId, peanut()));
    expect(first.outcome).toBe('created');
    const again = await as(gp, (tx) => record.saveEntry(tx, gp, childId, peanut()));
    expect(again).toMatchObject({ outcome: 'unchanged', entry: { id: first.entry.id, version: 1 } });
    const changed = await as(gp, (tx) => record.saveEntry(tx, gp, childId, peanut({ details: { reaction: 'Anaphylaxis', severity: 'severe', category: 'food' } })));
    expect(changed).toMatchObject({ outcome: 'updated', entry: { id: first.entry.id, version: 2 } });
    const { history } = await as(gp, (tx) => record.entryHistory(tx, gp, first.entry.id));
    expect(history.map((h) => [h.version, h.snapshot.details.reaction])).toEqual([[2, 'Anaphylaxis'], [1, 'Hives and lip swelling']]);
  });

  it('a page edit carrying an old version is refused and changes nothing', async () => {
    const { entry } = await as(gp, (tx) => record.saveEntry(tx, gp, childId, peanut({ sourceId: 'A-2', display: 'Allergy to egg', code: '91930004' })));
    const input = { ...peanut({ sourceId: 'A-2', display: 'Allergy to egg protein', code: '91930004' }) };
    expect(await errorOf(as(gp, (tx) => record.saveEntry(tx, gp, childId, input, { entryId: entry.id, expectedVersion: 0 })))).toBeInstanceOf(ConflictError);
    const [row] = await rows<{ display: string }>(j.db.owner, sql`SELECT display FROM record_entry WHERE id = ${entry.id}::uuid`);
    expect(row.display).toBe('Allergy to egg');
  });

  it('says what is wrong with a bad entry, field by field, and saves nothing', async () => {
    const before = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${childId}::uuid`);
    const error = await errorOf(as(gp, (tx) => record.saveEntry(tx, gp, childId, peanut({
      sourceId: 'A-3', status: 'cured', startedOn: '2999-01-01', details: { severity: 'terrible' },
    }))));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toMatchObject({
      status: expect.stringContaining('Status must be one of'),
      startedOn: 'Start date must be today or in the past',
      'details.severity': expect.any(String),
    });
    const after = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM record_entry WHERE child_id = ${childId}::uuid`);
    expect(after).toEqual(before);
  });

  it('a sensitive entry is seen only by its recording team, or after a stated reason (audited), and never counted', async () => {
    const { entry } = await as(gp, (tx) => record.saveEntry(tx, gp, childId, {
      kind: 'problem', codeSystem: SNOMED, code: '8098009', display: 'Sexually transmitted infection', status: 'resolved',
      startedOn: '2025-01-10', details: {}, sensitiveCategory: 'sexual-health',
    }));
    const gpView = await as(gp, (tx) => record.listEntries(tx, gp, childId, { kinds: ['problem'] }));
    expect(gpView.entries.map((e) => e.id)).toContain(entry.id);

    const paedView = await as(paediatrician, (tx) => record.listEntries(tx, paediatrician, childId, { kinds: ['problem'] }));
    expect(paedView.entries.map((e) => e.id)).not.toContain(entry.id);
    expect(paedView.total).toBe(gpView.total - 1);
    expect(await errorOf(as(paediatrician, (tx) => record.getEntry(tx, paediatrician, entry.id)))).toBeInstanceOf(NotFoundError);

    await as(paediatrician, (tx) => record.revealSensitive(tx, paediatrician, childId, 'Planning treatment that interacts with it'));
    const revealed = await as(paediatrician, (tx) => record.listEntries(tx, paediatrician, childId, { kinds: ['problem'] }));
    expect(revealed.entries.map((e) => e.id)).toContain(entry.id);
    const [audit] = await rows<{ stated_reason: string }>(j.db.owner, sql`SELECT stated_reason FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'record.reveal-sensitive'`);
    expect(audit.stated_reason).toBe('Planning treatment that interacts with it');
  });

  it('a frozen record refuses others’ changes until the freeze is lifted', async () => {
    await as(socialWorker, (tx) => record.freezeRecord(tx, socialWorker, flaggedChildId, 'Section 47 enquiry under way'));
    const gpForChild = await rows<{ email: string }>(j.db.owner, sql`SELECT email FROM professional p JOIN child c ON c.ics_id = p.ics_id AND c.registered_practice_id = p.organisation_id
      WHERE c.ics_id = ${j.ics.icsId}::uuid AND c.id = ${flaggedChildId}::uuid AND p.role = 'gp' LIMIT 1`);
    const theirGp = await actorFor(j.db, gpForChild[0].email);
    const refused = await errorOf(as(theirGp, (tx) => record.saveEntry(tx, theirGp, flaggedChildId, peanut({ sourceId: 'F-1' }))));
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as Error).message).toContain('frozen');
    const own = await as(socialWorker, (tx) => record.saveEntry(tx, socialWorker, flaggedChildId, {
      kind: 'anticipatory-care', display: 'Contact arrangements', status: 'active', details: { text: 'Supervised contact only' },
    }));
    expect(own.outcome).toBe('created');
    await as(socialWorker, (tx) => record.liftFreeze(tx, socialWorker, flaggedChildId));
    expect(await as(socialWorker, (tx) => record.activeFreeze(tx, socialWorker.icsId, flaggedChildId))).toBeUndefined();
  });

  it('an ED attendance of a child on a protection plan lands on the social worker’s worklist, once', async () => {
    const before = (await as(socialWorker, (tx) => openItems(tx, socialWorker))).length;
    const ed = { type: 'ed', startedAt: '2026-11-20T21:30:00Z', reasonDisplay: 'Head injury', sourceSystem: 'https://ed.example/attendance', sourceId: 'ED-77' };
    const first = await as(socialWorker, (tx) => record.recordContact(tx, socialWorker, flaggedChildId, ed));
    expect(first.outcome).toBe('created');
    const again = await as(socialWorker, (tx) => record.recordContact(tx, socialWorker, flaggedChildId, ed));
    expect(again.outcome).toBe('unchanged');
    const items = await as(socialWorker, (tx) => openItems(tx, socialWorker));
    expect(items.length).toBe(before + 1);
    expect(items.at(-1)).toMatchObject({ kind: 'unscheduled-attendance', child_id: flaggedChildId });
  });

  it('decides access once: the record is opened, read with that decision, and the read audited once, saying what it showed', async () => {
    const before = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid`);
    const read = await as(gp, async (tx) => {
      const access = await record.openRecord(tx, gp, childId);
      expect(access).toMatchObject({ childId, actor: gp, child: { id: childId } });
      expect(access.relationships.length).toBeGreaterThan(0);
      return record.readRecord(tx, access, { entryLimit: 1000, timeline: { limit: 20, offset: 0 } });
    });
    const events = await rows<{ action: string; what: string; professional_id: string; details: Record<string, unknown> }>(
      j.db.owner,
      sql`SELECT action, what, professional_id, details FROM audit_event WHERE child_id = ${childId}::uuid ORDER BY id OFFSET ${before[0].n}`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'record.read', professional_id: gp.professionalId });
    expect(events[0].what).toContain('Shared record');
    expect(events[0].details).toMatchObject({ entries: read.entries.length, contacts: read.contacts.length, contactsMatching: read.contactTotal, moreEntries: false });
  });

  it('says when a record has more entries than were asked for, without counting them, and never counts a hidden one', async () => {
    // Another team's sensitive entry: hidden from the GP, so it must not make the GP's record look longer.
    await as(paediatrician, (tx) => record.saveEntry(tx, paediatrician, childId, {
      kind: 'problem', display: 'Paediatric team only', status: 'active', details: {}, sensitiveCategory: 'confidential-from-parents',
    }));
    const { total: visible } = await as(gp, (tx) => record.listEntries(tx, gp, childId));
    const read = (entryLimit: number) => as(gp, async (tx) => {
      const access = await record.openRecord(tx, gp, childId);
      return record.readRecord(tx, access, { entryLimit, timeline: { limit: 20, offset: 0 } });
    });
    const exact = await read(visible);
    expect(exact.entries).toHaveLength(visible);
    expect(exact.moreEntries).toBe(false);
    expect(exact.entries.map((e) => e.display)).not.toContain('Paediatric team only');
    const short = await read(visible - 1);
    expect(short.entries).toHaveLength(visible - 1);
    expect(short.moreEntries).toBe(true);
  });

  it('a refusal to open the record is thrown, and its audit still commits; a child of another ICS is not found', async () => {
    const refused = await errorOf(as(analyst, (tx) => record.openRecord(tx, analyst, childId)));
    expect(refused).toBeInstanceOf(RefusedAccess);
    expect((refused as RefusedAccess).childId).toBe(childId);
    const [audit] = await rows<{ what: string; why: string }>(j.db.owner, sql`SELECT what, why FROM audit_event
      WHERE child_id = ${childId}::uuid AND action = 'child.access-refused' AND professional_id = ${analyst.professionalId}::uuid`);
    expect(audit).toMatchObject({ what: 'Refused: shared record' });
    expect(await errorOf(as(gp, (tx) => record.openRecord(tx, gp, otherIcsChildId)))).toBeInstanceOf(NotFoundError);
  });

  it('a decision is good only in the transaction that made it, and cannot be forged', async () => {
    const REFUSED = 'A child access decision is good only in the transaction that made it.';
    // A real entry of this child, which a real decision reads: only the decision can make these reads fail.
    const { entry: real } = await as(gp, (tx) => record.saveEntry(tx, gp, childId, { kind: 'problem', display: 'Read only with a real decision', status: 'active', details: {} }));
    const stale = await as(gp, async (tx) => record.openRecord(tx, gp, childId));
    const staleRead = await errorOf(as(gp, (tx) => record.readRecord(tx, stale, { entryLimit: 10, timeline: { limit: 20, offset: 0 } })));
    expect(staleRead).toBeInstanceOf(Error);
    expect((staleRead as Error).message).toBe(REFUSED);
    const forged = { ...stale };
    const forgedRead = await errorOf(as(gp, (tx) => record.readRecord(tx, forged, { entryLimit: 10, timeline: { limit: 20, offset: 0 } })));
    expect(forgedRead).toBeInstanceOf(Error);
    expect((forgedRead as Error).message).toBe(REFUSED);
    expect(await errorOf(as(gp, (tx) => record.childEntry(tx, forged, crypto.randomUUID())))).toBeInstanceOf(Error);
    const forgedEntry = await errorOf(as(gp, (tx) => record.childEntry(tx, forged, real.id)));
    expect(forgedEntry).toBeInstanceOf(Error);
    expect(forgedEntry).not.toBeInstanceOf(NotFoundError);
    expect((forgedEntry as Error).message).toBe(REFUSED);

    // In the very transaction that made a real decision, a copy of it is still refused, while the decision itself reads the entry.
    const inOne = await as(gp, async (tx) => {
      const access = await record.openRecord(tx, gp, childId);
      const copy = { ...access };
      const copied = await errorOf(record.childEntry(tx, copy, real.id));
      return { copied, read: await record.childEntry(tx, access, real.id) };
    });
    expect(inOne.copied).toBeInstanceOf(Error);
    expect((inOne.copied as Error).message).toBe(REFUSED);
    expect(inOne.read).toMatchObject({ id: real.id, display: 'Read only with a real decision' });
  });

  it('an entry is read only under its own child: another child’s entry, or a hidden sensitive one, is not found and nothing is audited', async () => {
    const { entry: other } = await as(socialWorker, (tx) => record.saveEntry(tx, socialWorker, flaggedChildId, {
      kind: 'anticipatory-care', display: 'Not this child’s', status: 'active', details: { text: 'Belongs to the flagged child' },
    }));
    const { entry: own } = await as(gp, (tx) => record.saveEntry(tx, gp, childId, { kind: 'problem', display: 'Own entry', status: 'active', details: {} }));
    const { entry: hidden } = await as(paediatrician, (tx) => record.saveEntry(tx, paediatrician, childId, {
      kind: 'problem', display: 'Hidden from the GP', status: 'active', details: {}, sensitiveCategory: 'sexual-health',
    }));
    const read = (entryId: string) => as(gp, async (tx) => {
      const access = await record.openRecord(tx, gp, childId);
      return record.childEntry(tx, access, entryId);
    });
    const auditedReads = async () => (await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM audit_event
      WHERE action = 'record.read-entry' AND professional_id = ${gp.professionalId}::uuid`))[0].n;
    const before = await auditedReads();
    expect((await read(own.id)).display).toBe('Own entry');
    expect(await auditedReads()).toBe(before + 1);
    for (const id of [other.id, hidden.id, crypto.randomUUID()]) expect(await errorOf(read(id))).toBeInstanceOf(NotFoundError);
    expect(await auditedReads()).toBe(before + 1);
    // FHIR's read by id keeps its meaning: found wherever it is, access checked, hidden when sensitive.
    expect((await as(gp, (tx) => record.getEntry(tx, gp, own.id))).id).toBe(own.id);
    expect(await errorOf(as(gp, (tx) => record.getEntry(tx, gp, hidden.id)))).toBeInstanceOf(NotFoundError);
  });

  it('a page of entries or contacts past the end still says how many there are', async () => {
    const all = await as(gp, (tx) => record.listEntries(tx, gp, childId));
    expect(all.total).toBe(all.entries.length);
    const past = await as(gp, (tx) => record.listEntries(tx, gp, childId, { limit: 5, offset: all.total + 10 }));
    expect(past).toEqual({ entries: [], total: all.total });
    const none = await as(gp, (tx) => record.listEntries(tx, gp, childId, { limit: 0 }));
    expect(none).toEqual({ entries: [], total: all.total });
    const page = await as(gp, (tx) => record.listEntries(tx, gp, childId, { limit: 1, offset: 1 }));
    expect(page.total).toBe(all.total);
    expect(page.entries[0]).toEqual(all.entries[1]);
    expect(Object.keys(page.entries[0])).not.toContain('total_matching');
    const contacts = await as(gp, (tx) => record.listContacts(tx, gp, childId, { limit: 500 }));
    const pastContacts = await as(gp, (tx) => record.listContacts(tx, gp, childId, { limit: 5, offset: contacts.total + 5 }));
    expect(pastContacts).toEqual({ contacts: [], total: contacts.total });
  });

  it('no relationship, no record; another ICS’s child is not found', async () => {
    expect(await errorOf(as(analyst, (tx) => record.listEntries(tx, analyst, childId)))).toBeInstanceOf(ForbiddenError);
    expect(await errorOf(as(gp, (tx) => record.listEntries(tx, gp, otherIcsChildId)))).toBeInstanceOf(NotFoundError);
    expect(await errorOf(as(gp, (tx) => record.saveEntry(tx, gp, otherIcsChildId, peanut({ sourceId: 'X-1' }))))).toBeInstanceOf(NotFoundError);
  });
});
