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
describe.each(kinds)('who has accessed a record (%s)', (kind) => {
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
    const gpOrg = sql`${(await one<{ id: string }>(sql`SELECT organisation_id AS id FROM professional WHERE email = 'gp@demo.joinery.test'`)).id}::uuid`;
    const paediatrician = await professionalId('paediatrician');
    // Registered with the demo GP, in the demo paediatrician's cluster: both may open the record.
    child = await one(sql`SELECT c.id, c.nhs_number, c.given_name, c.family_name FROM child c WHERE c.ics_id = ${j.ics.icsId}::uuid AND c.registered_practice_id = ${gpOrg}
      AND EXISTS (SELECT 1 FROM cluster_practice cp JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
                  WHERE cp.ics_id = ${j.ics.icsId}::uuid AND cl.ics_id = ${j.ics.icsId}::uuid AND cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id AND cl.lead_paediatrician_id = ${paediatrician}::uuid)
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

  describe('each viewer sees only what the record would show them', () => {
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

  it('a SENCO sees that a sensitive entry was read but not its words or sensitive category, nor the freeze reason, nor the reason to see it', async () => {
    const senco = await signIn('senco');
    for (const text of [await logText(senco), pageText((await senco.get(`/children/${child.id}`)).body)]) {
      expect(text).not.toContain(ENTRY);
      expect(text).not.toContain(REVEAL);
      expect(text).not.toContain(FREEZE);
    }
    const log = await logText(senco);
    expect(log).toContain('problem: sensitive entry');
    expect(log).not.toContain('Termination of pregnancy');
    expect(log).toContain('Sensitive entries shown');
    expect(log).toContain('Record frozen for a safeguarding investigation');
    expect(log).toContain('a reason was given (shown only to those it is for)');
    // A search cannot find words the viewer may not see, and the CSV is filtered the same way.
    expect(await logText(senco, '?q=QT9')).toContain('No events match the filter');
    const csv = await senco.get(`/children/${child.id}/access-log.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('problem: sensitive entry');
    expect(csv.body).not.toContain('Termination of pregnancy');
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

  describe('the privacy officer finds a child; the log is filtered, paged and exported', () => {
    const AUDITOR = 'Test Auditor QA5';
    const auditCount = async (action: string, role: string) => (await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event
      WHERE child_id = ${child.id}::uuid AND action = ${action} AND professional_id = ${await professionalId(role)}::uuid`)).n;

    beforeAll(async () => {
      // 60 reads of the summary on one day in 2025 by someone from the child's practice, so the log runs to more than one page.
      await j.db.owner.execute(sql`INSERT INTO audit_event (ics_id, at, actor_name, role, organisation_id, child_id, action, what, why)
        SELECT ${j.ics.icsId}::uuid, '2025-03-10T10:00:00Z'::timestamptz + make_interval(mins => n), ${AUDITOR}, 'gp',
               ${(await one<{ id: string }>(sql`SELECT registered_practice_id AS id FROM child WHERE ics_id = ${j.ics.icsId}::uuid AND id = ${child.id}::uuid`)).id}::uuid, ${child.id}::uuid, 'child.view-summary', 'Child summary', 'test'
          FROM generate_series(1, 60) n`);
    });

    it('the privacy officer finds a child by NHS number or name and reaches the access log, not the record; the search is audited', async () => {
      const po = await signIn('privacy-officer');
      const before = await auditCount('child.search-result', 'privacy-officer');
      const byNumber = await po.get(`/children?q=${child.nhs_number}`);
      expect(byNumber.statusCode).toBe(200);
      expect(byNumber.body).toContain(`href="/children/${child.id}/access-log"`);
      expect(byNumber.body).not.toContain(`href="/children/${child.id}"`);
      const byName = await po.get(`/children?q=${encodeURIComponent(`${child.given_name} ${child.family_name}`)}`);
      expect(byName.body).toContain(`href="/children/${child.id}/access-log"`);
      expect(await auditCount('child.search-result', 'privacy-officer')).toBe(before + 2);
      expect(pageText(byName.body)).toContain('Find a child');
      expect(byName.body).toContain('Each search is recorded');
      expect((await po.get(`/children/${child.id}`)).statusCode).toBe(403);
      expect((await po.get(`/children/${child.id}/record`)).statusCode).toBe(403);
    });

    it('filters by who, organisation, action and dates, and pages 50 at a time', async () => {
      const po = await signIn('privacy-officer');
      const all = await logText(po);
      const total = Number(/of (\d+) events/.exec(all)![1]);
      expect(total).toBeGreaterThan(60);
      expect(all).toContain('Showing 1 to 50 of');
      // Seeing the first page is itself logged: one more event.
      const second = await logText(po, '?page=2');
      expect(second).toContain(`Showing 51 to ${total + 1} of ${total + 1} events`);

      const frozen = await logText(po, '?action=record.freeze');
      expect(frozen).toContain('Showing 1 to 1 of 1 event');
      expect(frozen).toContain(FREEZE);
      expect(frozen).not.toContain('Sensitive entries shown');

      const oneDay = await logText(po, '?from-day=10&from-month=3&from-year=2025&to-day=10&to-month=3&to-year=2025');
      expect(oneDay).toContain('Showing 1 to 50 of 60 events');
      expect(await logText(po, '?from-day=11&from-month=3&from-year=2025&to-day=11&to-month=3&to-year=2025')).toContain('No events match the filter');

      const byWho = await logText(po, `?q=${encodeURIComponent('auditor qa5')}`);
      expect(byWho).toContain('of 60 events');
      const practice = await one<{ id: string }>(sql`SELECT registered_practice_id AS id FROM child WHERE id = ${child.id}::uuid`);
      const byOrganisation = await logText(po, `?organisation=${practice.id}&action=record.read-entry`);
      expect(byOrganisation).toContain('Showing 1 to 1 of 1 event');
      expect(byOrganisation).toContain(ENTRY);
    });

    it('exports the filtered log as CSV, with the same filter, and audits the export', async () => {
      const po = await signIn('privacy-officer');
      const csv = await po.get(`/children/${child.id}/access-log.csv?q=${encodeURIComponent(AUDITOR)}`);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('When,Who,Role,Organisation,Action,What,Why');
      expect(lines).toHaveLength(61);
      expect(lines.slice(1).every((l) => l.includes(AUDITOR) && l.includes('Child summary'))).toBe(true);
      const exported = await one<{ details: { exported: number; filter: { words: string } } }>(sql`SELECT details FROM audit_event
        WHERE child_id = ${child.id}::uuid AND action = 'child.export-access-log' ORDER BY id DESC LIMIT 1`);
      expect(exported.details).toMatchObject({ exported: 60, filter: { words: AUDITOR } });
    });

    it('a wrong date or list value gets a clear error, and someone with no relationship is refused the log and its CSV (audited)', async () => {
      const po = await signIn('privacy-officer');
      const bad = await po.get(`/children/${child.id}/access-log?from-day=31&from-month=2&from-year=2025&organisation=nope`);
      expect(bad.statusCode).toBe(400);
      expect(pageText(bad.body)).toContain('The from date must be a real date');
      expect(pageText(bad.body)).toContain('Select an organisation from the list');
      expect((await po.get(`/children/${child.id}/access-log.csv?to-day=40&to-month=1&to-year=2025`)).statusCode).toBe(400);

      const youthJustice = await signIn('youth-justice-worker');
      const refusedBefore = await auditCount('child.access-refused', 'youth-justice-worker');
      expect((await youthJustice.get(`/children/${child.id}/access-log`)).statusCode).toBe(403);
      expect((await youthJustice.get(`/children/${child.id}/access-log.csv`)).statusCode).toBe(403);
      expect(await auditCount('child.access-refused', 'youth-justice-worker')).toBe(refusedBefore + 2);
    });
  });
});
