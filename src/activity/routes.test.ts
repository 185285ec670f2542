import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { addHandMadeHub, HAND_MADE } from './test-fixtures.js';
import { TABLE_IDS } from './tables.js';

const kinds = await databaseKinds();
const email = (role: string) => `${role}@demo.joinery.test`;

describe.each(kinds)('the hub activity page and its CSVs (%s)', (kind) => {
  let j: TestJoinery;
  let analyst: TestClient;
  let lead: TestClient;
  let hubQuery: string;
  const audits = async () =>
    (await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'activity.view' AND child_id IS NULL`))[0].n;

  beforeAll(async () => {
    j = await startJoinery(kind, 150);
    // The hand-made hub's lead is a paediatrician of its own (not the demo one), who sees its small numbers as they are.
    const [other] = await rows<{ email: string }>(j.db.owner, sql`SELECT email FROM professional WHERE ics_id = ${j.ics.icsId}::uuid AND role = 'paediatrician' AND password_hash IS NULL ORDER BY email LIMIT 1`);
    await j.db.owner.execute(sql`UPDATE professional SET password_hash = (SELECT password_hash FROM professional WHERE email = ${email('paediatrician')}) WHERE email = ${other.email}`);
    const hub = await addHandMadeHub(j.db, j.ics.icsId, other.email);
    hubQuery = `scope=${hub.clusterId}&from=${HAND_MADE.from}&to=${HAND_MADE.to}`;
    analyst = await TestClient.signIn(j.app, email('ics-analyst'));
    lead = await TestClient.signIn(j.app, other.email);
  });
  afterAll(() => j?.close());

  it('shows the whole ICS by default: the filter form and five captioned tables with column and row headers, each with its CSV', async () => {
    const res = await analyst.get('/activity');
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    expect(text).toContain('Whole ICS:');
    expect(res.body).toContain('<form method="get" action="/activity"');
    expect(res.body.match(/<caption class="nhsuk-table__caption/g)).toHaveLength(5);
    expect(res.body).toContain('<th scope="col"');
    expect(res.body).toContain('<th scope="row"');
    for (const id of TABLE_IDS) expect(res.body).toMatch(new RegExp(`href="/activity/${id}\\.csv\\?scope=ics&amp;from=\\d{4}-\\d{2}&amp;to=\\d{4}-\\d{2}"`));
    expect(text).toContain('Martin and colleagues, Archives of Disease in Childhood, 2022');
    expect(text).toContain('Montgomery-Taylor and colleagues, Archives of Disease in Childhood, 2016');
    expect(text).toContain('22% of queries avoided an outpatient referral');
  });

  it('shows one hub for a chosen period, with no rate where a practice has no children', async () => {
    const res = await lead.get(`/activity?${hubQuery}`);
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    expect(text).toContain(`${HAND_MADE.hubName}: January 2026 to June 2026`);
    expect(text).toContain('Hand-made practice P HM001 Hand-made activity hub 8 2 500 6 1,500');
    expect(text).toContain('Hand-made practice Q HM002 Hand-made activity hub 0 0 Not available 1 Not available');
    expect(res.body).toContain(`<option value="${HAND_MADE.from}" selected>`);
  });

  it('downloads each table as CSV with the same filters: a header row, RFC 4180 quoting, formulas disarmed', async () => {
    await j.db.owner.execute(sql`UPDATE organisation SET name = '=1+2, "Q"' WHERE ods_code = 'HM002' AND ics_id = ${j.ics.icsId}::uuid`);
    const res = await lead.get(`/activity/practices.csv?${hubQuery}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hub-activity-practices-hand-made-activity-hub-2026-01-to-2026-06.csv"');
    expect(res.body.split('\r\n')).toEqual([
      'Practice,ODS code,Hub,Registered children,Advice requests,"Advice requests per 1,000 children a year",Referrals,"Referrals per 1,000 children a year"',
      `"'=1+2, ""Q""",HM002,Hand-made activity hub,0,0,,1,`,
      'Hand-made practice P,HM001,Hand-made activity hub,8,2,500,6,1500',
      'All practices,,,8,2,500,7,1750',
      '',
    ]);
    const waiting = await lead.get(`/activity/waiting.csv?${hubQuery}`);
    expect(waiting.body.split('\r\n')[1]).toBe('Referral to triage decision,4,3,6.8,');
    for (const id of TABLE_IDS) expect((await analyst.get(`/activity/${id}.csv?${hubQuery}`)).statusCode).toBe(200);
  });

  it('withholds the hub’s small numbers from an analyst, on the page and in every CSV, saying why', async () => {
    const page = await analyst.get(`/activity?${hubQuery}`);
    const text = pageText(page.body);
    expect(text).toContain('Hand-made practice P HM001 Hand-made activity hub 8 Suppressed Suppressed Suppressed Suppressed');
    expect(text).toContain('Counts of 1 to 7 are withheld (“Suppressed”)');
    const practices = (await analyst.get(`/activity/practices.csv?${hubQuery}`)).body.split('\r\n');
    expect(practices.at(-2)).toBe('All practices,,,8,Suppressed,Suppressed,Suppressed,Suppressed');
    expect((await analyst.get(`/activity/waiting.csv?${hubQuery}`)).body.split('\r\n')[1]).toBe('Referral to triage decision,Suppressed,Suppressed,Suppressed,');
    expect((await analyst.get(`/activity/attendance.csv?${hubQuery}`)).body.split('\r\n').slice(1, 3)).toEqual([
      `${HAND_MADE.hubName},Suppressed,Suppressed,Suppressed`, 'All hubs,Suppressed,Suppressed,Suppressed',
    ]);
    // No CSV holds a count of 1 to 7.
    for (const id of TABLE_IDS) {
      const csv = (await analyst.get(`/activity/${id}.csv?${hubQuery}`)).body;
      expect(csv, id).not.toMatch(/(^|,)[1-7](,|\r\n)/m);
    }
  });

  it('refuses bad filters with a message for the field, not a 500', async () => {
    for (const [query, field, message] of [
      ['from=2026-13', 'from', 'The first month must be a month from'],
      ['to=26-01', 'to', 'The last month must be a month from'],
      ['from=2010-01', 'from', 'The first month must be a month from'],
      ['from=2026-06&to=2026-01', 'to', 'The last month must be the same as or after the first month'],
      ['scope=nonsense', 'scope', 'Select the whole ICS or a hub'],
      ['scope=00000000-0000-4000-8000-000000000000', 'scope', 'Select the whole ICS or a hub'],
      ['from=%00', 'from', 'The first month must be a month from'],
    ]) {
      const res = await analyst.get(`/activity?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.body).toContain(`href="#${field}"`);
      expect(pageText(res.body)).toContain(message);
      expect(res.body).not.toContain('<caption');
    }
    expect((await analyst.get('/activity?from=2026-01&from=2026-02')).statusCode).toBe(400);
    expect((await analyst.get('/activity/outcomes.csv?from=2026-13')).statusCode).toBe(400);
  });

  it('refuses roles that do not see activity, and shows a GP and a hub lead only their own hub', async () => {
    for (const role of ['senco', 'social-worker']) {
      const c = await TestClient.signIn(j.app, email(role));
      expect((await c.get('/activity')).statusCode).toBe(403);
      expect((await c.get(`/activity/practices.csv?${hubQuery}`)).statusCode).toBe(403);
      expect((await c.get('/')).body).not.toContain('href="/activity"');
    }
    for (const role of ['gp', 'paediatrician']) {
      const c = await TestClient.signIn(j.app, email(role));
      const own = await c.get('/activity');
      expect(own.statusCode).toBe(200);
      expect(own.body).not.toContain('<option value="ics"');
      expect((await c.get('/activity?scope=ics')).statusCode).toBe(403);
      expect((await c.get(`/activity?${hubQuery}`)).statusCode).toBe(403);
      expect((await c.get(`/activity/months.csv?${hubQuery}`)).statusCode).toBe(403);
    }
    expect((await TestClient.anonymous(j.app).get('/activity')).statusCode).toBe(302);
  });

  it('audits each view of the page and each CSV, naming no child', async () => {
    const before = await audits();
    await analyst.get(`/activity?${hubQuery}`);
    await analyst.get(`/activity/attendance.csv?${hubQuery}`);
    expect(await audits()).toBe(before + 2);
    const [last] = await rows<{ what: string; details: { view: string } }>(
      j.db.owner, sql`SELECT what, details FROM audit_event WHERE action = 'activity.view' ORDER BY id DESC LIMIT 1`,
    );
    expect(last.what).toBe(`Hub activity (attendance.csv): ${HAND_MADE.hubName}, January 2026 to June 2026`);
    expect(last.details.view).toBe('attendance.csv');
  });
});
