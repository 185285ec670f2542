import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Encounter, Flag, OperationOutcome, Organization, Patient, RelatedPerson, Resource } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { freshNhsNumber, odsCodeOf, recordBundle } from './test-fixtures.js';
import { ODS_SYSTEM, ORGANISATION_KIND_SYSTEM } from './codes.js';
import { authenticate } from './clients.js';
import { structureIssues } from './validation.js';
import { registerChild, saveFlag, saveRelatedPerson } from '../children/service.js';
import { organisationForEdit, updateOrganisation } from '../admin/service.js';
import { actorFor } from '../../test/actors.js';
import type { Actor } from '../platform/access/actor.js';
import type { Tx } from '../platform/db/client.js';

/**
 * Versions of the other types Joinery writes (decision 0040): Patient,
 * Organization, RelatedPerson, Flag and Encounter. Every change, by FHIR or
 * by a page or service, makes a new version; If-Match refuses a stale write;
 * reads of an unchanged version answer 304; vread and _history serve each
 * version as it was.
 */
type Answer = { status: number; headers: Headers; body: (Resource & Record<string, unknown>) | null };

describe('versions of the children, carers, flags, organisations and contacts Joinery writes', () => {
  let t: FhirTest;
  let token: string;
  let client: Actor;
  let ids: Record<'Patient' | 'RelatedPerson' | 'Flag' | 'Encounter' | 'Organization', string>;

  const call = async (method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> => {
    const res = await fetch(`${t.base}/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(opts.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => t.j.db.tenant(t.j.ics.icsId, fn);
  // Last-Modified has whole seconds: a change must fall in a later second to be seen as one.
  const nextSecond = () => new Promise((r) => setTimeout(r, 1100));

  beforeAll(async () => {
    t = await startFhirTest('pglite', 40);
    token = await t.token();
    client = ((await authenticate(t.j.db, token)) as { actor: Actor }).actor;
    const sent = recordBundle({ tag: 'versions', nhsNumber: await freshNhsNumber(t), practiceOds: await odsCodeOf(t, 'gp-practice'), localAuthorityOds: await odsCodeOf(t, 'childrens-social-care') });
    const res = await call('POST', '', { body: sent });
    expect(res.status).toBe(200);
    const locations = (res.body as unknown as Bundle).entry!.map((e) => e.response!.location!.split('/'));
    const idOf = (type: string) => locations.find(([ty]) => ty === type)![1];
    const organisation = await call('POST', 'Organization', {
      body: { resourceType: 'Organization', identifier: [{ system: ODS_SYSTEM, value: 'VER01' }], name: 'Versions Primary School', type: [{ coding: [{ system: ORGANISATION_KIND_SYSTEM, code: 'school' }] }] },
      headers: { prefer: 'return=representation' },
    });
    expect(organisation.status).toBe(201);
    ids = { Patient: idOf('Patient'), RelatedPerson: idOf('RelatedPerson'), Flag: idOf('Flag'), Encounter: idOf('Encounter'), Organization: organisation.body!.id! };
  });
  afterAll(() => t?.close());

  /** Each type: a change a FHIR client makes by PUT, a change made through Joinery's own service or page path, and what the test reads of each version. */
  type Case<R extends Resource> = {
    type: R['resourceType'] & keyof typeof ids;
    throughFhir: (r: R) => R;
    throughService: (id: string) => Promise<void>;
    shows: (r: R) => unknown;
    /** What each version shows: as created, after the FHIR change, after the service's. */
    expected: [unknown, unknown, unknown];
  };
  const patient: Case<Patient> = {
    type: 'Patient',
    throughFhir: (p) => ({ ...p, name: [{ use: 'official', family: 'Okafor-Bello', given: ['Ada'] }] }),
    // The children service, as every feed other than FHIR registers a child.
    throughService: async (id) => {
      // Read before the tenant transaction: PGlite has one connection, which the transaction holds.
      const child = await t.one<{ n: string; p: string }>(sql`SELECT nhs_number AS n, registered_practice_id AS p FROM child WHERE id = ${id}::uuid`);
      await inTenant((tx) => registerChild(tx, client, {
        nhsNumber: child.n, localId: null, givenName: 'Ada', familyName: 'Okafor-Bello', dateOfBirth: '2015-06-14', sex: 'female', ethnicCategory: 'H',
        postcodeDistrict: 'LS7', registeredPracticeId: child.p,
      }, { matchId: id }));
    },
    shows: (p) => [p.name![0].family, p.address?.[0]?.postalCode],
    expected: [['Okafor', 'LS6'], ['Okafor-Bello', 'LS6'], ['Okafor-Bello', 'LS7']],
  };
  const organisation: Case<Organization> = {
    type: 'Organization',
    throughFhir: (o) => ({ ...o, name: 'Versions Academy' }),
    // The ICS administrator's organisation page.
    throughService: async (id) => {
      const admin = await actorFor(t.j.db, (await t.one<{ email: string }>(sql`SELECT email FROM professional WHERE ics_id = ${t.j.ics.icsId}::uuid AND role = 'admin' ORDER BY email LIMIT 1`)).email);
      const { organisation: o, version } = await inTenant((tx) => organisationForEdit(tx, admin, id));
      await inTenant((tx) => updateOrganisation(tx, admin, id, { name: 'Versions Academy Trust', kind: o.kind as 'school', odsCode: o.ods_code, placeId: o.place_id ?? undefined, version }));
    },
    shows: (o) => o.name,
    expected: ['Versions Primary School', 'Versions Academy', 'Versions Academy Trust'],
  };
  const carer: Case<RelatedPerson> = {
    type: 'RelatedPerson',
    throughFhir: (r) => ({ ...r, telecom: [{ system: 'phone', value: '07700 900456' }, { system: 'email', value: 'grace.okafor@example.com' }] }),
    // The children service, as a feed records a carer: the person's address (a row shared with siblings) changes.
    throughService: (id) => inTenant(async (tx) => {
      const childId = ids.Patient;
      const personId = `${id.slice(32, 40)}-${id.slice(40, 44)}-${id.slice(44, 48)}-${id.slice(48, 52)}-${id.slice(52)}`;
      await saveRelatedPerson(tx, client, childId, {
        givenName: 'Grace', familyName: 'Okafor', relationship: 'mother', parentalResponsibility: true, phone: '07700 900456', address: '3 Hyde Park Road, Leeds',
      }, { matchId: personId });
    }),
    shows: (r) => [r.telecom!.find((x) => x.system === 'phone')!.value, r.address![0].text],
    expected: [['07700 900123', '12 Cardigan Road, Leeds'], ['07700 900456', '12 Cardigan Road, Leeds'], ['07700 900456', '3 Hyde Park Road, Leeds']],
  };
  const flag: Case<Flag> = {
    type: 'Flag',
    throughFhir: (f) => ({ ...f, period: { start: '2026-02-20' } }),
    // The children service, as a CP-IS feed ends a flag.
    throughService: (id) => inTenant(async (tx) => {
      await saveFlag(tx, client, ids.Patient, { kind: 'child-protection-plan', startedOn: '2026-02-20', endedOn: '2026-11-30' }, { matchId: id });
    }),
    shows: (f) => [f.status, f.period],
    expected: [['active', { start: '2026-03-01' }], ['active', { start: '2026-02-20' }], ['inactive', { start: '2026-02-20', end: '2026-11-30' }]],
  };

  for (const c of [patient, organisation, carer, flag] as Case<Resource>[]) {
    describe(c.type, () => {
      const path = () => `${c.type}/${ids[c.type]}`;
      let first: { version: string; lastModified: string };

      it('a read carries ETag and Last-Modified from its version; If-None-Match or If-Modified-Since for it answers 304', async () => {
        const read = await call('GET', path());
        expect(read.status).toBe(200);
        const version = read.body!.meta!.versionId!;
        expect(read.headers.get('etag')).toBe(`W/"${version}"`);
        const lastModified = read.headers.get('last-modified')!;
        expect(new Date(lastModified).toUTCString()).toBe(new Date(read.body!.meta!.lastUpdated!).toUTCString());
        first = { version, lastModified };
        const same = await call('GET', path(), { headers: { 'if-none-match': `W/"${version}"` } });
        expect([same.status, same.body]).toEqual([304, null]);
        const since = await call('GET', path(), { headers: { 'if-modified-since': lastModified } });
        expect([since.status, since.body]).toEqual([304, null]);
        expect((await call('GET', path(), { headers: { 'if-none-match': `W/"${Number(version) + 5}"` } })).status).toBe(200);
      });

      it('an update through FHIR and one through Joinery’s own service each make the next version; a stale If-Match is refused 412 and nothing is written', async () => {
        await nextSecond();
        const read = await call('GET', path());
        const v = Number(first.version);
        const updated = await call('PUT', path(), { body: c.throughFhir(read.body!), headers: { 'if-match': `W/"${v}"`, prefer: 'return=representation' } });
        expect(updated.status, JSON.stringify(updated.body)).toBe(200);
        expect(updated.headers.get('etag')).toBe(`W/"${v + 1}"`);
        expect(c.shows(updated.body!)).toEqual(c.expected[1]);

        await c.throughService(ids[c.type]);
        const afterService = await call('GET', path());
        expect(afterService.headers.get('etag')).toBe(`W/"${v + 2}"`);
        expect(c.shows(afterService.body!)).toEqual(c.expected[2]);

        // The FHIR client still holds version v + 1: its write would overwrite the service's change.
        const stale = await call('PUT', path(), { body: c.throughFhir(updated.body!), headers: { 'if-match': `W/"${v + 1}"` } });
        expect(stale.status).toBe(412);
        const outcome = stale.body as unknown as OperationOutcome;
        expect(outcome.resourceType).toBe('OperationOutcome');
        expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: 'conflict' });
        expect(outcome.issue[0].details!.text).toContain(`is at version ${v + 2}, not ${v + 1}`);
        const after = await call('GET', path());
        expect(after.headers.get('etag')).toBe(`W/"${v + 2}"`);
        expect(c.shows(after.body!)).toEqual(c.expected[2]);

        // The client's old copy is no longer current: sent in full, not 304.
        expect((await call('GET', path(), { headers: { 'if-none-match': `W/"${v}"` } })).status).toBe(200);
        expect((await call('GET', path(), { headers: { 'if-modified-since': first.lastModified } })).status).toBe(200);
      });

      it('vread gives each earlier version as it was and _history lists them newest first; a version never kept is 404', async () => {
        const v = Number(first.version);
        for (const [n, expected] of c.expected.entries()) {
          const version = await call('GET', `${path()}/_history/${v + n}`);
          expect(version.status).toBe(200);
          expect(version.headers.get('etag')).toBe(`W/"${v + n}"`);
          expect(version.body!.meta!.versionId).toBe(String(v + n));
          expect(c.shows(version.body!)).toEqual(expected);
        }
        const history = (await call('GET', `${path()}/_history`)).body as unknown as Bundle;
        expect(history.type).toBe('history');
        const listed = history.entry!.map((e) => [e.resource!.meta!.versionId, c.shows(e.resource!)]);
        expect(listed.slice(0, 3)).toEqual([[String(v + 2), c.expected[2]], [String(v + 1), c.expected[1]], [String(v), c.expected[0]]]);
        expect(history.entry!.map((e) => Number(e.resource!.meta!.versionId))).toEqual([...Array(v + 2).keys()].map((k) => v + 2 - k).filter((n) => n >= 1));
        expect(structureIssues(history)).toEqual([]);
        const never = await call('GET', `${path()}/_history/${v + 9}`);
        expect(never.status).toBe(404);
        expect((never.body as unknown as OperationOutcome).resourceType).toBe('OperationOutcome');
      });
    });
  }

  describe('Encounter', () => {
    const path = () => `Encounter/${ids.Encounter}`;
    const stored = () => t.one<{ version: number; ended_at: string }>(sql`SELECT version, ended_at FROM contact WHERE id = ${ids.Encounter}::uuid`);

    it('a recorded contact sent again is unchanged at its version; a stale If-Match is refused 412; If-None-Match and If-Modified-Since answer 304', async () => {
      const read = await call('GET', path());
      expect(read.headers.get('etag')).toBe('W/"1"');
      const lastModified = read.headers.get('last-modified')!;
      expect([(await call('GET', path(), { headers: { 'if-none-match': 'W/"1"' } })).status, (await call('GET', path(), { headers: { 'if-modified-since': lastModified } })).status]).toEqual([304, 304]);
      const again = await call('PUT', path(), { body: read.body, headers: { 'if-match': 'W/"1"' } });
      expect(again.status).toBe(200);
      expect((await stored()).version).toBe(1);
      const stale = await call('PUT', path(), { body: { ...read.body, period: { start: '2026-10-02T21:15:00Z' } }, headers: { 'if-match': 'W/"0"' } });
      expect(stale.status).toBe(412);
      expect((stale.body as unknown as OperationOutcome).issue[0].details!.text).toContain('is at version 1, not 0');
      expect((await stored()).version).toBe(1);
    });

    it('a change to the contact by any writer makes a new version, and vread of the old one gives it as it was', async () => {
      await nextSecond();
      // No page changes a recorded contact today; the database moves the version for whoever does (here the owner, as a correction would).
      await t.j.db.owner.execute(sql`UPDATE contact SET ended_at = '2026-10-03T03:00:00Z' WHERE id = ${ids.Encounter}::uuid`);
      const now = await call('GET', path());
      expect(now.headers.get('etag')).toBe('W/"2"');
      expect((now.body as unknown as Encounter).period!.end).toBe('2026-10-03T03:00:00.000Z');
      const old = (await call('GET', `${path()}/_history/1`)).body as unknown as Encounter;
      expect(old.period!.end).toBe('2026-10-03T01:40:00.000Z');
      const history = (await call('GET', `${path()}/_history`)).body as unknown as Bundle;
      expect(history.entry!.map((e) => [e.resource!.meta!.versionId, (e.resource as Encounter).period!.end])).toEqual([['2', '2026-10-03T03:00:00.000Z'], ['1', '2026-10-03T01:40:00.000Z']]);
      expect((await call('GET', path(), { headers: { 'if-none-match': 'W/"1"' } })).status).toBe(200);
    });
  });

  it('every vread and _history of a child’s carer is read through the door and audited against the child in its transaction', async () => {
    const audits = async () => (await t.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${ids.Patient}::uuid AND action = 'fhir.read'`)).n;
    const before = await audits();
    await call('GET', `RelatedPerson/${ids.RelatedPerson}/_history`);
    await call('GET', `Flag/${ids.Flag}/_history/1`);
    await call('GET', `Patient/${ids.Patient}/_history`);
    expect(await audits()).toBe(before + 3);
    const other = await t.one<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o WHERE o.ics_id = ${t.j.ics.icsId}::uuid AND o.kind = 'gp-practice'
      AND NOT EXISTS (SELECT 1 FROM child c WHERE c.ics_id = o.ics_id AND c.id = ${ids.Patient}::uuid AND c.registered_practice_id = o.id) ORDER BY o.ods_code LIMIT 1`);
    const stranger = await t.token({ odsCode: other.ods_code });
    for (const url of [`Patient/${ids.Patient}/_history`, `Flag/${ids.Flag}/_history/1`, `RelatedPerson/${ids.RelatedPerson}/_history`]) {
      const res = await fetch(`${t.base}/${url}`, { headers: { authorization: `Bearer ${stranger}` } });
      expect(res.status, url).toBe(403);
    }
  });
});
