import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, Observation, OperationOutcome } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';
import { NHS_NUMBER_SYSTEM, SNOMED } from './codes.js';

/**
 * Search as an integration engineer's client asks for it: a child found by
 * NHS number through a chain, children found by what is in their record
 * (_has), entries without a date or code (:missing), only some elements,
 * the Patient compartment, and identifier and category on record entries.
 * Every answer is checked for its status and, when refused, its OperationOutcome.
 */
describe('chained, reverse-chained and compartment search as a FHIR client asks', () => {
  let t: FhirTest;
  let token: string;
  let childId: string;
  let nhsNumber: string;
  const VITAL = 'http://terminology.hl7.org/CodeSystem/observation-category';

  type Answer = Omit<Bundle, 'resourceType'> & { resourceType: string; issue: OperationOutcome['issue']; rest?: CapabilityStatement['rest'] };
  const get = async (url: string) => {
    const res = await fetch(`${t.base}/${url}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Answer };
  };
  const matches = (b: Pick<Bundle, 'entry'>) => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!);
  const refusedFor = (b: Pick<OperationOutcome, 'issue'>) => ({ code: b.issue[0].code, expression: b.issue[0].expression?.[0] });

  beforeAll(async () => {
    t = await startFhirTest('pglite', 40);
    token = await t.token();
    nhsNumber = await freshNhsNumber(t);
    const sent = recordBundle({ tag: 'sc1', nhsNumber, practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') });
    const res = await fetch(t.base, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(sent) });
    const answered = (await res.json()) as Bundle;
    childId = answered.entry![0].response!.location!.split('/')[1];
    // A heart rate with its vital-signs category, and an observation in words with no date.
    const observation = (o: Partial<Observation>): Observation => ({ resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${childId}` }, code: { text: 'x' }, ...o });
    for (const o of [
      observation({ identifier: [{ system: 'https://gp.example/obs', value: 'hr-1' }], category: [{ coding: [{ system: VITAL, code: 'vital-signs' }] }], code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] }, effectiveDateTime: '2026-10-01', valueQuantity: { value: 96, unit: '/min' } }),
      observation({ identifier: [{ system: 'https://gp.example/obs', value: 'note-1' }], code: { text: 'Parent reports good sleep' }, valueString: 'Sleeps through' }),
    ]) {
      const made = await fetch(`${t.base}/Observation`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(o) });
      expect(made.status).toBe(201);
    }
  }, 600_000);
  afterAll(() => t?.close());

  it('finds the child’s observations by NHS number through patient.identifier, audited as the child’s search', async () => {
    const before = await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'record.read'`);
    const { status, body } = await get(`Observation?patient.identifier=${encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${nhsNumber}`)}`);
    expect(status).toBe(200);
    expect(matches(body).map((o) => (o as Observation).code.coding?.[0]?.code ?? (o as Observation).code.text).sort()).toEqual(['27113001', '8867-4', 'Parent reports good sleep'].sort());
    expect(matches(body).every((o) => (o as Observation).subject?.reference === `Patient/${childId}`)).toBe(true);
    const after = await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'record.read'`);
    expect(after.n).toBe(before.n + 1);
  });

  it('a chain to an NHS number no related child has finds nothing; naming the child twice is refused', async () => {
    const none = await get(`Observation?subject.identifier=${encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${await freshNhsNumber(t, 3)}`)}`);
    expect(none.status).toBe(200);
    expect(none.body.total).toBe(0);
    const twice = await get(`Observation?patient.identifier=${nhsNumber}&patient=Patient/${childId}`);
    expect(twice.status).toBe(400);
    expect(refusedFor(twice.body)).toEqual({ code: 'invalid', expression: 'patient.identifier' });
  });

  it('_has on Patient keeps the children with an entry of that code; another type’s parameter is refused', async () => {
    const { status, body } = await get(`Patient?_has:Observation:patient:code=${encodeURIComponent(`http://loinc.org|8867-4`)}&_count=100`);
    expect(status).toBe(200);
    expect(matches(body).map((p) => p.id)).toEqual([childId]);
    const asthma = await get(`Patient?_has:Condition:patient:code=${SNOMED}|195967001&identifier=${nhsNumber}`);
    expect(matches(asthma.body).map((p) => p.id)).toEqual([childId]);
    const wrong = await get('Patient?_has:Observation:patient:status=final');
    expect(wrong.status).toBe(400);
    expect(refusedFor(wrong.body)).toEqual({ code: 'invalid', expression: '_has:Observation:patient:status' });
  });

  it(':missing finds what was recorded without a date or in words alone; a value other than true or false is refused', async () => {
    const undated = await get(`Observation?patient=${childId}&date:missing=true`);
    expect(undated.status).toBe(200);
    expect(matches(undated.body).map((o) => (o as Observation).code.text)).toEqual(['Parent reports good sleep']);
    const uncoded = await get(`Observation?patient=${childId}&code:missing=true`);
    expect(matches(uncoded.body).map((o) => (o as Observation).valueString)).toEqual(['Sleeps through']);
    const dated = await get(`Observation?patient=${childId}&date:missing=false&_count=100`);
    expect(matches(dated.body).every((o) => (o as Observation).effectiveDateTime)).toBe(true);
    const bad = await get(`Observation?patient=${childId}&date:missing=yes`);
    expect(bad.status).toBe(400);
    expect(refusedFor(bad.body)).toEqual({ code: 'invalid', expression: 'date:missing' });
  });

  it('identifier and category on record entries, with comma alternatives', async () => {
    const byId = await get(`Observation?patient=${childId}&identifier=${encodeURIComponent('https://gp.example/obs|hr-1,https://gp.example/obs|note-1')}`);
    expect(byId.status).toBe(200);
    expect(matches(byId.body).map((o) => (o as Observation).identifier?.[0].value).sort()).toEqual(['hr-1', 'note-1']);
    const vital = await get(`Observation?patient=${childId}&category=${encodeURIComponent(`${VITAL}|vital-signs`)}`);
    expect(matches(vital.body).map((o) => (o as Observation).code.coding?.[0].code)).toEqual(['8867-4']);
    // A condition is served as a problem-list item when the sender gave no category.
    const problems = await get(`Condition?subject=Patient/${childId}&category=problem-list-item`);
    expect(matches(problems.body).map((c) => (c as { code: { coding: { code: string }[] } }).code.coding[0].code)).toEqual(['195967001']);
    const otherSystem = await get(`Observation?patient=${childId}&identifier=${encodeURIComponent('https://elsewhere.example|hr-1')}`);
    expect(otherSystem.body.total).toBe(0);
  });

  it('_elements gives only the elements asked for, with id and meta, tagged SUBSETTED', async () => {
    const { status, body } = await get(`Observation?patient=${childId}&identifier=hr-1&_elements=code,valueQuantity`);
    expect(status).toBe(200);
    const [o] = matches(body) as Observation[];
    expect(Object.keys(o).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'valueQuantity']);
    expect(o.meta?.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    expect(body.link!.find((l) => l.relation === 'self')!.url).toContain('_elements=code%2CvalueQuantity');
    const bad = await get(`Observation?patient=${childId}&_elements=value.quantity`);
    expect(bad.status).toBe(400);
    expect(refusedFor(bad.body)).toEqual({ code: 'invalid', expression: '_elements' });
  });

  it('Patient/<id>/<Type> searches the child’s compartment; a type outside it and an unknown child answer FHIR 404s', async () => {
    const compartment = await get(`Patient/${childId}/Condition`);
    const search = await get(`Condition?patient=${childId}`);
    expect(compartment.status).toBe(200);
    expect(matches(compartment.body).map((c) => c.id)).toEqual(matches(search.body).map((c) => c.id));
    const organisations = await get(`Patient/${childId}/Organization`);
    expect(organisations.status).toBe(404);
    expect(organisations.body.resourceType).toBe('OperationOutcome');
    expect(organisations.body.issue[0].code).toBe('not-supported');
    const nobody = await get('Patient/00000000-0000-4000-8000-000000000000/Observation');
    expect(nobody.status).toBe(404);
    expect(nobody.body.resourceType).toBe('OperationOutcome');
  });

  it('every search parameter the CapabilityStatement lists is answered, and one it does not list is refused with an OperationOutcome', async () => {
    const statement = (await get('metadata')).body;
    const [rest] = statement.rest!;
    // A value each parameter can take, by name or type: the test asks only whether the server answers the parameter, not what it finds.
    // A referral of a child the client is related to (every child is: the engine's client sees the ICS), for based-on.
    const referral = await t.one<{ id: string; child_id: string }>(sql`SELECT id, child_id FROM referral WHERE ics_id = ${t.j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
    const STATUS: Record<string, string> = { Flag: 'active', ServiceRequest: 'active', Appointment: 'booked', Consent: 'active', EpisodeOfCare: 'active' };
    let current = '';
    const sample = (type: string, name: string, doc: string): string => {
      if (name === 'status' && STATUS[current]) return STATUS[current];
      const oneOf = /One of: ([a-z-]+)/.exec(doc)?.[1];
      if (oneOf) return oneOf;
      if (name.endsWith('.identifier')) return `${NHS_NUMBER_SYSTEM}|${nhsNumber}`;
      if (name === 'patient' || name === 'subject') return `Patient/${childId}`;
      if (name === 'based-on') return `ServiceRequest/${referral.id}`;
      // A child's care team has the child's id (CareTeam/<child id>).
      if (name === 'care-team') return `CareTeam/${childId}`;
      if (name === '_count') return '5';
      if (name === '_lastUpdated' || type === 'date') return 'ge2020-01-01';
      if (name === '_id') return childId;
      return type === 'string' ? 'a' : 'x';
    };
    const needsChild = (r: { searchParam?: { name: string }[] }) => r.searchParam!.some((p) => p.name === 'patient');
    const unanswered: string[] = [];
    for (const r of rest.resource!) {
      current = r.type;
      const child = needsChild(r) && r.type !== 'Patient' ? `patient=Patient/${childId}&` : '';
      for (const p of r.searchParam!) {
        if (p.name === '_has') {
          const res = await get('Patient?_has:Condition:patient:code=x');
          if (res.status !== 200) unanswered.push(`Patient?_has ${res.status}`);
          continue;
        }
        if (p.name === 'patient' || p.name === 'based-on' || p.name.endsWith('.identifier') || (p.name === 'subject' && child)) {
          const res = await get(`${r.type}?${p.name}=${encodeURIComponent(sample(p.type!, p.name, p.documentation ?? ''))}`);
          if (res.status !== 200) unanswered.push(`${r.type}?${p.name} ${res.status}`);
          continue;
        }
        const res = await get(`${r.type}?${child}${p.name}=${encodeURIComponent(sample(p.type!, p.name, p.documentation ?? ''))}`);
        if (res.status !== 200 || res.body.resourceType !== 'Bundle') unanswered.push(`${r.type}?${p.name} ${res.status} ${JSON.stringify(res.body.issue ?? '')}`);
      }
      const unknown = await get(`${r.type}?${child}colour-of-door=blue`);
      expect(unknown.status, r.type).toBe(400);
      expect(unknown.body.resourceType).toBe('OperationOutcome');
      expect(refusedFor(unknown.body)).toEqual({ code: 'invalid', expression: 'colour-of-door' });
    }
    expect(unanswered).toEqual([]);
  }, 300_000);
});
