import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { demoParent, familyClient } from '../../test/family.js';
import { demoWard, onWard, type Ward } from '../ambulatory/test-fixtures.js';
import { dischargeFromWard } from '../ambulatory/service.js';

/**
 * A parent tells the virtual ward's nurses how their child is, from the
 * family pages over HTTP (no JavaScript): the same scoring and escalation as
 * the nurse's form, "worse" at the level the clinician chose, and nothing a
 * clinician decides taken from the parent. Axe and a phone-sized window in
 * e2e/virtual-ward-carer.test.ts.
 */
describe('the family’s virtual ward form over HTTP', () => {
  let j: TestJoinery;
  let parent: FamilyMember;
  let w: Ward;
  let childId: string;
  let episodeId: string;

  beforeAll(async () => {
    j = await startJoinery('pglite', 600);
    w = await demoWard(j);
    parent = await demoParent(j);
    const granted = await rows<{ child_id: string }>(j.db.owner, sql`SELECT DISTINCT g.child_id FROM family_access_grant g JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id
      WHERE g.nhs_number = ${parent.nhsNumber} AND g.status = 'active' AND g.kind = 'proxy'
        AND NOT EXISTS (SELECT 1 FROM ward_episode e WHERE e.ics_id = g.ics_id AND e.child_id = g.child_id AND e.state IN ('referred', 'accepted', 'on-ward', 'escalated'))
      ORDER BY g.child_id`);
    childId = granted[0].child_id;
    // The GP refers the child as a registered patient; the fixtures' GP is the demo practice's.
    // (A 14-year-old: the chart's 13+ band.)
    await j.db.owner.execute(sql`UPDATE child SET registered_practice_id = ${w.gp.organisationId}::uuid WHERE id = ${childId}::uuid`);
    episodeId = await onWard(j, w, childId);
  }, 180_000);
  afterAll(() => j?.close());

  it('links to the form from the child’s family page only while the child is on the ward', async () => {
    const family = await familyClient(j, parent);
    const page = await family.get(`/family/children/${childId}`);
    expect(pageText(page.body)).toContain('Care at home from the virtual ward');
    expect(page.body).toContain(`href="/family/children/${childId}/virtual-ward"`);
  });

  it('asks in plain words, refuses a form with no answer, and escalates “worse” at the clinician’s level, which the nurse sees', async () => {
    const family = await familyClient(j, parent);
    const form = await family.get(`/family/children/${childId}/virtual-ward`);
    expect(form.statusCode).toBe(200);
    expect(pageText(form.body)).toMatch(/How is \S+ different since the nurse last saw them\?/);

    const empty = await family.post(`/family/children/${childId}/virtual-ward`, {});
    expect(empty.statusCode).toBe(400);
    expect(pageText(empty.body)).toContain('There is a problem Choose whether your child is worse, about the same or better');
    const badTemperature = await family.post(`/family/children/${childId}/virtual-ward`, { carer: 'same', temperature: 'hot' });
    expect(badTemperature.statusCode).toBe(400);
    expect(await rows(j.db.owner, sql`SELECT 1 FROM ward_observation WHERE episode_id = ${episodeId}::uuid`)).toHaveLength(0);

    // A parent cannot choose how urgently their own "worse" is answered, nor add a nurse's concern: those are the clinician's.
    const sent = await family.post(`/family/children/${childId}/virtual-ward`, { carer: 'worse', temperature: '37.9', carerLevel: 'low', nurseConcern: 'low' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/family/children/${childId}/virtual-ward/sent?worse=1&within=15`);
    expect(pageText((await family.get(sent.headers.location as string)).body)).toContain('The nursing team has been told your child is worse A nurse aims to contact you within 15 minutes.');

    const [obs] = await rows<{ recorder_kind: string; recorded_by_name: string; observed: Record<string, unknown>; escalation: string }>(j.db.owner,
      sql`SELECT recorder_kind, recorded_by_name, observed, escalation FROM ward_observation WHERE episode_id = ${episodeId}::uuid`);
    expect(obs).toMatchObject({ recorder_kind: 'carer', recorded_by_name: `${parent.givenName} ${parent.familyName}`, escalation: 'high' });
    expect(obs.observed).toMatchObject({ carer: 'worse', temperature: 37.9, carerLevel: 'high' });
    expect(obs.observed).not.toHaveProperty('nurseConcern');
    const [x] = await rows<{ level: string; owner_id: string }>(j.db.owner, sql`SELECT level, owner_id FROM ward_escalation WHERE episode_id = ${episodeId}::uuid`);
    expect(x).toEqual({ level: 'high', owner_id: w.rota[0].professional_id });
    const [audit] = await rows<{ role: string; why: string }>(j.db.owner, sql`SELECT role, why FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'ward.observations'`);
    expect(audit.role).toBe('family');
    expect(audit.why).toMatch(/^Proxy access \(parent or carer\): /);

    const nurse = await TestClient.signIn(j.app, 'care-coordinator@demo.joinery.test');
    const caseload = pageText((await nurse.get('/virtual-ward')).body);
    const [child] = await rows<{ name: string }>(j.db.owner, sql`SELECT given_name || ' ' || family_name AS name FROM child WHERE id = ${childId}::uuid`);
    const row = caseload.slice(caseload.indexOf(`Open the stay on the ward of ${child.name}`));
    expect(row).toMatch(/^Open the stay on the ward of [^·]+· [^·]+· Escalated · day 1 of an expected \d+ Last observations [^:]+:\d\d \(by a carer\): PEWS 0, escalation high;/);
    expect(row).toContain('High Visit at home, or conveyance to hospital , respond by');
  });

  it('refuses someone at P5', async () => {
    const p5 = await familyClient(j, { ...parent, identityLevel: 'P5' });
    const refused = await p5.post(`/family/children/${childId}/virtual-ward`, { carer: 'worse' });
    expect(refused.statusCode).toBe(403);
    expect(pageText(refused.body)).toContain('you need to prove who you are with photo ID');
  });

  it('after discharge, tells the parent plainly there is nothing to send, saves nothing and no longer links to the form', async () => {
    const [e] = await rows<{ version: number }>(j.db.owner, sql`SELECT version FROM ward_episode WHERE id = ${episodeId}::uuid`);
    await j.db.tenant(j.ics.icsId, (tx) => dischargeFromWard(tx, w.nurse, episodeId, { outcome: 'recovered-at-home', summary: 'Well at home.', version: e.version }));
    const family = await familyClient(j, parent);
    const refused = await family.post(`/family/children/${childId}/virtual-ward`, { carer: 'worse' });
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('Your child is not being cared for at home by the virtual ward at the moment');
    expect(await rows(j.db.owner, sql`SELECT 1 FROM ward_observation WHERE episode_id = ${episodeId}::uuid`)).toHaveLength(1);
    expect((await family.get(`/family/children/${childId}`)).body).not.toContain(`/family/children/${childId}/virtual-ward"`);
  });
});
