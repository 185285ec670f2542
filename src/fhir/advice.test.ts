import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Communication, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { actorFor } from '../../test/actors.js';
import { londonToday } from '../platform/time/form-dates.js';
import { sendAdvice } from '../advice/service.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { structureIssues } from './validation.js';
import { ADVICE_PAGE_SYSTEM } from './resources/communication.js';

const entries = <T extends Resource>(b: unknown) => ((b as Bundle).entry ?? []).map((e) => e.resource as T);
const status = (p: Promise<unknown>) => p.then(() => 200, (e: { response?: { status: number } }) => e.response?.status ?? Promise.reject(e));

/** Advice sent to a family, read by FHIR clients as Communication, naming each page and its version; read only. */
describe('advice sent to families as FHIR Communication (pglite)', () => {
  let t: FhirTest;
  let child: { id: string };
  let sendingId: string;

  beforeAll(async () => {
    t = await startFhirTest('pglite', 200);
    child = await t.one<{ id: string }>(sql`SELECT c.id FROM child c JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
      JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id JOIN professional p ON p.ics_id = cl.ics_id AND p.id = cl.lead_paediatrician_id
      WHERE p.email = 'paediatrician@demo.joinery.test' ORDER BY c.id LIMIT 1`);
    const lead = await actorFor(t.j.db, 'paediatrician@demo.joinery.test');
    const sent = await t.j.db.tenant(t.j.ics.icsId, (tx) => sendAdvice(tx, lead, child.id, { pages: 'eczema:1:0-216', note: 'Moisturise twice a day.' }, { source: 'child-page' }, londonToday()));
    sendingId = sent.id;
  }, 120_000);
  afterAll(() => t?.close());

  it('serves the sending with the page and version referenced, to a client with read scope, and lets no client change it', async () => {
    const engine = t.client(await t.token({ scopes: 'system/*.rs' }));
    const ofChild = entries<Communication>(await engine.search({ resourceType: 'Communication', searchParams: { patient: `Patient/${child.id}` } }));
    const advice = ofChild.find((c) => c.id === sendingId)!;
    expect(structureIssues(advice)).toEqual([]);
    expect(advice).toMatchObject({
      status: 'completed', subject: { reference: `Patient/${child.id}` }, category: [{ text: 'Safety-netting advice for the family' }],
      payload: [
        { contentReference: { identifier: { system: ADVICE_PAGE_SYSTEM, value: 'eczema|1' }, display: 'Eczema, version 1 (0 to 216 months)' } },
        { contentString: 'Moisturise twice a day.' },
      ],
    });
    expect(await engine.read({ resourceType: 'Communication', id: sendingId })).toEqual(advice);
    const writer = t.client(await t.token({ scopes: 'system/*.cruds' }));
    const update = await status(writer.update({ resourceType: 'Communication', id: sendingId, body: { ...advice, payload: [{ contentString: 'Changed' }] } }));
    expect(update).toBeGreaterThanOrEqual(400);
    expect(await engine.read({ resourceType: 'Communication', id: sendingId })).toEqual(advice);
    const noScope = t.client(await t.token({ scopes: 'system/Patient.rs' }));
    expect(await status(noScope.read({ resourceType: 'Communication', id: sendingId }))).toBe(403);
  });
});
