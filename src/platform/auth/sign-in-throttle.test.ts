import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { databaseKinds } from '../../../test/database.js';
import { startJoinery, type TestJoinery } from '../../../test/joinery.js';
import { DEMO_PASSWORD } from '../../../test/http.js';
import { buildJoinery } from '../../app.js';
import { loadConfig } from '../config.js';
import { signInFrom as signIn } from './test-sign-in.js';

const kinds = await databaseKinds();

/** Signs in from one address; the answer to the form. */
const signInFrom = async (app: FastifyInstance, address: string, email: string, password: string) =>
  (await signIn(app, { address, email, password })).res;

describe.each(kinds)('sign-in throttling (%s)', (kind) => {
  let j: TestJoinery;
  beforeAll(async () => {
    j = await startJoinery(kind, 100);
  });
  afterAll(() => j?.close());

  it('40 wrong passwords for one email sent at once: at most 5 are checked, the rest are refused as too many', async () => {
    const email = 'paediatrician@demo.joinery.test';
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => signInFrom(j.app, '203.0.113.40', email, `guess-${i}`)));
    const checked = answers.filter((r) => r.statusCode === 401);
    const refused = answers.filter((r) => r.statusCode === 429);
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(checked.length + refused.length).toBe(40);
    expect(refused[0]!.body).toContain('Too many attempts to sign in');
  });

  it('the paediatrician signs in from their own address while their email is being guessed at from another', async () => {
    const email = 'paediatrician@demo.joinery.test';
    for (let i = 0; i < 8; i++) await signInFrom(j.app, '198.51.100.66', email, `attacker-${i}`);
    expect((await signInFrom(j.app, '198.51.100.66', email, DEMO_PASSWORD)).statusCode).toBe(429);
    const own = await signInFrom(j.app, '192.0.2.10', email, DEMO_PASSWORD);
    expect(own.statusCode).toBe(303);
    expect(own.cookies.some((c) => c.name === 'joinery_session' && c.value)).toBe(true);
  });

  it('an address trying many emails (password spraying) is refused after 50 wrong passwords in all', async () => {
    const address = '203.0.113.99';
    const answers = [];
    for (let i = 0; i < 51; i++) answers.push((await signInFrom(j.app, address, `nobody${i}@demo.joinery.test`, 'Spring2026!')).statusCode);
    expect(answers.slice(0, 50).every((s) => s === 401)).toBe(true);
    expect(answers[50]).toBe(429);
    // The same address is refused even for a real account's right password; another address is not.
    expect((await signInFrom(j.app, address, 'gp@demo.joinery.test', DEMO_PASSWORD)).statusCode).toBe(429);
    expect((await signInFrom(j.app, '192.0.2.11', 'gp@demo.joinery.test', DEMO_PASSWORD)).statusCode).toBe(303);
  });

  it('counts hold across a restart: a new app on the same database still refuses the sixth guess', async () => {
    const email = 'health-visitor@demo.joinery.test';
    for (let i = 0; i < 5; i++) expect((await signInFrom(j.app, '198.51.100.7', email, `wrong-${i}`)).statusCode).toBe(401);
    const restarted = await buildJoinery({ db: j.db, config: loadConfig({}) });
    try {
      expect((await signInFrom(restarted, '198.51.100.7', email, 'wrong-again')).statusCode).toBe(429);
      expect((await signInFrom(restarted, '198.51.100.7', email, DEMO_PASSWORD)).statusCode).toBe(429);
    } finally {
      await restarted.close();
    }
  });

  it('a right password starts the count afresh for that email and address', async () => {
    const email = 'school-nurse@demo.joinery.test';
    for (let i = 0; i < 4; i++) await signInFrom(j.app, '198.51.100.8', email, `typo-${i}`);
    expect((await signInFrom(j.app, '198.51.100.8', email, DEMO_PASSWORD)).statusCode).toBe(303);
    for (let i = 0; i < 5; i++) expect((await signInFrom(j.app, '198.51.100.8', email, `typo-again-${i}`)).statusCode).toBe(401);
  });

  it('a forged X-Forwarded-For does not dodge the count; behind a trusted proxy each client address counts on its own', async () => {
    const email = 'care-coordinator@demo.joinery.test';
    const forged = (i: number) => ({ 'x-forwarded-for': `10.9.${i}.1` });
    const direct = [];
    for (let i = 0; i < 6; i++) direct.push((await signIn(j.app, { address: '198.51.100.20', email, password: `x-${i}`, headers: forged(i) })).res.statusCode);
    expect(direct).toEqual([401, 401, 401, 401, 401, 429]);

    const proxied = await buildJoinery({ db: j.db, config: loadConfig({ JOINERY_TRUSTED_PROXIES: '198.51.100.21' }) });
    try {
      const viaProxy = (client: string, password: string) =>
        signIn(proxied, { address: '198.51.100.21', email, password, headers: { 'x-forwarded-for': client } });
      for (let i = 0; i < 5; i++) await viaProxy('192.0.2.50', `y-${i}`);
      expect((await viaProxy('192.0.2.50', DEMO_PASSWORD)).res.statusCode).toBe(429);
      expect((await viaProxy('192.0.2.51', DEMO_PASSWORD)).res.statusCode).toBe(303);
    } finally {
      await proxied.close();
    }
  });
});
