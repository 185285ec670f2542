import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { loadHazardLog } from './hazard-log.js';
import { hazardView, releaseVersion, TEST_STATUS_LABELS } from './safety-case.js';
import { lastTestRun, type TestRun } from './test-evidence.js';

const kinds = await databaseKinds();

describe("a control's proof from the last run", () => {
  it('is its worst test: a failure outranks a missing test, which outranks a skip; a training control has none', () => {
    const h001 = loadHazardLog().hazards.find((h) => h.id === 'H001')!;
    const [first, second] = h001.controls[0].tests;
    const run: TestRun = { finishedAt: '2026-12-06T09:00:00Z', complete: true, tests: [
      { file: first.split(' > ')[0], name: first.split(' > ').slice(1).join(' > '), state: 'skipped' },
      { file: second.split(' > ')[0], name: second.split(' > ').slice(1).join(' > '), state: 'passed' },
    ] };
    const view = hazardView(h001, run);
    expect(view.controls[0].tests.map((t) => t.status)).toEqual(['skipped', 'passed', 'missing']);
    expect(view.controls[0].evidence).toBe('missing');
    expect(view.controls.find((c) => c.kind === 'training')!.evidence).toBeNull();
    expect(view.unproven.map((c) => c.id)).toContain('H001-C1');
    expect([view.proven, view.provable]).toEqual([0, 3]);
  });
});

describe.each(kinds)('the clinical safety pages (%s)', (kind) => {
  let j: TestJoinery;
  const signIn = (who: string) => TestClient.signIn(j.app, who.includes('@') ? who : `${who}@demo.joinery.test`);
  const answers = (icsId: string) => rows<{ control_id: string; in_place: boolean; note: string; version: number }>(j.db.owner,
    sql`SELECT control_id, in_place, note, version FROM safety_handover_check WHERE ics_id = ${icsId}::uuid ORDER BY control_id`);

  beforeAll(async () => {
    j = await startJoinery(kind, 120);
  });
  afterAll(() => j?.close());

  it('shows the administrator and the privacy officer the hazard log, and refuses clinicians and analysts', async () => {
    for (const role of ['admin', 'privacy-officer']) {
      const res = await (await signIn(role)).get('/safety/hazards');
      expect(res.statusCode, role).toBe(200);
      expect(res.body.split('</header>')[0], role).toContain('href="/safety/hazards"');
      const text = pageText(res.body);
      for (const h of loadHazardLog().hazards.map((x) => hazardView(x, lastTestRun()))) {
        // Each cell carries its column's name, for narrow screens.
        expect(text, role).toContain(`${h.id} ${h.title} Initial risk ${h.initial.risk}: ${h.initial.label} Residual risk ${h.residual.risk}: ${h.residual.label} `
          + `Status ${h.statusLabel} Controls with passing tests ${h.proven} of ${h.provable} proven`);
      }
      expect(text).toContain('Risk by likelihood (rows) and consequence (columns)');
    }
    for (const role of ['gp', 'paediatrician', 'ics-analyst', 'social-worker']) {
      const c = await signIn(role);
      for (const url of ['/safety/hazards', '/safety/hazards/H001', '/safety/case', '/safety/case.pdf', '/safety/handover']) {
        expect((await c.get(url)).statusCode, `${role} ${url}`).toBe(403);
      }
      expect((await c.get('/')).body, role).not.toContain('/safety/hazards');
    }
  });

  it('shows a hazard with its causes, risks, controls, reviews, and each test’s state in the last run', async () => {
    const po = await signIn('privacy-officer');
    const hazard = loadHazardLog().hazards.find((h) => h.id === 'H003')!;
    const view = hazardView(hazard, lastTestRun());
    const res = await po.get('/safety/hazards/H003');
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    for (const cause of hazard.causes) expect(text).toContain(cause);
    expect(text).toContain(`Residual risk ${view.residual.risk}: ${view.residual.label}`);
    expect(text).toContain(hazard.reviews[0].by);
    for (const c of view.controls) {
      expect(text).toContain(c.description);
      for (const t of c.tests) {
        const row = res.body.split('<tr').map((r) => pageText(r).replaceAll('&gt;', '>')).find((r) => r.includes(t.reference)) ?? '';
        expect(row, t.reference).toContain(TEST_STATUS_LABELS[t.status]);
      }
    }
    expect((await po.get('/safety/hazards/H999')).statusCode).toBe(404);
    expect((await po.get('/safety/hazards/%3Cscript%3E')).statusCode).toBe(404);
  });

  it('generates the safety case report for this release as a page and a PDF, and says it is not signed off', async () => {
    const admin = await signIn('admin');
    const res = await admin.get('/safety/case');
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    const { safetyCase, hazards } = loadHazardLog();
    expect(text).toContain(`Clinical safety case report: Joinery ${releaseVersion()}`);
    expect(text).toContain(safetyCase.intendedUse);
    for (const s of safetyCase.scope) expect(text).toContain(s);
    for (const u of safetyCase.intendedUsers) expect(text).toContain(u);
    for (const h of hazards) expect(text).toContain(`${h.id} ${h.title}`);
    expect(text).toContain('Outstanding');
    expect(text).toContain(`No clinical safety officer is named yet, so release ${releaseVersion()} cannot be signed off.`);
    const pdf = await admin.get('/safety/case.pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`joinery-${releaseVersion()}-clinical-safety-case.pdf`);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('lets the administrator answer the DCB0160 checklist, audited, with field errors first and a stale answer refused', async () => {
    const admin = await signIn('admin');
    const page = await admin.get('/safety/handover');
    expect(page.statusCode).toBe(200);
    const deployerControls = loadHazardLog().hazards.flatMap((h) => h.controls).filter((c) => c.owner === 'deploying-organisation');
    expect(pageText(page.body)).toContain(`0 of ${deployerControls.length} controls confirmed in place`);
    for (const c of deployerControls) expect(pageText(page.body)).toContain(c.description);

    const noNote = await admin.post('/safety/handover/H014-C3', { inPlace: 'yes', note: ' ', version: '0' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.body).toMatch(/id="inPlace-H014-C3"[^>]*value="yes" checked/);
    expect(noNote.body).toContain('href="#note-H014-C3"');
    expect(pageText(noNote.body)).toContain('Say how this control is in place');
    const noAnswer = await admin.post('/safety/handover/H014-C3', { version: '0' });
    expect(pageText(noAnswer.body)).toContain('Select whether this control is in place');
    expect(await answers(j.ics.icsId)).toEqual([]);

    const saved = await admin.post('/safety/handover/H014-C3', { inPlace: 'yes', note: 'Privacy officer reviews the queue each morning (IG lead owns it).', version: '0' });
    expect(saved.statusCode).toBe(303);
    const after = pageText((await admin.get('/safety/handover')).body);
    expect(after).toContain(`1 of ${deployerControls.length} controls confirmed in place`);
    expect(after).toContain('Privacy officer reviews the queue each morning');
    expect(await answers(j.ics.icsId)).toEqual([{ control_id: 'H014-C3', in_place: true, note: 'Privacy officer reviews the queue each morning (IG lead owns it).', version: 1 }]);
    const [audit] = await rows<{ what: string; child_id: string | null }>(j.db.owner, sql`SELECT what, child_id FROM audit_event WHERE action = 'safety.handover-answer' AND ics_id = ${j.ics.icsId}::uuid`);
    expect(audit).toEqual({ what: 'DCB0160 control H014-C3: in place', child_id: null });

    const stale = await admin.post('/safety/handover/H014-C3', { inPlace: 'no', note: '', version: '0' });
    expect(stale.statusCode).toBe(409);
    expect(pageText(stale.body)).toContain('Someone else answered for this control');
    expect((await answers(j.ics.icsId))[0]).toMatchObject({ in_place: true, version: 1 });

    expect((await admin.post('/safety/handover/H014-C1', { inPlace: 'yes', note: 'x', version: '0' })).statusCode).toBe(404);
    expect((await admin.post('/safety/handover/H999-C1', { inPlace: 'yes', note: 'x', version: '0' })).statusCode).toBe(404);
    expect((await admin.post('/safety/handover/nonsense', { inPlace: 'yes', note: 'x', version: '0' })).statusCode).toBe(404);
  });

  it('shows the privacy officer the checklist without the forms, refuses their answer, and keeps each ICS’s answers to itself', async () => {
    const po = await signIn('privacy-officer');
    const page = await po.get('/safety/handover');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('action="/safety/handover/');
    expect((await po.post('/safety/handover/H002-C3', { inPlace: 'yes', note: 'Feeds checked', version: '0' })).statusCode).toBe(403);
    const other = await signIn('admin@other.joinery.test');
    expect(pageText((await other.get('/safety/handover')).body)).toContain('0 of ');
    expect(await answers(j.other.icsId)).toEqual([]);
    expect((await answers(j.ics.icsId)).map((a) => a.control_id)).not.toContain('H002-C3');
  });
});
