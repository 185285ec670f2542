import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import { databaseKinds } from '../../../test/database.js';
import { startJoinery, type TestJoinery } from '../../../test/joinery.js';
import { TestClient, pageText } from '../../../test/http.js';
import { builtInIndicators, listIndicators } from './definitions.js';
import { parseIndicatorForm } from './service.js';
import { ValidationError } from '../../platform/http/errors.js';

const kinds = await databaseKinds();
const PAGE = '/population/indicators';

const complete = {
  id: 'asthma-admissions', name: 'Asthma attacks per child with asthma', description: 'Attacks seen in ED or admitted.',
  numerator: 'asthma-attacks', denominator: 'asthma', unit: 'per-1000-year', improvement: 'decrease', target: '', targetSource: '',
};

describe('the indicator form', () => {
  const errorsOf = (body: Record<string, string>) => {
    try {
      parseIndicatorForm(body);
      return {};
    } catch (e) {
      if (e instanceof ValidationError) return e.fields;
      throw e;
    }
  };

  it('reads a complete form, with an optional target and its source', () => {
    expect(parseIndicatorForm(complete)).toEqual({ ...complete, target: null, targetSource: null });
    expect(parseIndicatorForm({ ...complete, target: '1,250.5', targetSource: 'ICS plan 2026' })).toMatchObject({ target: 1250.5, targetSource: 'ICS plan 2026' });
  });

  it('names every problem by its field', () => {
    expect(errorsOf({})).toEqual({
      id: 'Enter an id', name: 'Enter a name', numerator: 'Choose a numerator', denominator: 'Choose a denominator', unit: 'Choose a unit',
      improvement: 'Choose which direction is better',
    });
    expect(errorsOf({ ...complete, id: 'Asthma Admissions', numerator: 'bogus', unit: 'per-day' })).toEqual({
      id: expect.stringContaining('lower-case letters'), numerator: 'Choose a numerator from the list', unit: 'Choose a unit',
    });
    expect(errorsOf({ ...complete, target: 'lots' })).toEqual({ target: 'Enter the target as a number, like 250 or 12.5' });
    expect(errorsOf({ ...complete, target: '250' })).toEqual({ targetSource: expect.stringContaining('Enter where the target comes from') });
    expect(errorsOf({ ...complete, targetSource: 'A plan' })).toEqual({ target: 'Enter the target this source sets, or clear the source' });
    expect(errorsOf({ ...complete, numerator: 'reliever-over-reliance', unit: 'percent', target: '120', targetSource: 'A plan' })).toEqual({ target: 'A percentage target must be from 0 to 100' });
    expect(errorsOf({ ...complete, denominator: 'asthma-attacks' })).toEqual({ denominator: 'Choose a denominator different from the numerator' });
    expect(errorsOf({ ...complete, name: 'Nul\u0000byte' })).toEqual({ name: expect.stringContaining('hidden characters') });
  });

  it('refuses a definition that cannot mean anything, saying which field to change', () => {
    expect(errorsOf({ ...complete, numerator: 'ed', denominator: 'ed' })).toEqual({ denominator: 'Choose a denominator different from the numerator' });
    // A rate per 1,000 children needs children below the line, not a count of events or referrals.
    for (const denominator of ['gp-contacts', 'referrals-and-advice', 'mental-health-access']) {
      expect(errorsOf({ ...complete, numerator: 'ed', denominator }), denominator).toEqual({ denominator: expect.stringContaining('choose a population of children as the denominator') });
    }
    // Children counted at a point in time are not a month's events to be made yearly, and events are not children at a point in time.
    expect(errorsOf({ ...complete, numerator: 'diabetes', denominator: 'children', unit: 'per-1000-year' })).toEqual({ unit: expect.stringContaining('A yearly rate counts what happened each month') });
    expect(errorsOf({ ...complete, numerator: 'ed', denominator: 'children', unit: 'per-1000' })).toEqual({ unit: expect.stringContaining('for events, choose a rate per 1,000 a year') });
    // A percentage is a share of the same kind of thing.
    expect(errorsOf({ ...complete, numerator: 'ed', denominator: 'children', unit: 'percent' })).toEqual({ denominator: expect.stringContaining('choose a denominator that counts events') });
    expect(errorsOf({ ...complete, numerator: 'bed-days', denominator: 'emergency-admissions', unit: 'percent' })).toEqual({ denominator: expect.stringContaining('counts bed days') });
    // Every shipped indicator is a definition that means something.
    for (const i of builtInIndicators()) expect(errorsOf({ ...complete, numerator: i.numerator, denominator: i.denominator, unit: i.unit }), i.id).toEqual({});
  });
});

/** The indicators page as an analyst, a GP and a SENCO meet it, and adding one without code. */
describe.each(kinds)('indicators page (%s)', (kind) => {
  let j: TestJoinery;
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);

  beforeAll(async () => {
    j = await startJoinery(kind, 100);
  }, 180_000);
  afterAll(() => j?.close());

  it('lists every indicator with its id, definition, improvement and target; only keepers may add', async () => {
    const analyst = await signIn('ics-analyst');
    const page = await analyst.get(PAGE);
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain('ED attendances, ages 0 to 17 Id: ed-attendances');
    expect(text).toContain('ED attendances ÷ children aged 0 to 17, per 1,000 a year');
    expect(text).toContain('Lower is better');
    expect(page.body).toContain('href="/population/indicators/ed-attendances"');
    expect(page.body).toContain('href="/population/indicators/new"');

    const gp = await signIn('gp');
    const gpPage = await gp.get(PAGE);
    expect(gpPage.statusCode).toBe(200);
    expect(gpPage.body).not.toContain('href="/population/indicators/new"');
    expect((await gp.get(`${PAGE}/new`)).statusCode).toBe(403);
    expect((await gp.post(PAGE, complete)).statusCode).toBe(403);
    expect((await (await signIn('senco')).get(PAGE)).statusCode).toBe(403);
  });

  it('shows every problem at once and keeps what was typed', async () => {
    const analyst = await signIn('ics-analyst');
    expect((await analyst.get(`${PAGE}/new`)).statusCode).toBe(200);
    const bad = await analyst.post(PAGE, { ...complete, id: 'Bad Id', name: 'Kept name', unit: '', target: '12', targetSource: '' });
    expect(bad.statusCode).toBe(400);
    const text = pageText(bad.body);
    expect(text).toContain('There is a problem');
    expect(text).toContain('Choose a unit');
    expect(text).toContain('lower-case letters');
    expect(bad.body).toContain('href="#id"');
    expect(bad.body).toContain('href="#unit"');
    expect(bad.body).toContain('value="Kept name"');
    expect(bad.body).toContain('value="Bad Id"');
    expect(bad.body).toMatch(/<option value="asthma-attacks" selected>/);
    expect(bad.body).toMatch(/value="decrease" checked/);
    expect(await rows(j.db.owner, sql`SELECT 1 FROM indicator_definition`)).toEqual([]);
    // Without the form's token nothing is saved.
    expect((await analyst.post(PAGE, complete, { csrf: null })).statusCode).toBe(403);
  });

  it('refuses an indicator that divides a measure by itself or a rate per 1,000 of events, on the form, saving nothing', async () => {
    const analyst = await signIn('ics-analyst');
    await analyst.get(`${PAGE}/new`);
    for (const [sent, field, message] of [
      [{ numerator: 'ed', denominator: 'ed' }, 'denominator', 'Choose a denominator different from the numerator'],
      [{ numerator: 'ed-reattendances-7d', denominator: 'ed' }, 'denominator', 'choose a population of children as the denominator'],
    ] as const) {
      const res = await analyst.post(PAGE, { ...complete, ...sent });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`href="#${field}"`);
      expect(pageText(res.body)).toContain(message);
      expect(res.body).toMatch(new RegExp(`<option value="${sent.denominator}" selected>`));
    }
    expect(await rows(j.db.owner, sql`SELECT 1 FROM indicator_definition`)).toEqual([]);
    expect(await rows(j.db.owner, sql`SELECT 1 FROM audit_event WHERE action = 'population.indicator-add'`)).toEqual([]);
  });

  it('refuses an id already in use, built-in or the ICS’s own', async () => {
    const analyst = await signIn('ics-analyst');
    await analyst.get(`${PAGE}/new`);
    const builtIn = await analyst.post(PAGE, { ...complete, id: 'ed-attendances' });
    expect(builtIn.statusCode).toBe(409);
    expect(pageText(builtIn.body)).toContain('The id ed-attendances is already used by another indicator');
    expect((await analyst.post(PAGE, { ...complete, id: 'new' })).statusCode).toBe(409);
  });

  it('adds one, audited, shows it with a banner, and refuses the same id twice', async () => {
    const admin = await signIn('admin');
    await admin.get(`${PAGE}/new`);
    const saved = await admin.post(PAGE, { ...complete, target: '400', targetSource: 'Hallowmere asthma plan 2026' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${PAGE}?added=asthma-admissions`);
    const list = pageText((await admin.get(saved.headers.location as string)).body);
    expect(list).toContain('Indicator added: Asthma attacks per child with asthma (asthma-admissions).');
    expect(list).toContain('400 per 1,000 a year, from Hallowmere asthma plan 2026');
    expect(list).toContain('Your ICS');
    const [row] = await rows<{ target: string; changed_by_name: string }>(j.db.owner, sql`SELECT target::text, changed_by_name FROM indicator_definition WHERE id = 'asthma-admissions'`);
    expect(Number(row.target)).toBe(400);
    const [audit] = await rows<{ what: string; role: string }>(j.db.owner, sql`SELECT what, role FROM audit_event WHERE action = 'population.indicator-add'`);
    expect(audit).toEqual({ what: 'Indicator added: Asthma attacks per child with asthma (asthma-admissions)', role: 'admin' });

    const twice = await admin.post(PAGE, { ...complete, name: 'Another' });
    expect(twice.statusCode).toBe(409);
    expect(pageText(twice.body)).toContain('The id asthma-admissions is already used');
    expect(twice.body).toContain('value="Another"');
    // Another ICS never sees it.
    const others = await j.db.tenant(j.other.icsId, (tx) => listIndicators(tx, j.other.icsId));
    expect(others.map((i) => i.id)).not.toContain('asthma-admissions');
  });

  it('answers odd input to the indicator and case-finding pages without failing or changing anything', async () => {
    const count = async () => (await rows<{ n: number }>(j.db.owner, sql`SELECT (SELECT count(*) FROM indicator_definition) + (SELECT count(*) FROM case_finding_rule)
      + (SELECT count(*) FROM mdt_case) AS n`))[0].n;
    const before = await count();
    const odd = ['[1,2]', '{"id": ["a", "b"], "target": {"x": 1}, "unit": null, "name": 5}', '"text"', '{"childId": ["x"], "page": "-1", "cluster": {"a": 1}}',
      '{"criteria-0-measure": ["ed", "ed"], "criteria-0-atLeast": 1e9, "windowMonths": -3, "name": "a\\u0000"}'];
    for (const role of ['admin', 'gp', 'paediatrician']) {
      const client = await signIn(role);
      await client.get(PAGE);
      for (const url of [PAGE, '/population/case-finding/nominate', '/population/case-finding/rules']) {
        for (const body of odd) {
          const res = await client.postRaw(url, body, 'application/json');
          expect(res.statusCode, `${role} ${url} ${body}`).toBeLessThan(500);
        }
        expect((await client.postRaw(url, 'a=1&a=2&page=-5&childId=%00', 'application/x-www-form-urlencoded')).statusCode).toBeLessThan(500);
      }
      for (const query of ['?cluster[]=x&rule=' + 'r'.repeat(500), '?page=-1', '?page=99999&cluster=00000000-0000-0000-0000-000000000000', '?added=%00', '?rule=%27%3B']) {
        for (const url of [PAGE, '/population/case-finding', '/population/case-finding/rules']) {
          expect((await client.get(url + query)).statusCode, `${role} ${url}${query}`).toBeLessThan(500);
        }
      }
    }
    expect(await count()).toBe(before);
  });
});
