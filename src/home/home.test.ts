import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';

const kinds = await databaseKinds();
const signIn = (j: TestJoinery, role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);
const POPULATION_LINKS = ['/population', '/population/indicators', '/population/evaluations', '/population/case-finding', '/population/case-finding/rules'];
const linksOf = (html: string) => POPULATION_LINKS.filter((href) => html.includes(`href="${href}"`));

/** Each role's home page leads to the population pages its policies open to it, and to no others. */
describe.each(kinds)('the home page and the population pages (%s)', (kind) => {
  let j: TestJoinery;

  beforeAll(async () => {
    j = await startJoinery(kind, 30);
  }, 180_000);
  afterAll(() => j?.close());

  it('gives the ICS analyst the dashboards, indicators, evaluations and case-finding rules, each of which opens', async () => {
    const analyst = await signIn(j, 'ics-analyst');
    const home = await analyst.get('/');
    const text = pageText(home.body);
    expect(text).not.toContain('coming');
    expect(linksOf(home.body)).toEqual(['/population', '/population/indicators', '/population/evaluations', '/population/case-finding/rules']);
    const [{ n }] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM child WHERE ics_id = ${j.ics.icsId}::uuid`);
    expect(text).toContain(`Dashboards for the ${n} children registered with practices in this ICS`);
    // The analyst keeps the ICS's indicators, so the card says they may add one; the list naming children is not theirs.
    expect(text).toContain('adding this ICS’s own');
    for (const href of linksOf(home.body)) expect((await analyst.get(href)).statusCode, href).toBe(200);
    expect((await analyst.get('/population/case-finding')).statusCode).toBe(403);
  });

  it('gives a paediatrician the case-finding list, as its policy allows', async () => {
    const paediatrician = await signIn(j, 'paediatrician');
    const home = await paediatrician.get('/');
    expect(linksOf(home.body)).toEqual(['/population', '/population/indicators', '/population/evaluations', '/population/case-finding']);
    expect(pageText(home.body)).not.toContain('adding this ICS’s own');
    for (const href of linksOf(home.body)) expect((await paediatrician.get(href)).statusCode, href).toBe(200);
  });

  it('offers no population page to a role without population access', async () => {
    for (const role of ['senco', 'social-worker']) {
      const c = await signIn(j, role);
      const home = await c.get('/');
      expect(home.statusCode).toBe(200);
      expect(linksOf(home.body), role).toEqual([]);
      expect(pageText(home.body)).not.toContain('children registered with practices');
      expect((await c.get('/population')).statusCode).toBe(403);
    }
  });
});
