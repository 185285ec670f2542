import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Appointment, Bundle, Communication, Location, Resource, ServiceRequest } from '@medplum/fhirtypes';
import type { Client } from 'fhir-kit-client';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../test/database.js';
import { actorFor } from '../../test/actors.js';
import type { Tx } from '../platform/db/client.js';
import { londonToday } from '../platform/time/form-dates.js';
import { moveReferral, submitReferral } from '../referrals/service.js';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { structureIssues } from './validation.js';
import { hearStatements } from '../../test/citus-ready/queries.js';
import { appSqlProblems, appStatements } from '../../test/citus-ready/heard-in-tests.js';

const kinds = await databaseKinds();

const status = (p: Promise<unknown>) => p.then(() => 200, (e: { response?: { status: number } }) => e.response?.status ?? Promise.reject(e));
const entries = <T extends Resource>(b: unknown) => ((b as Bundle).entry ?? []).map((e) => e.resource as T);

/** Referrals, the clinic bookings made for them and their message threads, read by FHIR clients under the child-level access rules. */
describe.each(kinds)('ServiceRequest, Appointment and Communication over FHIR on %s', (kind) => {
  let t: FhirTest;
  let engine: Client;
  let child: { id: string; practice_id: string; practice_name: string; ods_code: string };
  let people: { gp: string; gpName: string; lead: string };
  const ids = { referral: '', advice: '', withdrawn: '', booked: '', moved: '', question: '', answer: '', otherIcs: '' };

  /** Submits a referral from a practice's GP, then makes each move as whoever may make it. */
  async function refer(icsId: string, gpEmail: string, childId: string, form: Record<string, string>, moves: [string, Record<string, string>][]) {
    const today = londonToday();
    const inIcs = <T>(fn: (tx: Tx) => Promise<T>) => t.j.db.tenant(icsId, fn) as Promise<T>;
    // Actors are looked up first: PGlite runs one transaction at a time.
    const gp = await actorFor(t.j.db, gpEmail);
    const id = await inIcs((tx) => submitReferral(tx, gp, { childId, ...form }, today));
    for (const [email, move] of moves) {
      const [mover, { version }] = [await actorFor(t.j.db, email), await t.one<{ version: number }>(sql`SELECT version FROM referral WHERE id = ${id}::uuid`)];
      await inIcs((tx) => moveReferral(tx, mover, id, { ...move, version }, today));
    }
    return id;
  }

  beforeAll(async () => {
    t = await startFhirTest(kind);
    engine = t.client(await t.token({ scopes: 'system/*.rs' }));
    const gp = await actorFor(t.j.db, 'gp@demo.joinery.test');
    child = await t.one(sql`SELECT c.id, o.id AS practice_id, o.name AS practice_name, o.ods_code FROM child c JOIN organisation o ON o.ics_id = c.ics_id AND o.id = c.registered_practice_id
      WHERE c.ics_id = ${t.j.ics.icsId}::uuid AND o.id = ${gp.organisationId}::uuid ORDER BY c.id LIMIT 1`);
    const lead = await t.one<{ id: string; email: string }>(sql`SELECT p.id, p.email FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
      JOIN professional p ON p.id = cl.lead_paediatrician_id WHERE cp.ics_id = ${t.j.ics.icsId}::uuid AND cl.ics_id = ${t.j.ics.icsId}::uuid AND cp.practice_id = ${child.practice_id}::uuid`);
    const admin = await t.one<{ email: string }>(sql`SELECT email FROM professional WHERE ics_id = ${t.j.ics.icsId}::uuid AND role = 'hub-admin' ORDER BY email LIMIT 1`);
    people = { gp: gp.professionalId, gpName: gp.name, lead: lead.id };
    const form = { kind: 'referral', urgency: 'soon', reason: 'Faltering growth', question: 'Is a coeliac screen needed?', tried: 'Food diary for four weeks' };
    ids.referral = await refer(t.j.ics.icsId, gp.email, child.id, form, [
      [lead.email, { to: 'awaiting-booking', note: 'See in the hub clinic' }], [admin.email, { to: 'booked' }],
    ]);
    ids.advice = await refer(t.j.ics.icsId, gp.email, child.id, { kind: 'advice', urgency: 'urgent', reason: 'Recurrent wheeze', question: 'Start a preventer?' }, [
      [lead.email, { to: 'advice-given', note: 'Trial a low-dose inhaled steroid' }],
    ]);
    ids.withdrawn = await refer(t.j.ics.icsId, gp.email, child.id, { ...form, urgency: 'routine' }, [[gp.email, { to: 'withdrawn', note: 'Growth caught up' }]]);

    // The clinics' and threads' own services are being written alongside: their rows, as those services will store them.
    const [session, early, late] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    [ids.moved, ids.booked, ids.question, ids.answer] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const ics = t.j.ics.icsId;
    const run = (q: ReturnType<typeof sql>) => t.j.db.owner.execute(q);
    await run(sql`INSERT INTO clinic_session (ics_id, id, cluster_id, venue_id, starts_at, slot_minutes, slot_count, format, paediatrician_id, gp_id, created_by)
      SELECT ${ics}::uuid, ${session}::uuid, cluster_id, ${child.practice_id}::uuid, '2026-12-01T09:30:00Z', 20, 2, 'joint', ${lead.id}::uuid, ${gp.professionalId}::uuid, ${lead.id}::uuid
        FROM referral WHERE id = ${ids.referral}::uuid`);
    await run(sql`INSERT INTO clinic_slot (ics_id, id, session_id, starts_at) VALUES
      (${ics}::uuid, ${early}::uuid, ${session}::uuid, '2026-12-01T09:30:00Z'), (${ics}::uuid, ${late}::uuid, ${session}::uuid, '2026-12-01T09:50:00Z')`);
    await run(sql`INSERT INTO clinic_booking (ics_id, id, slot_id, referral_id, child_id, state, booked_by, booked_by_name, end_note) VALUES
      (${ics}::uuid, ${ids.moved}::uuid, ${early}::uuid, ${ids.referral}::uuid, ${child.id}::uuid, 'moved', ${lead.id}::uuid, 'Hub admin', 'Family asked for later'),
      (${ics}::uuid, ${ids.booked}::uuid, ${late}::uuid, ${ids.referral}::uuid, ${child.id}::uuid, 'booked', ${lead.id}::uuid, 'Hub admin', null)`);
    await run(sql`INSERT INTO referral_message (ics_id, id, referral_id, author_id, author_name, author_role, body, sent_at) VALUES
      (${ics}::uuid, ${ids.question}::uuid, ${ids.advice}::uuid, ${gp.professionalId}::uuid, ${gp.name}, 'GP', 'Wheezy most nights since October.', '2026-11-20T10:00:00Z'),
      (${ics}::uuid, ${ids.answer}::uuid, ${ids.advice}::uuid, ${lead.id}::uuid, 'Hub lead', 'Paediatrician', 'Trial a preventer; review in six weeks.', '2026-11-21T08:15:00Z')`);

    const otherGp = await actorFor(t.j.db, 'gp@other.joinery.test');
    const otherChild = await t.one<{ id: string }>(sql`SELECT id FROM child WHERE registered_practice_id = ${otherGp.organisationId}::uuid ORDER BY id LIMIT 1`);
    ids.otherIcs = await refer(t.j.other.icsId, otherGp.email, otherChild.id, form, []);
  });
  afterAll(() => t?.close());

  it('serves referrals and advice requests as ServiceRequest, with their status, priority, category and notes', async () => {
    const found = entries<ServiceRequest>(await engine.search({ resourceType: 'ServiceRequest', searchParams: { patient: `Patient/${child.id}` } }));
    for (const sr of found) expect(structureIssues(sr)).toEqual([]);
    const byId = new Map(found.map((sr) => [sr.id, sr]));
    const referral = byId.get(ids.referral)!;
    const decider = await t.one<{ decision_maker_id: string }>(sql`SELECT decision_maker_id FROM referral WHERE id = ${ids.referral}::uuid`);
    expect(referral).toMatchObject({
      status: 'active', intent: 'order', priority: 'urgent', subject: { reference: `Patient/${child.id}` },
      requester: { reference: `Practitioner/${people.gp}`, display: people.gpName }, performer: [{ reference: `Practitioner/${decider.decision_maker_id}` }],
      reasonCode: [{ text: 'Faltering growth' }], meta: { versionId: '3' },
    });
    expect(referral.category![0].coding).toContainEqual({ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' });
    expect(referral.note!.map((n) => n.text)).toEqual(['Question: Is a coeliac screen needed?', 'What has been tried: Food diary for four weeks', 'Latest decision: See in the hub clinic']);
    const advice = byId.get(ids.advice)!;
    expect(advice).toMatchObject({ status: 'active', priority: 'asap', category: [{ text: 'Advice request' }] });
    expect(advice.category![0].coding!.map((c) => c.code)).toEqual(['advice']);
    expect(byId.get(ids.withdrawn)).toMatchObject({ status: 'revoked', priority: 'routine' });

    const revoked = entries<ServiceRequest>(await engine.search({ resourceType: 'ServiceRequest', searchParams: { patient: `Patient/${child.id}`, status: 'revoked' } }));
    expect(revoked.map((sr) => sr.id)).toContain(ids.withdrawn);
    expect(revoked.every((sr) => sr.status === 'revoked')).toBe(true);
    expect(await status(engine.search({ resourceType: 'ServiceRequest', searchParams: { patient: `Patient/${child.id}`, status: 'open' } }))).toBe(400);
    const read = (await engine.read({ resourceType: 'ServiceRequest', id: ids.advice })) as unknown as ServiceRequest;
    expect(read).toEqual(advice);
    const page = (await engine.search({ resourceType: 'ServiceRequest', searchParams: { patient: `Patient/${child.id}`, _count: 2 } })) as unknown as Bundle;
    expect(page.entry).toHaveLength(2);
    expect(page.link!.map((l) => l.relation)).toContain('next');
  });

  it('serves clinic bookings as Appointment: the slot’s times, the clinicians, the venue and the referral', async () => {
    // The generated ICS may have booked this child for referrals of its own: only this test's bookings are looked at.
    const all = entries<Appointment>(await engine.search({ resourceType: 'Appointment', searchParams: { patient: `Patient/${child.id}` } }));
    for (const a of all) expect(structureIssues(a)).toEqual([]);
    const found = all.filter((a) => a.id === ids.moved || a.id === ids.booked);
    expect(found.map((a) => a.id)).toEqual([ids.moved, ids.booked]);
    const [moved, booked] = found;
    expect(booked).toMatchObject({
      status: 'booked', start: '2026-12-01T09:50:00.000Z', end: '2026-12-01T10:10:00.000Z', minutesDuration: 20, basedOn: [{ reference: `ServiceRequest/${ids.referral}` }],
    });
    expect(booked.participant.map((p) => p.actor!.reference)).toEqual([`Patient/${child.id}`, `Practitioner/${people.lead}`, `Practitioner/${people.gp}`, '#venue']);
    expect((booked.contained![0] as Location).managingOrganization).toEqual({ reference: `Organization/${child.practice_id}`, display: child.practice_name });
    expect(booked.cancelationReason).toBeUndefined();
    expect(moved).toMatchObject({ status: 'cancelled', cancelationReason: { text: 'Moved to another time: Family asked for later' } });

    const live = entries<Appointment>(await engine.search({ resourceType: 'Appointment', searchParams: { patient: `Patient/${child.id}`, status: 'booked' } }));
    expect(live.map((a) => a.id)).toContain(ids.booked);
    expect(live.every((a) => a.status === 'booked')).toBe(true);
    const forReferral = entries<Appointment>(await engine.search({ resourceType: 'Appointment', searchParams: { 'based-on': `ServiceRequest/${ids.referral}` } }));
    expect(forReferral.map((a) => a.id)).toEqual([ids.moved, ids.booked]);
    expect(entries(await engine.search({ resourceType: 'Appointment', searchParams: { 'based-on': `ServiceRequest/${ids.advice}` } }))).toEqual([]);
    expect(await engine.read({ resourceType: 'Appointment', id: ids.booked })).toEqual(booked);
  });

  it('serves a referral’s message thread as Communication, in the order sent, never the record extracts attached to it', async () => {
    // A record entry the GP attached (here a sensitive one) is a frozen extract of the record, not a message: FHIR serves entries by their own rules.
    const extract = crypto.randomUUID();
    await t.j.db.owner.execute(sql`INSERT INTO referral_message (ics_id, id, referral_id, author_id, author_name, author_role, body, sent_at, sensitive_category)
      VALUES (${t.j.ics.icsId}::uuid, ${extract}::uuid, ${ids.advice}::uuid, ${people.gp}::uuid, ${people.gpName}, 'record-extract', 'Sensitive entry text', '2026-11-20T10:01:00Z', 'sexual-health')`);
    const thread = entries<Communication>(await engine.search({ resourceType: 'Communication', searchParams: { 'based-on': `ServiceRequest/${ids.advice}` } }));
    for (const c of thread) expect(structureIssues(c)).toEqual([]);
    expect(thread.map((c) => c.id)).toEqual([ids.question, ids.answer]);
    expect(thread[0]).toMatchObject({
      status: 'completed', subject: { reference: `Patient/${child.id}` }, basedOn: [{ reference: `ServiceRequest/${ids.advice}` }], sent: '2026-11-20T10:00:00.000Z',
      sender: { reference: `Practitioner/${people.gp}`, display: `${people.gpName} (GP)` }, payload: [{ contentString: 'Wheezy most nights since October.' }],
    });
    const ofChild = entries<Communication>(await engine.search({ resourceType: 'Communication', searchParams: { patient: `Patient/${child.id}` } }));
    expect(ofChild.map((c) => c.id)).toEqual(expect.arrayContaining([ids.question, ids.answer]));
    expect(await engine.read({ resourceType: 'Communication', id: ids.answer })).toEqual(thread[1]);
    // A referral of another child, named with this child, matches nothing.
    const someoneElse = await t.one<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid AND id <> ${child.id}::uuid LIMIT 1`);
    expect(entries(await engine.search({ resourceType: 'Communication', searchParams: { 'based-on': ids.advice, patient: `Patient/${someoneElse.id}` } }))).toEqual([]);
    expect(ofChild.map((c) => c.id)).not.toContain(extract);
    expect(await status(engine.read({ resourceType: 'Communication', id: extract }))).toBe(404);
  });

  it('serves the generated ICS’s referrals, bookings and threads as valid FHIR R4', async () => {
    const generated = await t.all<{ child_id: string }>(sql`SELECT DISTINCT r.child_id FROM referral r WHERE r.ics_id = ${t.j.ics.icsId}::uuid
      AND r.child_id <> ${child.id}::uuid AND EXISTS (SELECT 1 FROM referral_message m WHERE m.ics_id = ${t.j.ics.icsId}::uuid AND m.ics_id = r.ics_id AND m.referral_id = r.id) ORDER BY r.child_id LIMIT 5`);
    // Once the generator writes referral histories (being added alongside), they are checked here.
    for (const { child_id } of generated) {
      const all = entries(await engine.request(`Patient/${child_id}/$everything`)).filter((r) => ['ServiceRequest', 'Appointment', 'Communication'].includes(r.resourceType));
      expect(all.map((r) => r.resourceType)).toEqual(expect.arrayContaining(['ServiceRequest', 'Communication']));
      for (const r of all) expect(structureIssues(r), JSON.stringify(r)).toEqual([]);
    }
  });

  it('includes them in Patient/$everything as far as the client’s scopes go, and audits every read', async () => {
    const audited = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'fhir.read'
      AND what IN ('Referrals and advice requests (FHIR ServiceRequest)', 'Clinic appointments (FHIR Appointment)', 'Advice and referral messages (FHIR Communication)')`)).n;
    const before = await audited();
    await engine.read({ resourceType: 'ServiceRequest', id: ids.referral });
    await engine.read({ resourceType: 'Appointment', id: ids.booked });
    await engine.search({ resourceType: 'Communication', searchParams: { 'based-on': `ServiceRequest/${ids.advice}` } });
    expect(await audited()).toBe(before + 3);

    const all = entries(await engine.request(`Patient/${child.id}/$everything`));
    for (const type of ['ServiceRequest', 'Appointment', 'Communication']) expect(all.map((r) => r.resourceType)).toContain(type);
    const narrow = t.client(await t.token({ scopes: 'system/Patient.rs system/ServiceRequest.rs' }));
    const some = entries(await narrow.request(`Patient/${child.id}/$everything`)).map((r) => r.resourceType);
    expect(some).toContain('ServiceRequest');
    expect(some).not.toContain('Appointment');
    expect(some).not.toContain('Communication');
  });

  it('refuses a client without the scope or without a relationship with the child, and does not find another ICS’s', async () => {
    const noScope = t.client(await t.token({ scopes: 'system/Patient.rs' }));
    // The care team's organisations first: a correlated subquery on a distributed table under a reference table does not run on Citus.
    const careTeamOrgs = (await t.all<{ id: string }>(sql`SELECT DISTINCT p.organisation_id AS id FROM care_team_member m JOIN professional p ON p.id = m.professional_id
      WHERE m.ics_id = ${t.j.ics.icsId}::uuid AND m.child_id = ${child.id}::uuid AND p.organisation_id IS NOT NULL`)).map((o) => o.id);
    const stranger = await t.one<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
      AND o.id <> ${child.practice_id}::uuid AND NOT (o.id = ANY(${sql.param(careTeamOrgs)}::uuid[])) ORDER BY o.ods_code LIMIT 1`);
    const other = t.client(await t.token({ scopes: 'system/*.rs', odsCode: stranger.ods_code }));
    const practice = t.client(await t.token({ scopes: 'system/*.rs', odsCode: child.ods_code }));
    const reads = [['ServiceRequest', ids.referral], ['Appointment', ids.booked], ['Communication', ids.answer]] as const;
    for (const [resourceType, id] of reads) {
      expect(await status(noScope.read({ resourceType, id })), resourceType).toBe(403);
      expect(await status(noScope.search({ resourceType, searchParams: { patient: `Patient/${child.id}` } })), resourceType).toBe(403);
      expect(await status(other.read({ resourceType, id })), resourceType).toBe(403);
      expect(await status(other.search({ resourceType, searchParams: { patient: `Patient/${child.id}` } })), resourceType).toBe(403);
      // The system of the child's own practice relates to the child.
      expect(((await practice.read({ resourceType, id })) as Resource).id).toBe(id);
    }
    expect(await status(other.search({ resourceType: 'Communication', searchParams: { 'based-on': `ServiceRequest/${ids.advice}` } }))).toBe(403);

    expect(await status(engine.read({ resourceType: 'ServiceRequest', id: ids.otherIcs }))).toBe(404);
    expect(await status(engine.search({ resourceType: 'Appointment', searchParams: { 'based-on': `ServiceRequest/${ids.otherIcs}` } }))).toBe(404);
    const otherChild = await t.one<{ child_id: string }>(sql`SELECT child_id FROM referral WHERE id = ${ids.otherIcs}::uuid`);
    expect(await status(engine.search({ resourceType: 'ServiceRequest', searchParams: { patient: `Patient/${otherChild.child_id}` } }))).toBe(404);
    expect(await status(engine.read({ resourceType: 'Appointment', id: crypto.randomUUID() }))).toBe(404);
    expect(await status(engine.search({ resourceType: 'Communication', searchParams: {} }))).toBe(400);
  });

  // Statements are heard on the server's connection only (docs/decisions/0028).
  if (kind === 'postgres') {
    it('names the ICS as a value in every read of referrals, bookings and messages: by id, by child and by referral (Citus reads one shard)', async () => {
      const heard = appStatements(await hearStatements(async () => {
        await engine.read({ resourceType: 'ServiceRequest', id: ids.referral });
        await engine.search({ resourceType: 'ServiceRequest', searchParams: { patient: `Patient/${child.id}` } });
        await engine.read({ resourceType: 'Appointment', id: ids.booked });
        await engine.search({ resourceType: 'Appointment', searchParams: { patient: `Patient/${child.id}` } });
        await engine.search({ resourceType: 'Appointment', searchParams: { 'based-on': `ServiceRequest/${ids.referral}` } });
        await engine.read({ resourceType: 'Communication', id: ids.answer });
        await engine.search({ resourceType: 'Communication', searchParams: { patient: `Patient/${child.id}` } });
        await engine.search({ resourceType: 'Communication', searchParams: { 'based-on': `ServiceRequest/${ids.advice}` } });
      }));
      const reads = new Map([...heard].filter(([, h]) => [...h.sources].some((s) => /src\/(fhir\/resources\/(service-request|appointment|communication)|advice\/store)\.ts/.test(s))));
      // The referral read by id and by child; the booking, the message and the advice sent each by id, child and referral.
      expect(reads.size).toBeGreaterThanOrEqual(11);
      for (const read of ['SELECT r.id, r.child_id', 'SELECT b.id', 'SELECT m.id', 'SELECT s.id']) expect([...reads.keys()].filter((k) => k.startsWith(read)).length, read).toBeGreaterThanOrEqual(2);
      for (const text of reads.keys()) expect(text).toMatch(/\b[a-z]\.ics_id = \$\d+::uuid/);
      expect(await appSqlProblems(t.j.db, t.j.ics.icsId, reads)).toEqual([]);
    });
  }
});
