import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import type { Bundle } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { bulkInsert } from '../platform/db/bulk.js';
import { startFhirTest, type FhirTest } from './test-setup.js';

/** More than the old offset cap of 10,100, so a search that stopped there would be caught. */
const MANY = 10_150;

/**
 * Paging that never stops early: a Practitioner search and a child's
 * AuditEvent log of more than the old offset cap, followed by next links as a
 * client does, give every match once, to the last page.
 */
describe('paging a search of more than 10,100 results to the end', () => {
  let t: FhirTest;
  let token: string;

  beforeAll(async () => {
    t = await startFhirTest('pglite', 20);
    token = await t.token({ scopes: 'system/*.rs' });
    const [{ id: organisationId }] = await t.all<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${t.j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
    // Many professionals with the same name, so the page key's id decides their order; each email has its sign-in directory entry first.
    const emails = Array.from({ length: MANY }, (_, n) => `paging-${n}@demo.joinery.test`);
    await t.j.db.tenant(t.j.ics.icsId, async (tx) => {
      await bulkInsert(tx, 'sign_in_directory', emails.map((email) => ({ email, ics_id: t.j.ics.icsId })));
      await bulkInsert(tx, 'professional', emails.map((email, n) => ({
        ics_id: t.j.ics.icsId, id: crypto.randomUUID(), email, name: `Paging Tester ${n % 3}`, role: 'school-nurse', organisation_id: organisationId,
      })));
    });
  }, 600_000);
  afterAll(() => t?.close());

  it('follows next links through every page: each practitioner once, the total reached, keys not offsets', async () => {
    const seen = new Set<string>();
    let next: string | undefined = `${t.base}/Practitioner?name=paging%20tester&_count=100`;
    let pages = 0;
    let total = 0;
    while (next) {
      const res = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Bundle;
      total = page.total!;
      for (const e of page.entry ?? []) seen.add(e.resource!.id!);
      next = page.link?.find((l) => l.relation === 'next')?.url;
      if (next) expect(next).toMatch(/_cursor=/);
      expect(next ?? '').not.toMatch(/_offset=/);
      pages++;
    }
    expect(total).toBe(MANY);
    expect(seen.size).toBe(MANY);
    expect(pages).toBe(Math.ceil(MANY / 100));
  }, 600_000);

  it('follows a child’s AuditEvent next links past the old cap: each event once, newest first, to the last page', async () => {
    const [{ id: childId }] = await t.all<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
    // Seven events share each instant, so the page key's number decides among them.
    const start = Date.parse('2025-01-01T09:00:00Z');
    await t.j.db.tenant(t.j.ics.icsId, (tx) => bulkInsert(tx, 'audit_event', Array.from({ length: MANY }, (_, n) => ({
      ics_id: t.j.ics.icsId, at: new Date(start + Math.floor(n / 7) * 60_000).toISOString(), child_id: childId, action: 'record.read', what: 'Record read (paging test)',
    }))));
    const inserted = new Set((await t.all<{ id: string }>(sql`SELECT id::text AS id FROM audit_event WHERE child_id = ${childId}::uuid AND what = 'Record read (paging test)'`)).map((r) => r.id));
    expect(inserted.size).toBe(MANY);
    const seen: string[] = [];
    const times: number[] = [];
    let next: string | undefined = `${t.base}/AuditEvent?patient=Patient/${childId}&_count=100`;
    while (next) {
      const res = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Bundle;
      for (const e of page.entry ?? []) {
        seen.push(e.resource!.id!);
        times.push(Date.parse((e.resource as { recorded: string }).recorded));
      }
      next = page.link?.find((l) => l.relation === 'next')?.url;
      if (next) expect(next).toMatch(/_cursor=/);
      expect(next ?? '').not.toMatch(/_offset=/);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => inserted.has(id))).toHaveLength(MANY);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  }, 600_000);

  it('a _cursor not given by the server is refused as FHIR, naming _cursor', async () => {
    const res = await fetch(`${t.base}/Practitioner?_cursor=${Buffer.from(JSON.stringify(['name', 'x', 'not-an-id'])).toString('base64url')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    const outcome = (await res.json()) as { resourceType: string; issue: { code: string; expression: string[] }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({ code: 'invalid', expression: ['_cursor'] });
  });
});
