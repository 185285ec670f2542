import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { londonToday } from '../platform/time/form-dates.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { judge, standardOf } from './standards.js';
import { standardsOfIcs } from './service.js';

const email = (role: string) => `${role}@demo.joinery.test`;
const TODAY = '2026-06-15';
const hourAfter = (iso: string, hours: number, seconds = 0) => new Date(Date.parse(iso) + hours * 3_600_000 + seconds * 1000).toISOString();

describe('a standard judged from its counts', () => {
  const rapid = standardOf('rapid-access-24h')!;
  it('met at 90% and above, partly from 70%, not met below; fewer than 8 children is no data for everyone', () => {
    expect(judge(rapid, { numerator: 9, denominator: 10 }, { hideSmall: false, attestation: null })).toMatchObject({ status: 'met', figure: 90 });
    expect(judge(rapid, { numerator: 8, denominator: 10 }, { hideSmall: false, attestation: null })).toMatchObject({ status: 'partly', figure: 80 });
    expect(judge(rapid, { numerator: 6, denominator: 10 }, { hideSmall: false, attestation: null })).toMatchObject({ status: 'not-met', figure: 60 });
    expect(judge(rapid, { numerator: 7, denominator: 7 }, { hideSmall: false, attestation: null })).toMatchObject({ status: 'no-data', figure: null, note: 'Fewer than 8 children: too few to judge' });
  });

  it('a reader who may not see small numbers gets neither the share nor the counts when 1 to 7 children are in or out of it', () => {
    const shown = judge(rapid, { numerator: 95, denominator: 100 }, { hideSmall: true, attestation: null });
    expect(shown).toMatchObject({ status: 'met', figure: null, numerator: null, denominator: null, note: 'Suppressed: a count of 1 to 7 children' });
    expect(judge(rapid, { numerator: 95, denominator: 100 }, { hideSmall: false, attestation: null })).toMatchObject({ figure: 95, numerator: 95, denominator: 100 });
  });

  it('with no data the latest attestation answers, marked attested; without one it is no data', () => {
    const nursing = standardOf('community-nursing')!;
    expect(judge(nursing, null, { hideSmall: true, attestation: null }).status).toBe('no-data');
    const a = judge(nursing, null, { hideSmall: true, attestation: { status: 'partly', evidence: 'Weekday cover only', attestedOn: '2026-05-01', by: 'A Lead' } });
    expect(a).toMatchObject({ status: 'attested', note: 'Attested partly on 2026-05-01: Weekday cover only' });
  });
});

describe('standards measured from the data (boundaries at 24 hours and six months)', () => {
  let j: TestJoinery;
  let hub: string;
  let practices: string[];

  beforeAll(async () => {
    j = await startJoinery('pglite', 150);
    const ics = j.ics.icsId;
    const [from] = await rows<{ id: string; place_id: string }>(j.db.owner, sql`SELECT id::text, place_id::text FROM cluster WHERE ics_id = ${ics}::uuid ORDER BY name LIMIT 1`);
    hub = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO cluster (ics_id, id, name, place_id) VALUES (${ics}::uuid, ${hub}::uuid, 'Standards test hub', ${from.place_id}::uuid)`);
    practices = (await rows<{ practice_id: string }>(j.db.owner, sql`SELECT practice_id::text FROM cluster_practice WHERE ics_id = ${ics}::uuid AND cluster_id = ${from.id}::uuid ORDER BY practice_id LIMIT 2`)).map((p) => p.practice_id);
    await j.db.owner.execute(sql`UPDATE cluster_practice SET cluster_id = ${hub}::uuid WHERE ics_id = ${ics}::uuid AND practice_id IN (${sql.join(practices.map((p) => sql`${p}::uuid`), sql`, `)})`);
    const [model] = await rows<{ id: string; child_id: string; referrer_id: string; decision_maker_id: string }>(j.db.owner,
      sql`SELECT id::text, child_id::text, referrer_id::text, decision_maker_id::text FROM referral WHERE ics_id = ${ics}::uuid LIMIT 1`);
    // Sixteen urgent referrals: eight sent for same-day assessment within 24 hours (one at exactly 24:00:00), eight later (one a second late).
    for (let k = 0; k < 16; k++) {
      const id = crypto.randomUUID();
      const made = `2026-03-${String(k + 1).padStart(2, '0')}T09:00:00.000Z`;
      const seen = k === 0 ? hourAfter(made, 24) : k === 8 ? hourAfter(made, 24, 1) : k < 8 ? hourAfter(made, 3) : hourAfter(made, 30);
      await j.db.owner.execute(sql`INSERT INTO referral (ics_id, id, child_id, kind, referrer_id, referring_practice_id, cluster_id, decision_maker_id, urgency, reason, question, state, due_on, version, created_at)
        VALUES (${ics}::uuid, ${id}::uuid, ${model.child_id}::uuid, 'referral', ${model.referrer_id}::uuid, ${practices[0]}::uuid, ${hub}::uuid, ${model.decision_maker_id}::uuid,
                'urgent', 'Fever', 'Seen today?', 'urgent-same-day', '2026-03-20', 2, ${made}::timestamptz)`);
      await j.db.owner.execute(sql`INSERT INTO referral_event (ics_id, id, referral_id, from_state, to_state, changed_by, changed_by_name, changed_at)
        VALUES (${ics}::uuid, ${crypto.randomUUID()}::uuid, ${id}::uuid, 'awaiting-triage', 'urgent-same-day', ${model.decision_maker_id}::uuid, 'Dr Test', ${seen}::timestamptz)`);
    }
    // Teaching: the first practice came exactly six months before the period's last day (counts), the second a day earlier (does not).
    for (const [practice, day] of [[practices[0], '2025-12-14'], [practices[1], '2025-12-13']]) {
      const id = crypto.randomUUID();
      await j.db.owner.execute(sql`INSERT INTO hub_teaching_session (ics_id, id, cluster_id, held_on, topic, recorded_by, recorded_by_name)
        VALUES (${ics}::uuid, ${id}::uuid, ${hub}::uuid, ${day}::date, 'Asthma and wheeze', ${model.decision_maker_id}::uuid, 'Dr Test')`);
      await j.db.owner.execute(sql`INSERT INTO hub_teaching_practice (ics_id, session_id, practice_id) VALUES (${ics}::uuid, ${id}::uuid, ${practice}::uuid)`);
    }
  });
  afterAll(() => j?.close());

  const hubOf = async (id: string, today = TODAY) => {
    const r = await j.db.tenant(j.ics.icsId, (tx) => standardsOfIcs(tx, j.ics.icsId, today));
    return r.standards.find((s) => s.id === id)!.hubs.find((h) => h.hub === 'Standards test hub')!;
  };

  it('urgent referrals: seen at exactly 24 hours counts, a second later does not (8 of 16, not met); the JSON has the issue’s shape', async () => {
    const r = await j.db.tenant(j.ics.icsId, (tx) => standardsOfIcs(tx, j.ics.icsId, TODAY));
    expect(r.standards.map((s) => s.id)).toEqual(['advice-in-promise', 'rapid-access-24h', 'link-paediatrician', 'gp-education-6-months', 'community-nursing', 'discharge-summary-24h']);
    expect(Object.keys(r.standards[0].hubs[0])).toEqual(['hub', 'status', 'figure', 'unit', 'period']);
    expect(await hubOf('rapid-access-24h')).toEqual({ hub: 'Standards test hub', status: 'not-met', figure: 50, unit: '% of urgent referrals seen within 24 hours', period: '2025-06-15 to 2026-06-14' });
  });

  it('education: a practice taught exactly six months before the period’s end counts, a day earlier does not (1 of 2 practices, partly)', async () => {
    expect(await hubOf('gp-education-6-months')).toMatchObject({ status: 'partly', figure: 50 });
    // A day later the first session is more than six months old too.
    expect(await hubOf('gp-education-6-months', '2026-06-16')).toMatchObject({ status: 'not-met', figure: 0 });
  });

  it('a hub with no named paediatrician has no practice linked (not met); community nursing has no data until attested', async () => {
    expect(await hubOf('link-paediatrician')).toMatchObject({ status: 'not-met', figure: 0 });
    expect(await hubOf('community-nursing')).toMatchObject({ status: 'no-data', figure: null });
  });

  it('the page: keepers see every hub with the figure behind each, attest where there are no data, and it is audited; a GP is refused', async () => {
    const lead = await TestClient.signIn(j.app, email('admin'));
    const page = await lead.get('/models/standards');
    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).toContain('A link consultant paediatrician for every practice');
    expect(pageText(page.body)).toContain('Hub Standards test hub Status Not met Figure 0% Counted 0 of 2');
    await lead.get('/models/standards/attest');
    const bad = await lead.post('/models/standards/attest', { standard: 'community-nursing', hub, status: 'sometimes', evidence: '' });
    expect(bad.statusCode).toBe(400);
    expect(pageText(bad.body)).toContain('Select met, partly met or not met');
    expect(pageText(bad.body)).toContain('Enter the evidence');
    const [d, m, y] = [londonToday().slice(8), londonToday().slice(5, 7), londonToday().slice(0, 4)];
    const ok = await lead.post('/models/standards/attest', { standard: 'community-nursing', hub, status: 'partly', evidence: 'Nursing team covers weekdays only', 'attestedOn[day]': d, 'attestedOn[month]': m, 'attestedOn[year]': y });
    expect(ok.statusCode).toBe(303);
    // The attestation made today answers from tomorrow's twelve months on; it is in the CSV then, marked attested.
    const tomorrow = new Date(Date.parse(`${londonToday()}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(await hubOf('community-nursing', tomorrow)).toMatchObject({ status: 'attested' });
    const [audit] = await rows<{ what: string }>(j.db.owner, sql`SELECT what FROM audit_event WHERE action = 'models.standard-attested'`);
    expect(audit.what).toBe('Community children’s nursing: attested partly for Standards test hub');
    const csv = await lead.get('/models/standards.csv');
    expect(csv.body.split('\r\n')[0]).toBe('Standard,Hub,Period,Status,Figure (%),Numerator,Denominator,Median hours,Note');
    const gp = await TestClient.signIn(j.app, email('gp'));
    expect((await gp.get('/models/standards')).statusCode).toBe(403);
    expect((await gp.post('/models/standards/attest', { standard: 'community-nursing', hub, status: 'met', evidence: 'x' })).statusCode).toBe(403);
  });

  it('teaching sessions: the hub lead records one for their hub (audited); a practice outside the hub is refused and nothing is saved', async () => {
    const [led] = await rows<{ id: string; email: string }>(j.db.owner, sql`SELECT cl.id::text, p.email FROM cluster cl JOIN professional p ON p.ics_id = cl.ics_id AND p.id = cl.lead_paediatrician_id
      WHERE cl.ics_id = ${j.ics.icsId}::uuid ORDER BY cl.name LIMIT 1`);
    const [own] = await rows<{ practice_id: string }>(j.db.owner, sql`SELECT practice_id::text FROM cluster_practice WHERE ics_id = ${j.ics.icsId}::uuid AND cluster_id = ${led.id}::uuid LIMIT 1`);
    const paed = await TestClient.signIn(j.app, led.email);
    const page = await paed.get('/models/teaching');
    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).not.toContain('Standards test hub');
    const count = async () => (await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM hub_teaching_session WHERE ics_id = ${j.ics.icsId}::uuid`))[0].n;
    const before = await count();
    const date = { 'heldOn[day]': '3', 'heldOn[month]': '2', 'heldOn[year]': '2026' };
    const refused = await paed.post('/models/teaching', { hub: led.id, ...date, topic: 'Constipation', practices: [own.practice_id, practices[0]] });
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toContain('Select only practices in this hub');
    expect(await count()).toBe(before);
    const saved = await paed.post('/models/teaching', { hub: led.id, ...date, topic: 'Constipation', practices: [own.practice_id] });
    expect(saved.statusCode).toBe(303);
    expect(await count()).toBe(before + 1);
    expect(pageText((await paed.get('/models/teaching')).body)).toContain('2026-02-03');
    // Another hub's sessions are not theirs to record.
    expect((await paed.post('/models/teaching', { hub, ...date, topic: 'Constipation', practices: [practices[0]] })).statusCode).toBe(400);
    const csv = await paed.get('/models/teaching.csv');
    expect(csv.body.split('\r\n')[0]).toBe('Date,Hub,Topic,Practices,Recorded by');
  });
});
