import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { sql } from 'drizzle-orm';
import { startJoinery, type TestJoinery } from '../../../../test/joinery.js';
import { rows } from '../../db/client.js';
import { loadConfig } from '../../config.js';
import { formatNhsNumber } from '../../identity/nhs-number.js';
import { demoFamilies } from '../../../cli/nhs-sign-in.js';
import { SignInBrowser, readable } from './test-fixtures.js';

/**
 * Parents, carers and young people sign in with NHS login, end to end over
 * HTTP against the real stand-in NHS login. A family session is its own kind:
 * never a professional; the children it lists are those a professional granted it.
 */
const PUBLIC_URL = loadConfig({}).publicUrl;
let people: Awaited<ReturnType<typeof demoFamilies>> = [];
const family = (sub: string) => people.find((f) => f.sub === sub)!;

describe('signing in with NHS login', () => {
  let j: TestJoinery;
  let warn: MockInstance<typeof console.warn>;
  beforeAll(async () => {
    j = await startJoinery('pglite', 100, {}, { nhsSignIn: true });
    people = await demoFamilies(j.db);
  });
  afterAll(() => j?.close());
  afterEach(() => warn?.mockRestore());

  it('someone proved to P9 lands on /family, which says who they are and the level, and names only the children granted to them', async () => {
    const parent = family('family-p9-parent');
    const b = new SignInBrowser(j.app, PUBLIC_URL);
    const started = await b.joineryRequest('GET', '/sign-in/nhs-login');
    // Joinery asks for the P9 vectors of trust.
    expect(JSON.parse(new URL(started.location!).searchParams.get('vtr')!)).toEqual(['P9.Cp.Cd', 'P9.Cp.Ck', 'P9.Cm']);
    const callback = await b.atProvider(started.location!, { person: parent.sub });
    const answer = await b.joineryRequest('GET', callback);
    expect(answer.statusCode, readable(answer.body).slice(0, 300)).toBe(303);
    expect(answer.location).toBe('/family');

    const page = await b.joineryRequest('GET', '/family');
    expect(page.statusCode).toBe(200);
    const words = readable(page.body);
    expect(words).toContain('You are signed in with NHS login');
    expect(words).toContain(`Name ${parent.givenName} ${parent.familyName}`);
    expect(words).toContain('P9: your identity was checked with photo ID');
    const granted = await rows<{ name: string }>(j.db.owner, sql`SELECT DISTINCT c.given_name || ' ' || c.family_name AS name FROM family_access_grant g
      JOIN child c ON c.ics_id = g.ics_id AND c.id = g.child_id WHERE g.nhs_number = ${parent.nhsNumber} AND g.kind = 'proxy' AND g.status <> 'ended'`);
    if (granted.length === 0) expect(words).toContain('No one has given you access to a child’s information in Joinery yet.');
    for (const { name } of granted) expect(words).toContain(name);
    const others = await rows<{ name: string }>(j.db.owner, sql`SELECT c.given_name || ' ' || c.family_name AS name FROM child c
      WHERE NOT EXISTS (SELECT 1 FROM family_access_grant g WHERE g.child_id = c.id AND g.nhs_number = ${parent.nhsNumber}) ORDER BY c.id LIMIT 20`);
    for (const { name } of others) if (!granted.some((g) => g.name === name)) expect(words).not.toContain(name);
    expect(words).toContain(`${parent.givenName} ${parent.familyName} (NHS login, P9)`);

    const [session] = await rows<{ nhs_number: string; birthdate: string; identity_level: string; vector_of_trust: string }>(j.db.owner, sql`
      SELECT nhs_number, to_char(birthdate, 'YYYY-MM-DD') AS birthdate, identity_level, vector_of_trust FROM family_session ORDER BY created_at DESC LIMIT 1`);
    expect(session).toEqual({ nhs_number: parent.nhsNumber, birthdate: parent.birthdate, identity_level: 'P9', vector_of_trust: expect.stringMatching(/^P9\./) });
    // No professional session was made, and the NHS number is not put on the page.
    expect(b.joinery.has('joinery_session')).toBe(false);
    expect(page.body).not.toContain(formatNhsNumber(parent.nhsNumber));
  });

  it('a family session ends when idle too long or too old however busy, as a professional’s does, and is touched while in use', async () => {
    const { sessionIdleMinutes: idle, sessionMaxHours: max } = loadConfig({});
    const signedIn = async () => {
      const b = new SignInBrowser(j.app, PUBLIC_URL);
      await b.signIn('/sign-in/nhs-login', { person: family('family-p9-parent').sub });
      const [{ token_hash }] = await rows<{ token_hash: string }>(j.db.owner, sql`SELECT token_hash FROM family_session ORDER BY created_at DESC LIMIT 1`);
      return { b, set: (lastSeen: string, created: string) => j.db.owner.execute(sql`
        UPDATE family_session SET last_seen_at = now() - ${lastSeen}::interval, created_at = now() - ${created}::interval WHERE token_hash = ${token_hash}`),
      seen: async () => (await rows<{ recent: boolean }>(j.db.owner, sql`SELECT last_seen_at > now() - interval '1 minute' AS recent FROM family_session WHERE token_hash = ${token_hash}`))[0] };
    };
    const idleOne = await signedIn();
    await idleOne.set(`${idle - 1} minutes`, `${idle - 1} minutes`);
    expect((await idleOne.b.joineryRequest('GET', '/family')).statusCode).toBe(200);
    expect(await idleOne.seen()).toEqual({ recent: true });
    await idleOne.set(`${idle + 1} minutes`, `${idle + 1} minutes`);
    expect((await idleOne.b.joineryRequest('GET', '/family')).location).toBe('/sign-in');
    expect(await idleOne.seen()).toBeUndefined();

    const oldOne = await signedIn();
    await oldOne.set('0 minutes', `${max} hours 1 minute`);
    expect((await oldOne.b.joineryRequest('GET', '/family')).location).toBe('/sign-in');
    expect(await oldOne.seen()).toBeUndefined();
  });

  it('a family session opens no professional page: each sends them to sign in', async () => {
    const b = new SignInBrowser(j.app, PUBLIC_URL);
    await b.signIn('/sign-in/nhs-login', { person: family('family-p9-young-person').sub });
    const [child] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child LIMIT 1`);
    for (const url of ['/', '/children', `/children/${child!.id}`, '/worklist', '/admin/users']) {
      const res = await b.joineryRequest('GET', url);
      expect(res.statusCode, url).toBe(302);
      expect(res.location, url).toMatch(/^\/sign-in/);
    }
  });

  it('someone only at P5 is refused for a child’s information, saying why; for advice they get a session marked P5', async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const p5 = family('family-p5-parent');
    const refused = await new SignInBrowser(j.app, PUBLIC_URL).signIn('/sign-in/nhs-login', { person: p5.sub });
    expect(refused.answer.statusCode).toBe(403);
    const words = readable(refused.answer.body);
    expect(words).toContain('NHS login could not confirm who you are to the level needed to see a child’s information (P9: photo ID checked).');
    expect(words).toContain('Sign in with NHS login for advice only');
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringContaining('"reason":"identity-level-too-low"'));
    expect(warn.mock.calls.flat().join(' ')).not.toContain(p5.nhsNumber);

    const b = new SignInBrowser(j.app, PUBLIC_URL);
    const advice = await b.signIn('/sign-in/nhs-login?for=advice', { person: p5.sub });
    expect(advice.answer.location).toBe('/family');
    const page = readable((await b.joineryRequest('GET', '/family')).body);
    expect(page).toContain('P5: you were matched to your NHS record, but your identity has not been checked with photo ID');
    expect(page).toContain('To see a child’s information you will need to prove who you are with photo ID.');
  });

  it('asking at the advice level still gives a P9 person P9', async () => {
    const b = new SignInBrowser(j.app, PUBLIC_URL);
    await b.signIn('/sign-in/nhs-login?for=advice', { person: family('family-p9-parent').sub });
    expect(readable((await b.joineryRequest('GET', '/family')).body)).toContain('P9: your identity was checked with photo ID');
  });

  it('someone at P0 cannot sign in at either level', async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const start of ['/sign-in/nhs-login', '/sign-in/nhs-login?for=advice']) {
      const { answer } = await new SignInBrowser(j.app, PUBLIC_URL).signIn(start, { person: family('family-p0-parent').sub });
      expect(answer.statusCode, start).toBe(403);
    }
  });

  it('signing out ends the family session and NHS login’s', async () => {
    const b = new SignInBrowser(j.app, PUBLIC_URL);
    await b.signIn('/sign-in/nhs-login', { person: family('family-p9-parent').sub });
    const page = await b.joineryRequest('GET', '/family');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const out = await b.joineryRequest('POST', '/sign-out', { _csrf: csrf });
    expect(out.statusCode).toBe(303);
    expect(new URL(out.location!).origin).toBe(j.nhsSignIn!.nhsLogin!.issuer);
    expect(new URL(out.location!).searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/signed-out`);
    expect((await b.joineryRequest('GET', '/family')).location).toBe('/sign-in');
  });
});
