import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startFhirTest, type FhirTest } from './test-setup.js';
import { authenticate, hash } from './clients.js';
import { icsOfToken } from '../platform/auth/ics-token.js';

/**
 * Decision 0034 (issue 24, item 2): a FHIR access token names its ICS, so
 * each request finds it among that ICS's tokens alone (one shard on Citus).
 */
describe('a FHIR access token names its ICS', () => {
  let t: FhirTest;
  beforeAll(async () => {
    t = await startFhirTest('pglite', 20);
  });
  afterAll(() => t?.close());

  const read = (token: string, childId: string) => fetch(`${t.base}/Patient/${childId}`, { headers: { authorization: `Bearer ${token}` } });
  const childOf = async (icsId: string) => (await t.one<{ id: string }>(sql`SELECT id FROM child WHERE ics_id = ${icsId}::uuid ORDER BY id LIMIT 1`)).id;

  it('a token issued to a client of either ICS (client credentials) names that ICS, is kept in it, and reads that ICS’s children but not the other’s', async () => {
    for (const [mine, theirs] of [[t.j.ics.icsId, t.j.other.icsId], [t.j.other.icsId, t.j.ics.icsId]]) {
      const token = await t.token({ icsId: mine, scopes: 'system/*.rs' });
      expect(icsOfToken(token)).toBe(mine);
      expect(await t.all(sql`SELECT ics_id FROM fhir_token WHERE token_hash = ${hash(token)}`)).toEqual([{ ics_id: mine }]);
      const who = await authenticate(t.j.db, token);
      expect('actor' in who && who.actor.icsId).toBe(mine);
      expect((await read(token, await childOf(mine))).status).toBe(200);
      expect((await read(token, await childOf(theirs))).status).toBe(404);
    }
  });

  it('the same secret with another ICS named in front, or a token naming no ICS, is refused as not valid', async () => {
    const token = await t.token({ icsId: t.j.other.icsId, scopes: 'system/*.rs' });
    const demoPrefix = (await t.token({ icsId: t.j.ics.icsId, scopes: 'system/*.rs' })).slice(0, 22);
    const child = await childOf(t.j.ics.icsId);
    for (const wrong of [demoPrefix + token.slice(22), token.slice(22), crypto.randomBytes(32).toString('base64url')]) {
      expect(await authenticate(t.j.db, wrong)).toEqual({ error: 'invalid_token', description: 'The access token is not valid.' });
      const res = await read(wrong, child);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });
});
