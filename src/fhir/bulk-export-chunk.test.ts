import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Resource } from '@medplum/fhirtypes';
import { rows } from '../platform/db/client.js';
import { openEachChild, type ChildAccess } from '../platform/access/door.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { addClient, clientActor } from './clients.js';
import { fhirPolicy } from './policy.js';
import { HANDLERS } from './registry.js';
import { chunkEntriesOfKinds } from './resources/entries.js';
import type { ChunkReading, WholeRecord } from './resources/handler.js';

/**
 * A Bulk Data export reads each type for a chunk of children in one go
 * (decision 0045). What it gives must be what the per-child reads
 * ($everything's, under the door opened for the child) give, resource by
 * resource: the same WHERE, so the same rows, mapped by the same functions.
 */

/** The types this test must find in the chunk, or it would prove nothing about them. */
const MADE_SET_BASED = ['ServiceRequest', 'Appointment', 'Communication', 'Consent'];

describe('A Bulk Data export chunk read set-based', { timeout: 600_000 }, () => {
  let j: TestJoinery;

  beforeAll(async () => {
    j = await startJoinery('pglite', 150);
  });
  afterAll(() => j?.close());

  /** Each type's resources for the chunk, read both ways in one transaction as the client: by the chunk at once, and child by child. */
  async function bothWays(organisationOds: string | null) {
    const icsId = j.ics.icsId;
    return j.db.tenant(icsId, async (tx) => {
      const [org] = organisationOds ? await rows<{ id: string }>(tx, sql`SELECT id FROM organisation WHERE ods_code = ${organisationOds}`) : [];
      const made = await addClient(tx, icsId, { name: `Chunk test ${organisationOds ?? 'engine'}`, scopes: 'system/*.rs', organisationId: org?.id ?? null });
      const actor = (await clientActor(tx, icsId, made.clientId, ['system/*.rs']))!;
      const childIds = (await rows<{ id: string }>(tx, sql`SELECT id FROM child WHERE ics_id = ${icsId}::uuid ORDER BY id`)).map((c) => c.id);
      const opened = await openEachChild(tx, actor, childIds, { rule: fhirPolicy.readChild, refused: 'Record in a FHIR Bulk Data export' });
      const accesses = [...opened.values()].filter((a): a is ChildAccess => !(a instanceof Error));
      const handlers = HANDLERS.filter((h) => h.everyChild);
      const kinds = [...new Set(handlers.flatMap((h) => (h.entryKind ? [h.entryKind] : [])))];
      const chunk: ChunkReading = { tx, actor, accesses, entries: await chunkEntriesOfKinds({ tx, actor }, accesses, kinds) };
      const out = new Map<string, { chunk: Resource[]; perChild: Resource[] }>();
      for (const h of handlers) {
        const perChild: Resource[] = [];
        for (const access of accesses) {
          const whole: WholeRecord = { access, audits: [], entries: new Map() };
          perChild.push(...(await h.everything!({ tx, actor, whole }, access.childId)));
        }
        out.set(h.type, { chunk: await h.everyChild!(chunk), perChild });
      }
      return { byType: out, let: accesses.map((a) => a.childId), all: childIds };
    });
  }

  const byId = (list: Resource[]) => [...list].sort((a, b) => `${a.resourceType}/${a.id}`.localeCompare(`${b.resourceType}/${b.id}`));

  it('for the ICS engine, every type read for the chunk at once equals the per-child reads, resource by resource', async () => {
    const { byType } = await bothWays(null);
    for (const type of MADE_SET_BASED) expect(byType.get(type)!.perChild.length, `${type} in the chunk`).toBeGreaterThan(0);
    for (const [type, { chunk, perChild }] of byType) {
      // The four read child by child until now come in the per-child order too; the others are compared by id.
      if (MADE_SET_BASED.includes(type)) expect(chunk, type).toEqual(perChild);
      else expect(byId(chunk), type).toEqual(byId(perChild));
    }
  });

  it('for a GP practice’s client, the chunk holds only the children its door let in, and each type still equals the per-child reads', async () => {
    const [practice] = await rows<{ ods_code: string }>(j.db.owner, sql`SELECT o.ods_code FROM organisation o
      JOIN child c ON c.ics_id = o.ics_id AND c.registered_practice_id = o.id
      WHERE o.ics_id = ${j.ics.icsId}::uuid GROUP BY o.ods_code ORDER BY count(*) DESC LIMIT 1`);
    const { byType, let: letIn, all } = await bothWays(practice.ods_code);
    expect(letIn.length).toBeGreaterThan(0);
    expect(letIn.length).toBeLessThan(all.length);
    const subjects = new Set(letIn);
    for (const [type, { chunk, perChild }] of byType) {
      if (MADE_SET_BASED.includes(type)) expect(chunk, type).toEqual(perChild);
      else expect(byId(chunk), type).toEqual(byId(perChild));
      // Nothing about a child the door refused, whatever the type.
      const named = chunk.flatMap((r) => [...JSON.stringify(r).matchAll(/"reference":"Patient\/([0-9a-f-]{36})"/g)].map((m) => m[1]));
      expect(named.filter((id) => !subjects.has(id)), type).toEqual([]);
    }
    // The refused children have referrals in the database: leaving them out is the door's doing.
    const refused = all.filter((id) => !subjects.has(id));
    const [held] = await rows<{ referrals: number }>(j.db.owner, sql`SELECT count(*)::int AS referrals FROM referral
      WHERE ics_id = ${j.ics.icsId}::uuid AND child_id = ANY(${`{${refused.join(',')}}`}::uuid[])`);
    expect(held.referrals).toBeGreaterThan(0);
  });
});
