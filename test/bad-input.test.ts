import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { rows } from '../src/platform/db/client.js';
import { routesOf } from '../src/platform/http/app.js';
import { startJoinery, type TestJoinery } from './joinery.js';
import { TestClient, DEMO_PASSWORD } from './http.js';

/**
 * Random and malformed input to every route, signed in and not: nothing may
 * answer 5xx, and nothing in the database may change (audit, sessions and
 * sign-in attempts aside: refusals are audited, sign-in creates sessions and
 * counts attempts by design).
 */
describe('bad input to every route', () => {
  let j: TestJoinery;
  let ids: string[];
  const clients: Record<string, TestClient> = {};

  const fingerprint = async () => {
    const tables = await rows<{ t: string }>(j.db.owner, sql`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('audit_event', 'session', 'sign_in_attempt') ORDER BY 1`);
    const sums: Record<string, string> = {};
    for (const { t } of tables) {
      const [r] = await rows<{ s: string | null }>(j.db.owner, sql`SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS s FROM ${sql.identifier(t)} x`);
      sums[t] = r.s ?? 'empty';
    }
    return sums;
  };

  beforeAll(async () => {
    j = await startJoinery('pglite', 300);
    const found = await rows<{ id: string }>(j.db.owner, sql`(SELECT id FROM child ORDER BY id LIMIT 3) UNION ALL (SELECT id FROM organisation ORDER BY id LIMIT 3)
      UNION ALL (SELECT id FROM cluster ORDER BY id LIMIT 2) UNION ALL (SELECT id FROM professional ORDER BY id LIMIT 2)`);
    ids = found.map((r) => r.id);
    for (const role of ['gp', 'admin', 'privacy-officer']) clients[role] = await new TestClient(j.app).signIn(`${role}@demo.joinery.test`, DEMO_PASSWORD);
    clients.anonymous = new TestClient(j.app);
    await clients.anonymous.get('/sign-in');
  });
  afterAll(() => j?.close());

  const segment = () =>
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.uuid(),
      fc.constantFrom(...(ids ?? ['x'])),
      fc.constantFrom('../', '%00', '%E0%A4%A', "'; DROP TABLE child; --", '9'.repeat(400), '-1', 'null'),
    );
  const value = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.constantFrom('', ' ', '0', '-1', '9999999999', '2026-02-30', 'true', '<script>alert(1)</script>', 'x'.repeat(5000), 'A81001', 'gp-practice', 'appropriate'),
  );
  const form = fc.dictionary(fc.constantFrom('q', 'name', 'email', 'password', 'reason', 'outcome', 'note', 'kind', 'odsCode', 'ods_code', 'role',
    'organisationId', 'practiceId', 'placeId', 'leadPaediatricianId', 'active', 'dob[day]', 'dob[month]', 'dob[year]', 'show', 'page', 'next', 'id'), fc.oneof(value, fc.array(value, { maxLength: 3 })));

  it('answers every request below 500 and changes nothing', async () => {
    const routes = routesOf(j.app).filter((r) => !r.url.startsWith('/assets'));
    expect(routes.length).toBeGreaterThan(10);
    const before = await fingerprint();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('gp', 'admin', 'privacy-officer', 'anonymous'),
        fc.array(segment(), { minLength: 3, maxLength: 3 }),
        form,
        form,
        fc.constantFrom('form', 'json', 'garbage-json', 'text'),
        fc.boolean(),
        async (route, who, segs, query, body, encoding, withCsrf) => {
          let i = 0;
          const url = route.url.replace(/:[A-Za-z]+/g, () => encodeURIComponent(segs[i++]));
          const qs = new URLSearchParams();
          for (const [k, v] of Object.entries(query)) for (const item of [v].flat()) qs.append(k, item);
          const client = clients[who];
          const payload = { ...body, ...(withCsrf ? { _csrf: client.csrf } : {}) };
          const headers: Record<string, string> = { cookie: client.cookieHeader };
          let raw: string | undefined;
          if (route.method !== 'GET') {
            if (encoding === 'form') {
              headers['content-type'] = 'application/x-www-form-urlencoded';
              const f = new URLSearchParams();
              for (const [k, v] of Object.entries(payload)) for (const item of [v].flat()) f.append(k, item);
              raw = f.toString();
            } else if (encoding === 'json') {
              headers['content-type'] = 'application/json';
              raw = JSON.stringify(payload);
            } else if (encoding === 'garbage-json') {
              headers['content-type'] = 'application/json';
              raw = '{"a": [1, 2';
            } else {
              headers['content-type'] = 'text/plain';
              raw = 'hello';
            }
          }
          const res = await j.app.inject({ method: route.method as 'GET', url: `${url}?${qs}`, headers, payload: raw });
          if (res.statusCode >= 500) throw new Error(`${route.method} ${url}?${qs} as ${who} answered ${res.statusCode}`);
        },
      ),
      { numRuns: 600, seed: 424242 },
    );
    expect(await fingerprint()).toEqual(before);
  });
});
