import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { databaseKinds } from '../../../test/database.js';
import { startJoinery, type TestJoinery } from '../../../test/joinery.js';
import { TestClient } from '../../../test/http.js';
import { buildJoinery } from '../../app.js';
import { loadConfig } from '../config.js';

const kinds = await databaseKinds();

/** The policy as directive → sources. */
function csp(header: unknown): Map<string, string[]> {
  return new Map(String(header).split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
}

describe.each(kinds)('security headers, sessions and CSRF (%s)', (kind) => {
  let j: TestJoinery;
  beforeAll(async () => {
    j = await startJoinery(kind, 150);
  });
  afterAll(() => j?.close());

  it('every response says what the browser may load, use and frame', async () => {
    const anonymous = await TestClient.anonymous(j.app).get('/sign-in');
    const analyst = await TestClient.signIn(j.app, 'ics-analyst@demo.joinery.test');
    for (const res of [anonymous, await analyst.get('/population'), await analyst.get('/assets/nhsuk-frontend.min.css'), await analyst.get('/no-such-page')]) {
      const policy = csp(res.headers['content-security-policy']);
      expect(policy.get('default-src')).toEqual(["'none'"]);
      expect(policy.get('script-src')).toContain("'self'");
      expect(policy.get('script-src')).not.toContain("'unsafe-inline'");
      expect(policy.get('style-src')).not.toContain("'unsafe-inline'");
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy.get('form-action')).toEqual(["'self'"]);
      expect(res.headers['permissions-policy']).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\)/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      // Served over plain http (the default public URL): HSTS would be ignored, so it is not sent.
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('every inline script and style block on a page carries that response’s nonce; no inline style attributes', async () => {
    const analyst = await TestClient.signIn(j.app, 'ics-analyst@demo.joinery.test');
    let inlineBlocks = 0;
    for (const url of ['/', '/population', '/population/indicators/ed-attendances']) {
      const res = await analyst.get(url);
      expect(res.statusCode, url).toBe(200);
      const nonce = /'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))![1];
      const inline = [...res.body.matchAll(/<(script|style)\b([^>]*)>/g)].filter((m) => !/\ssrc=/.test(m[2]!));
      inlineBlocks += inline.length;
      for (const m of inline) expect(m[2], `${m[1]} on ${url}`).toContain(`nonce="${nonce}"`);
      // NHS.UK frontend is started from a file: no page needs an inline script at all.
      expect(inline.filter((m) => m[1] === 'script'), url).toEqual([]);
      expect(res.body, url).not.toMatch(/\sstyle="/);
    }
    // The dashboards' chart styles are inline, so the nonce rule is really exercised.
    expect(inlineBlocks).toBeGreaterThan(0);
    const again = await analyst.get('/population');
    expect(again.headers['content-security-policy']).not.toBe((await analyst.get('/population')).headers['content-security-policy']);
  });

  it('served at an https public URL, every response asks browsers to use https only (HSTS)', async () => {
    const app = await buildJoinery({ db: j.db, config: loadConfig({ JOINERY_PUBLIC_URL: 'https://joinery.example.nhs.uk' }) });
    try {
      const res = await app.inject({ method: 'GET', url: '/sign-in' });
      expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
      expect(res.cookies.find((c) => c.name === 'joinery_csrf')?.secure).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('a session ends 12 hours after sign-in however busy it has been', async () => {
    const gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    expect((await gp.get('/')).statusCode).toBe(200);
    await j.db.owner.execute(sql`UPDATE session SET created_at = now() - interval '11 hours 50 minutes', last_seen_at = now()`);
    expect((await gp.get('/')).statusCode).toBe(200);
    await j.db.owner.execute(sql`UPDATE session SET created_at = now() - interval '12 hours 1 minute', last_seen_at = now()`);
    const res = await gp.get('/');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toContain('expired=1');
    expect(gp.signedIn).toBe(false);
  });

  it('sign-out is a form that posts its token in the body; no link or URL carries the token', async () => {
    const gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    const page = await gp.get('/');
    expect(page.body).not.toContain('_csrf=');
    const form = /<form[^>]*action="\/sign-out"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
    expect(form?.[0]).toMatch(/method="post"/);
    expect(form?.[1]).toContain(`name="_csrf" value="${gp.csrf}"`);
    expect(form?.[1]).toContain('Sign out');
    expect((await gp.post('/sign-out', {})).statusCode).toBe(303);
    expect(gp.signedIn).toBe(false);
  });

  it('a CSRF token in the query string is refused; in the form body or the X-CSRF-Token header it is accepted', async () => {
    const gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    const inQuery = await j.app.inject({ method: 'POST', url: `/sign-out?_csrf=${gp.csrf}`, headers: { cookie: gp.cookieHeader } });
    expect(inQuery.statusCode).toBe(403);
    expect((await gp.get('/')).statusCode).toBe(200);
    const inHeader = await j.app.inject({ method: 'POST', url: '/sign-out', headers: { cookie: gp.cookieHeader, 'x-csrf-token': gp.csrf } });
    expect(inHeader.statusCode).toBe(303);
  });
});
