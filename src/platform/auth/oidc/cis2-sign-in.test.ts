import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { sql } from 'drizzle-orm';
import { startJoinery, type TestJoinery } from '../../../../test/joinery.js';
import { pageText } from '../../../../test/http.js';
import { auditMark } from '../../../../test/audit.js';
import { rows } from '../../db/client.js';
import { ROLE_IDS, ROLES, type Role } from '../../access/roles.js';
import { loadConfig } from '../../config.js';
import { standInStaff, UNLINKED_DEMO_UID } from '../../../cli/nhs-sign-in.js';
import { SignInBrowser, readable } from './test-fixtures.js';

/**
 * Staff sign in with NHS CIS2, end to end over HTTP against the real stand-in
 * CIS2 (started on a free port): Joinery's sign-in link, the provider's own
 * pages (choose the demo person, the authenticator and, for someone with
 * several, the role), the callback, and what Joinery then shows and audits.
 */
const PUBLIC_URL = loadConfig({}).publicUrl;

describe('signing in with NHS CIS2', () => {
  let j: TestJoinery;
  let warn: MockInstance<typeof console.warn>;
  const demo = async (role: Role) => {
    const [p] = await rows<{ id: string; name: string; uid: string; organisation_id: string; organisation_name: string }>(j.db.owner, sql`
      SELECT p.id, p.name, p.nhsid_useruid AS uid, p.organisation_id, o.name AS organisation_name
        FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id WHERE p.email = ${`${role}@demo.joinery.test`}`);
    return p!;
  };
  /** The national roles the stand-in offers a demo person, as Joinery's demo hands them over. */
  const rolesOf = async (uid: string) => {
    return (await standInStaff(j.db)).find((s) => s.uid === uid)!.roles;
  };
  const browser = () => new SignInBrowser(j.app, PUBLIC_URL);
  const refusalLogged = (reason: string) =>
    expect(warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('joinery sign-in refused'))).toContainEqual(expect.stringContaining(`"reason":"${reason}"`));

  beforeAll(async () => {
    j = await startJoinery('pglite', 100, {}, { nhsSignIn: true });
  });
  afterAll(() => j?.close());
  afterEach(() => warn?.mockRestore());
  const watchLog = () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  };

  it('every demo role signs in with a smartcard and lands in that role; the header shows the CIS2 role and level', async () => {
    for (const role of ROLE_IDS) {
      const me = await demo(role);
      const [mine] = await rolesOf(me.uid);
      const b = browser();
      const { answer } = await b.signIn('/sign-in/cis2', { person: me.uid, authenticator: 'smartcard', roleId: mine!.person_roleid });
      expect(answer.statusCode, `${role}: ${readable(answer.body).slice(0, 300)}`).toBe(303);
      expect(answer.location).toBe('/');
      const home = await b.joineryRequest('GET', '/');
      expect(home.statusCode, role).toBe(200);
      expect(pageText(home.body), role).toContain(`${me.name} (${ROLES[role]}, ${me.organisation_name}) · CIS2 role:`);
      expect(pageText(home.body), role).toContain('(AAL3_ANY)');
    }
  });

  it('the session keeps the method, level and chosen role; every audit row records them; the administrator sees the last sign-in was CIS2', async () => {
    const gp = await demo('gp');
    const [own] = await rolesOf(gp.uid);
    const b = browser();
    await b.signIn('/sign-in/cis2?next=/children', { person: gp.uid, authenticator: 'smartcard', roleId: own!.person_roleid });
    const [session] = await rows<{ method: string; assurance: string; nrbac_role_id: string }>(j.db.owner, sql`
      SELECT method, assurance, nrbac_role_id FROM session WHERE professional_id = ${gp.id}::uuid ORDER BY created_at DESC LIMIT 1`);
    expect(session).toEqual({ method: 'cis2', assurance: 'AAL3_ANY', nrbac_role_id: own!.person_roleid });

    const [child] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE registered_practice_id = ${gp.organisation_id}::uuid LIMIT 1`);
    const mark = await auditMark(j.db);
    expect((await b.joineryRequest('GET', `/children/${child!.id}`)).statusCode).toBe(200);
    const audited = await rows<{ action: string; role: string; sign_in_method: string; assurance: string; nrbac_role_id: string }>(j.db.owner, sql`
      SELECT action, role, sign_in_method, assurance, nrbac_role_id FROM audit_event WHERE id > ${mark} AND child_id = ${child!.id}::uuid`);
    expect(audited.length).toBeGreaterThan(0);
    for (const row of audited) expect(row).toMatchObject({ role: 'gp', sign_in_method: 'cis2', assurance: 'AAL3_ANY', nrbac_role_id: own!.person_roleid });

    const [account] = await rows<{ last_sign_in_method: string; recent: boolean }>(j.db.owner, sql`
      SELECT last_sign_in_method, last_sign_in_at > now() - interval '1 minute' AS recent FROM professional WHERE id = ${gp.id}::uuid`);
    expect(account).toEqual({ last_sign_in_method: 'cis2', recent: true });
  });

  it('someone with several roles chooses one at CIS2: their role at their own practice lets them in; another practice’s, or a role Joinery does not map, is refused saying why', async () => {
    watchLog();
    const gp = await demo('gp');
    const roles = await rolesOf(gp.uid);
    // Their GP role, their community paediatrician role (a second account: cis2-several-roles.test.ts), the GP job at a second practice, an unmapped role.
    expect(roles).toHaveLength(4);
    const [own, , elsewhere, unmapped] = roles;

    const b = browser();
    const { answer } = await b.signIn('/sign-in/cis2', { person: gp.uid, authenticator: 'smartcard', roleId: own!.person_roleid });
    expect(answer.statusCode).toBe(303);
    // The provider asked which role: its page offered each of them.
    expect(b.providerPages.some((p) => roles.every((r) => p.includes(r.person_roleid)))).toBe(true);

    const other = await browser().signIn('/sign-in/cis2', { person: gp.uid, authenticator: 'smartcard', roleId: elsewhere!.person_roleid });
    expect(other.answer.statusCode).toBe(403);
    const otherText = readable(other.answer.body);
    expect(otherText).toContain('You could not sign in with NHS CIS2');
    const [{ name: elsewhereName }] = await rows<{ name: string }>(j.db.owner, sql`SELECT name FROM organisation WHERE ods_code = ${elsewhere!.org_code}`);
    expect(otherText).toContain(`You chose Clinical Practitioner Access Role at ${elsewhereName} (${elsewhere!.org_code}), but you have no Joinery account there.`);
    expect(otherText).toContain(gp.organisation_name);
    refusalLogged('wrong-organisation');

    const notMapped = await browser().signIn('/sign-in/cis2', { person: gp.uid, authenticator: 'smartcard', roleId: unmapped!.person_roleid });
    expect(notMapped.answer.statusCode).toBe(403);
    expect(readable(notMapped.answer.body)).toContain('Joinery does not recognise the national role you chose (Admin/Clinical Support Access Role, S8000:G8001:R8008)');
    expect(readable(notMapped.answer.body)).toContain('Ask your ICS’s Joinery administrator');
    refusalLogged('unmapped-role');
    // Neither refusal made a session.
    expect(notMapped.answer.location).toBeUndefined();
  });

  it('a clinical role signed in with an authenticator app (AAL2) is refused; an administrator may use one, but not a password (AAL1)', async () => {
    watchLog();
    const gp = await demo('gp');
    const [own] = await rolesOf(gp.uid);
    const weak = await browser().signIn('/sign-in/cis2', { person: gp.uid, authenticator: 'authenticator app', roleId: own!.person_roleid });
    expect(weak.answer.statusCode).toBe(403);
    expect(readable(weak.answer.body)).toContain('not strong enough for a GP (it gave AAL2_ANY; AAL3_ANY is needed)');
    refusalLogged('assurance-too-low');

    const admin = await demo('admin');
    const [adminRole] = await rolesOf(admin.uid);
    const app = await browser().signIn('/sign-in/cis2', { person: admin.uid, authenticator: 'authenticator app', roleId: adminRole!.person_roleid });
    expect(app.answer.statusCode).toBe(303);
    const password = await browser().signIn('/sign-in/cis2', { person: admin.uid, authenticator: 'password', roleId: adminRole!.person_roleid });
    expect(password.answer.statusCode).toBe(403);
  });

  it('a CIS2 identity with no Joinery account is refused, saying whom to ask and the user ID to give them; the log line has no user ID', async () => {
    watchLog();
    const [role] = await rolesOf(UNLINKED_DEMO_UID);
    const { answer } = await browser().signIn('/sign-in/cis2', { person: UNLINKED_DEMO_UID, authenticator: 'smartcard', roleId: role!.person_roleid });
    expect(answer.statusCode).toBe(403);
    const words = readable(answer.body);
    expect(words).toContain(`Your CIS2 identity (user ID ${UNLINKED_DEMO_UID}) is not linked to a Joinery account.`);
    expect(words).toContain('Ask your ICS’s Joinery administrator to link your CIS2 identity');
    refusalLogged('account-not-linked');
    expect(warn.mock.calls.flat().join(' ')).not.toContain(UNLINKED_DEMO_UID);
  });

  it('a national role that fits another Joinery role than the account’s is refused, never turned into that role', async () => {
    watchLog();
    // The demo practice nurse is a nurse practitioner: CIS2 also lists the Clinical Practitioner Access Role, which at a practice means a GP.
    const nurse = await demo('practice-nurse');
    const [, practitioner] = await rolesOf(nurse.uid);
    expect(practitioner!.role_code).toBe('S8000:G8000:R8000');
    const { answer } = await browser().signIn('/sign-in/cis2', { person: nurse.uid, authenticator: 'smartcard', roleId: practitioner!.person_roleid });
    expect(answer.statusCode).toBe(403);
    expect(readable(answer.body)).toContain(`The national role you chose (Clinical Practitioner Access Role at ${nurse.organisation_name} (${practitioner!.org_code})) does not fit the role of your Joinery account there (Practice nurse).`);
    refusalLogged('role-mismatch');
    const [{ n }] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM session WHERE professional_id = ${nurse.id}::uuid AND nrbac_role_id = ${practitioner!.person_roleid}`);
    expect(n).toBe(0);
  });

  it('signing out ends the Joinery session and sends the browser to CIS2 to end its session, coming back to /signed-out', async () => {
    const gp = await demo('gp');
    const [own] = await rolesOf(gp.uid);
    const b = browser();
    await b.signIn('/sign-in/cis2', { person: gp.uid, authenticator: 'smartcard', roleId: own!.person_roleid });
    const home = await b.joineryRequest('GET', '/');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)![1]!;
    const out = await b.joineryRequest('POST', '/sign-out', { _csrf: csrf });
    expect(out.statusCode).toBe(303);
    const end = new URL(out.location!);
    expect(`${end.origin}`).toBe(j.nhsSignIn!.cis2!.issuer);
    expect(end.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/signed-out`);
    expect((await b.joineryRequest('GET', '/')).location).toMatch(/^\/sign-in/);
    const back = await b.atProvider(end.href, { person: gp.uid });
    expect(back).toBe(`${PUBLIC_URL}/signed-out`);
    expect(readable((await b.joineryRequest('GET', back)).body)).toContain('You have signed out of Joinery');
  });

  it('the sign-in page offers CIS2 and NHS login as links that need no JavaScript, above the password form', async () => {
    const page = await browser().joineryRequest('GET', '/sign-in?next=/children');
    expect(page.body).toMatch(/<a href="\/sign-in\/cis2\?next=%2Fchildren"[^>]*class="nhsuk-button[^"]*"|class="nhsuk-button[^"]*"[^>]*href="\/sign-in\/cis2\?next=%2Fchildren"/);
    expect(page.body).toContain('href="/sign-in/nhs-login"');
    expect(page.body.indexOf('Sign in with NHS CIS2')).toBeLessThan(page.body.indexOf('action="/sign-in"'));
  });
});

describe('when an ICS switches password sign-in off', () => {
  let j: TestJoinery;
  beforeAll(async () => {
    j = await startJoinery('pglite', 100, { JOINERY_PASSWORD_SIGN_IN: 'off' }, { nhsSignIn: true });
  });
  afterAll(() => j?.close());

  it('the sign-in page has no password form, and a password sent anyway is refused', async () => {
    const b = new SignInBrowser(j.app, PUBLIC_URL);
    const page = await b.joineryRequest('GET', '/sign-in');
    expect(page.body).toContain('Sign in with NHS CIS2');
    expect(page.body).not.toContain('action="/sign-in"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? b.joinery.get('joinery_csrf') ?? '';
    const res = await b.joineryRequest('POST', '/sign-in', { email: 'gp@demo.joinery.test', password: 'correct-horse-battery', _csrf: csrf });
    expect(res.statusCode).toBe(403);
    expect(readable(res.body)).toContain('This ICS has switched off signing in with an email address and password');
  });
});
