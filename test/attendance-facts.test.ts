import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Client } from 'fhir-kit-client';
import { rows } from '../src/platform/db/client.js';
import type { Actor } from '../src/platform/access/actor.js';
import { addMonths, londonToday } from '../src/platform/time/form-dates.js';
import { riskList } from '../src/mdt/service.js';
import { listContacts } from '../src/record/service.js';
import { importActivity } from '../src/population/service.js';
import { listedChildren } from '../src/population/case-finding/store.js';
import { builtInRules } from '../src/population/case-finding/rules.js';
import { ensureMeeting } from '../src/population/case-finding/test-fixtures.js';
import { ACT_CODE, CONTACT_TYPE_SYSTEM, NHS_NUMBER_SYSTEM } from '../src/fhir/codes.js';
import { startFhirTest, type FhirTest } from '../src/fhir/test-setup.js';
import { databaseKinds } from './database.js';
import { actorFor } from './actors.js';
import { TestClient } from './http.js';

const kinds = await databaseKinds();
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * One set of facts about a child (issue 20, hazard H037): an ED attendance
 * recorded on the record's page, imported as a FHIR Encounter and imported in
 * an activity CSV is counted alike by the record, the MDT risk list, case
 * finding and the dashboards' rollups.
 */
describe.each(kinds)('a child’s ED attendances, counted everywhere (%s)', (kind) => {
  let t: FhirTest;
  let fhir: Client;
  let gp: Actor;
  let lead: Actor;
  let hubId: string;
  let meetingId: string;
  let child: { id: string; nhs_number: string; registered_practice_id: string };
  const today = londonToday();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attendance-facts-'));

  /** Each place's count of the child's ED attendances in the last 12 months. */
  async function counts() {
    const db = t.j.db;
    const since = addMonths(today, -12);
    const record = await db.tenant(gp.icsId, async (tx) => (await listContacts(tx, gp, child.id, { types: ['ed'], from: since, limit: 0 })).total);
    const risk = await db.tenant(lead.icsId, async (tx) => (await riskList(tx, lead, meetingId, today)).find((r) => r.child_id === child.id)?.attendances ?? 0);
    const rules = builtInRules().filter((r) => r.criteria.some((c) => c.measure === 'ed'));
    const [found] = await db.tenant(lead.icsId, (tx) => listedChildren(tx, { icsId: lead.icsId, clusterId: hubId, practiceId: null, rules, today, childId: child.id, limit: 1, offset: 0 }));
    // The dashboards read the rollups: the child's practice's ED attendances in the months of the last year.
    const [dashboards] = await rows<{ n: number }>(db.owner, sql`SELECT coalesce(sum(value), 0)::int AS n FROM population_rollup
      WHERE ics_id = ${gp.icsId}::uuid AND measure = 'ed' AND dimension = 'all' AND practice_id = ${child.registered_practice_id}::uuid
        AND month >= date_trunc('month', ${since}::date)`);
    const [hub] = await rows<{ n: number }>(db.owner, sql`SELECT coalesce(sum(value), 0)::int AS n FROM population_area_rollup
      WHERE ics_id = ${gp.icsId}::uuid AND level = 'cluster' AND area_id = ${hubId}::uuid AND measure = 'ed' AND dimension = 'all'
        AND month >= date_trunc('month', ${since}::date)`);
    return { record, risk, caseFinding: found ? found.counts[0] : 0, practice: dashboards.n, hub: hub.n };
  }

  beforeAll(async () => {
    t = await startFhirTest(kind);
    fhir = t.client(await t.token());
    gp = await actorFor(t.j.db, 'gp@demo.joinery.test');
    lead = await actorFor(t.j.db, 'paediatrician@demo.joinery.test');
    [{ id: hubId }] = await rows<{ id: string }>(t.j.db.owner, sql`SELECT cluster_id AS id FROM cluster_practice WHERE practice_id = ${gp.organisationId}::uuid`);
    // A child of the GP's practice with no ED attendance in the last year, in the record or the population.
    [child] = await rows<typeof child>(t.j.db.owner, sql`SELECT c.id, c.nhs_number, c.registered_practice_id FROM child c
      WHERE c.registered_practice_id = ${gp.organisationId}::uuid AND c.nhs_number IS NOT NULL AND c.date_of_birth < ${addMonths(today, -14)}::date
        AND NOT EXISTS (SELECT 1 FROM contact e WHERE e.child_id = c.id AND e.type = 'ed')
        AND NOT EXISTS (SELECT 1 FROM activity_event e WHERE e.child_id = c.id AND e.type = 'ed' AND e.occurred_at >= ${addMonths(today, -13)}::date)
      ORDER BY c.id LIMIT 1`);
    meetingId = await ensureMeeting(t.j.db, lead, hubId);
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the same number in the record, the MDT risk list, case finding and the dashboards after an attendance by each route', async () => {
    const before = await counts();
    expect(before).toMatchObject({ record: 0, risk: 0, caseFinding: 0 });

    // 1. On the record's page, by the child's GP.
    const page = await TestClient.signIn(t.j.app, 'gp@demo.joinery.test');
    const [y, m, d] = addDays(today, -3).split('-');
    const posted = await page.post(`/children/${child.id}/record/contacts`, {
      type: 'ed', 'startedAt-day': d, 'startedAt-month': m, 'startedAt-year': y, 'startedAt-time': '10:30', reasonDisplay: 'Fall from climbing frame',
    });
    expect(posted.statusCode).toBe(303);

    // 2. A FHIR Encounter from the hospital's system.
    await fhir.create({
      resourceType: 'Encounter',
      body: {
        resourceType: 'Encounter', identifier: [{ system: 'https://trust.example/Id/ed', value: `ED-${child.id}` }], status: 'finished',
        class: { system: ACT_CODE, code: 'EMER' }, type: [{ coding: [{ system: CONTACT_TYPE_SYSTEM, code: 'ed' }] }],
        subject: { reference: `Patient?identifier=${NHS_NUMBER_SYSTEM}|${child.nhs_number}` },
        period: { start: `${addDays(today, -20)}T14:00:00Z`, end: `${addDays(today, -20)}T17:30:00Z` },
      } as never,
    });

    // 3. A row of the hospital's activity CSV.
    const file = path.join(dir, 'activity.csv');
    fs.writeFileSync(file, `source_id,nhs_number,type,occurred_at\nED-CSV-1,${child.nhs_number},ed,${addDays(today, -40)}T09:15:00Z\n`);
    const imported = await importActivity(t.j.db, gp.icsId, file);
    expect(imported).toMatchObject({ added: 1, rejected: 0 });

    const after = await counts();
    expect({ record: after.record, risk: after.risk, caseFinding: after.caseFinding }).toEqual({ record: 3, risk: 3, caseFinding: 3 });
    // The dashboards count the same three rows: the practice's and the hub's totals rose by exactly them.
    expect(after.practice - before.practice).toBe(3);
    expect(after.hub - before.hub).toBe(3);
    // One contact in the record and one event in the population for each, the event pointing at its contact.
    const [linked] = await rows<{ contacts: number; events: number; unlinked: number }>(t.j.db.owner, sql`SELECT
        (SELECT count(*)::int FROM contact WHERE child_id = ${child.id}::uuid AND type = 'ed') AS contacts,
        (SELECT count(*)::int FROM activity_event e JOIN contact c ON c.ics_id = e.ics_id AND c.id = e.contact_id WHERE e.child_id = ${child.id}::uuid AND e.type = 'ed') AS events,
        (SELECT count(*)::int FROM activity_event WHERE child_id = ${child.id}::uuid AND type = 'ed' AND contact_id IS NULL
           AND occurred_at >= ${addMonths(today, -12)}::date) AS unlinked`);
    expect(linked).toEqual({ contacts: 3, events: 3, unlinked: 0 });

    // Sent again, neither the Encounter nor the CSV row adds a second attendance anywhere.
    expect(await importActivity(t.j.db, gp.icsId, file)).toMatchObject({ added: 0, unchanged: 1 });
    expect(await counts()).toEqual(after);
  });
});
