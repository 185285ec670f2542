import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { bulkExportJob, startExport } from './bulk-export.js';
import { clientActor } from './clients.js';
import { exportWithKit } from './bulk-export-kit.js';

/**
 * FHIR Bulk Data export as a Bulk Data client drives it over HTTP: kick-off
 * with Prefer: respond-async, poll the Content-Location until the manifest,
 * download each NDJSON file with the same token. What comes out is what the
 * door lets this client see, each child audited.
 */
/** Small enough for a loaded machine; chunks of 25 children, so an export takes several. */
const CHILDREN = 60;
process.env.JOINERY_EXPORT_CHUNK_CHILDREN = '25';

type Manifest = { transactionTime: string; request: string; requiresAccessToken: boolean; output: { type: string; url: string; count: number }[]; error: unknown[] };

describe('FHIR Bulk Data export', { timeout: 600_000 }, () => {
  let t: FhirTest;
  let engine: { clientId: string; clientSecret: string };
  let engineToken: string;

  const get = (url: string, token: string | null, headers: Record<string, string> = {}) =>
    fetch(url.startsWith('http') ? url : `${t.base}${url}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  const kickOff = (path: string, token: string) => get(path, token, { prefer: 'respond-async', accept: 'application/fhir+json' });

  /** Polls as a client would (bounded), until the status URL stops answering 202. */
  async function poll(statusUrl: string, token: string): Promise<{ res: Response; progress: string[] }> {
    const progress: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const res = await get(statusUrl, token);
      if (res.status !== 202) return { res, progress };
      progress.push(res.headers.get('x-progress') ?? '');
      await res.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the export did not finish');
  }

  /** Runs an export to its end and downloads every file: resources by type. */
  async function exportAll(path: string, token: string) {
    const kicked = await kickOff(path, token);
    expect(kicked.status).toBe(202);
    const statusUrl = kicked.headers.get('content-location')!;
    const { res, progress } = await poll(statusUrl, token);
    expect(res.status).toBe(200);
    const manifest = (await res.json()) as Manifest;
    const byType = new Map<string, Resource[]>();
    for (const file of manifest.output) {
      const body = await get(file.url, token);
      expect(body.status).toBe(200);
      expect(body.headers.get('content-type')).toMatch(/^application\/fhir\+ndjson/);
      const lines = (await body.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Resource);
      expect(lines.length, file.url).toBe(file.count);
      expect(lines.every((r) => r.resourceType === file.type)).toBe(true);
      byType.set(file.type, [...(byType.get(file.type) ?? []), ...lines]);
    }
    return { statusUrl, manifest, byType, progress };
  }

  const ids = (resources: Resource[] | undefined) => new Set((resources ?? []).map((r) => r.id!));
  const patientsReferred = (byType: Map<string, Resource[]>) => new Set([...byType].filter(([type]) => type !== 'Patient')
    .flatMap(([, list]) => list.flatMap((r) => [...JSON.stringify(r).matchAll(/"reference":"Patient\/([0-9a-f-]{36})"/g)].map((m) => m[1]))));

  beforeAll(async () => {
    t = await startFhirTest('pglite', CHILDREN);
    engine = await t.register({ scopes: 'system/*.rs', name: 'ICS integration engine (export)' });
    engineToken = await t.tokenFor(engine);
  });
  afterAll(() => t?.close());

  it('the ICS engine exports every child of its ICS, and no other ICS’s, with counts matching the database and every child audited', async () => {
    const { manifest, byType, progress } = await exportAll('/Patient/$export', engineToken);
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.request).toBe(`${t.base}/Patient/$export`);
    expect(progress.every((p) => /^\d+ of \d+ children$/.test(p))).toBe(true);

    const children = await t.all<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid`);
    expect(ids(byType.get('Patient'))).toEqual(new Set(children.map((c) => c.id)));
    const [{ problems }] = await t.all<{ problems: number }>(sql`SELECT count(*)::int AS problems FROM record_entry
      WHERE ics_id = ${t.j.ics.icsId}::uuid AND kind = 'problem' AND sensitive_category IS NULL`);
    expect(byType.get('Condition')?.length ?? 0).toBe(problems);
    expect(problems).toBeGreaterThan(0);
    // Every resource is about a child who is in the export.
    for (const id of patientsReferred(byType)) expect(ids(byType.get('Patient')).has(id), id).toBe(true);

    const audited = await t.all<{ child_id: string }>(sql`SELECT DISTINCT child_id FROM audit_event
      WHERE professional_id = ${engine.clientId}::uuid AND action = 'fhir.export'`);
    expect(new Set(audited.map((a) => a.child_id))).toEqual(new Set(children.map((c) => c.id)));
  });

  it('fhir-kit-client, a FHIR client from npm, kicks off, polls the status to completion and gets NDJSON whose counts match the database', async () => {
    const manifest = await exportWithKit(t.client(engineToken), '$export?_type=Patient,Condition,Immunization', 6000);
    const counts = new Map<string, number>();
    for (const file of manifest.output) {
      const lines = (await (await fetch(file.url, { headers: { authorization: `Bearer ${engineToken}` } })).text()).split('\n').filter(Boolean);
      expect(lines.length, file.url).toBe(file.count);
      counts.set(file.type, (counts.get(file.type) ?? 0) + lines.length);
    }
    const [db] = await t.all<{ patients: number; problems: number; immunisations: number }>(sql`SELECT
      (SELECT count(*)::int FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid) AS patients,
      (SELECT count(*)::int FROM record_entry WHERE ics_id = ${t.j.ics.icsId}::uuid AND kind = 'problem' AND sensitive_category IS NULL) AS problems,
      (SELECT count(*)::int FROM record_entry WHERE ics_id = ${t.j.ics.icsId}::uuid AND kind = 'immunisation' AND sensitive_category IS NULL) AS immunisations`);
    expect(Object.fromEntries(counts)).toEqual({ Patient: db.patients, Condition: db.problems, Immunization: db.immunisations });
    expect(db.immunisations).toBeGreaterThan(0);
  });

  it('a GP practice’s client gets only the children the door lets it read: none of the others, not even through another type', async () => {
    const [practice] = await t.all<{ ods_code: string }>(sql`SELECT o.ods_code FROM organisation o JOIN child c ON c.ics_id = o.ics_id AND c.registered_practice_id = o.id
      WHERE o.ics_id = ${t.j.ics.icsId}::uuid GROUP BY o.ods_code ORDER BY count(*) DESC LIMIT 1`);
    const token = await t.token({ scopes: 'system/*.rs', odsCode: practice.ods_code });
    const { byType } = await exportAll('/$export', token);
    const exported = ids(byType.get('Patient'));
    const all = await t.all<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${t.j.ics.icsId}::uuid ORDER BY id`);
    expect(exported.size).toBeGreaterThan(0);
    expect(exported.size).toBeLessThan(all.length);
    for (const id of patientsReferred(byType)) expect(exported.has(id), `a resource about ${id}, who was not exported`).toBe(true);
    // The same client asking for the children left out is refused by the door; those exported it may read.
    const left = all.filter((c) => !exported.has(c.id)).slice(0, 8);
    for (const c of left) expect((await get(`/Patient/${c.id}`, token)).status, c.id).toBe(403);
    for (const id of [...exported].slice(0, 4)) expect((await get(`/Patient/${id}`, token)).status, id).toBe(200);
    // System level brings the organisations and professionals too.
    expect(byType.get('Organization')?.length).toBeGreaterThan(0);
  });

  it('a sensitive entry, a sensitive contact and an entry entered in error never leave in an export, though the rest of the child’s record does', async () => {
    const ics = t.j.ics.icsId;
    const [sensitive, wrong] = await t.all<{ id: string; child_id: string; status: string }>(sql`SELECT id, child_id, status FROM record_entry
      WHERE ics_id = ${ics}::uuid AND kind = 'immunisation' AND sensitive_category IS NULL AND status <> 'entered-in-error' ORDER BY id LIMIT 2`);
    const [contact] = await t.all<{ id: string }>(sql`SELECT id FROM contact WHERE ics_id = ${ics}::uuid AND sensitive_category IS NULL ORDER BY id LIMIT 1`);
    await t.all(sql`UPDATE record_entry SET sensitive_category = 'sexual-health' WHERE ics_id = ${ics}::uuid AND id = ${sensitive.id}::uuid`);
    await t.all(sql`UPDATE record_entry SET status = 'entered-in-error' WHERE ics_id = ${ics}::uuid AND id = ${wrong.id}::uuid`);
    await t.all(sql`UPDATE contact SET sensitive_category = 'sexual-health' WHERE ics_id = ${ics}::uuid AND id = ${contact.id}::uuid`);
    try {
      const { byType } = await exportAll('/Patient/$export?_type=Patient,Immunization,Encounter', engineToken);
      const exported = new Set([...ids(byType.get('Immunization')), ...ids(byType.get('Encounter'))]);
      expect([sensitive.id, wrong.id, contact.id].filter((id) => exported.has(id))).toEqual([]);
      // The same children's other immunisations and contacts went: every one a system may be served, and no more.
      const [db] = await t.all<{ immunisations: number; contacts: number }>(sql`SELECT
        (SELECT count(*)::int FROM record_entry WHERE ics_id = ${ics}::uuid AND kind = 'immunisation' AND sensitive_category IS NULL AND status <> 'entered-in-error') AS immunisations,
        (SELECT count(*)::int FROM contact WHERE ics_id = ${ics}::uuid AND sensitive_category IS NULL) + (SELECT count(*)::int FROM ward_visit WHERE ics_id = ${ics}::uuid) AS contacts`);
      expect({ immunisations: byType.get('Immunization')?.length, contacts: byType.get('Encounter')?.length }).toEqual(db);
      expect(patientsReferred(byType).has(sensitive.child_id)).toBe(true);
    } finally {
      await t.all(sql`UPDATE record_entry SET sensitive_category = NULL WHERE ics_id = ${ics}::uuid AND id = ${sensitive.id}::uuid`);
      await t.all(sql`UPDATE record_entry SET status = ${wrong.status} WHERE ics_id = ${ics}::uuid AND id = ${wrong.id}::uuid`);
      await t.all(sql`UPDATE contact SET sensitive_category = NULL WHERE ics_id = ${ics}::uuid AND id = ${contact.id}::uuid`);
    }
  });

  it('_type limits the files to the types named, and _since leaves out what did not change since', async () => {
    const { byType } = await exportAll('/Patient/$export?_type=Patient,Condition', engineToken);
    expect([...byType.keys()].sort()).toEqual(['Condition', 'Patient']);
    const future = new Date(Date.now() + 3600_000).toISOString();
    const later = await exportAll(`/Patient/$export?_type=Patient,Condition&_since=${encodeURIComponent(future)}`, engineToken);
    expect(later.manifest.output).toEqual([]);
  });

  it('refuses a kick-off it cannot honour with a 4xx OperationOutcome naming why', async () => {
    const cases: [string, Record<string, string>, number, RegExp][] = [
      ['/Patient/$export', { accept: 'application/fhir+json' }, 400, /Prefer: respond-async/],
      ['/Patient/$export?_type=Nonsense', { prefer: 'respond-async' }, 400, /Nonsense/],
      ['/Patient/$export?_type=Organization', { prefer: 'respond-async' }, 400, /Organization/],
      ['/Patient/$export?_since=yesterday', { prefer: 'respond-async' }, 400, /_since/],
      ['/Patient/$export?_outputFormat=text/csv', { prefer: 'respond-async' }, 400, /_outputFormat/],
      ['/Patient/$export?_typeFilter=Condition%3Fstatus%3Dactive', { prefer: 'respond-async' }, 400, /_typeFilter/],
    ];
    for (const [path, headers, status, text] of cases) {
      const res = await get(path, engineToken, headers);
      expect(res.status, path).toBe(status);
      const outcome = (await res.json()) as OperationOutcome;
      expect(outcome.issue[0].details?.text, path).toMatch(text);
    }
    const patientsOnly = await t.token({ scopes: 'system/Patient.rs' });
    const refused = await kickOff('/Patient/$export?_type=Condition', patientsOnly);
    expect(refused.status).toBe(403);
    expect((await get('/Patient/$export', null, { prefer: 'respond-async' })).status).toBe(401);
  });

  it('the status and files are the kicking-off client’s alone, and DELETE cancels an export and removes its files', async () => {
    const { statusUrl, manifest } = await exportAll('/Patient/$export?_type=Patient', engineToken);
    const other = await t.token({ scopes: 'system/*.rs' });
    expect((await get(statusUrl, other)).status).toBe(404);
    expect((await get(manifest.output[0].url, other)).status).toBe(404);
    expect((await get(manifest.output[0].url, null)).status).toBe(401);

    const kicked = await kickOff('/Patient/$export', engineToken);
    const running = kicked.headers.get('content-location')!;
    const id = running.split('/').pop()!;
    const cancelled = await fetch(running, { method: 'DELETE', headers: { authorization: `Bearer ${engineToken}` } });
    expect(cancelled.status).toBe(202);
    expect((await get(running, engineToken)).status).toBe(404);
    const left = await t.all<{ n: number }>(sql`SELECT (SELECT count(*) FROM fhir_export WHERE id = ${id}::uuid)
      + (SELECT count(*) FROM fhir_export_file WHERE export_id = ${id}::uuid) AS n`);
    expect(Number(left[0].n)).toBe(0);
  });

  it('an export left under way by a stopped server is finished by the scheduled job', async () => {
    // Written as a kick-off would, but with no worker running: as if the process stopped straight after.
    const id = await t.j.db.tenant(t.j.ics.icsId, async (tx) => {
      const actor = (await clientActor(tx, t.j.ics.icsId, engine.clientId, ['system/*.rs']))!;
      return startExport(tx, actor, { level: 'patient', types: ['Patient'], since: null, requestUrl: `${t.base}/Patient/$export?_type=Patient` });
    });
    expect((await get(`/$export-status/${id}`, engineToken)).status).toBe(202);
    const summary = await bulkExportJob(t.j.db).run(new Date());
    expect(summary).toMatch(/export steps/);
    const done = await get(`/$export-status/${id}`, engineToken);
    expect(done.status).toBe(200);
    const manifest = (await done.json()) as Manifest;
    expect(manifest.output.reduce((n, f) => n + f.count, 0)).toBe(CHILDREN);
  });
});
