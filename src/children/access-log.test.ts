import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';

const kinds = await databaseKinds();

/**
 * Who has accessed a record, as each viewer may see it: a sensitive entry's
 * words, a freeze reason and a reason to see sensitive entries are kept for
 * the privacy officer and shown to others only as the record's rules allow.
 */
describe.each(kinds)('the access log shows each viewer only what the record would (%s)', (kind) => {
  let j: TestJoinery;
  let child: { id: string; nhs_number: string; given_name: string; family_name: string };
  const ENTRY = 'Medical termination at 8 weeks QT9';
  const REVEAL = 'Checking medicines before surgery QR7';
  const FREEZE = 'Allegation against a family friend QF4';

  const one = async <T>(query: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, query))[0];
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
  const professionalId = async (role: string) => (await one<{ id: string }>(sql`SELECT id FROM professional WHERE email = ${`${role}@demo.joinery.test`}`)).id;
  const logText = async (c: TestClient, query = '') => {
    const res = await c.get(`/children/${child.id}/access-log${query}`);
    expect(res.statusCode).toBe(200);
    return pageText(res.body);
  };

  beforeAll(async () => {
    j = await startJoinery(kind);
    const gpOrg = sql`(SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')`;
    const paediatrician = await professionalId('paediatrician');
    // Registered with the demo GP, in the demo paediatrician's cluster: both may open the record.
    child = await one(sql`SELECT c.id, c.nhs_number, c.given_name, c.family_name FROM child c WHERE c.registered_practice_id = ${gpOrg}
      AND EXISTS (SELECT 1 FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
                  WHERE cp.practice_id = c.registered_practice_id AND cl.lead_paediatrician_id = ${paediatrician}::uuid)
      ORDER BY c.id LIMIT 1`);
    // The SENCO is in the child's care team, so education sees the summary and its access log.
    await j.db.owner.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
      VALUES (${j.ics.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${child.id}::uuid, ${await professionalId('senco')}::uuid, 'SENCO')`);

    // The GP records a sensitive entry and reads it; the paediatrician gives a reason to see it; the privacy officer freezes and lifts.
    const gp = await signIn('gp');
    await gp.get(`/children/${child.id}/record/entries/new?kind=problem`);
    expect((await gp.post(`/children/${child.id}/record/entries/new?kind=problem`, {
      display: ENTRY, status: 'resolved', sensitiveCategory: 'termination-of-pregnancy',
    })).statusCode).toBe(303);
    const entry = await one<{ id: string }>(sql`SELECT id FROM record_entry WHERE display = ${ENTRY}`);
    expect((await gp.get(`/children/${child.id}/record/entries/${entry.id}`)).statusCode).toBe(200);
    const paed = await signIn('paediatrician');
    await paed.get(`/children/${child.id}/record/reveal`);
    expect((await paed.post(`/children/${child.id}/record/reveal`, { reason: REVEAL })).statusCode).toBe(303);
    const po = await signIn('privacy-officer');
    await po.get(`/children/${child.id}/record/freeze`);
    expect((await po.post(`/children/${child.id}/record/freeze`, { reason: FREEZE })).statusCode).toBe(303);
    expect((await po.post(`/children/${child.id}/record/lift`, {})).statusCode).toBe(303);
  });
  afterAll(() => j?.close());

  it('audit rows keep what the privacy officer needs: which entry, its sensitive category, and the reasons apart from the relationship', async () => {
    const created = await one<{ what: string; entry_id: string; sensitive_category: string }>(sql`SELECT what, entry_id, sensitive_category FROM audit_event
      WHERE child_id = ${child.id}::uuid AND action = 'record.create-entry'`);
    expect(created.what).toContain(ENTRY);
    expect(created.sensitive_category).toBe('termination-of-pregnancy');
    expect(created.entry_id).toBe((await one<{ id: string }>(sql`SELECT id FROM record_entry WHERE display = ${ENTRY}`)).id);
    const reveal = await one<{ why: string; stated_reason: string }>(sql`SELECT why, stated_reason FROM audit_event
      WHERE child_id = ${child.id}::uuid AND action = 'record.reveal-sensitive'`);
    expect(reveal.stated_reason).toBe(REVEAL);
    expect(reveal.why).not.toContain(REVEAL);
  });

  it('a SENCO sees the category of a sensitive entry but not its words, nor the freeze reason, nor the reason to see it', async () => {
    const senco = await signIn('senco');
    for (const text of [await logText(senco), pageText((await senco.get(`/children/${child.id}`)).body)]) {
      expect(text).not.toContain(ENTRY);
      expect(text).not.toContain(REVEAL);
      expect(text).not.toContain(FREEZE);
    }
    const log = await logText(senco);
    expect(log).toContain('problem: sensitive entry (Termination of pregnancy)');
    expect(log).toContain('Sensitive entries shown');
    expect(log).toContain('Record frozen for a safeguarding investigation');
    expect(log).toContain('a reason was given (shown only to those it is for)');
    // A search cannot find words the viewer may not see, and the CSV is filtered the same way.
    expect(await logText(senco, '?q=QT9')).toContain('No events match the filter');
    const csv = await senco.get(`/children/${child.id}/access-log.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('sensitive entry (Termination of pregnancy)');
    for (const hidden of [ENTRY, REVEAL, FREEZE]) expect(csv.body).not.toContain(hidden);
  });

  it('a GP of the recording practice sees the entry and the reason to see it, but not the freeze reason (only those who may freeze see it)', async () => {
    const log = await logText(await signIn('gp'));
    expect(log).toContain(ENTRY);
    expect(log).toContain(`reason: ${REVEAL}`);
    expect(log).not.toContain(FREEZE);
  });

  it('the privacy officer sees every event in full, and can search its words', async () => {
    const po = await signIn('privacy-officer');
    const log = await logText(po);
    expect(log).toContain(ENTRY);
    expect(log).toContain(`reason: ${REVEAL}`);
    expect(log).toContain(`reason: ${FREEZE}`);
    expect(await logText(po, '?q=QT9')).toContain(ENTRY);
  });
});
