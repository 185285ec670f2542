import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { databaseError, rows } from '../db/client.js';
import { databaseKinds } from '../../../test/database.js';
import { startJoinery, type TestJoinery } from '../../../test/joinery.js';
import { DEMO_PASSWORD, pageText, TestClient } from '../../../test/http.js';
import { signIn } from './service.js';
import { hashPassword } from './passwords.js';
import { icsOfToken } from './ics-token.js';
import { createSession, endSession, loadSession, tokenHash } from '../http/session.js';

/**
 * Decision 0034 (issue 24, item 2): an email signs in to one ICS, kept so by
 * the sign-in directory; a session's token names its ICS and is found only
 * among that ICS's sessions, under row-level security.
 */
const kinds = await databaseKinds();
const LIMITS = { idleMinutes: 30, maxHours: 12 };
const refusal = (p: Promise<unknown>) => p.then(() => 'no error', (e) => databaseError(e).message);

describe.each(kinds)('the sign-in directory and sessions that name their ICS, on %s', (kind) => {
  let j: TestJoinery;
  let gpId: string;
  const owner = <T>(query: ReturnType<typeof sql>) => rows<T>(j.db.owner, query);

  beforeAll(async () => {
    j = await startJoinery(kind, 60);
    [{ id: gpId }] = await owner<{ id: string }>(sql`SELECT id FROM professional WHERE email = 'gp@demo.joinery.test'`);
  });
  afterAll(() => j?.close());

  it('every generated account has its directory entry in its own ICS, and the directory names no account that is not there', async () => {
    const [counts] = await owner<{ accounts: number; entries: number; unmatched_accounts: number; unmatched_entries: number }>(sql`
      SELECT (SELECT count(*)::int FROM professional) AS accounts, (SELECT count(*)::int FROM sign_in_directory) AS entries,
             (SELECT count(*)::int FROM professional p WHERE NOT EXISTS (SELECT 1 FROM sign_in_directory d WHERE d.ics_id = p.ics_id AND d.email = p.email)) AS unmatched_accounts,
             (SELECT count(*)::int FROM sign_in_directory d WHERE NOT EXISTS (SELECT 1 FROM professional p WHERE p.ics_id = d.ics_id AND p.email = d.email)) AS unmatched_entries`);
    expect(counts.accounts).toBeGreaterThan(20);
    expect(counts).toEqual({ accounts: counts.accounts, entries: counts.accounts, unmatched_accounts: 0, unmatched_entries: 0 });
  });

  it('an email signs in to one ICS: the other ICS’s administrator cannot add an account with it, and signing in with it opens the ICS that holds it', async () => {
    const admin = await TestClient.signIn(j.app, 'admin@other.joinery.test', DEMO_PASSWORD);
    expect(admin.signedIn).toBe(true);
    const [org] = await owner<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${j.other.icsId}::uuid AND kind = 'gp-practice' LIMIT 1`);
    await admin.get('/admin/users/new');
    const res = await admin.post('/admin/users', { name: 'Same Email Elsewhere', email: 'GP@demo.joinery.test', role: 'gp', organisationId: org.id, password: 'a long enough passphrase' });
    expect(res.statusCode).toBe(400);
    expect(pageText(res.body)).toContain('A user with this email address already exists');
    expect(await owner(sql`SELECT ics_id FROM professional WHERE email = 'gp@demo.joinery.test'`)).toEqual([{ ics_id: j.ics.icsId }]);
    // Not even the database owner can put a second account with that email in the other ICS: it has no directory entry there.
    expect(await refusal(j.db.owner.execute(sql`INSERT INTO professional (ics_id, id, email, name, role, organisation_id)
      VALUES (${j.other.icsId}::uuid, ${crypto.randomUUID()}::uuid, 'gp@demo.joinery.test', 'Same Email Elsewhere', 'gp', ${org.id}::uuid)`))).toMatch(/professional_sign_in_directory_fk/);

    expect(await signIn(j.db, 'GP@Demo.Joinery.Test', DEMO_PASSWORD)).toEqual({ icsId: j.ics.icsId, professionalId: gpId });
    expect(await signIn(j.db, 'gp@other.joinery.test', DEMO_PASSWORD)).toMatchObject({ icsId: j.other.icsId });
    const gp = await TestClient.signIn(j.app, 'gp@demo.joinery.test', DEMO_PASSWORD);
    expect(gp.signedIn).toBe(true);
    expect(pageText((await gp.get('/')).body)).toContain('(GP');
  });

  it('a session’s token names its ICS: it is found among that ICS’s sessions only, and a token naming another ICS, or none, finds nothing', async () => {
    const { token } = await createSession(j.db, j.ics.icsId, gpId);
    expect(icsOfToken(token)).toBe(j.ics.icsId);
    const loaded = await loadSession(j.db, token, LIMITS);
    expect(loaded && 'actor' in loaded && { ics: loaded.actor.icsId, who: loaded.actor.professionalId, email: loaded.actor.email })
      .toEqual({ ics: j.ics.icsId, who: gpId, email: 'gp@demo.joinery.test' });

    // The same secret with the other ICS's id in front, or with no ICS at all, is no session.
    const otherPrefix = (await createSession(j.db, j.other.icsId, (await owner<{ id: string }>(sql`SELECT id FROM professional WHERE email = 'gp@other.joinery.test'`))[0].id)).token.slice(0, 22);
    expect(await loadSession(j.db, otherPrefix + token.slice(22), LIMITS)).toBeNull();
    expect(await loadSession(j.db, crypto.randomBytes(32).toString('base64url'), LIMITS)).toBeNull();

    // Row-level security: the other ICS's transactions do not see this session at all.
    const count = (ics: string) => j.db.tenant(ics, (tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM session WHERE token_hash = ${tokenHash(token)}`));
    expect(await count(j.ics.icsId)).toEqual([{ n: 1 }]);
    expect(await count(j.other.icsId)).toEqual([{ n: 0 }]);

    expect(await endSession(j.db, otherPrefix + token.slice(22))).toBeUndefined();
    expect(await loadSession(j.db, token, LIMITS)).not.toBeNull();
    expect(await endSession(j.db, token)).toEqual({ idToken: null, method: 'password' });
    expect(await loadSession(j.db, token, LIMITS)).toBeNull();
  });

  it('an account removed from its ICS takes its sessions with it and signs no one in, and its email stays held in the directory until removed there by hand', async () => {
    const email = `removed.${crypto.randomBytes(3).toString('hex')}@demo.joinery.test`;
    const [org] = await owner<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${j.ics.icsId}::uuid AND kind = 'gp-practice' LIMIT 1`);
    const id = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO sign_in_directory (email, ics_id) VALUES (${email}, ${j.ics.icsId}::uuid)`);
    await j.db.owner.execute(sql`INSERT INTO professional (ics_id, id, email, name, role, organisation_id, password_hash)
      VALUES (${j.ics.icsId}::uuid, ${id}::uuid, ${email}, 'Soon Removed', 'gp', ${org.id}::uuid, ${await hashPassword('a long enough passphrase')})`);
    expect(await signIn(j.db, email, 'a long enough passphrase')).toEqual({ icsId: j.ics.icsId, professionalId: id });
    const { token } = await createSession(j.db, j.ics.icsId, id);
    expect(await loadSession(j.db, token, LIMITS)).not.toBeNull();

    // Removed by hand (Joinery itself only deactivates): what went with the account, and what stays.
    await j.db.owner.execute(sql`DELETE FROM professional WHERE ics_id = ${j.ics.icsId}::uuid AND id = ${id}::uuid`);
    expect(await owner(sql`SELECT 1 FROM session WHERE token_hash = ${tokenHash(token)}`)).toEqual([]);
    expect(await loadSession(j.db, token, LIMITS)).toBeNull();
    expect(await signIn(j.db, email, 'a long enough passphrase')).toBeNull();
    expect(await owner(sql`SELECT ics_id FROM sign_in_directory WHERE email = ${email}`)).toEqual([{ ics_id: j.ics.icsId }]);

    const otherAdmin = await TestClient.signIn(j.app, 'admin@other.joinery.test', DEMO_PASSWORD);
    const [otherOrg] = await owner<{ id: string }>(sql`SELECT id FROM organisation WHERE ics_id = ${j.other.icsId}::uuid AND kind = 'gp-practice' LIMIT 1`);
    await otherAdmin.get('/admin/users/new');
    const taken = await otherAdmin.post('/admin/users', { name: 'Soon Removed', email, role: 'gp', organisationId: otherOrg.id, password: 'a long enough passphrase' });
    expect(taken.statusCode).toBe(400);
    expect(pageText(taken.body)).toContain('A user with this email address already exists');
  });

  it('the application adds its own ICS’s sign-in names but never moves or removes one, nor sees or adds another ICS’s', async () => {
    const inDemo = <T>(query: ReturnType<typeof sql>) => j.db.tenant(j.ics.icsId, (tx) => rows<T>(tx, query));
    // UPDATE is granted only because Citus asks for it before locking the directory (migration 0097); a trigger refuses every one.
    expect(await refusal(inDemo(sql`UPDATE sign_in_directory SET ics_id = ${j.other.icsId}::uuid WHERE email = 'gp@demo.joinery.test'`))).toMatch(/sign-in directory is never changed/);
    expect(await refusal(inDemo(sql`UPDATE sign_in_directory SET email = 'moved@demo.joinery.test' WHERE email = 'gp@demo.joinery.test'`))).toMatch(/sign-in directory is never changed/);
    expect(await refusal(inDemo(sql`DELETE FROM sign_in_directory WHERE email = 'gp@demo.joinery.test'`))).toMatch(/permission denied/);
    expect(await refusal(inDemo(sql`INSERT INTO sign_in_directory (email, ics_id) VALUES ('planted@other.joinery.test', ${j.other.icsId}::uuid)`))).toMatch(/row-level security/);
    expect(await inDemo(sql`SELECT count(*)::int AS n FROM sign_in_directory WHERE ics_id <> ${j.ics.icsId}::uuid`)).toEqual([{ n: 0 }]);
    expect(await owner(sql`SELECT ics_id FROM sign_in_directory WHERE email = 'gp@demo.joinery.test'`)).toEqual([{ ics_id: j.ics.icsId }]);
  });
});
