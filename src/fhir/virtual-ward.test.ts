import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, Encounter, EpisodeOfCare, Flag, Observation, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { acknowledgeEscalation, recordObservations, recordVisit, scheduleVisit } from '../ambulatory/service.js';
import { demoWard, inIcs, onWard, plainChild, type Ward } from '../ambulatory/test-fixtures.js';
import { LOINC, PEWS_SCORE_SYSTEM, UCUM, WARD_ESCALATION_SYSTEM, WARD_VISIT_SYSTEM } from './codes.js';
import { fhirCall, refusal, startFhirTest, type FhirTest } from './test-setup.js';
import { auditMark, auditSince } from '../../test/audit.js';
import { structureIssues } from './validation.js';

const entries = <T extends Resource>(b: unknown) => ((b as Bundle).entry ?? []).map((e) => e.resource as T);
const codeOf = (o: Observation) => o.code.coding!.map((c) => `${c.system}|${c.code}`);

/**
 * The children's virtual ward over FHIR: a toddler on the bronchiolitis
 * pathway whose nurse recorded observations scoring 6 (a medium escalation)
 * and made a home visit. A system reads the stay, the visit, each vital sign
 * and the score, and the escalation; nothing of it may be written.
 */
describe('the virtual ward as FHIR EpisodeOfCare, Encounter, Observation and Flag (pglite)', () => {
  let t: FhirTest;
  let w: Ward;
  let child: string;
  let episodeId: string;
  let setId: string;
  let visitId: string;
  let escalationId: string;

  beforeAll(async () => {
    t = await startFhirTest('pglite', 200);
    w = await demoWard(t.j);
    child = await plainChild(t.j, w.gp, { toddler: true });
    episodeId = await onWard(t.j, w, child);
    await inIcs(t.j, (tx) => recordObservations(tx, w.nurse, episodeId, {
      respiratoryRate: 55, heartRate: 155, spo2: 93, respiratoryDistress: 'mild', systolicBP: 95, temperature: 37.2, avpu: 'A',
    }));
    ({ id: setId } = await t.one<{ id: string }>(sql`SELECT id FROM ward_observation WHERE episode_id = ${episodeId}::uuid`));
    ({ id: escalationId } = await t.one<{ id: string }>(sql`SELECT id FROM ward_escalation WHERE episode_id = ${episodeId}::uuid`));
    visitId = await inIcs(t.j, (tx) => scheduleVisit(tx, w.nurse, episodeId, { kind: 'home', dueAt: new Date().toISOString() }));
    await inIcs(t.j, (tx) => recordVisit(tx, w.nurse, visitId, { notes: 'Feeding better.' }));
  }, 180_000);
  afterAll(() => t?.close());

  it('serves the stay as an active EpisodeOfCare on its pathway, valid R4, found by patient and status', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/*.rs' }));
    const episode = (await fhir.read({ resourceType: 'EpisodeOfCare', id: episodeId })) as unknown as EpisodeOfCare;
    expect(structureIssues(episode)).toEqual([]);
    expect(episode).toMatchObject({ status: 'active', patient: { reference: `Patient/${child}` } });
    expect(episode.type!.map((c) => c.coding![0].code)).toEqual(['hacc', 'bronchiolitis']);
    const active = entries<EpisodeOfCare>(await fhir.search({ resourceType: 'EpisodeOfCare', searchParams: { patient: `Patient/${child}`, status: 'active' } }));
    expect(active.map((e) => e.id)).toEqual([episodeId]);
    const finished = await fhir.search({ resourceType: 'EpisodeOfCare', searchParams: { patient: `Patient/${child}`, status: 'finished' } });
    expect((finished as unknown as Bundle).total).toBe(0);
    const bad = await refusal(fhir.search({ resourceType: 'EpisodeOfCare', searchParams: { patient: `Patient/${child}`, status: 'escalated' } }));
    expect(bad.status).toBe(400);
  });

  it('serves each vital sign as its own Observation with LOINC, the vital-signs category and UCUM, and the PEWS score as another', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/Observation.rs' }));
    const heart = entries<Observation>(await fhir.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${child}`, code: `${LOINC}|8867-4` } }));
    expect(heart).toHaveLength(1);
    expect(heart[0]).toMatchObject({
      id: `${setId}-hr`, status: 'final', category: [{ coding: [{ code: 'vital-signs' }] }],
      valueQuantity: { value: 155, system: UCUM, code: '/min' }, performer: [{ reference: `Practitioner/${w.nurse.professionalId}` }],
    });
    const ofSet = entries<Observation>(await fhir.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${child}`, _count: '50' } }))
      .filter((o) => o.id!.startsWith(setId));
    expect(ofSet.map(codeOf)).toEqual([
      [`${LOINC}|9279-1`], [`${LOINC}|8867-4`], [`${LOINC}|2708-6`, `${LOINC}|59408-5`], [`${LOINC}|8310-5`], [`${LOINC}|85354-9`], [`${PEWS_SCORE_SYSTEM}|spot-pews-total`],
    ]);
    for (const o of ofSet) expect(structureIssues(o)).toEqual([]);
    const bp = ofSet.find((o) => o.id === `${setId}-bp`)!;
    expect(bp.component).toEqual([expect.objectContaining({ code: expect.objectContaining({ coding: [expect.objectContaining({ code: '8480-6' })] }), valueQuantity: expect.objectContaining({ value: 95, code: 'mm[Hg]' }) })]);
    const pews = (await fhir.read({ resourceType: 'Observation', id: `${setId}-pews` })) as unknown as Observation;
    expect(pews.valueInteger).toBe(6);
    expect(pews.interpretation![0].text).toBe('Escalation: medium');
    expect(pews.derivedFrom!.map((d) => d.reference)).toContain(`Observation/${setId}-hr`);
    expect((await refusal(fhir.read({ resourceType: 'Observation', id: `${setId}-xx` }))).status).toBe(404);
  });

  it('serves the home visit as an Encounter of class HH in the episode, and the escalation as a Flag with its level until it is acknowledged', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/Encounter.rs system/Flag.rs' }));
    const visit = (await fhir.read({ resourceType: 'Encounter', id: visitId })) as unknown as Encounter;
    expect(structureIssues(visit)).toEqual([]);
    expect(visit).toMatchObject({ status: 'finished', class: { code: 'HH' }, episodeOfCare: [{ reference: `EpisodeOfCare/${episodeId}` }] });
    const homeVisits = entries<Encounter>(await fhir.search({ resourceType: 'Encounter', searchParams: { patient: `Patient/${child}`, type: `${WARD_VISIT_SYSTEM}|home` } }));
    expect(homeVisits.map((e) => e.id)).toEqual([visitId]);
    const active = entries<Flag>(await fhir.search({ resourceType: 'Flag', searchParams: { patient: `Patient/${child}`, status: 'active' } }));
    expect(active.map((f) => [f.id, f.code.coding![0].system, f.code.coding![0].code])).toEqual([[escalationId, WARD_ESCALATION_SYSTEM, 'medium']]);
    expect(structureIssues(active[0])).toEqual([]);
    await inIcs(t.j, (tx) => acknowledgeEscalation(tx, w.nurse, escalationId));
    const after = (await fhir.read({ resourceType: 'Flag', id: escalationId })) as unknown as Flag;
    expect(after.status).toBe('inactive');
    expect(after.period!.end).toBeDefined();
  });

  it('puts the stay, its observations, visit and escalation in $everything and the CapabilityStatement, and refuses every write to them', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/*.cruds' }));
    const all = entries<Resource>(await fhir.request(`Patient/${child}/$everything`));
    const ids = all.map((r) => `${r.resourceType}/${r.id}`);
    expect(ids).toEqual(expect.arrayContaining([`EpisodeOfCare/${episodeId}`, `Encounter/${visitId}`, `Flag/${escalationId}`, `Observation/${setId}-pews`]));
    const statement = (await fhir.capabilityStatement()) as unknown as CapabilityStatement;
    expect(statement.rest![0].resource!.map((r) => r.type)).toContain('EpisodeOfCare');
    const pews = (await fhir.read({ resourceType: 'Observation', id: `${setId}-pews` })) as unknown as Observation;
    const put = await refusal(fhir.update({ resourceType: 'Observation', id: pews.id!, body: { ...pews, valueInteger: 0 } as never }));
    expect(put.status).toBe(422);
    expect(put.outcome.issue[0].details!.text).toMatch(/read only here/);
    expect(((await fhir.read({ resourceType: 'Observation', id: pews.id! })) as unknown as Observation).valueInteger).toBe(6);
    expect((await refusal(fhir.update({ resourceType: 'EpisodeOfCare', id: episodeId, body: { resourceType: 'EpisodeOfCare', id: episodeId, status: 'finished', patient: { reference: `Patient/${child}` } } as never }))).status).toBeGreaterThanOrEqual(400);
  });

  it('refuses a client without the scope, a practice’s system unrelated to the child, and another ICS', async () => {
    const patientsOnly = t.client(await t.token({ scopes: 'system/Patient.rs' }));
    expect((await refusal(patientsOnly.read({ resourceType: 'EpisodeOfCare', id: episodeId }))).status).toBe(403);
    expect((await refusal(patientsOnly.read({ resourceType: 'Observation', id: `${setId}-hr` }))).status).toBe(403);
    const elsewhere = await t.one<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
      AND o.id <> ${w.gp.organisationId}::uuid ORDER BY o.ods_code LIMIT 1`);
    const otherPractice = t.client(await t.token({ odsCode: elsewhere.ods_code, scopes: 'system/*.rs' }));
    for (const [resourceType, id] of [['EpisodeOfCare', episodeId], ['Encounter', visitId], ['Flag', escalationId], ['Observation', `${setId}-pews`]]) {
      expect((await refusal(otherPractice.read({ resourceType: resourceType as 'Flag', id }))).status).toBe(403);
    }
    const [{ n }] = await t.all<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${child}::uuid AND action = 'child.access-refused'
      AND what = 'Refused: Stays on the virtual ward (FHIR EpisodeOfCare)'`);
    expect(n).toBe(1);
    const otherIcs = t.client(await t.token({ icsId: t.j.other.icsId, scopes: 'system/*.rs' }));
    expect((await refusal(otherIcs.read({ resourceType: 'EpisodeOfCare', id: episodeId }))).status).toBe(404);
    expect((await refusal(otherIcs.read({ resourceType: 'Observation', id: `${setId}-hr` }))).status).toBe(404);
  });

  it('finds the ward’s Observations by code, status and the day they were observed (UTC), and only those each filter matches', async () => {
    const fhir = t.client(await t.token({ scopes: 'system/Observation.rs' }));
    const { day } = await t.one<{ day: string }>(sql`SELECT to_char(observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM ward_observation WHERE id = ${setId}::uuid`);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const ofSet = async (searchParams: Record<string, string>) =>
      entries<Observation>(await fhir.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${child}`, _count: '50', ...searchParams } }))
        .filter((o) => o.id!.startsWith(setId)).map((o) => o.id!.slice(setId.length + 1));
    const everyPart = ['rr', 'hr', 'spo2', 'temp', 'bp', 'pews'];
    expect(await ofSet({ code: `${PEWS_SCORE_SYSTEM}|spot-pews-total` })).toEqual(['pews']);
    expect(await ofSet({ code: `${LOINC}|8310-5,${LOINC}|85354-9` })).toEqual(['temp', 'bp']);
    expect(await ofSet({ code: `${LOINC}|8480-6` })).toEqual([]);
    expect(await ofSet({ status: 'final' })).toEqual(everyPart);
    expect(await ofSet({ status: 'preliminary' })).toEqual([]);
    expect(await ofSet({ date: day })).toEqual(everyPart);
    expect(await ofSet({ date: `ge${day}`, code: `${LOINC}|8867-4` })).toEqual(['hr']);
    expect(await ofSet({ date: next })).toEqual([]);
    expect(await ofSet({ date: `lt${day}` })).toEqual([]);
  });

  it('an Observation search of the child by a system unrelated to them is refused and audited with nothing of the record or the ward; by another ICS it is 404', async () => {
    const writer = t.client(await t.token({ scopes: 'system/Observation.cruds' }));
    await writer.create({
      resourceType: 'Observation',
      body: { resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${child}` }, code: { text: 'Parent reports a good night' }, valueString: 'Slept through' } as never,
    });
    const elsewhere = await t.one<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
      AND o.id <> ${w.gp.organisationId}::uuid ORDER BY o.ods_code LIMIT 1`);
    const stranger = await t.register({ odsCode: elsewhere.ods_code, scopes: 'system/*.rs' });
    const strangerToken = await t.tokenFor(stranger);
    for (const query of [`patient=Patient/${child}`, `patient=Patient/${child}&code=${encodeURIComponent(`${PEWS_SCORE_SYSTEM}|spot-pews-total`)}`]) {
      const mark = await auditMark(t.j.db);
      const refused = await fhirCall(t, strangerToken, 'GET', `Observation?${query}`);
      expect(refused.status, query).toBe(403);
      expect(refused.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden' }] });
      expect(JSON.stringify(refused.body)).not.toContain(setId);
      const audited = await auditSince(t.j.db, mark);
      expect(audited).toEqual([expect.objectContaining({
        actor: stranger.clientId, child, action: 'child.access-refused', what: 'Refused: shared record', why: 'This system has no relationship with this child.',
      })]);
    }
    const mark = await auditMark(t.j.db);
    const otherIcs = await fhirCall(t, await t.token({ icsId: t.j.other.icsId, scopes: 'system/*.rs' }), 'GET', `Observation?patient=Patient/${child}`);
    expect(otherIcs.status).toBe(404);
    expect(otherIcs.body).toMatchObject({ resourceType: 'OperationOutcome' });
    expect(await auditSince(t.j.db, mark, { child })).toEqual([]);
  });

  it('dates, times and page keys PostgreSQL cannot read are a 400 naming the parameter, never a failed door; a refused system is still refused and audited first where they were always read after the door', async () => {
    const reader = await t.token({ scopes: 'system/Observation.rs' });
    const first = await fhirCall(t, reader, 'GET', `Observation?patient=Patient/${child}&_count=1`);
    const next = (first.body as Bundle).link?.find((l) => l.relation === 'next')?.url;
    expect(next).toBeDefined();
    const [sort, at, id] = JSON.parse(Buffer.from(new URL(next!).searchParams.get('_cursor')!, 'base64url').toString('utf8')) as string[];
    // A page key as PostgreSQL writes a time, but 16 hours from UTC, which it cannot read back.
    const badCursor = Buffer.from(JSON.stringify([sort, at.replace(/[+-]\d{2}(:\d{2})?$/, '+16'), id])).toString('base64url');
    const unreadable: [string, string][] = [
      ['date', '0000'], ['date', 'gt9999-12-31'], ['_lastUpdated', '0000-01-01T00:00Z'], ['_lastUpdated', '2024-01-01T00:00+16:00'], ['_cursor', badCursor],
    ];
    for (const [name, value] of unreadable) {
      const res = await fhirCall(t, reader, 'GET', `Observation?patient=Patient/${child}&_count=1&${name}=${encodeURIComponent(value)}`);
      expect(res.status, `${name}=${value}`).toBe(400);
      expect(res.body, `${name}=${value}`).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'invalid', expression: [name] }] });
    }
    const elsewhere = await t.one<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
      AND o.id <> ${w.gp.organisationId}::uuid ORDER BY o.ods_code LIMIT 1`);
    const stranger = await t.tokenFor(await t.register({ odsCode: elsewhere.ods_code, scopes: 'system/*.rs' }));
    for (const [name, value] of unreadable.filter(([n]) => n !== 'date')) {
      const mark = await auditMark(t.j.db);
      const res = await fhirCall(t, stranger, 'GET', `Observation?patient=Patient/${child}&_count=1&${name}=${encodeURIComponent(value)}`);
      expect(res.status, `${name}=${value}`).toBe(403);
      expect(await auditSince(t.j.db, mark, { child }), `${name}=${value}`).toEqual([expect.objectContaining({ child, action: 'child.access-refused', what: 'Refused: shared record' })]);
    }
  });
});
