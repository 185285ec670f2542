import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { auditMark, auditSince } from '../../test/audit.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { addClient, clientActor, commandLineClient } from '../fhir/clients.js';
import { saveEntries, type Saved } from './bulk-entries.js';
import { saveEntry } from './service.js';
import { SNOMED } from './entries.js';
import { checkAppSqlAsCitusWould } from '../../test/citus-ready/heard-in-tests.js';

const kinds = await databaseKinds();

describe.each(kinds)('saving many entries at once (%s)', (kind) => {
  let j: TestJoinery;
  let gp: Actor;
  let engine: Actor;
  let practiceFeed: Actor;
  let children: string[];
  const as = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => j.db.tenant(actor.icsId, fn);

  beforeAll(async () => {
    j = await startJoinery(kind, 150);
    gp = await actorFor(j.db, 'gp@demo.joinery.test');
    children = (await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE registered_practice_id = ${gp.organisationId}::uuid
      AND date_of_birth < '2023-01-01' ORDER BY id LIMIT 3`)).map((c) => c.id);
    [engine, practiceFeed] = await j.db.tenant(gp.icsId, async (tx) => {
      const made = await addClient(tx, gp.icsId, { name: 'Practice feed', scopes: 'system/*.cruds', organisationId: gp.organisationId });
      return [
        (await clientActor(tx, gp.icsId, await commandLineClient(tx, gp.icsId), ['system/*.cruds']))!,
        (await clientActor(tx, gp.icsId, made.clientId, ['system/*.cruds']))!,
      ];
    });
  });
  afterAll(() => j?.close());

  /** A mix of kinds for two children, one of them sensitive; `tag` keeps source identifiers apart. */
  const inputs = (tag: string) => [
    { childId: children[0], raw: { kind: 'observation', codeSystem: SNOMED, code: '27113001', display: 'Body weight', status: 'final', startedOn: '2026-01-05', details: { value: 31.4, unit: 'kg' }, sourceSystem: 'https://bulk.example', sourceId: `${tag}-1` } },
    { childId: children[0], raw: { kind: 'allergy', codeSystem: SNOMED, code: '91935009', display: 'Allergy to peanut', status: 'active', startedOn: '2023-05-01', details: { reaction: 'Hives', severity: 'moderate', category: 'food' }, sourceSystem: 'https://bulk.example', sourceId: `${tag}-2` } },
    { childId: children[1], raw: { kind: 'problem', codeSystem: SNOMED, code: '105629000', display: 'Chlamydial infection', status: 'active', startedOn: '2026-05-01', details: {}, sensitiveCategory: 'sexual-health', sourceSystem: 'https://bulk.example', sourceId: `${tag}-3` } },
    { childId: children[1], raw: { kind: 'medication', display: 'Amoxicillin 250mg/5ml oral suspension', status: 'completed', startedOn: '2026-02-01', endedOn: '2026-02-07', details: { course: 'acute', dose: '5ml three times a day' }, sourceSystem: 'https://bulk.example', sourceId: `${tag}-4` } },
  ];

  /** What the rows say, without what differs between any two saves (ids, times, the tag in the source id). */
  const written = async (tag: string) => {
    const key = sql`replace(e.source_id, ${`${tag}-`}, '')`;
    const inTag = sql`e.source_system = 'https://bulk.example' AND e.source_id LIKE ${`${tag}-%`}`;
    return {
      entries: await rows(j.db.owner, sql`SELECT ${key} AS key, e.child_id, e.kind, e.code_system, e.code, e.display, e.status, e.started_on, e.ended_on, e.details,
        e.sensitive_category, e.recorded_by, e.recorded_by_name, e.recording_organisation_id, e.version FROM record_entry e WHERE ${inTag} ORDER BY key`),
      history: await rows(j.db.owner, sql`SELECT ${key} AS key, h.version, h.changed_by, h.changed_by_name, h.snapshot - 'id' - 'recorded_at' - 'source_id' AS snapshot
        FROM record_entry_history h JOIN record_entry e ON e.ics_id = h.ics_id AND e.id = h.entry_id WHERE ${inTag} ORDER BY key, h.version`),
      audit: await rows(j.db.owner, sql`SELECT ${key} AS key, a.child_id, a.professional_id, a.role, a.actor_name, a.organisation_id, a.action, a.what, a.why,
        a.details - 'entryId' AS details FROM audit_event a JOIN record_entry e ON e.ics_id = a.ics_id AND e.id::text = a.details->>'entryId' WHERE ${inTag} ORDER BY key, a.id`),
    };
  };
  const outcomes = (saved: Saved[]) => saved.map((s) => ('error' in s ? s.error.constructor.name : s.outcome));

  it('writes the rows, history and audit that saving one at a time writes, for a person, the engine and an organisation’s feed', async () => {
    for (const actor of [gp, engine, practiceFeed]) {
      const tag = crypto.randomUUID();
      const bulk = await as(actor, (tx) => saveEntries(tx, actor, inputs(`${tag}-bulk`)));
      expect(outcomes(bulk)).toEqual(['created', 'created', 'created', 'created']);
      await as(actor, async (tx) => {
        for (const i of inputs(`${tag}-one`)) await saveEntry(tx, actor, i.childId, i.raw);
      });
      const [many, one] = [await written(`${tag}-bulk`), await written(`${tag}-one`)];
      expect(many.entries).toHaveLength(4);
      expect(many.history).toHaveLength(4);
      expect(many.audit).toHaveLength(4);
      expect(many).toEqual(one);
      expect(many.audit.map((a) => (a as { what: string }).what)).toContain('problem: Chlamydial infection (sensitive)');
    }
  });

  it('the same batch again changes nothing; a change is an update with its own version, history and audit', async () => {
    const tag = crypto.randomUUID();
    await as(engine, (tx) => saveEntries(tx, engine, inputs(tag)));
    const before = await written(tag);
    expect(outcomes(await as(engine, (tx) => saveEntries(tx, engine, inputs(tag))))).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(await written(tag)).toEqual(before);

    const changed = inputs(tag);
    (changed[0].raw.details as { value: number }).value = 32;
    const again = await as(engine, (tx) => saveEntries(tx, engine, changed));
    expect(outcomes(again)).toEqual(['updated', 'unchanged', 'unchanged', 'unchanged']);
    const after = await written(tag);
    expect(after.entries[0]).toMatchObject({ key: '1', version: 2, details: { value: 32, unit: 'kg' } });
    expect(after.history.filter((h) => (h as { key: string }).key === '1').map((h) => (h as { version: number }).version)).toEqual([1, 2]);
    expect(after.audit.filter((a) => (a as { key: string }).key === '1')).toMatchObject([
      { action: 'record.create-entry', details: { version: 1 } }, { action: 'record.update-entry', what: 'observation: Body weight', details: { version: 2 } },
    ]);
  });

  it('refuses item by item (bad input, unknown child, frozen record, another child’s or kind’s source id, a veto) and saves the rest', async () => {
    const tag = crypto.randomUUID();
    const [mine] = inputs(tag);
    await as(engine, (tx) => saveEntries(tx, engine, [mine]));
    await j.db.owner.execute(sql`INSERT INTO record_freeze (ics_id, id, child_id, reason, frozen_by, frozen_by_organisation_id)
      SELECT ics_id, gen_random_uuid(), ${children[2]}::uuid, 'Section 47 enquiry', id, organisation_id FROM professional WHERE email = 'social-worker@demo.joinery.test'`);
    const ok = (n: number, childId = children[1]) => ({ childId, raw: { ...mine.raw, sourceId: `${tag}-ok-${n}` } });
    const items = [
      ok(1),
      { childId: children[0], raw: { ...mine.raw, startedOn: '2026-02-30', sourceId: `${tag}-bad` } },
      { childId: crypto.randomUUID(), raw: { ...mine.raw, sourceId: `${tag}-nobody` } },
      { childId: children[2], raw: { ...mine.raw, sourceId: `${tag}-frozen` } },
      { childId: children[1], raw: mine.raw },
      { childId: children[0], raw: { ...inputs(tag)[1].raw, sourceId: mine.raw.sourceId } },
      ok(2),
      ok(3),
    ];
    const mark = await auditMark(j.db);
    const saved = await as(engine, (tx) => saveEntries(tx, engine, items, { check: (i, change) => (i === 7 && change === 'created' ? new Error('vetoed') : undefined) }));
    expect(outcomes(saved)).toEqual(['created', ValidationError.name, NotFoundError.name, RefusedAccess.name, ConflictError.name, ConflictError.name, 'created', 'Error']);
    const errors = saved.map((s) => ('error' in s ? s.error.message : undefined));
    expect(errors[3]).toMatch(/frozen during a safeguarding investigation/);
    // The frozen child's refusal is audited as the door audits one entry's: the engine, that child, what was refused and why.
    expect(await auditSince(j.db, mark, { action: 'child.access-refused' })).toEqual([
      expect.objectContaining({ role: 'system', child: children[2], what: 'Refused: add a record entry', why: errors[3] }),
    ]);
    expect(errors[4]).toBe('That source identifier already belongs to an entry in another child’s record.');
    expect(errors[5]).toBe('An entry cannot change its kind.');
    expect(((saved[1] as { error: ValidationError }).error).fields).toEqual({ startedOn: 'Start date must be a real date' });
    expect((await written(tag)).entries.map((e) => (e as { key: string }).key).sort()).toEqual(['1', 'ok-1', 'ok-2']);
    // The same refusals one at a time.
    for (const i of [1, 2, 3, 4, 5]) {
      const one = await as(engine, (tx) => saveEntry(tx, engine, items[i].childId, items[i].raw)).then(() => undefined, (e: Error) => e);
      expect(one?.constructor.name).toBe(outcomes([saved[i]])[0]);
      expect(one?.message).toBe(errors[i]);
    }
  });

  it('saves one source identifier given twice in a batch in turn, as one at a time would', async () => {
    const tag = crypto.randomUUID();
    const [first] = inputs(tag);
    const second = { childId: first.childId, raw: { ...first.raw, details: { value: 40, unit: 'kg' } } };
    const saved = await as(engine, (tx) => saveEntries(tx, engine, [first, second, first]));
    expect(outcomes(saved)).toEqual(['created', 'updated', 'updated']);
    const { entries, history } = await written(tag);
    expect(entries).toMatchObject([{ key: '1', version: 3, details: { value: 31.4 } }]);
    expect(history.map((h) => (h as { version: number }).version)).toEqual([1, 2, 3]);
  });

  // The jobs, forms and pages here that the crawl of test/citus-queries.test.ts does not reach.
  checkAppSqlAsCitusWould(kind, () => j.db, () => j.ics.icsId);
});
