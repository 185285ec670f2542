import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rows } from '../platform/db/client.js';
import { loadConfig } from '../platform/config.js';
import { DEMO_PASSWORD } from '../../test/http.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { buildJoinery } from '../app.js';
import { addClient } from './clients.js';

/**
 * FHIR Bundle links, each entry's fullUrl and SMART discovery name Joinery by
 * its configured public URL: a request naming another Host (or forwarding
 * headers, trusted proxy or not) cannot make Joinery hand out links to a
 * look-alike site that would collect clients' tokens or patients' data.
 */
const PUBLIC_URL = 'https://joinery.example.nhs.uk';

type Json = Record<string, unknown>;

/** Every absolute link a client would follow in a FHIR answer. */
function linksIn(body: Json): string[] {
  const found: string[] = [];
  for (const l of (body.link as { url: string }[] | undefined) ?? []) found.push(l.url);
  for (const e of (body.entry as { fullUrl?: string }[] | undefined) ?? []) if (e.fullUrl) found.push(e.fullUrl);
  if (typeof body.token_endpoint === 'string') found.push(body.token_endpoint);
  const implementation = body.implementation as { url?: string } | undefined;
  if (implementation?.url) found.push(implementation.url);
  return found;
}

const hostile = fc.oneof(
  fc.domain(),
  fc.domain().map((d) => `${d}:8443`),
  fc.constantFrom('evil.example', 'joinery.example.nhs.uk.evil.example', 'joinery.example.nhs.uk@evil.example', '127.0.0.1:1', '[::1]', 'a b', '', 'localhost'),
  fc.stringMatching(/^[!-~]{1,30}$/),
);

describe('absolute links whatever the Host header says', () => {
  let j: TestJoinery;
  let behindProxy: FastifyInstance;
  let token: string;
  let patientId: string;

  beforeAll(async () => {
    j = await startJoinery('pglite', 100, { JOINERY_PUBLIC_URL: PUBLIC_URL });
    behindProxy = await buildJoinery({
      db: j.db, config: loadConfig({ JOINERY_DEMO_PASSWORD: DEMO_PASSWORD, JOINERY_PUBLIC_URL: PUBLIC_URL, JOINERY_TRUSTED_PROXIES: '127.0.0.1' }),
    });
    const made = await j.db.tenant(j.ics.icsId, (tx) => addClient(tx, j.ics.icsId, { name: 'Host header test client', scopes: 'system/*.rs', organisationId: null }));
    const res = await j.app.inject({
      method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: made.clientId, client_secret: made.clientSecret! }).toString(),
    });
    token = (res.json() as { access_token: string }).access_token;
    [{ id: patientId }] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
  });
  afterAll(async () => {
    await behindProxy?.close();
    await j?.close();
  });

  const urls = () => ['/fhir/R4/.well-known/smart-configuration', '/fhir/R4/metadata', '/fhir/R4/Patient?_count=2', `/fhir/R4/Patient/${patientId}/$everything`];

  it('the review’s example: Host evil.example still gets links to the public URL', async () => {
    for (const url of urls()) {
      const res = await j.app.inject({ method: 'GET', url, headers: { host: 'evil.example', authorization: `Bearer ${token}` } });
      expect(res.statusCode, url).toBe(200);
      const links = linksIn(res.json() as Json);
      expect(links.length, url).toBeGreaterThan(0);
      for (const link of links) expect(link.startsWith(`${PUBLIC_URL}/`), `${url}: ${link}`).toBe(true);
    }
  });

  it('property: whatever Host and X-Forwarded-* a request sends, every link starts with the public URL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...urls()), hostile, fc.option(hostile, { nil: undefined }), fc.option(fc.constantFrom('http', 'https', 'ftp', 'javascript', ''), { nil: undefined }), fc.boolean(),
        async (url, host, forwardedHost, forwardedProto, viaProxy) => {
          const headers: Record<string, string> = { host, authorization: `Bearer ${token}` };
          if (forwardedHost !== undefined) headers['x-forwarded-host'] = forwardedHost;
          if (forwardedProto !== undefined) headers['x-forwarded-proto'] = forwardedProto;
          const res = await (viaProxy ? behindProxy : j.app).inject({ method: 'GET', url, headers });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode !== 200) return;
          for (const link of linksIn(res.json() as Json)) expect(link.startsWith(`${PUBLIC_URL}/`), link).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });
});
