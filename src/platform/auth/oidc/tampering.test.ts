import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { CustomFetch } from 'openid-client';
import { startJoinery, type TestJoinery } from '../../../../test/joinery.js';
import { DEMO_PASSWORD } from '../../../../test/http.js';
import { buildJoinery } from '../../../app.js';
import { rows } from '../../db/client.js';
import { loadConfig } from '../../config.js';
import { standInStaff } from '../../../cli/nhs-sign-in.js';
import { SignInBrowser, readable, type ProviderChoices } from './test-fixtures.js';
import type { OidcClient } from './providers.js';

/**
 * Every way a sign-in answer can be forged, replayed or altered, each refused
 * with a clear page (400) and one log line naming the reason and no one.
 *
 * Callback-level cases (replay, forged state, another browser, a wrong `iss`
 * in the redirect) go through the real stand-in CIS2 untouched. Token-level
 * cases intercept the real provider's answers on their way into Joinery with
 * openid-client's customFetch: the token response's ID token is re-signed
 * with a test key after one claim is changed, and the provider's JWK set is
 * answered with that test key, so only the changed claim can fail. A control
 * case re-signs without changing anything and must be let in. The tampered
 * signature case changes a claim and keeps the provider's own signature.
 */
const PUBLIC_URL = loadConfig({}).publicUrl;
const config = loadConfig({ JOINERY_DEMO_PASSWORD: DEMO_PASSWORD });

const testKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const TEST_KID = 'tampering-test-key';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

function resign(payload: Record<string, unknown>): string {
  const input = `${b64({ alg: 'RS256', kid: TEST_KID, typ: 'JWT' })}.${b64(payload)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), testKey.privateKey).toString('base64url')}`;
}

type Tamper = { resign?: (p: Record<string, unknown>) => Record<string, unknown>; keepSignature?: (p: Record<string, unknown>) => Record<string, unknown> };

/** openid-client's fetch, altering the provider's ID token (and, to re-sign, its JWK set) as a man in the middle would. */
function tamperingFetch(t: Tamper): CustomFetch {
  const endpoints: { jwks?: string; token?: string } = {};
  return async (url, options) => {
    const res = await fetch(url, options as RequestInit);
    if (url.endsWith('/.well-known/openid-configuration')) {
      const meta = await res.clone().json() as { jwks_uri: string; token_endpoint: string };
      endpoints.jwks = meta.jwks_uri;
      endpoints.token = meta.token_endpoint;
      return res;
    }
    if (url === endpoints.jwks && t.resign) {
      return Response.json({ keys: [{ ...testKey.publicKey.export({ format: 'jwk' }), kid: TEST_KID, alg: 'RS256', use: 'sig' }] });
    }
    if (url === endpoints.token && res.ok) {
      const body = await res.json() as { id_token: string };
      if (t.resign) body.id_token = resign(t.resign(payloadOf(body.id_token)));
      if (t.keepSignature) {
        const [header, , signature] = body.id_token.split('.');
        body.id_token = `${header}.${b64(t.keepSignature(payloadOf(body.id_token)))}.${signature}`;
      }
      return Response.json(body, { status: res.status, headers: { 'cache-control': 'no-store' } });
    }
    return res;
  };
}

describe('forged, replayed and altered CIS2 sign-ins', () => {
  let j: TestJoinery;
  let gp: ProviderChoices & { id: string };
  let warn: MockInstance<typeof console.warn>;
  const apps: FastifyInstance[] = [];
  const logLines = () => warn.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('joinery sign-in refused'));

  /** A Joinery whose CIS2 client goes through the tampering fetch (a fresh client: nothing cached from other tests). */
  async function joineryWith(t: Tamper) {
    const cis2: OidcClient = { ...j.nhsSignIn!.cis2!, fetch: tamperingFetch(t) };
    const app = await buildJoinery({ db: j.db, config, nhsSignIn: { cis2, nhsLogin: j.nhsSignIn!.nhsLogin } });
    apps.push(app);
    return app;
  }

  /** Signs in as the demo GP through app, and expects the refusal page and log line. */
  async function expectRefused(app: FastifyInstance, reason: string | RegExp, words: string) {
    const { answer } = await new SignInBrowser(app, PUBLIC_URL).signIn('/sign-in/cis2', gp);
    expect(answer.statusCode, readable(answer.body).slice(0, 400)).toBe(400);
    expect(answer.location).toBeUndefined();
    const text = readable(answer.body);
    expect(text).toContain('You could not sign in with NHS CIS2');
    expect(text).toContain(words);
    expect(text).toContain('Go back to the sign-in page and start again');
    expectOneLogLine(reason);
  }

  function expectOneLogLine(reason: string | RegExp) {
    const lines = logLines();
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!.slice('joinery sign-in refused '.length)) as { provider: string; reason: string; status: number };
    expect(logged.provider).toBe('cis2');
    expect(logged.reason).toMatch(reason);
    // Nothing personal: no user id, role id, name, email or token.
    for (const personal of [gp.person, gp.roleId!, 'demo.joinery.test', 'ey']) expect(lines[0]).not.toContain(personal);
  }

  beforeAll(async () => {
    j = await startJoinery('pglite', 100, {}, { nhsSignIn: true });
    const [p] = await rows<{ id: string; uid: string }>(j.db.owner, sql`SELECT id, nhsid_useruid AS uid FROM professional WHERE email = 'gp@demo.joinery.test'`);
    const staff = await standInStaff(j.db);
    gp = { id: p!.id, person: p!.uid, authenticator: 'smartcard', roleId: staff.find((s) => s.uid === p!.uid)!.roles[0]!.person_roleid };
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await j?.close();
  });
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('control: re-signing the ID token without changing it is let in, so each case below fails only on what it changes', async () => {
    const app = await joineryWith({ resign: (p) => p });
    const { answer } = await new SignInBrowser(app, PUBLIC_URL).signIn('/sign-in/cis2', gp);
    expect(answer.statusCode, readable(answer.body).slice(0, 400)).toBe(303);
    expect(logLines()).toHaveLength(0);
  });

  it('a replayed callback (the same code and state twice) is refused the second time', async () => {
    const b = new SignInBrowser(j.app, PUBLIC_URL);
    const { callback, answer } = await b.signIn('/sign-in/cis2', gp);
    expect(answer.statusCode).toBe(303);
    const again = await b.joineryRequest('GET', callback);
    expect(again.statusCode).toBe(400);
    expect(readable(again.body)).toContain('This sign-in answer has been used already, or was not started from Joinery.');
    expectOneLogLine('unknown-state');
  });

  it('a used code sent again with a fresh state is refused by the provider', async () => {
    const b = new SignInBrowser(j.app, PUBLIC_URL);
    const { callback } = await b.signIn('/sign-in/cis2', gp);
    const fresh = await b.joineryRequest('GET', '/sign-in/cis2');
    const replay = new URL(callback);
    replay.searchParams.set('state', new URL(fresh.location!).searchParams.get('state')!);
    const answer = await b.joineryRequest('GET', replay.href);
    expect(answer.statusCode).toBe(400);
    expect(readable(answer.body)).toContain('The provider would not accept this sign-in a second time');
    expectOneLogLine('code-rejected');
  });

  it('a forged state, a callback with no state, and a callback opened in another browser are refused', async () => {
    const b = new SignInBrowser(j.app, PUBLIC_URL);
    const started = await b.joineryRequest('GET', '/sign-in/cis2');
    const callback = new URL(await b.atProvider(started.location!, gp));

    const forged = new URL(callback);
    forged.searchParams.set('state', crypto.randomBytes(32).toString('base64url'));
    expect((await b.joineryRequest('GET', forged.href)).statusCode).toBe(400);
    expectOneLogLine('unknown-state');
    warn.mockClear();

    const none = new URL(callback);
    none.searchParams.delete('state');
    expect((await b.joineryRequest('GET', none.href)).statusCode).toBe(400);
    expectOneLogLine('missing-state');
    warn.mockClear();

    const elsewhere = await new SignInBrowser(j.app, PUBLIC_URL).joineryRequest('GET', callback.href);
    expect(elsewhere.statusCode).toBe(400);
    expect(readable(elsewhere.body)).toContain('This sign-in answer was started in a different browser.');
    expectOneLogLine('other-browser');
  });

  it('an answer naming another issuer in the redirect is refused', async () => {
    const b = new SignInBrowser(j.app, PUBLIC_URL);
    const started = await b.joineryRequest('GET', '/sign-in/cis2');
    const callback = new URL(await b.atProvider(started.location!, gp));
    expect(callback.searchParams.get('iss')).toBe(j.nhsSignIn!.cis2!.issuer);
    callback.searchParams.set('iss', 'http://localhost:1/evil');
    const answer = await b.joineryRequest('GET', callback.href);
    expect(answer.statusCode).toBe(400);
    expectOneLogLine(/wrong-issuer|token-iss/);
  });

  it('an ID token from the wrong issuer is refused', async () => {
    await expectRefused(await joineryWith({ resign: (p) => ({ ...p, iss: 'http://localhost:1/evil' }) }), /wrong-issuer|token-iss/,
      'did not come from the provider Joinery trusts');
  });

  it('an ID token for another service (wrong audience) is refused', async () => {
    await expectRefused(await joineryWith({ resign: (p) => ({ ...p, aud: 'another-service' }) }), 'token-aud', 'meant for another service');
  });

  it('an expired ID token is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await joineryWith({ resign: (p) => ({ ...p, iat: now - 7200, exp: now - 3600 }) }), 'token-expired', 'had expired');
  });

  it('an ID token with a nonce from another sign-in is refused', async () => {
    await expectRefused(await joineryWith({ resign: (p) => ({ ...p, nonce: 'from-another-sign-in' }) }), 'token-nonce', 'does not belong to the sign-in you started');
  });

  it('an ID token missing a claim Joinery needs (nhsid_useruid, selected_roleid) or one openid-client needs (iat) is refused', async () => {
    const without = (claim: string) => (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== claim));
    await expectRefused(await joineryWith({ resign: without('nhsid_useruid') }), 'token-missing-claim', 'CIS2 did not send everything Joinery needs (nhsid_useruid).');
    warn.mockClear();
    await expectRefused(await joineryWith({ resign: without('selected_roleid') }), 'token-missing-claim', 'CIS2 did not send everything Joinery needs (selected_roleid).');
    warn.mockClear();
    await expectRefused(await joineryWith({ resign: without('iat') }), /token-/, 'You could not sign in');
  });

  it('an ID token altered after the provider signed it (another role chosen) is refused: the signature does not match', async () => {
    await expectRefused(await joineryWith({ keepSignature: (p) => ({ ...p, selected_roleid: '000000000000' }) }), 'token-signature', 'signature did not check out');
    const [{ n }] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM session WHERE professional_id = ${gp.id}::uuid AND nrbac_role_id = '000000000000'`);
    expect(n).toBe(0);
  });
});

describe('an altered NHS login answer', () => {
  let j: TestJoinery;
  let warn: MockInstance<typeof console.warn>;
  beforeAll(async () => {
    j = await startJoinery('pglite', 100, {}, { nhsSignIn: true });
  });
  afterAll(() => j?.close());

  it('an ID token without the NHS number or date of birth, or with a vector Joinery did not ask for, is refused and makes no family session', async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const apps: FastifyInstance[] = [];
    try {
      for (const [change, names] of [
        [(p: Record<string, unknown>) => ({ ...p, nhs_number: undefined }), 'nhs_number'],
        [(p: Record<string, unknown>) => ({ ...p, birthdate: undefined }), 'birthdate'],
        [(p: Record<string, unknown>) => ({ ...p, vot: 'P0.Cp.Cd' }), 'vot'],
        [(p: Record<string, unknown>) => ({ ...p, nhs_number: '9990000001' }), 'nhs_number'],
      ] as const) {
        const nhsLogin: OidcClient = { ...j.nhsSignIn!.nhsLogin!, fetch: tamperingFetch({ resign: (p) => JSON.parse(JSON.stringify(change(p))) as Record<string, unknown> }) };
        const app = await buildJoinery({ db: j.db, config, nhsSignIn: { cis2: j.nhsSignIn!.cis2, nhsLogin } });
        apps.push(app);
        const { answer } = await new SignInBrowser(app, PUBLIC_URL).signIn('/sign-in/nhs-login', { person: 'family-p9-parent' });
        expect(answer.statusCode, names).toBe(400);
        expect(readable(answer.body)).toContain(`NHS login did not send everything Joinery needs (${names}).`);
      }
      const [{ n }] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM family_session`);
      expect(n).toBe(0);
      const lines = warn.mock.calls.map((c) => String(c[0]));
      expect(lines.filter((l) => l.includes('"provider":"nhs-login","reason":"token-missing-claim"'))).toHaveLength(4);
      expect(lines.join(' ')).not.toMatch(/999\d{7}/);
    } finally {
      warn.mockRestore();
      for (const app of apps) await app.close();
    }
  });
});
