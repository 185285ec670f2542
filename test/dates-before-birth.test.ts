import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Client } from 'fhir-kit-client';
import { rows } from '../src/platform/db/client.js';
import type { Actor } from '../src/platform/access/actor.js';
import { longDate } from '../src/platform/time/calendar-days.js';
import { importActivity } from '../src/population/service.js';
import { ACT_CODE, CONTACT_TYPE_SYSTEM, NHS_NUMBER_SYSTEM, SNOMED } from '../src/fhir/codes.js';
import { refusal, startFhirTest, type FhirTest } from '../src/fhir/test-setup.js';
import { databaseKinds } from './database.js';
import { actorFor } from './actors.js';
import { TestClient, pageText } from './http.js';

const kinds = await databaseKinds();

/**
 * Nothing about a child is dated before they were born (issue 20): an allergy
 * or an ED attendance dated before the date of birth is refused on the page
 * with a field error, over FHIR with an OperationOutcome, and in the activity
 * CSV with a reason, and nothing is written.
 */
describe.each(kinds)('dates before a child’s birth (%s)', (kind) => {
  let t: FhirTest;
  let fhir: Client;
  let gp: Actor;
  let child: { id: string; nhs_number: string; date_of_birth: string };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'before-birth-'));
  const written = async () => (await rows<{ n: number }>(t.j.db.owner, sql`SELECT (
      (SELECT count(*) FROM contact WHERE child_id = ${child.id}::uuid AND started_at < ${child.date_of_birth}::date)
    + (SELECT count(*) FROM record_entry WHERE child_id = ${child.id}::uuid AND started_on < ${child.date_of_birth}::date)
    + (SELECT count(*) FROM activity_event WHERE child_id = ${child.id}::uuid AND occurred_at < ${child.date_of_birth}::date))::int AS n`))[0].n;

  beforeAll(async () => {
    t = await startFhirTest(kind);
    fhir = t.client(await t.token());
    gp = await actorFor(t.j.db, 'gp@demo.joinery.test');
    // A child of the GP's practice born in 2023: 2019 is before their birth.
    [child] = await rows<typeof child>(t.j.db.owner, sql`SELECT id, nhs_number, date_of_birth::text FROM child
      WHERE registered_practice_id = ${gp.organisationId}::uuid AND nhs_number IS NOT NULL AND date_of_birth >= '2021-01-01' ORDER BY id LIMIT 1`);
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an allergy and a contact dated before birth on the record’s pages, with a field error saying the date of birth', async () => {
    const page = await TestClient.signIn(t.j.app, 'gp@demo.joinery.test');
    const born = `The date must be on or after the child’s date of birth (${longDate(child.date_of_birth)})`;
    const allergy = await page.post(`/children/${child.id}/record/entries/new?kind=allergy`, {
      display: 'Peanut allergy', status: 'active', 'startedOn-day': '1', 'startedOn-month': '6', 'startedOn-year': '2019',
      'details-reaction': 'Hives', 'details-severity': 'mild',
    });
    expect(allergy.statusCode).toBe(400);
    expect(pageText(allergy.body)).toContain(born);
    expect(allergy.body).toContain('href="#startedOn-day"');

    const contact = await page.post(`/children/${child.id}/record/contacts`, {
      type: 'ed', 'startedAt-day': '1', 'startedAt-month': '6', 'startedAt-year': '2019', 'startedAt-time': '10:00',
    });
    expect(contact.statusCode).toBe(400);
    expect(pageText(contact.body)).toContain(born);
    expect(contact.body).toContain('href="#startedAt-day"');
    expect(await written()).toBe(0);
  });

  it('refuses an Encounter and an AllergyIntolerance dated before birth over FHIR with an OperationOutcome naming the element', async () => {
    const subject = { reference: `Patient?identifier=${NHS_NUMBER_SYSTEM}|${child.nhs_number}` };
    const encounter = await refusal(fhir.create({
      resourceType: 'Encounter',
      body: {
        resourceType: 'Encounter', identifier: [{ system: 'https://trust.example/Id/ed', value: 'EARLY-ED' }], status: 'finished', class: { system: ACT_CODE, code: 'EMER' }, type: [{ coding: [{ system: CONTACT_TYPE_SYSTEM, code: 'ed' }] }],
        subject, period: { start: '2019-06-01T10:00:00Z' },
      } as never,
    }));
    expect(encounter.status).toBeGreaterThanOrEqual(400);
    expect(encounter.status).toBeLessThan(500);
    expect(encounter.outcome.issue?.[0].diagnostics ?? encounter.outcome.issue?.[0].details?.text).toContain('date of birth');
    expect(JSON.stringify(encounter.outcome)).toContain('Encounter.period.start');

    const allergy = await refusal(fhir.create({
      resourceType: 'AllergyIntolerance',
      body: {
        resourceType: 'AllergyIntolerance', identifier: [{ system: 'https://gp.example/Id/allergy', value: 'EARLY-ALLERGY' }], clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
        code: { coding: [{ system: SNOMED, code: '91935009', display: 'Allergy to peanut' }] }, patient: subject, onsetDateTime: '2019-06-01',
      } as never,
    }));
    expect(allergy.status).toBeGreaterThanOrEqual(400);
    expect(allergy.status).toBeLessThan(500);
    expect(JSON.stringify(allergy.outcome)).toContain('date of birth');
    expect(await written()).toBe(0);
  });

  it('rejects an activity CSV row dated before birth with its reason, and takes the rest', async () => {
    const file = path.join(dir, 'activity.csv');
    fs.writeFileSync(file, `source_id,nhs_number,type,occurred_at\nEARLY-1,${child.nhs_number},ed,2019-06-01T10:00:00Z\n`);
    const summary = await importActivity(t.j.db, gp.icsId, file);
    expect(summary).toMatchObject({ added: 0, rejected: 1, rejects: [{ line: 2, reasons: ['occurred_at is before the child\'s date of birth'] }] });
    expect(await written()).toBe(0);
  });
});
