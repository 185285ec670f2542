import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import { londonToday } from '../../platform/time/form-dates.js';
import { databaseKinds } from '../../../test/database.js';
import { startJoinery, type TestJoinery } from '../../../test/joinery.js';
import { TestClient, pageText } from '../../../test/http.js';
import { addSmallNumberPractice, SMALL } from './test-fixtures.js';
import { chartWindow, monthShortWords, monthWords, roundValue, valueWords } from './figures.js';
import { builtInIndicators, rate } from '../indicators/definitions.js';
import { shownCell } from './tables.js';
import { checkAppSqlAsCitusWould } from '../../../test/citus-ready/heard-in-tests.js';

const kinds = await databaseKinds();
const email = (role: string) => `${role}@demo.joinery.test`;
const ED = builtInIndicators().find((i) => i.id === 'ed-attendances')!;

/** A CSV body as rows of fields (no field here holds a comma inside quotes except headings, which are quoted). */
function csvRows(body: string): string[][] {
  return body.trimEnd().split('\r\n').map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')));
}

/** The cells of the page's data table, row by row, as the reader sees them. */
function tableCells(html: string): string[][] {
  const body = /<tbody class="nhsuk-table__body">([\s\S]*?)<\/tbody>/.exec(html.slice(html.indexOf('population-table--')))![1];
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => pageText(c[1]).replace(/ Core20$/, '')));
}

describe.each(kinds)('the population dashboards (%s)', (kind) => {
  let j: TestJoinery;
  let analyst: TestClient;
  let paediatrician: TestClient;
  let small: Awaited<ReturnType<typeof addSmallNumberPractice>>;
  const today = londonToday();

  beforeAll(async () => {
    j = await startJoinery(kind, 150);
    small = await addSmallNumberPractice(j.db, j.ics.icsId, today);
    analyst = await TestClient.signIn(j.app, email('ics-analyst'));
    paediatrician = await TestClient.signIn(j.app, email('paediatrician'));
  });
  afterAll(() => j?.close());

  /** Each month's ED attendances and children over the whole ICS, as the rollup holds them. */
  const icsMonths = () => {
    const w = chartWindow(today);
    return rows<{ month: string; ed: number; children: number }>(j.db.owner, sql`
      SELECT month::text, coalesce(sum(value) FILTER (WHERE measure = 'ed'), 0)::float8 AS ed, coalesce(sum(value) FILTER (WHERE measure = 'children'), 0)::float8 AS children
        FROM population_rollup WHERE ics_id = ${j.ics.icsId}::uuid AND dimension = 'all' AND measure IN ('ed', 'children')
         AND month BETWEEN ${w.from}::date AND ${w.to}::date GROUP BY month HAVING sum(value) FILTER (WHERE measure = 'children') > 0 ORDER BY month`);
  };

  it('lists every indicator for the whole ICS with its latest complete month, as the rollup holds it', async () => {
    const res = await analyst.get('/population');
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    expect(res.body).toContain('<form method="get" action="/population"');
    for (const i of builtInIndicators()) expect(res.body).toContain(`href="/population/indicators/${i.id}?scope=ics"`);
    const months = await icsMonths();
    const last = months.at(-1)!;
    const value = rate(ED, last.ed, last.children)!;
    expect(text).toContain(`ED attendances, ages 0 to 17 Latest month ${monthWords(last.month)} Latest value ${valueWords(value, 'per-1000-year')} Variation`);
    expect(text).toContain('Common cause variation');
  });

  it('shows an indicator month by month: the chart, its table and a CSV that match each other and the rollup', async () => {
    // A paediatrician sees every count as it is; an analyst's copy is checked below.
    const res = await paediatrician.get('/population/indicators/ed-attendances?scope=ics');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<svg width="100%" class="population-chart__svg" role="img" aria-label="XmR chart of ED attendances, ages 0 to 17, Whole ICS/);
    const months = await icsMonths();
    const csv = await paediatrician.get('/population/indicators/ed-attendances.csv?scope=ics&breakdown=none');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="population-ed-attendances-whole-ics-by-month-\d{4}-\d{2}\.csv"$/);
    const [header, ...data] = csvRows(csv.body);
    expect(header).toEqual(['Month', 'ED attendances', 'Children aged 0 to 17', 'Rate per 1,000 a year', 'Mean', 'Lower process limit', 'Upper process limit', 'Point type']);
    expect(data.map((r) => r.slice(0, 4))).toEqual(months.map((m) => [monthShortWords(m.month), String(m.ed), String(m.children), String(roundValue(rate(ED, m.ed, m.children)!))]));
    // The page's table says the same, formatted for reading.
    const shown = tableCells(res.body);
    expect(shown).toHaveLength(data.length);
    expect(shown.map((r) => r.slice(0, 3))).toEqual(data.map((r) => [r[0], shownCell(Number(r[1])), shownCell(Number(r[2]))]));
  });

  it('gives an analyst no small month, at any scope, and none to win back from the 12 months a breakdown totals', async () => {
    const months = await icsMonths();
    const [, ...data] = csvRows((await analyst.get('/population/indicators/ed-attendances.csv?scope=ics&breakdown=none')).body);
    expect(data).toHaveLength(months.length);
    data.forEach((r, i) => {
      const m = months[i];
      const small = (n: number) => n >= 1 && n <= 7;
      if (r[1] !== 'Suppressed') expect(r[1]).toBe(String(m.ed));
      if (small(m.ed)) expect(r.slice(1, 4)).toEqual(['Suppressed', String(m.children), 'Suppressed']);
    });
    // The breakdown's total is the latest 12 months: one month withheld among them alone would be that total less the others.
    const period = data.slice(-12);
    const total = months.slice(-12).reduce((a, m) => a + m.ed, 0);
    const hidden = period.filter((r) => r[1] === 'Suppressed').length;
    if (total > 7) expect(hidden).not.toBe(1);
    const imdTotal = csvRows((await analyst.get('/population/indicators/ed-attendances.csv?scope=ics&breakdown=imd')).body).at(-1)!;
    expect(imdTotal[1]).toBe(total > 7 ? String(total) : 'Suppressed');
  });

  it('breaks an indicator down by IMD quintile with Core20 highlighted, and by practice on a funnel plot', async () => {
    const imd = await analyst.get('/population/indicators/ed-attendances?scope=ics&breakdown=imd');
    expect(imd.statusCode).toBe(200);
    expect(imd.body).toContain('population-table__row--core20');
    expect(pageText(imd.body)).toContain('Quintile 1 – most deprived (Core20)');
    expect(imd.body).toContain('aria-label="Bar chart of ED attendances, ages 0 to 17 by deprivation (IMD quintile), Whole ICS');

    const practice = await analyst.get('/population/indicators/ed-attendances?scope=ics&breakdown=practice');
    expect(practice.statusCode).toBe(200);
    expect(practice.body).toContain('aria-label="Funnel plot of ED attendances, ages 0 to 17 by practice');
    const w = chartWindow(today);
    const latest = (await icsMonths()).at(-1)!.month;
    const from = [w.from, new Date(Date.UTC(Number(latest.slice(0, 4)), Number(latest.slice(5, 7)) - 12, 1)).toISOString().slice(0, 10)].sort().at(-1)!;
    const practices = await rows<{ ods_code: string; ed: number }>(j.db.owner, sql`
      SELECT o.ods_code, coalesce(sum(r.value) FILTER (WHERE r.measure = 'ed'), 0)::float8 AS ed
        FROM population_rollup r JOIN organisation o ON o.id = r.practice_id
       WHERE r.ics_id = ${j.ics.icsId}::uuid AND r.dimension = 'all' AND r.measure IN ('ed', 'children') AND r.month BETWEEN ${from}::date AND ${latest}::date
       GROUP BY o.ods_code`);
    const csv = csvRows((await analyst.get('/population/indicators/ed-attendances.csv?scope=ics&breakdown=practice')).body);
    expect(csv[0].slice(0, 4)).toEqual(['Rank', 'Practice', 'ODS code', 'ED attendances (12 months)']);
    const shownEd = Object.fromEntries(csv.slice(1).map((r) => [r[2], r[3]]));
    // Each practice's count as it is, or withheld: every one of 1 to 7, and never just one beside the ICS's total.
    for (const p of practices) expect(shownEd[p.ods_code]).toBe(p.ed >= 1 && p.ed <= 7 ? 'Suppressed' : shownEd[p.ods_code] === 'Suppressed' ? 'Suppressed' : String(p.ed));
    expect(Object.values(shownEd).filter((v) => v === 'Suppressed').length).not.toBe(1);
    expect(csv.slice(1).every((r) => /limit|Within the limits|Not shown|No data/.test(r.at(-1)!))).toBe(true);
  });

  it('suppresses counts of 1 to 7 for an analyst, in a practice’s series and in any breakdown, but not for a paediatrician', async () => {
    const scope = `practice:${small.practiceId}`;
    const smallMonth = monthShortWords(small.months.at(-2)!);
    const forAnalyst = tableCells((await analyst.get(`/population/indicators/ed-attendances?scope=${scope}`)).body).find((r) => r[0] === smallMonth)!;
    expect(forAnalyst.slice(0, 4)).toEqual([smallMonth, 'Suppressed', '400', 'Suppressed']);
    expect(forAnalyst.at(-1)).toBe('Not shown');
    const forPaediatrician = tableCells((await paediatrician.get(`/population/indicators/ed-attendances?scope=${scope}`)).body).find((r) => r[0] === smallMonth)!;
    expect(forPaediatrician.slice(0, 4)).toEqual([smallMonth, '3', '400', '90.0']);

    const csv = csvRows((await analyst.get(`/population/indicators/ed-attendances.csv?scope=${scope}&breakdown=none`)).body);
    expect(csv.find((r) => r[0] === smallMonth)!.slice(0, 4)).toEqual([smallMonth, 'Suppressed', '400', 'Suppressed']);

    // Quintile 1 had 5 attendances in the 12 months and quintile 5 had 133, of 138 in all: 138 − 133 would give the 5 back,
    // so quintile 5 is withheld with it (complementary suppression) and the whole hub's 138 stays.
    const hub = `cluster:${small.clusterId}`;
    const imd = csvRows((await analyst.get(`/population/indicators/ed-attendances.csv?scope=${hub}&breakdown=imd`)).body);
    expect(imd.find((r) => r[0].startsWith('Quintile 1'))).toEqual(['Quintile 1 – most deprived (Core20)', 'Suppressed', '100', 'Suppressed']);
    expect(imd.find((r) => r[0].startsWith('Quintile 5'))).toEqual(['Quintile 5 – least deprived', 'Suppressed', '300', 'Suppressed']);
    expect(imd.at(-1)).toEqual([`All children in ${SMALL.hubName}`, '138', '400', String(roundValue((138 / 400) * 1000))]);
    // Every count the analyst sees in the column, taken from the total, leaves more than one unknown.
    const quintiles = imd.slice(1, -1);
    expect(quintiles.filter((r) => r[1] === 'Suppressed').length).toBeGreaterThan(1);
    expect(quintiles.every((r) => r[1] === 'Suppressed' || Number(r[1]) === 0 || Number(r[1]) > 7)).toBe(true);
    const imdPaediatrician = csvRows((await paediatrician.get(`/population/indicators/ed-attendances.csv?scope=${hub}&breakdown=imd`)).body);
    expect(imdPaediatrician.find((r) => r[0].startsWith('Quintile 1'))).toEqual(['Quintile 1 – most deprived (Core20)', '5', '100', '50']);
    expect(imdPaediatrician.find((r) => r[0].startsWith('Quintile 5'))).toEqual(['Quintile 5 – least deprived', '133', '300', String(roundValue((133 / 300) * 1000))]);
    const page = await analyst.get(`/population/indicators/ed-attendances?scope=${hub}&breakdown=imd`);
    expect(pageText(page.body)).toContain('Counts of 1 to 7 are withheld (“Suppressed”), with enough others that none can be worked out');
  });

  it('refuses bad input with a message for the field, never a 500', async () => {
    const otherPractice = (await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM organisation WHERE ics_id = ${j.other.icsId}::uuid AND kind = 'gp-practice' LIMIT 1`))[0].id;
    for (const [url, field] of [
      ['/population?scope=nonsense', 'scope'],
      ['/population?scope=cluster:00000000-0000-4000-8000-000000000000', 'scope'],
      [`/population?scope=practice:${otherPractice}`, 'scope'],
      ['/population?scope=ics&scope=ics', 'scope'],
      ['/population/indicators/ed-attendances?scope=place:x', 'scope'],
      ['/population/indicators/ed-attendances?breakdown=postcode', 'breakdown'],
    ]) {
      const res = await analyst.get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.body, url).toContain(`href="#${field}"`);
      expect(res.body, url).not.toContain('<svg width="100%"');
    }
    expect((await analyst.get('/population/indicators/ed-attendances.csv?breakdown=postcode')).statusCode).toBe(400);
    const junk = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('ics', 'none', 'imd', 'practice', `cluster:${small.clusterId}`, '%00', 'cluster:', 'x'.repeat(5000)));
    await fc.assert(fc.asyncProperty(fc.array(junk, { maxLength: 2 }), fc.array(junk, { maxLength: 2 }), fc.boolean(), async (scopes, breakdowns, csv) => {
      const q = new URLSearchParams([...scopes.map((v) => ['scope', v]), ...breakdowns.map((v) => ['breakdown', v])]);
      const res = await analyst.get(`/population/indicators/ed-attendances${csv ? '.csv' : ''}?${q}`);
      expect([200, 400]).toContain(res.statusCode);
    }), { numRuns: 40, seed: 6 });
    expect((await analyst.get('/population/indicators/no-such-indicator')).statusCode).toBe(404);
    expect((await analyst.get('/population/indicators/no-such-indicator.csv')).statusCode).toBe(404);
  });

  it('refuses roles that do not see population health, and lets a GP look at any area (aggregates only)', async () => {
    for (const role of ['senco', 'hub-admin', 'privacy-officer']) {
      const c = await TestClient.signIn(j.app, email(role));
      for (const url of ['/population', '/population/indicators/ed-attendances', '/population/indicators/ed-attendances.csv', '/population/evaluations']) {
        expect((await c.get(url)).statusCode, `${role} ${url}`).toBe(403);
      }
      expect((await c.get('/')).body).not.toContain('href="/population"');
    }
    const gp = await TestClient.signIn(j.app, email('gp'));
    const own = await gp.get('/population');
    expect(own.statusCode).toBe(200);
    expect(own.body).toMatch(/<option value="cluster:[0-9a-f-]+" selected>/);
    expect((await gp.get('/population?scope=ics')).statusCode).toBe(200);
    // Case finding names children: reached from here by the clinicians who may see it, not by an analyst.
    expect(own.body).toContain('href="/population/case-finding"');
    expect((await analyst.get('/population')).body).not.toContain('href="/population/case-finding"');
    expect((await TestClient.anonymous(j.app).get('/population')).statusCode).toBe(302);
  });

  it('audits each view, naming no child', async () => {
    const count = async () => (await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM audit_event WHERE action = 'population.view' AND child_id IS NULL`))[0].n;
    const before = await count();
    await analyst.get('/population');
    await analyst.get(`/population/indicators/ed-attendances.csv?scope=cluster:${small.clusterId}&breakdown=imd`);
    expect(await count()).toBe(before + 2);
    const [last] = await rows<{ what: string; details: Record<string, string> }>(j.db.owner, sql`SELECT what, details FROM audit_event WHERE action = 'population.view' ORDER BY id DESC LIMIT 1`);
    expect(last.what).toBe(`Population indicator ED attendances, ages 0 to 17 (by imd, CSV): ${SMALL.hubName}`);
    expect(last.details).toEqual({ view: 'csv', indicator: 'ed-attendances', scope: `cluster:${small.clusterId}`, breakdown: 'imd' });
  });

  it('draws the virtual ward’s occupancy as an XmR chart above its table, and the CSV has the same two years of months', async () => {
    const page = await analyst.get('/population/virtual-ward');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/role="img" aria-label="XmR chart of the occupancy of the virtual ward against its capacity, by month from /);
    expect(pageText(page.body)).toContain('Occupancy of the virtual ward, last 24 months');
    expect(pageText(page.body)).toContain('Dashed grey lines: process limits');
    const csv = csvRows((await analyst.get('/population/virtual-ward/occupancy.csv')).body);
    expect(csv[0]).toEqual(['Month', 'Days on the ward', 'Capacity (places × days)', 'Occupancy (%)']);
    expect(csv).toHaveLength(25);
    expect(csv.at(-1)![0]).toBe(monthWords(`${today.slice(0, 7)}-01`));
  });

  // The jobs, forms and pages here that the crawl of test/citus-queries.test.ts does not reach.
  checkAppSqlAsCitusWould(kind, () => j.db, () => j.ics.icsId);
});
