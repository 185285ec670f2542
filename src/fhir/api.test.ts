import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, Patient } from '@medplum/fhirtypes';
import type { Client } from 'fhir-kit-client';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../test/database.js';
import { refusal, startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle, sensitiveCondition } from './test-fixtures.js';
import { structureIssues } from './validation.js';
import { HANDLERS } from './registry.js';
import { auditMark, auditSince } from '../../test/audit.js';

const kinds = await databaseKinds();

describe.each(kinds)('FHIR API through a FHIR client on %s', (kind) => {
  let t: FhirTest;
  let fhir: Client;
  /** The ICS's integration engine the tests read as: no organisation, so it relates to every child of the ICS. */
  let engine: { clientId: string; clientSecret: string };
  const ENGINE_NAME = 'ICS integration engine under test';
  let childId: string;
  let nhsNumber: string;

  beforeAll(async () => {
    t = await startFhirTest(kind);
    engine = await t.register({ name: ENGINE_NAME });
    fhir = t.client(await t.tokenFor(engine));
    nhsNumber = await freshNhsNumber(t);
    const sent = recordBundle({ tag: 'api', nhsNumber, practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') });
    const res = (await fhir.transaction({ body: sent as never })) as unknown as Bundle;
    childId = res.entry![0].response!.location!.split('/')[1];
  });
  afterAll(() => t?.close());

  it('states its capabilities truthfully, and the statement is valid FHIR', async () => {
    const cs = (await fhir.capabilityStatement()) as unknown as CapabilityStatement;
    expect(structureIssues(cs)).toEqual([]);
    const types = cs.rest![0].resource!.map((r) => r.type);
    expect(types.sort()).toEqual(HANDLERS.map((h) => h.type).sort());
    const audit = cs.rest![0].resource!.find((r) => r.type === 'AuditEvent')!;
    expect(audit.interaction!.map((i) => i.code)).toEqual(['read', 'search-type']);
    const condition = cs.rest![0].resource!.find((r) => r.type === 'Condition')!;
    expect(condition.searchParam!.map((p) => p.name)).toEqual([
      'patient', 'code', 'date', 'category', 'identifier', 'subject', 'clinical-status', '_id', '_lastUpdated',
      'patient.identifier', 'subject.identifier', '_count', '_sort', '_summary', '_total', '_elements',
    ]);
    // Every advertised search parameter is accepted (a type’s required patient aside).
    for (const r of cs.rest![0].resource!) {
      for (const p of r.searchParam!) {
        const value = p.type === 'date' ? 'ge2000-01-01' : p.name === '_count' ? '5' : p.name === 'patient' ? `Patient/${childId}` : 'x';
        // _has is only ever sent with the type, reference and parameter it reaches through.
        const name = p.name === '_has' ? '_has:Observation:patient:code' : p.name;
        // Answers to the Friends and Family Test name no child: they are not searched by patient.
        const params = ['Patient', 'Organization', 'Practitioner', 'QuestionnaireResponse'].includes(r.type) ? { [name]: value } : { patient: `Patient/${childId}`, [name]: value };
        await fhir.search({ resourceType: r.type, searchParams: params }).then(() => undefined, (e) => {
          const answer = (e as { response?: { status: number; data: unknown } }).response;
          // A nonsense value may be refused as such, but never as an unknown parameter.
          expect(JSON.stringify(answer?.data), `${r.type}?${p.name}`).not.toMatch(/cannot be searched by/);
          expect(answer?.status).toBeLessThan(500);
        });
      }
    }
    const smart = await (await fetch(`${t.base}/.well-known/smart-configuration`)).json();
    expect(smart.token_endpoint).toBe(`${t.origin}/oauth/token`);
  });

  it('reads a patient by id and finds them by NHS number, name and birth date', async () => {
    const p = (await fhir.read({ resourceType: 'Patient', id: childId })) as unknown as Patient;
    expect(p.identifier![0]).toEqual({ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber });
    const searches: Record<string, string>[] = [
      { identifier: `https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}` },
      { family: 'okaf', given: 'Ad', birthdate: '2015-06-14' },
      { name: 'okafor', birthdate: 'ge2015-06' },
    ];
    for (const searchParams of searches) {
      const b = (await fhir.search({ resourceType: 'Patient', searchParams })) as unknown as Bundle;
      expect(b.entry!.map((e) => e.resource!.id), JSON.stringify(searchParams)).toContain(childId);
      for (const e of b.entry!) expect(structureIssues(e.resource)).toEqual([]);
    }
    const none = (await fhir.search({ resourceType: 'Patient', searchParams: { identifier: `https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`, birthdate: 'lt2015' } })) as unknown as Bundle;
    expect(none.total).toBe(0);
  });

  it('searches a child’s record by patient, code, clinical status and date', async () => {
    const search = async (resourceType: string, extra: Record<string, string>) =>
      ((await fhir.search({ resourceType, searchParams: { patient: `Patient/${childId}`, ...extra } })) as unknown as Bundle).total;
    expect(await search('Condition', {})).toBe(1);
    expect(await search('Condition', { code: 'http://snomed.info/sct|195967001' })).toBe(1);
    expect(await search('Condition', { code: 'http://loinc.org|195967001' })).toBe(0);
    expect(await search('Condition', { 'clinical-status': 'active' })).toBe(1);
    expect(await search('Condition', { 'clinical-status': 'resolved' })).toBe(0);
    expect(await search('Condition', { date: '2019' })).toBe(1);
    expect(await search('Condition', { date: 'gt2019-04-02' })).toBe(0);
    expect(await search('AllergyIntolerance', { 'clinical-status': 'active' })).toBe(1);
    expect(await search('MedicationRequest', { status: 'active' })).toBe(1);
    expect(await search('MedicationStatement', {})).toBe(2);
    expect(await search('Immunization', { 'vaccine-code': '38598009' })).toBe(1);
    expect(await search('Encounter', { date: '2026-10', type: 'ed' })).toBe(1);
    expect(await search('Procedure', { date: 'le2021-12-31' })).toBe(1);
    expect(await search('Observation', { code: '27113001' })).toBe(1);
    expect(await search('Flag', { status: 'active' })).toBe(1);
    expect(await search('RelatedPerson', {})).toBe(1);
  });

  it('pages with _count and next links (by key: no previous link)', async () => {
    const first = (await fhir.search({ resourceType: 'Patient', searchParams: { name: 'a', _count: 3 } })) as unknown as Bundle;
    expect(first.entry).toHaveLength(3);
    expect(first.total).toBeGreaterThan(6);
    expect(first.link!.map((l) => l.relation)).toEqual(['self', 'next']);
    const second = (await fhir.nextPage({ bundle: first as never })) as unknown as Bundle;
    expect(second.entry).toHaveLength(3);
    expect(second.link!.map((l) => l.relation)).toEqual(['self', 'next']);
    const ids = (b: Bundle) => b.entry!.map((e) => e.resource!.id);
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    // The second page's self link gives the second page again.
    const again = (await fhir.request(second.link![0].url)) as unknown as Bundle;
    expect(ids(again)).toEqual(ids(second));
    // The Bundles and the refusals are valid FHIR too.
    expect(structureIssues(second)).toEqual([]);
    const refused = await refusal(fhir.search({ resourceType: 'Patient', searchParams: { colour: 'red' } }));
    expect(structureIssues(refused.outcome)).toEqual([]);
  });

  it('returns the whole record from $everything, every resource valid', async () => {
    const mark = await auditMark(t.j.db);
    const b = (await fhir.request(`Patient/${childId}/$everything`)) as unknown as Bundle;
    // The door opened once, and every part read is in the access log: the whole record, the record's entries (every kind), each other type.
    const audited = await auditSince(t.j.db, mark);
    expect(audited.every((a) => a.actor === engine.clientId && a.child === childId)).toBe(true);
    expect(audited.filter((a) => a.action === 'fhir.everything').map((a) => a.what)).toEqual(['Whole record (FHIR Patient/$everything)']);
    const recordReads = audited.filter((a) => a.action === 'record.read');
    expect(recordReads).toHaveLength(1);
    for (const kind of ['problem', 'allergy', 'immunisation', 'observation']) expect(recordReads[0].what).toContain(kind);
    expect(audited.map((a) => a.what)).toEqual(expect.arrayContaining(['Safeguarding flags (FHIR Flag)', 'Timeline of contacts']));
    const types = b.entry!.map((e) => e.resource!.resourceType);
    for (const type of ['Patient', 'RelatedPerson', 'Flag', 'Encounter', 'Condition', 'AllergyIntolerance', 'MedicationRequest', 'MedicationStatement', 'Immunization', 'Procedure', 'Observation']) {
      expect(types).toContain(type);
    }
    expect(b.total).toBe(b.entry!.length);
    for (const e of b.entry!) expect(structureIssues(e.resource), e.resource!.resourceType).toEqual([]);
  });

  it('serves every type from the synthetic ICS as valid FHIR R4, audit events included', async () => {
    const someone = await t.one<{ id: string }>(sql`SELECT c.id FROM child c WHERE c.ics_id = ${t.j.ics.icsId}::uuid
      AND EXISTS (SELECT 1 FROM child_flag f WHERE f.ics_id = ${t.j.ics.icsId}::uuid AND f.ics_id = c.ics_id AND f.child_id = c.id)
      AND EXISTS (SELECT 1 FROM record_entry e WHERE e.ics_id = ${t.j.ics.icsId}::uuid AND e.ics_id = c.ics_id AND e.child_id = c.id) LIMIT 1`);
    const b = (await fhir.request(`Patient/${someone.id}/$everything`)) as unknown as Bundle;
    for (const e of b.entry!) expect(structureIssues(e.resource), JSON.stringify(e.resource)).toEqual([]);
    const audit = (await fhir.search({ resourceType: 'AuditEvent', searchParams: { patient: `Patient/${someone.id}` } })) as unknown as Bundle;
    expect(audit.total).toBeGreaterThan(0);
    for (const e of audit.entry!) expect(structureIssues(e.resource)).toEqual([]);
    const read = await fhir.read({ resourceType: 'AuditEvent', id: audit.entry![0].resource!.id! });
    expect(read.resourceType).toBe('AuditEvent');
    const org = (await fhir.search({ resourceType: 'Organization', searchParams: { _count: 50 } })) as unknown as Bundle;
    const people = (await fhir.search({ resourceType: 'Practitioner', searchParams: { _count: 50 } })) as unknown as Bundle;
    for (const e of [...org.entry!, ...people.entry!]) expect(structureIssues(e.resource)).toEqual([]);
    expect(org.total).toBeGreaterThan(5);
  });

  it('audits every patient a search returns, and every read', async () => {
    const count = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'fhir.search-result'`)).n;
    const before = await count();
    const mark = await auditMark(t.j.db);
    const b = (await fhir.search({ resourceType: 'Patient', searchParams: { name: 'a', _count: 20 } })) as unknown as Bundle;
    expect(b.entry).toHaveLength(20);
    expect((await count()) - before).toBe(20);
    // One event per patient returned, each naming the engine, that child, and the engine's standing to search.
    const listed = await auditSince(t.j.db, mark, { action: 'fhir.search-result' });
    expect(listed.map((e) => e.child).sort()).toEqual(b.entry!.map((e) => e.resource!.id).sort());
    expect(listed).toMatchObject(listed.map(() => ({ actor: engine.clientId, role: 'system', what: 'Demographics in FHIR Patient search results', why: 'ICS integration engine' })));
    const reads = await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action IN ('fhir.read', 'record.read')`);
    expect(reads.n).toBeGreaterThan(5);
    const readMark = await auditMark(t.j.db);
    await fhir.read({ resourceType: 'Patient', id: childId });
    expect(await auditSince(t.j.db, readMark)).toEqual([{
      actor: engine.clientId, role: 'system', child: childId, action: 'fhir.read', what: 'Demographics (FHIR Patient)', why: `ICS integration engine: ${ENGINE_NAME}`, details: null,
    }]);
  });

  it('refuses without a token, with an expired or unknown token, and with the wrong scope', async () => {
    const anonymous = t.client('');
    expect((await refusal(anonymous.read({ resourceType: 'Patient', id: childId }))).status).toBe(401);
    expect((await refusal(t.client('not-a-real-token-but-long-enough').read({ resourceType: 'Patient', id: childId }))).status).toBe(401);
    const expired = await t.token();
    await t.j.db.owner.execute(sql`UPDATE fhir_token SET expires_at = now() - interval '1 second'`);
    const late = await refusal(t.client(expired).read({ resourceType: 'Patient', id: childId }));
    expect(late.status).toBe(401);
    expect(late.outcome.issue[0].details!.text).toMatch(/expired/);
    fhir = t.client(await t.token());

    const readOnly = t.client(await t.token({ scopes: 'system/Patient.rs' }));
    expect((await readOnly.read({ resourceType: 'Patient', id: childId })).id).toBe(childId);
    const noConditions = await refusal(readOnly.search({ resourceType: 'Condition', searchParams: { patient: `Patient/${childId}` } }));
    expect(noConditions.status).toBe(403);
    expect(noConditions.outcome.issue[0].details!.text).toMatch(/scopes do not allow it to search Condition/);
    const write = await refusal(readOnly.create({ resourceType: 'Patient', body: { resourceType: 'Patient' } }));
    expect(write.status).toBe(403);
    // $everything leaves out what the scopes do not cover.
    const everything = (await readOnly.request(`Patient/${childId}/$everything`)) as unknown as Bundle;
    expect(everything.entry!.map((e) => e.resource!.resourceType)).toEqual(['Patient']);
  });

  it('hands out tokens only for the right secret and granted scopes', async () => {
    const { clientId, clientSecret } = await t.register({ scopes: 'system/*.rs' });
    const ask = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${t.origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
    expect((await ask({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'wrong' })).status).toBe(401);
    expect((await ask({ grant_type: 'password', client_id: clientId, client_secret: clientSecret })).status).toBe(400);
    const tooMuch = await ask({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'system/*.cud' });
    expect(tooMuch.status).toBe(400);
    expect((await tooMuch.json()).error).toBe('invalid_scope');
    const basic = await ask({ grant_type: 'client_credentials', scope: 'system/*.rs' }, { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` });
    expect(basic.status).toBe(200);
    const token = await basic.json();
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'system/*.rs' });
    const stored = await t.all<{ token_hash: string }>(sql`SELECT token_hash FROM fhir_token`);
    expect(stored.map((s) => s.token_hash)).not.toContain(token.access_token);
  });

  it('answers 404 for another ICS’s ids and for unknown types, never 500', async () => {
    const other = await t.one<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${t.j.other.icsId}::uuid LIMIT 1`);
    expect((await refusal(fhir.read({ resourceType: 'Patient', id: other.id }))).status).toBe(404);
    expect((await refusal(fhir.request(`Patient/${other.id}/$everything`))).status).toBe(404);
    expect((await refusal(fhir.search({ resourceType: 'Condition', searchParams: { patient: `Patient/${other.id}` } }))).status).toBe(404);
    const entry = await t.one<{ id: string }>(sql`SELECT id FROM record_entry WHERE ics_id = ${t.j.other.icsId}::uuid AND kind = 'problem' LIMIT 1`);
    expect((await refusal(fhir.read({ resourceType: 'Condition', id: entry.id }))).status).toBe(404);
    expect((await refusal(fhir.read({ resourceType: 'Basic', id: childId }))).status).toBe(404);
    expect((await refusal(fhir.read({ resourceType: 'Patient', id: 'not-an-id' }))).status).toBe(404);
    const bad = await refusal(fhir.search({ resourceType: 'Condition', searchParams: { patient: `Patient/${childId}`, colour: 'red' } }));
    expect(bad.status).toBe(400);
    expect(bad.outcome.issue[0].expression).toEqual(['colour']);
    const bad2 = await refusal(fhir.search({ resourceType: 'Condition', searchParams: { patient: `Patient/${childId}`, date: '2020-13-45' } }));
    expect(bad2.status).toBe(400);
    expect((await refusal(fhir.search({ resourceType: 'Condition', searchParams: {} }))).status).toBe(400);
    const res = await fetch(`${t.base}/Patient/${childId}`, { headers: { authorization: 'Bearer x' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('lets an organisation’s system see only the children related to it', async () => {
    const practice = await t.one<{ id: string; ods_code: string }>(sql`SELECT DISTINCT o.id, o.ods_code FROM child c JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
      WHERE c.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice' ORDER BY o.ods_code DESC LIMIT 1`);
    const gpClient = await t.register({ odsCode: practice.ods_code });
    const gp = t.client(await t.tokenFor(gpClient));
    const mine = await t.one<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid AND registered_practice_id = ${practice.id}::uuid LIMIT 1`);
    const practiceStaff = (await t.all<{ id: string }>(sql`SELECT id FROM professional WHERE ics_id = ${t.j.ics.icsId}::uuid AND organisation_id = ${practice.id}::uuid`)).map((p) => p.id);
    const notMine = await t.one<{ id: string }>(sql`SELECT c.id FROM child c WHERE c.ics_id = ${t.j.ics.icsId}::uuid AND c.registered_practice_id <> ${practice.id}::uuid
      AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${t.j.ics.icsId}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id
        AND m.professional_id = ANY(${sql.param(practiceStaff)}::uuid[])) LIMIT 1`);
    expect((await gp.read({ resourceType: 'Patient', id: mine.id })).id).toBe(mine.id);
    const refusedMark = await auditMark(t.j.db);
    const refused = await refusal(gp.read({ resourceType: 'Patient', id: notMine.id }));
    expect(refused.status).toBe(403);
    // The refusal is audited through the one door: this client, that child, and the reason the client was told.
    const reason = refused.outcome.issue![0].details!.text!;
    expect(reason).toMatch(/\w/);
    expect(await auditSince(t.j.db, refusedMark)).toEqual([{
      actor: gpClient.clientId, role: 'system', child: notMine.id, action: 'child.access-refused', what: 'Refused: Demographics (FHIR Patient)', why: reason, details: null,
    }]);
    expect((await refusal(gp.request(`Patient/${notMine.id}/$everything`))).status).toBe(403);
    const all = (await gp.search({ resourceType: 'Patient', searchParams: { _count: 100 } })) as unknown as Bundle;
    const [{ n }] = await t.all<{ n: number }>(sql`SELECT count(*)::int AS n FROM child WHERE registered_practice_id = ${practice.id}::uuid`);
    expect(all.total).toBeGreaterThanOrEqual(n);
    expect(all.entry!.map((e) => e.resource!.id)).not.toContain(notMine.id);
  });

  it('never serves a sensitive entry: not in read, search, counts or $everything', async () => {
    const before = (await fhir.search({ resourceType: 'Condition', searchParams: { patient: `Patient/${childId}` } })) as unknown as Bundle;
    const created = await fhir.create({ resourceType: 'Condition', body: sensitiveCondition('api', `Patient/${childId}`) as never });
    expect(created.resourceType).toBe('OperationOutcome');
    const stored = await t.one<{ id: string; sensitive_category: string }>(sql`SELECT id, sensitive_category FROM record_entry WHERE source_id = 'api-sensitive'`);
    expect(stored.sensitive_category).toBe('sexual-health');
    expect((await refusal(fhir.read({ resourceType: 'Condition', id: stored.id }))).status).toBe(404);
    const after = (await fhir.search({ resourceType: 'Condition', searchParams: { patient: `Patient/${childId}` } })) as unknown as Bundle;
    expect(after.total).toBe(before.total);
    expect(JSON.stringify(after)).not.toMatch(/Chlamydial/);
    const byCode = (await fhir.search({ resourceType: 'Condition', searchParams: { patient: `Patient/${childId}`, code: '105629000' } })) as unknown as Bundle;
    expect(byCode.total).toBe(0);
    const everything = await fhir.request(`Patient/${childId}/$everything`);
    expect(JSON.stringify(everything)).not.toMatch(/Chlamydial|105629000|sensitive/);
    const audit = await fhir.search({ resourceType: 'AuditEvent', searchParams: { patient: `Patient/${childId}`, _count: 100 } });
    expect(JSON.stringify(audit)).not.toMatch(/Chlamydial|sensitive/);
  });

  it('does not serve a sensitive entry even to the system of the organisation that sent it', async () => {
    const practice = await t.one<{ id: string; ods_code: string }>(sql`SELECT DISTINCT o.id, o.ods_code FROM child c JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
      WHERE c.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice' ORDER BY o.ods_code LIMIT 1`);
    const gp = t.client(await t.token({ odsCode: practice.ods_code }));
    const mine = await t.one<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid AND registered_practice_id = ${practice.id}::uuid ORDER BY id LIMIT 1`);
    const search = async () => ((await gp.search({ resourceType: 'Condition', searchParams: { patient: `Patient/${mine.id}` } })) as unknown as Bundle);
    const before = await search();
    await gp.create({ resourceType: 'Condition', body: sensitiveCondition('own', `Patient/${mine.id}`) as never });
    const stored = await t.one<{ id: string; recording_organisation_id: string }>(sql`SELECT id, recording_organisation_id FROM record_entry WHERE source_id = 'own-sensitive'`);
    expect(stored.recording_organisation_id).toBe(practice.id);
    expect((await refusal(gp.read({ resourceType: 'Condition', id: stored.id }))).status).toBe(404);
    const after = await search();
    expect(after.total).toBe(before.total);
    expect(JSON.stringify(after)).not.toMatch(/Chlamydial/);
  });
});
