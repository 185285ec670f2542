import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bundle, Encounter, Immunization, MedicationRequest, Observation, OperationOutcome, Organization, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { importFhir } from '../cli/import-fhir.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf } from './test-fixtures.js';
import { asNdjson, asTransaction, syntheaStyleFeed } from './synthea-style.js';
import { LOINC, NHS_NUMBER_SYSTEM, SNOMED } from './codes.js';

/**
 * What an integration engineer's feed sends is accepted in the standard code
 * systems, refers to itself every way real feeds do, and comes back with
 * nothing silently lost: what Joinery cannot keep is named in a warning.
 */
describe('accepting what NHS systems send', () => {
  let t: FhirTest;
  let token: string;
  let practiceOds: string;
  let hospitalOds: string;
  let used: Set<string>;

  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${t.base}${p}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/fhir+json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const read = async <R extends Resource>(location: string) => (await call('GET', `/${location}`)).body as unknown as R;
  const childOf = async (nhs: string) => (await t.one<{ id: string }>(sql`SELECT id FROM child WHERE nhs_number = ${nhs}`)).id;
  const search = async <R extends Resource>(q: string) => ((await call('GET', `/${q}`)).body as unknown as Bundle).entry?.map((e) => e.resource as R) ?? [];

  beforeAll(async () => {
    t = await startFhirTest('pglite', 100);
    token = await t.token();
    practiceOds = await odsCodeOf(t, 'gp-practice');
    hospitalOds = await odsCodeOf(t, 'acute-trust');
    used = new Set((await t.all<{ n: string }>(sql`SELECT nhs_number AS n FROM child WHERE nhs_number IS NOT NULL`)).map((r) => r.n));
  });
  afterAll(() => t?.close());

  describe('a Synthea-style feed imported by transaction Bundle (urn:uuid and identifier references)', () => {
    let response: Bundle;
    let sent: Bundle;
    beforeAll(async () => {
      sent = asTransaction(syntheaStyleFeed({ seed: 7, count: 3, practiceOds, hospitalOds, usedNhsNumbers: used, prefix: 'tx' }));
      response = (await call('POST', '', sent)).body as unknown as Bundle;
    });

    it('takes every entry without edits, each answered 201 (the known organisations 200), warning only about the narrative it does not keep', () => {
      expect(response.type).toBe('transaction-response');
      const statuses = response.entry!.map((e) => e.response!.status);
      expect(statuses.slice(0, 2)).toEqual(['200 OK', '200 OK']);
      expect(statuses.slice(2).every((s) => s === '201 Created')).toBe(true);
      const warnings = response.entry!.flatMap((e, n) => (e.response!.outcome as OperationOutcome).issue.filter((i) => i.severity === 'warning').map((i) => [n, i.details?.text, i.expression?.[0]]));
      expect(warnings).toEqual([
        [0, 'Joinery does not keep Organization.text: it was not saved and will not be given back.', 'Bundle.entry[0].resource.text'],
        ...[0, 1, 2].map((c) => [2 + c * 9, 'Joinery does not keep Patient.text: it was not saved and will not be given back.', `Bundle.entry[${2 + c * 9}].resource.text`]),
      ]);
    });

    it('keeps the blood-pressure panel whole: both codings, vital-signs category, components with UCUM, exact times, issued and the encounter link', async () => {
      const bp = sent.entry!.find((e) => (e.resource as Observation).code?.text === 'Blood pressure')!;
      const at = response.entry![sent.entry!.indexOf(bp)].response!.location!;
      const back = await read<Observation>(at);
      const visit = response.entry![sent.entry!.findIndex((e) => e.fullUrl === (bp.resource as Observation).encounter!.reference)].response!.location!;
      const { subject: _s, encounter: _e, ...rest } = bp.resource as Observation;
      expect(back).toMatchObject({ ...rest, encounter: { reference: visit } });
      expect(back.code.coding!.map((c) => c.system)).toEqual([LOINC, SNOMED]);
      expect(back.component!.map((c) => [c.code.coding![0].code, c.valueQuantity!.code])).toEqual([['8480-6', 'mm[Hg]'], ['8462-4', 'mm[Hg]']]);
      expect(back.status).toBe('preliminary');
    });

    it('a coded value stays coded; a contained medicine and a structured dose are kept; the vaccine keeps lot, site, route and performer', async () => {
      const loc = (type: string, n = 0) => response.entry!.filter((e) => e.response!.location!.startsWith(`${type}/`))[n].response!.location!;
      const smoking = (await search<Observation>(`Observation?patient=${loc('Patient')}&code=${LOINC}|72166-2`))[0];
      expect(smoking.valueCodeableConcept).toEqual({ coding: [{ system: SNOMED, code: '266919005', display: 'Never smoked tobacco' }], text: 'Never smoked tobacco' });
      expect(smoking.valueString).toBeUndefined();
      const med = await read<MedicationRequest>(loc('MedicationRequest'));
      expect(med).toMatchObject({
        medicationReference: { reference: '#med' }, contained: [{ resourceType: 'Medication', id: 'med' }],
        dosageInstruction: [{ timing: { repeat: { frequency: 4, period: 1, periodUnit: 'd' } }, asNeededBoolean: true }],
      });
      const row = await t.one<{ code: string; details: Record<string, unknown> }>(sql`SELECT code, details FROM record_entry WHERE id = ${med.id}::uuid`);
      expect(row).toEqual({ code: '39113611000001102', details: { course: 'acute', dose: '2 puffs, 4 times every day, when needed' } });
      const vaccine = await read<Immunization>(loc('Immunization'));
      expect(vaccine).toMatchObject({ lotNumber: 'LOT1000', site: { coding: [{ code: '368208006' }] }, route: { coding: [{ code: '78421000' }] }, performer: [{ actor: { display: 'Practice nurse' } }] });
    });

    it('an ambulatory or video encounter at a GP practice is a GP consultation, never a hospital outpatient appointment; a planned one is kept but not counted', async () => {
      const child = await childOf(response.entry![2].response!.location!.split('/')[1] ? (await t.one<{ n: string }>(sql`SELECT nhs_number AS n FROM child WHERE id = ${response.entry![2].response!.location!.split('/')[1]}::uuid`)).n : '');
      const contacts = await t.all<{ type: string; status: string | null; counted: string | null }>(sql`SELECT c.type, c.status,
          (SELECT a.type FROM activity_event a WHERE a.contact_id = c.id) AS counted FROM contact c WHERE c.child_id = ${child}::uuid ORDER BY c.started_at`);
      expect(contacts).toEqual([
        { type: 'gp', status: 'finished', counted: 'gp' },
        { type: 'gp', status: 'finished', counted: 'gp' },
        { type: 'outpatient', status: 'planned', counted: null },
      ]);
      const encounters = await search<Encounter>(`Encounter?patient=Patient/${child}`);
      expect(encounters.map((e) => [e.status, e.class.code])).toEqual([['planned', 'AMB'], ['finished', 'VR'], ['finished', 'AMB']]);
      expect(encounters[2].type!.map((ty) => ty.coding![0].code)).toEqual(['gp', '185345009']);
    });

    it('a partial onset and an onset age come back as sent and show in words on the record', async () => {
      const onsets = await t.all<{ started_on: string | null; started_as: string }>(sql`SELECT started_on::text, details->>'startedAs' AS started_as
        FROM record_entry WHERE kind = 'problem' AND as_sent ? 'encounter' ORDER BY started_as`);
      expect(onsets.map((o) => o.started_as).sort()).toEqual(expect.arrayContaining(['age 3 years']));
      const partial = onsets.find((o) => /^\d{4}$/.test(o.started_as))!;
      expect(partial.started_on).toBe(`${partial.started_as}-01-01`);
    });
  });

  it('NDJSON in Bulk Data shape, one file per type, referring as Organization/<id> and Patient/<id>, imports without a rejection and reads back', async () => {
    const feed = syntheaStyleFeed({ seed: 11, count: 4, practiceOds, hospitalOds, usedNhsNumbers: used, prefix: 'nd' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-bulk-'));
    try {
      // Written in an order that puts what refers before what it names (Condition before Encounter before Patient).
      for (const [type, text] of asNdjson(feed)) fs.writeFileSync(path.join(dir, `${type}.ndjson`), text);
      const summary = await importFhir(t.j.db, t.j.ics.icsId, dir, { source: 'https://synthea.example/fhir' });
      expect(summary.rejected).toEqual([]);
      expect(summary).toMatchObject({ created: 4 * 9, updated: 0 });
      expect(summary.warned.map((w) => w.warnings)).toEqual([
        ['Organization.text: Joinery does not keep Organization.text: it was not saved and will not be given back.'],
        ...feed.nhsNumbers.map(() => ['Patient.text: Joinery does not keep Patient.text: it was not saved and will not be given back.']),
      ]);
      const child = await childOf(feed.nhsNumbers[1]);
      const bp = (await search<Observation>(`Observation?patient=Patient/${child}&code=${LOINC}|85354-9`))[0];
      const visit = await t.one<{ id: string }>(sql`SELECT id FROM contact WHERE source_id = 'nd-enc-gp-1'`);
      expect(bp.encounter).toEqual({ reference: `Encounter/${visit.id}` });
      expect(bp.component).toHaveLength(2);
      // The same files again: nothing changes.
      expect(await importFhir(t.j.db, t.j.ics.icsId, dir, { source: 'https://synthea.example/fhir' })).toMatchObject({ created: 0, updated: 0, rejected: [] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an element Joinery does not keep is named in a warning: a create answers 201 with the OperationOutcome', async () => {
    const nhs = await freshNhsNumber(t, 40);
    await call('POST', '/Patient', { resourceType: 'Patient', identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhs }], name: [{ family: 'Lowe', given: ['Ivy'] }], gender: 'female', birthDate: '2019-02-03' });
    const res = await call('POST', '/Observation', {
      resourceType: 'Observation', status: 'final', code: { coding: [{ system: SNOMED, code: '27113001', display: 'Body weight' }] },
      subject: { reference: `Patient?identifier=${NHS_NUMBER_SYSTEM}|${nhs}` }, effectiveDateTime: '2026-05-01T10:00:00Z', valueQuantity: { value: 14.2, unit: 'kg' },
      specimen: { display: 'None' }, device: { display: 'Scales' },
    });
    expect(res.status).toBe(201);
    expect((res.body as unknown as OperationOutcome).issue.map((i) => [i.severity, i.code, i.details?.text, i.expression?.[0]])).toEqual([
      ['information', 'informational', expect.stringMatching(/^created: Observation\//), undefined],
      ['warning', 'not-supported', 'Joinery does not keep Observation.specimen: it was not saved and will not be given back.', 'Observation.specimen'],
      ['warning', 'not-supported', 'Joinery does not keep Observation.device: it was not saved and will not be given back.', 'Observation.device'],
    ]);
  });

  it('an organisation typed only prov that Joinery does not know is refused 422, saying what would do; an ODS role makes a practice', async () => {
    const prov = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] };
    const refused = await call('POST', '/Organization', { resourceType: 'Organization', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'Y99001' }], name: 'New provider', type: [prov] });
    expect(refused.status).toBe(422);
    expect((refused.body as unknown as OperationOutcome).issue[0]).toMatchObject({
      severity: 'error', code: 'business-rule', expression: ['Organization.type'],
      details: { text: expect.stringContaining('http://terminology.hl7.org/CodeSystem/organization-type prov says only that it provides care.') },
    });
    const made = await call('POST', '/Organization', {
      resourceType: 'Organization', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'Y99002' }], name: 'New practice',
      type: [prov, { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/organisation-role', code: 'RO76' }] }],
    });
    expect(made.status).toBe(201);
    expect((made.body as unknown as Organization).type!.map((ty) => ty.coding![0].code)).toEqual(['gp-practice', 'prov', 'RO76']);
  });
});
