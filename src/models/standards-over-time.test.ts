import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { londonToday } from '../platform/time/form-dates.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { standardsOfIcs } from './service.js';
import { halfYearsTo, PERIODS_OVER_TIME, yearTo } from './standards-report.js';

const email = (role: string) => `${role}@demo.joinery.test`;
const HUB = 'Over time test hub';
const RAPID = 'A rapid access clinic: urgent referrals seen within 24 hours';
const hoursAfter = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
const dayWords = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
/** A CSV's data rows whose first two fields are the standard and the hub (neither quoted here). */
const csvRows = (body: string) => body.split('\r\n').slice(1).filter(Boolean);
const hubOfRow = (row: string) => (row.startsWith('"') ? row.slice(row.indexOf('",') + 2) : row.slice(row.indexOf(',') + 1)).split(',')[0];

describe('standards over time: each hub judged for every half-year, charted, tabled and downloadable', () => {
  let j: TestJoinery;
  const today = londonToday();
  const halves = halfYearsTo(today);
  const [before, last] = [halves[PERIODS_OVER_TIME - 2], halves[PERIODS_OVER_TIME - 1]];

  beforeAll(async () => {
    j = await startJoinery('pglite', 150);
    const ics = j.ics.icsId;
    const [from] = await rows<{ id: string; place_id: string }>(j.db.owner, sql`SELECT id::text, place_id::text FROM cluster WHERE ics_id = ${ics}::uuid ORDER BY name LIMIT 1`);
    const hub = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO cluster (ics_id, id, name, place_id) VALUES (${ics}::uuid, ${hub}::uuid, ${HUB}, ${from.place_id}::uuid)`);
    const [practice] = await rows<{ practice_id: string }>(j.db.owner, sql`SELECT practice_id::text FROM cluster_practice WHERE ics_id = ${ics}::uuid AND cluster_id = ${from.id}::uuid ORDER BY practice_id LIMIT 1`);
    await j.db.owner.execute(sql`UPDATE cluster_practice SET cluster_id = ${hub}::uuid WHERE ics_id = ${ics}::uuid AND practice_id = ${practice.practice_id}::uuid`);
    const [r] = await rows<{ child_id: string; referrer_id: string; decision_maker_id: string }>(j.db.owner,
      sql`SELECT child_id::text, referrer_id::text, decision_maker_id::text FROM referral WHERE ics_id = ${ics}::uuid LIMIT 1`);
    // The half-year before last: 8 of 20 urgent referrals seen within 24 hours (40%, not met). The last half-year: all 20 (met).
    // Nothing before: those half-years have no data, and must not be drawn or shown as met.
    const urgent = async (period: { from: string }, k: number, withinDay: boolean) => {
      const id = crypto.randomUUID();
      const made = hoursAfter(`${period.from}T09:00:00.000Z`, 24 * (10 + k));
      await j.db.owner.execute(sql`INSERT INTO referral (ics_id, id, child_id, kind, referrer_id, referring_practice_id, cluster_id, decision_maker_id, urgency, reason, question, state, due_on, version, created_at)
        VALUES (${ics}::uuid, ${id}::uuid, ${r.child_id}::uuid, 'referral', ${r.referrer_id}::uuid, ${practice.practice_id}::uuid, ${hub}::uuid, ${r.decision_maker_id}::uuid,
                'urgent', 'Fever', 'Seen today?', 'urgent-same-day', ${made.slice(0, 10)}::date, 2, ${made}::timestamptz)`);
      await j.db.owner.execute(sql`INSERT INTO referral_event (ics_id, id, referral_id, from_state, to_state, changed_by, changed_by_name, changed_at)
        VALUES (${ics}::uuid, ${crypto.randomUUID()}::uuid, ${id}::uuid, 'awaiting-triage', 'urgent-same-day', ${r.decision_maker_id}::uuid, 'Dr Test', ${hoursAfter(made, withinDay ? 4 : 30)}::timestamptz)`);
    };
    for (let k = 0; k < 20; k++) await urgent(before, k, k < 8);
    for (let k = 0; k < 20; k++) await urgent(last, k, true);
  });
  afterAll(() => j?.close());

  it('a hub moves from not met (8 of 20) to met (20 of 20); the half-years with no referrals are no data, never met; the twelve months are partly met (28 of 40)', async () => {
    const r = await j.db.tenant(j.ics.icsId, (tx) => standardsOfIcs(tx, j.ics.icsId, today, { overTime: true }));
    const rapid = r.standards.find((s) => s.id === 'rapid-access-24h')!;
    expect(rapid.hubs.find((h) => h.hub === HUB)).toMatchObject({ status: 'partly', figure: 70 });
    expect(rapid.overTime!.map((p) => p.period)).toEqual(halves.map((p) => `${p.from} to ${dayWords(p.to)}`));
    const series = rapid.overTime!.map((p) => p.hubs.find((h) => h.hub === HUB)!);
    expect(series.map((h) => [h.status, h.figure])).toEqual([...Array.from({ length: PERIODS_OVER_TIME - 2 }, () => ['no-data', null]), ['not-met', 40], ['met', 100]]);
    expect(Object.keys(series[0])).toEqual(['hub', 'status', 'figure', 'unit', 'period']);
    // Without --over-time the command's JSON is the shape exactly.
    const plain = await j.db.tenant(j.ics.icsId, (tx) => standardsOfIcs(tx, j.ics.icsId, today));
    expect(Object.keys(plain.standards[0])).toEqual(['id', 'title', 'hubs']);
    expect(plain.standards.find((s) => s.id === 'rapid-access-24h')!.hubs).toEqual(rapid.hubs);
  });

  it('the page charts each standard over time with the same figures in a table beside it, and the CSV beside it has a row per hub and period', async () => {
    const analyst = await TestClient.signIn(j.app, email('ics-analyst'));
    const page = await analyst.get('/models/standards');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`role="img" aria-label="Line chart of % of urgent referrals seen within 24 hours by half-year, ${halves[0].from} to ${dayWords(last.to)}, one line per hub`);
    const text = pageText(page.body);
    expect(text).toContain(`${RAPID}: by half-year, oldest first`);
    expect(text).toContain(`Six months ${before.from} to ${dayWords(before.to)}`);
    expect(text).toMatch(new RegExp(`${before.from} to ${dayWords(before.to)}.*Not met, 40%`));
    expect(text).toMatch(new RegExp(`${last.from} to ${dayWords(last.to)}.*Met, 100%`));

    const hubs = await rows<{ name: string }>(j.db.owner, sql`SELECT name FROM cluster WHERE ics_id = ${j.ics.icsId}::uuid`);
    const csv = await analyst.get('/models/standards.csv?standard=rapid-access-24h');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="child-health-standard-rapid-access-24h.csv"');
    const lines = csvRows(csv.body);
    expect(lines.every((l) => l.startsWith(`${RAPID},`))).toBe(true);
    // Every hub: the twelve months, then each half-year.
    expect(lines).toHaveLength(hubs.length * (1 + PERIODS_OVER_TIME));
    const ours = lines.filter((l) => hubOfRow(l) === HUB);
    const year = yearTo(today);
    expect(ours[0]).toBe(`${RAPID},${HUB},${year.from} to ${dayWords(year.to)},Partly met,70,28,40,,`);
    expect(ours.slice(-2)).toEqual([
      `${RAPID},${HUB},${before.from} to ${dayWords(before.to)},Not met,40,8,20,,`,
      `${RAPID},${HUB},${last.from} to ${dayWords(last.to)},Met,100,20,20,,`,
    ]);
    expect(ours[1]).toBe(`${RAPID},${HUB},${halves[0].from} to ${dayWords(halves[0].to)},No data,,,,,Nothing to count in this period`);
    expect((await analyst.get('/models/standards.csv?standard=no-such-standard')).statusCode).toBe(400);
  });

  it('the ICS analyst and the CYP lead see every hub over time; a hub’s lead paediatrician sees only the hubs they lead, in the page and the CSV', async () => {
    const all = (await rows<{ name: string }>(j.db.owner, sql`SELECT name FROM cluster WHERE ics_id = ${j.ics.icsId}::uuid`)).map((h) => h.name).sort();
    for (const role of ['ics-analyst', 'admin']) {
      const keeper = await TestClient.signIn(j.app, email(role));
      const csv = await keeper.get('/models/standards.csv');
      expect([...new Set(csvRows(csv.body).map(hubOfRow))].sort(), role).toEqual(all);
    }
    const [led] = await rows<{ email: string }>(j.db.owner, sql`SELECT p.email FROM cluster cl JOIN professional p ON p.ics_id = cl.ics_id AND p.id = cl.lead_paediatrician_id
      WHERE cl.ics_id = ${j.ics.icsId}::uuid ORDER BY cl.name LIMIT 1`);
    const theirs = (await rows<{ name: string }>(j.db.owner, sql`SELECT cl.name FROM cluster cl JOIN professional p ON p.ics_id = cl.ics_id AND p.id = cl.lead_paediatrician_id
      WHERE cl.ics_id = ${j.ics.icsId}::uuid AND p.email = ${led.email}`)).map((h) => h.name).sort();
    expect(theirs.length).toBeLessThan(all.length);
    const paed = await TestClient.signIn(j.app, led.email);
    const csv = await paed.get('/models/standards.csv?standard=rapid-access-24h');
    expect([...new Set(csvRows(csv.body).map(hubOfRow))].sort()).toEqual(theirs);
    const page = pageText((await paed.get('/models/standards')).body);
    expect(page).not.toContain(HUB);
    for (const other of all.filter((h) => !theirs.includes(h))) expect(page).not.toContain(other);
  });
});
