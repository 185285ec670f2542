import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, BundleEntry, OperationOutcome, Patient, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../test/database.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle, sensitiveCondition } from './test-fixtures.js';
import { auditMark, auditSince } from '../../test/audit.js';
import { structureIssues } from './validation.js';
import { checkAppSqlAsCitusWould } from '../../test/citus-ready/heard-in-tests.js';

const kinds = await databaseKinds();

/** A Bundle or an OperationOutcome, as the answer may be either. */
type Answer = { resourceType: string; type?: string; entry?: BundleEntry[]; issue: OperationOutcome['issue'] };

describe.each(kinds)('FHIR Bundles, good and malformed, on %s', (kind) => {
  let t: FhirTest;
  let token: string;
  let practiceOds: string;
  let laOds: string;

  beforeAll(async () => {
    t = await startFhirTest(kind);
    token = await t.token();
    practiceOds = await odsCodeOf(t, 'gp-practice');
    laOds = await odsCodeOf(t, 'childrens-social-care');
  });
  afterAll(() => t?.close());

  const post = async (body: unknown, opts: { raw?: string; contentType?: string; path?: string; as?: string } = {}) => {
    const res = await fetch(`${t.base}${opts.path ?? ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.as ?? token}`, 'content-type': opts.contentType ?? 'application/fhir+json' },
      body: opts.raw ?? JSON.stringify(body),
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    return { status: res.status, body: (await res.json()) as Answer };
  };
  /** Everything an import could write, so "nothing changed" can be checked. */
  const fingerprint = () => t.one<Record<string, number>>(sql`SELECT (SELECT count(*)::int FROM child) AS child, (SELECT count(*)::int FROM record_entry) AS entry,
    (SELECT count(*)::int FROM contact) AS contact, (SELECT count(*)::int FROM related_person) AS person, (SELECT count(*)::int FROM child_flag) AS flag,
    (SELECT count(*)::int FROM fhir_link) AS link, (SELECT count(*)::int FROM organisation) AS org`);
  const issue = (o: Pick<OperationOutcome, 'issue'>) => ({ expression: o.issue[0].expression?.[0], text: o.issue[0].details?.text });
  const bundle = async (tag: string, type: 'transaction' | 'batch' = 'transaction') =>
    recordBundle({ tag, type, nhsNumber: await freshNhsNumber(t, Number(tag.replace(/\D/g, '')) || 0), practiceOds, localAuthorityOds: laOds });
  const withEntry = (b: Bundle, index: number, change: (r: Record<string, unknown>) => void) => {
    change(b.entry![index].resource as unknown as Record<string, unknown>);
    return b;
  };

  it('rolls a transaction back whole when one entry is bad, naming the element', async () => {
    const before = await fingerprint();
    const b = withEntry(await bundle('t1'), 4, (c) => { c.onsetDateTime = '2019-02-30'; });
    const { status, body } = await post(b);
    expect(status).toBe(400);
    expect(issue(body)).toEqual({ expression: 'Bundle.entry[4].resource.onsetDateTime', text: '2019-02-30 is not a real date.' });
    expect(await fingerprint()).toEqual(before);
  });

  it('writes a batch entry by entry, reporting the bad ones', async () => {
    const b = withEntry(await bundle('b2', 'batch'), 4, (c) => { c.onsetDateTime = '2099-01-01'; });
    const { status, body } = await post(b);
    expect(status).toBe(200);
    expect(body.type).toBe('batch-response');
    const statuses = body.entry!.map((e) => e.response!.status);
    expect(statuses[4]).toBe('422 Unprocessable Entity');
    expect(statuses.filter((s, i) => i !== 4).every((s) => s === '201 Created')).toBe(true);
    expect(issue(body.entry![4].response!.outcome as OperationOutcome)).toEqual({
      expression: 'Bundle.entry[4].resource.onsetDateTime', text: 'Start date must be today or in the past',
    });
  });

  it.each([
    ['not a Bundle', { resourceType: 'Patient' }, 400, 'Bundle.resourceType'],
    ['a collection Bundle', { resourceType: 'Bundle', type: 'collection', entry: [] }, 400, 'Bundle.type'],
    ['entry not a list', { resourceType: 'Bundle', type: 'transaction', entry: { resource: {} } }, 400, 'Bundle.entry'],
    ['an entry without a request', { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Condition' } }] }, 400, 'Bundle.entry[0].request.method'],
    ['a DELETE', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: 'Condition/1' }, resource: { resourceType: 'Condition' } }] }, 400, 'Bundle.entry[0].request.method'],
    ['a url for another type', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Condition' } }] }, 400, 'Bundle.entry[0].request.url'],
    ['an unknown resource type', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Spaceship' }, resource: { resourceType: 'Spaceship' } }] }, 400, 'Bundle.entry[0].resource.resourceType'],
    ['a read-only type', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Practitioner' }, resource: { resourceType: 'Practitioner', name: [{ text: 'Dr X' }] } }] }, 400, 'Bundle.entry[0].resource.resourceType'],
    ['a wrongly typed element', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Condition' }, resource: { resourceType: 'Condition', subject: { reference: 'Patient/x' }, onsetDateTime: 42 } }] }, 400, 'Bundle.entry[0].resource.onset[x]'],
    ['an element FHIR does not have', { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Condition' }, resource: { resourceType: 'Condition', subject: { reference: 'Patient/x' }, colour: 'red' } }] }, 400, 'Bundle.entry[0].resource.colour'],
  ])('refuses %s with an OperationOutcome and changes nothing', async (_what, body, status, expression) => {
    const before = await fingerprint();
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression?.[0]).toBe(expression);
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses broken references, including another ICS’s patient', async () => {
    const b = await bundle('r3');
    (b.entry![4].resource as unknown as Record<string, unknown>).subject = { reference: 'urn:uuid:99999999-9999-4999-8999-999999999999' };
    const broken = await post(b);
    expect(broken.status).toBe(422);
    expect(issue(broken.body)).toMatchObject({ expression: 'Bundle.entry[4].resource.subject.reference', text: expect.stringMatching(/does not resolve/) });
    const other = await t.one<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${t.j.other.icsId}::uuid LIMIT 1`);
    (b.entry![4].resource as unknown as Record<string, unknown>).subject = { reference: `Patient/${other.id}` };
    expect((await post(b)).status).toBe(422);
    (b.entry![4].resource as unknown as Record<string, unknown>).subject = { reference: 'Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|' + practiceOds };
    const wrongType = await post(b);
    expect(issue(wrongType.body).text).toMatch(/must refer to a Patient, not a Organization/);
  });

  it('refuses duplicate identifiers and duplicate fullUrls in one Bundle', async () => {
    const b = await bundle('d4');
    const copy = structuredClone(b.entry![4]) as BundleEntry;
    copy.fullUrl = 'urn:uuid:d4-copy';
    b.entry!.push(copy);
    const dup = await post(b);
    expect(dup.status).toBe(400);
    expect(issue(dup.body)).toMatchObject({ expression: `Bundle.entry[${b.entry!.length - 1}].resource.identifier`, text: expect.stringMatching(/same identifier/) });
    copy.fullUrl = b.entry![4].fullUrl;
    (copy.resource as unknown as Record<string, unknown>).identifier = [{ system: 'https://x.example', value: 'other' }];
    expect(issue((await post(b)).body).expression).toBe(`Bundle.entry[${b.entry!.length - 1}].fullUrl`);
  });

  it('refuses a payload over the limit with 413, and bad JSON or content types without a 500', async () => {
    const huge = JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: [{ resource: { resourceType: 'Basic', text: 'x'.repeat(9 * 1024 * 1024) } }] });
    const tooBig = await post(null, { raw: huge });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.issue[0].code).toBe('too-costly');
    const garbage = await post(null, { raw: '{"resourceType": "Bundle", "entry": [1, 2' });
    expect(garbage.status).toBe(400);
    const proto = await post(null, { raw: '{"resourceType":"Bundle","type":"batch","__proto__":{"x":1}}' });
    expect(proto.status).toBe(400);
    const text = await post(null, { raw: 'hello', contentType: 'text/csv' });
    expect(text.status).toBe(415);
    const many = await post({ resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: 5001 }, () => ({})) });
    expect(many.status).toBe(413);
  });

  it('keeps a patient without an NHS number with a local identifier, unverified, and finds them again', async () => {
    const local = { system: 'https://trust.example/Id/mrn', value: 'MRN-000451' };
    const patient: Patient = { resourceType: 'Patient', identifier: [local], name: [{ family: 'Nowak', given: ['Zofia'] }], gender: 'female', birthDate: '2012-02-29' };
    const tx = { resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 'urn:uuid:local-1', resource: patient, request: { method: 'POST', url: 'Patient' } }] };
    const first = await post(tx);
    expect(first.body.entry![0].response!.status).toBe('201 Created');
    const id = first.body.entry![0].response!.location!.split('/')[1];
    const again = await post(tx);
    expect(again.body.entry![0].response!.location).toBe(`Patient/${id}`);
    expect(again.body.entry![0].response!.status).toBe('200 OK');
    const read = await (await fetch(`${t.base}/Patient/${id}`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(read.identifier).toEqual([local]);
    expect(read.meta.tag[0]).toMatchObject({ code: 'unverified' });
    expect(structureIssues(read)).toEqual([]);
    const found = await (await fetch(`${t.base}/Patient?identifier=${encodeURIComponent(`${local.system}|${local.value}`)}`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(found.total).toBe(1);
    const row = await t.one<{ nhs_number: string | null; local_id: string }>(sql`SELECT nhs_number, local_id FROM child WHERE id = ${id}::uuid`);
    expect(row).toEqual({ nhs_number: null, local_id: 'MRN-000451' });
  });

  it.each([
    ['aged 26 or over', { birthDate: '1990-01-01' }, 'Patient.birthDate', /Out of scope: .*26th birthday/],
    ['born in the future', { birthDate: '2099-01-01' }, 'Patient.birthDate', /today or in the past/],
    ['with a wrong NHS number check digit', { identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000019' }] }, 'Patient.identifier', /valid NHS number/],
    ['with neither an NHS number nor a local identifier', { identifier: [] }, 'Patient.identifier', /NHS number or a local identifier/],
    ['with a partial date of birth', { birthDate: '2015' }, 'Patient.birthDate', /full date/],
  ])('refuses a patient %s, saying why', async (_what, change, expression, text) => {
    const patient = { resourceType: 'Patient', identifier: [{ system: 'https://trust.example/Id/mrn', value: 'X' }], name: [{ family: 'A', given: ['B'] }], birthDate: '2015-01-01', ...change };
    const res = await post({ resourceType: 'Bundle', type: 'batch', entry: [{ resource: patient, request: { method: 'POST', url: 'Patient' } }] });
    const outcome = res.body.entry![0].response!.outcome as OperationOutcome;
    expect(res.body.entry![0].response!.status).toBe('422 Unprocessable Entity');
    expect(outcome.issue[0].expression).toEqual([`Bundle.entry[0].resource.${expression.replace(/^Patient\./, '')}`]);
    expect(outcome.issue[0].details!.text).toMatch(text);
  });

  it('lets only the ICS’s engine change organisations, and refuses writes the scopes do not cover', async () => {
    const gp = await t.token({ odsCode: practiceOds });
    const org: Resource = { resourceType: 'Organization', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'Y99999' }], name: 'New Surgery', type: [{ coding: [{ system: 'https://joinery.nhs.example/fhir/CodeSystem/organisation-kind', code: 'gp-practice' }] }] };
    const refused = await post(org, { path: '/Organization', as: gp });
    expect(refused.status).toBe(403);
    const made = await post(org, { path: '/Organization' });
    expect(made.status).toBe(201);
    expect((await post(org, { path: '/Organization' })).status).toBe(200);
    const readOnly = await t.token({ scopes: 'system/*.rs' });
    const noWrite = await post(await bundle('s5'), { as: readOnly });
    expect(noWrite.status).toBe(403);
  });

  it('keeps the audit of a batch entry the door refused, but none of its writes', async () => {
    const practice = await t.one<{ id: string; ods_code: string }>(sql`SELECT DISTINCT o.id, o.ods_code FROM child c JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
      WHERE c.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice' ORDER BY o.ods_code DESC LIMIT 1`);
    const gpClient = await t.register({ odsCode: practice.ods_code });
    const practiceStaff = (await t.all<{ id: string }>(sql`SELECT id FROM professional WHERE ics_id = ${t.j.ics.icsId}::uuid AND organisation_id = ${practice.id}::uuid`)).map((p) => p.id);
    const notMine = await t.one<{ id: string }>(sql`SELECT c.id FROM child c WHERE c.ics_id = ${t.j.ics.icsId}::uuid AND c.registered_practice_id <> ${practice.id}::uuid
      AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${t.j.ics.icsId}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id
        AND m.professional_id = ANY(${sql.param(practiceStaff)}::uuid[])) LIMIT 1`);
    const condition = { ...sensitiveCondition('door9', `Patient/${notMine.id}`), meta: undefined };
    const before = await fingerprint();
    const mark = await auditMark(t.j.db);
    const res = await post({ resourceType: 'Bundle', type: 'batch', entry: [{ resource: condition, request: { method: 'POST', url: 'Condition' } }] }, { as: await t.tokenFor(gpClient) });
    expect(res.status).toBe(200);
    expect(res.body.entry![0].response!.status).toBe('403 Forbidden');
    const reason = (res.body.entry![0].response!.outcome as OperationOutcome).issue[0].details!.text!;
    expect(reason).toMatch(/\w/);
    expect(await fingerprint()).toEqual(before);
    expect((await auditSince(t.j.db, mark)).map(({ actor, child, action, why }) => ({ actor, child, action, why }))).toEqual([
      { actor: gpClient.clientId, child: notMine.id, action: 'child.access-refused', why: reason },
    ]);
  });

  // Bundles resolve references through the sender's links, NHS numbers and ODS codes: the crawl reaches none of it.
  checkAppSqlAsCitusWould(kind, () => t.j.db, () => t.j.ics.icsId);
});
