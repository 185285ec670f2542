import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { sql } from 'drizzle-orm';
import { startJoinery, type TestJoinery } from '../../../../test/joinery.js';
import { pageText } from '../../../../test/http.js';
import { auditMark } from '../../../../test/audit.js';
import { rows } from '../../db/client.js';
import { loadConfig } from '../../config.js';
import { standInStaff } from '../../../cli/nhs-sign-in.js';
import { SignInBrowser, readable } from './test-fixtures.js';

/**
 * One person, several Joinery accounts: the demo GP also works as a community
 * paediatrician, with an account for each, both linked to their one CIS2
 * identity. Over real HTTP against the stand-in CIS2, the role they choose
 * there decides which account they act as; a role that fits none is refused.
 */
const PUBLIC_URL = loadConfig({}).publicUrl;

type Account = { id: string; name: string; role: string; organisation_id: string; organisation_name: string; ods_code: string };

describe('one person with a Joinery account in each of two roles signs in with NHS CIS2', () => {
  let j: TestJoinery;
  let warn: MockInstance<typeof console.warn> | undefined;
  let uid: string;
  let asGp: Account;
  let asPaediatrician: Account;
  const browser = () => new SignInBrowser(j.app, PUBLIC_URL);
  const rolesOf = async () => (await standInStaff(j.db)).find((s) => s.uid === uid)!.roles;
  /** The national role the stand-in lists for an account: its organisation's ODS code. */
  const nationalRoleAt = async (a: Account) => (await rolesOf()).find((r) => r.org_code === a.ods_code)!;
  const latestSession = async () => (await rows<{ professional_id: string; method: string; nrbac_role_id: string }>(j.db.owner, sql`
    SELECT professional_id, method, nrbac_role_id FROM session WHERE professional_id IN (${asGp.id}::uuid, ${asPaediatrician.id}::uuid)
     ORDER BY created_at DESC LIMIT 1`))[0];
  const auditedSince = (mark: number, childId: string) => rows<{ action: string; role: string; organisation_id: string; professional_id: string; nrbac_role_id: string; sign_in_method: string }>(j.db.owner, sql`
    SELECT action, role, organisation_id, professional_id, nrbac_role_id, sign_in_method FROM audit_event WHERE id > ${mark} AND child_id = ${childId}::uuid`);

  beforeAll(async () => {
    j = await startJoinery('pglite', 100, {}, { nhsSignIn: true });
    [{ uid }] = await rows<{ uid: string }>(j.db.owner, sql`SELECT nhsid_useruid AS uid FROM professional WHERE email = 'gp@demo.joinery.test'`);
    const accounts = await rows<Account>(j.db.owner, sql`
      SELECT p.id, p.name, p.role, p.organisation_id, o.name AS organisation_name, o.ods_code
        FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id WHERE p.nhsid_useruid = ${uid} ORDER BY p.role`);
    expect(accounts.map((a) => a.role)).toEqual(['gp', 'paediatrician']);
    [asGp, asPaediatrician] = accounts as [Account, Account];
    expect(asPaediatrician.name).toBe(asGp.name);
  });
  afterAll(() => j?.close());
  afterEach(() => warn?.mockRestore());

  it('the stand-in CIS2 offers them as one person with a national role at each organisation where they have an account', async () => {
    const roles = await rolesOf();
    expect(roles.slice(0, 2).map((r) => [r.org_code, r.role_code])).toEqual([
      [asGp.ods_code, 'S8000:G8000:R8000'], [asPaediatrician.ods_code, 'S8000:G8000:R8000'],
    ]);
    expect((await standInStaff(j.db)).filter((s) => s.uid === uid)).toHaveLength(1);
  });

  it('choosing the GP role lands them as the GP, choosing the community role as the paediatrician: header, session, audit and each account’s last sign-in follow the choice', async () => {
    const [child] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE registered_practice_id = ${asGp.organisation_id}::uuid ORDER BY id LIMIT 1`);
    const gpRole = await nationalRoleAt(asGp);
    const paediatricianRole = await nationalRoleAt(asPaediatrician);
    const b = browser();

    const first = await b.signIn('/sign-in/cis2', { person: uid, authenticator: 'smartcard', roleId: gpRole.person_roleid });
    expect(first.answer.statusCode, readable(first.answer.body).slice(0, 300)).toBe(303);
    // CIS2 asked which role, offering both.
    expect(b.providerPages.some((p) => p.includes(gpRole.person_roleid) && p.includes(paediatricianRole.person_roleid))).toBe(true);
    const home = await b.joineryRequest('GET', '/');
    expect(pageText(home.body)).toContain(`${asGp.name} (GP, ${asGp.organisation_name}) · CIS2 role: Clinical Practitioner Access Role (AAL3_ANY)`);
    expect(await latestSession()).toEqual({ professional_id: asGp.id, method: 'cis2', nrbac_role_id: gpRole.person_roleid });
    const markGp = await auditMark(j.db);
    expect((await b.joineryRequest('GET', `/children/${child!.id}`)).statusCode).toBe(200);
    const asGpRows = await auditedSince(markGp, child!.id);
    expect(asGpRows.length).toBeGreaterThan(0);
    for (const row of asGpRows) {
      expect(row).toMatchObject({ role: 'gp', organisation_id: asGp.organisation_id, professional_id: asGp.id, nrbac_role_id: gpRole.person_roleid, sign_in_method: 'cis2' });
    }

    // Switching role is a new sign-in: sign out of Joinery and CIS2, then choose the other role.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)![1]!;
    const out = await b.joineryRequest('POST', '/sign-out', { _csrf: csrf });
    await b.atProvider(out.location!, { person: uid });
    const pagesBefore = b.providerPages.length;
    const second = await b.signIn('/sign-in/cis2', { person: uid, authenticator: 'smartcard', roleId: paediatricianRole.person_roleid });
    expect(second.answer.statusCode, readable(second.answer.body).slice(0, 300)).toBe(303);
    // CIS2 asked again, rather than remembering the last choice.
    expect(b.providerPages.slice(pagesBefore).some((p) => p.includes('Select your role'))).toBe(true);
    const home2 = await b.joineryRequest('GET', '/');
    expect(pageText(home2.body)).toContain(`${asPaediatrician.name} (Paediatrician, ${asPaediatrician.organisation_name}) · CIS2 role: Clinical Practitioner Access Role (AAL3_ANY)`);
    expect(await latestSession()).toEqual({ professional_id: asPaediatrician.id, method: 'cis2', nrbac_role_id: paediatricianRole.person_roleid });

    // As the paediatrician they have no relationship with the GP's patient: the door answers for that account, and says so in the audit.
    const markPaed = await auditMark(j.db);
    const refused = await b.joineryRequest('GET', `/children/${child!.id}`);
    expect(refused.statusCode).toBe(403);
    const asPaedRows = await auditedSince(markPaed, child!.id);
    expect(asPaedRows.map((r) => r.action)).toEqual(['child.access-refused']);
    expect(asPaedRows[0]).toMatchObject({
      role: 'paediatrician', organisation_id: asPaediatrician.organisation_id, professional_id: asPaediatrician.id, nrbac_role_id: paediatricianRole.person_roleid, sign_in_method: 'cis2',
    });

    const signIns = await rows<{ id: string; last_sign_in_method: string; last_sign_in_at: Date }>(j.db.owner, sql`
      SELECT id, last_sign_in_method, last_sign_in_at FROM professional WHERE id IN (${asGp.id}::uuid, ${asPaediatrician.id}::uuid)`);
    const at = new Map(signIns.map((s) => [s.id, s]));
    expect(at.get(asGp.id)!.last_sign_in_method).toBe('cis2');
    expect(at.get(asPaediatrician.id)!.last_sign_in_method).toBe('cis2');
    expect(new Date(at.get(asPaediatrician.id)!.last_sign_in_at).getTime()).toBeGreaterThan(new Date(at.get(asGp.id)!.last_sign_in_at).getTime());
  });

  it('a role at an organisation where they have no account is refused, naming the role and organisation chosen, where their accounts are, and whom to ask', async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const roles = await rolesOf();
    const elsewhere = roles.find((r) => r.org_code !== asGp.ods_code && r.org_code !== asPaediatrician.ods_code)!;
    const [{ name: elsewhereName }] = await rows<{ name: string }>(j.db.owner, sql`SELECT name FROM organisation WHERE ods_code = ${elsewhere.org_code}`);
    const { answer } = await browser().signIn('/sign-in/cis2', { person: uid, authenticator: 'smartcard', roleId: elsewhere.person_roleid });
    expect(answer.statusCode).toBe(403);
    expect(answer.location).toBeUndefined();
    const words = readable(answer.body);
    expect(words).toContain(`You chose Clinical Practitioner Access Role at ${elsewhereName} (${elsewhere.org_code}), but you have no Joinery account there.`);
    const places = [asGp, asPaediatrician].map((a) => `${a.organisation_name} (${a.ods_code})`).sort();
    expect(words).toContain(`Your Joinery accounts are at ${places[0]} and ${places[1]}: sign in again and choose your role there.`);
    expect(words).toContain('ask your ICS’s Joinery administrator');
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringContaining('"reason":"wrong-organisation"'));
  });

  it('an identity linked to accounts in two ICSs is refused, never one of them picked', async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const gpRole = await nationalRoleAt(asGp);
    const other = 'gp@other.joinery.test';
    const [{ before }] = await rows<{ before: string | null }>(j.db.owner, sql`SELECT nhsid_useruid AS before FROM professional WHERE email = ${other}`);
    await j.db.owner.execute(sql`UPDATE professional SET nhsid_useruid = ${uid} WHERE email = ${other}`);
    try {
      const { answer } = await browser().signIn('/sign-in/cis2', { person: uid, authenticator: 'smartcard', roleId: gpRole.person_roleid });
      expect(answer.statusCode).toBe(403);
      expect(readable(answer.body)).toContain('Your CIS2 identity is linked to Joinery accounts in more than one ICS, so Joinery cannot tell which one you mean.');
      expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringContaining('"reason":"account-linked-twice"'));
    } finally {
      await j.db.owner.execute(sql`UPDATE professional SET nhsid_useruid = ${before} WHERE email = ${other}`);
    }
  });
});
