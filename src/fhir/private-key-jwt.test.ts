import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { addClient } from './clients.js';
import { ASSERTION_TYPE } from './client-keys.js';

/**
 * SMART Backend Services: a client made with a real key pair signs a real
 * JWT assertion, gets a token at /oauth/token and reads with it. A wrong
 * key, a replayed jti, an expired or too-long-lived assertion get nothing.
 */
type Pair = { privateKey: crypto.KeyObject; jwk: crypto.JsonWebKey & { kid: string; alg: string } };

function pair(alg: 'RS384' | 'ES384'): Pair {
  const { publicKey, privateKey } = alg === 'RS384'
    ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
    : crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg } };
}

/** A client assertion signed as a Bulk Data client library signs one. */
function assertion(p: Pair, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = enc({ alg: p.jwk.alg, typ: 'JWT', kid: p.jwk.kid, ...header });
  const body = enc(claims);
  const key = p.jwk.alg === 'ES384' ? { key: p.privateKey, dsaEncoding: 'ieee-p1363' as const } : p.privateKey;
  return `${head}.${body}.${crypto.sign('sha384', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
}

describe('SMART Backend Services: private_key_jwt', () => {
  let t: FhirTest;
  let tokenUrl: string;
  const claimsFor = (clientId: string, over: Record<string, unknown> = {}) =>
    ({ iss: clientId, sub: clientId, aud: tokenUrl, exp: Math.floor(Date.now() / 1000) + 240, jti: crypto.randomUUID(), ...over });
  const ask = (clientAssertion: string, extra: Record<string, string> = {}) => fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion, ...extra }),
  });
  const register = (keys: { jwks?: unknown; jwksUrl?: string }, scopes = 'system/*.rs') =>
    t.j.db.tenant(t.j.ics.icsId, (tx) => addClient(tx, t.j.ics.icsId, { name: `Keyed client ${crypto.randomUUID()}`, scopes, organisationId: null, ...keys }));

  beforeAll(async () => {
    t = await startFhirTest('pglite', 20);
    tokenUrl = `${t.origin}/oauth/token`;
  });
  afterAll(() => t?.close());

  /** A client registered with its public key gets a token with a signed assertion (narrowed in scope), and reads with it, audited as itself. */
  async function keyedClientReads(alg: 'RS384' | 'ES384') {
    const keys = pair(alg);
    const { clientId, clientSecret } = await register({ jwks: { keys: [keys.jwk] } }, 'system/Patient.rs system/Condition.rs');
    expect(clientSecret).toBeNull();
    const res = await ask(assertion(keys, claimsFor(clientId)), { scope: 'system/Patient.rs' });
    expect(res.status).toBe(200);
    const token = (await res.json()) as { access_token: string; scope: string; token_type: string };
    expect(token.scope).toBe('system/Patient.rs');
    const read = await fetch(`${t.base}/Patient?_count=1`, { headers: { authorization: `Bearer ${token.access_token}` } });
    expect(read.status).toBe(200);
    const [audited] = await t.all<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE professional_id = ${clientId}::uuid`);
    expect(audited.n).toBeGreaterThan(0);
  }

  it('a client registered with its RS384 public key gets a token with a signed assertion, and reads with it', () => keyedClientReads('RS384'));
  it('a client registered with its ES384 public key gets a token with a signed assertion, and reads with it', () => keyedClientReads('ES384'));

  it('refuses an assertion signed by another key, a replayed jti, an expired one and one living over five minutes', async () => {
    const keys = pair('ES384');
    const { clientId } = await register({ jwks: { keys: [keys.jwk] } });
    const stranger = { ...pair('ES384'), jwk: { ...pair('ES384').jwk, kid: keys.jwk.kid } };
    const refused = async (signed: string, why: RegExp) => {
      const res = await ask(signed);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_client');
      expect(body.error_description).toMatch(why);
    };
    await refused(assertion({ ...keys, privateKey: stranger.privateKey }, claimsFor(clientId)), /not signed by its key/);
    const once = assertion(keys, claimsFor(clientId));
    expect((await ask(once)).status).toBe(200);
    await refused(once, /used already/);
    await refused(assertion(keys, claimsFor(clientId, { exp: Math.floor(Date.now() / 1000) - 120 })), /expired/);
    await refused(assertion(keys, claimsFor(clientId, { exp: Math.floor(Date.now() / 1000) + 3600 })), /five minutes/);
    await refused(assertion(keys, claimsFor(clientId, { aud: 'https://elsewhere.example/token' })), /aud/);
    await refused(assertion(keys, claimsFor(clientId), { alg: 'RS256' }), /RS384 and ES384/);
    await refused(assertion(keys, claimsFor(clientId, { sub: crypto.randomUUID() })), /iss and sub/);
    // A client with a secret and no keys cannot use an assertion, and a keyed client has no secret to use.
    const secretClient = await t.register({ scopes: 'system/*.rs' });
    await refused(assertion(keys, claimsFor(secretClient.clientId)), /not signed by its key|no public keys/);
  });

  it('takes the keys from a registered JWKS URL, and refuses a JWKS with a private key or a weak RSA key at registration', async () => {
    const keys = pair('RS384');
    const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [keys.jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { clientId } = await register({ jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json` });
      expect((await ask(assertion(keys, claimsFor(clientId)))).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    await expect(register({ jwks: { keys: [privateKey.export({ format: 'jwk' })] } })).rejects.toThrow();
    const weak = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    await expect(register({ jwks: { keys: [weak] } })).rejects.toThrow();
    await expect(register({ jwksUrl: 'http://keys.example/jwks.json' })).rejects.toThrow();
  });

  it('says in its SMART configuration that it takes private_key_jwt with RS384 and ES384', async () => {
    const config = (await (await fetch(`${t.base}/.well-known/smart-configuration`)).json()) as Record<string, string[]>;
    expect(config.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(config.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS384', 'ES384']);
  });
});
