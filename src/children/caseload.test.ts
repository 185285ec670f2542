import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient } from '../../test/http.js';
import { formatNhsNumber } from '../platform/identity/nhs-number.js';

const kinds = await databaseKinds();

/** The children each row of a page links to, in order. */
const listed = (body: string) => [...body.matchAll(/href="\/children\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

describe.each(kinds)('My children: the caseload and why (%s)', (kind) => {
  let j: TestJoinery;
  const q = <T>(query: ReturnType<typeof sql>) => rows<T>(j.db.owner, query);
  const professional = async (email: string) => (await q<{ id: string; organisation_id: string; organisation: string }>(sql`
    SELECT p.id, p.organisation_id, o.name AS organisation FROM professional p JOIN organisation o ON o.id = p.organisation_id WHERE p.email = ${email}`))[0];

  /** Every page of the list, following its own "next" links as a user would. */
  async function allPages(client: TestClient, first = '/my-children') {
    const ids: string[] = [];
    let url: string | undefined = first;
    for (let i = 0; url && i < 50; i++) {
      const res = await client.get(url);
      expect(res.statusCode).toBe(200);
      ids.push(...listed(res.body));
      url = /href="([^"]+)"[^>]*rel="next"/.exec(res.body)?.[1]?.replace(/&amp;/g, '&');
    }
    return ids;
  }

  beforeAll(async () => {
    j = await startJoinery(kind);
  });
  afterAll(() => j?.close());

  it('a GP sees exactly the children of their relationships: the practice’s registered children and their MDT cases, each with the reason; only the page shown is audited', async () => {
    const gp = await professional('gp@demo.joinery.test');
    const registered = (await q<{ id: string }>(sql`SELECT id FROM child WHERE registered_practice_id = ${gp.organisation_id}::uuid`)).map((c) => c.id);
    // The demo GP also sits on MDT meetings: a child from another practice discussed there is theirs for the MDT's sake.
    const discussed = (await q<{ id: string }>(sql`SELECT DISTINCT mc.child_id AS id FROM mdt_case mc
      JOIN mdt_meeting mm ON mm.id = mc.meeting_id JOIN mdt_member mb ON mb.meeting_id = mc.meeting_id
      JOIN child c ON c.id = mc.child_id
      WHERE mb.professional_id = ${gp.id}::uuid AND mb.removed_at IS NULL AND mc.status <> 'withdrawn' AND mm.status <> 'cancelled'
        AND mm.starts_at > now() - interval '30 days' AND c.registered_practice_id <> ${gp.organisation_id}::uuid`)).map((c) => c.id);
    expect(registered.length).toBeGreaterThan(25);
    const client = await TestClient.signIn(j.app, 'gp@demo.joinery.test');

    const first = await client.get('/my-children');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('href="/my-children" aria-current="page"');
    expect(first.body).toContain(`Registered practice: ${gp.organisation}`);
    expect(first.body).toContain(`of ${registered.length + discussed.length} children`);
    const shown = listed(first.body);
    expect(shown).toHaveLength(25);
    const audited = await q<{ child_id: string; why: string }>(sql`
      SELECT child_id, why FROM audit_event WHERE professional_id = ${gp.id}::uuid AND action = 'child.caseload' ORDER BY child_id`);
    expect(audited.map((a) => a.child_id)).toEqual([...shown].sort());
    for (const a of audited) {
      expect(a.why).toBe(registered.includes(a.child_id) ? `Registered practice: ${gp.organisation}` : 'MDT case discussion: on the case list of an MDT meeting you are invited to');
    }

    expect((await allPages(client)).sort()).toEqual([...registered, ...discussed].sort());
    for (const id of discussed) {
      const [child] = await q<{ nhs_number: string }>(sql`SELECT nhs_number FROM child WHERE id = ${id}::uuid`);
      const found = await client.get(`/my-children?q=${child.nhs_number}`);
      expect(listed(found.body)).toEqual([id]);
      expect(found.body).toContain('MDT case discussion: on the case list of an MDT meeting you are invited to');
      expect(found.body).not.toContain('Registered practice:');
    }
  });

  it('a social worker sees the children allocated to them, with their place in the care team as the reason', async () => {
    const sw = await professional('social-worker@demo.joinery.test');
    const allocated = await q<{ child_id: string; role_in_team: string }>(sql`
      SELECT child_id, role_in_team FROM care_team_member WHERE professional_id = ${sw.id}::uuid AND ended_at IS NULL`);
    expect(allocated.length).toBeGreaterThan(0);
    const client = await TestClient.signIn(j.app, 'social-worker@demo.joinery.test');
    const ids = await allPages(client);
    expect(ids).toEqual(expect.arrayContaining(allocated.map((a) => a.child_id)));
    // Anyone else on the list is there for another reason the page names (an MDT case, say), never for nothing.
    const page = await client.get('/my-children');
    for (const a of allocated.slice(0, 1)) {
      const [child] = await q<{ nhs_number: string }>(sql`SELECT nhs_number FROM child WHERE id = ${a.child_id}::uuid`);
      const found = await client.get(`/my-children?q=${encodeURIComponent(formatNhsNumber(child.nhs_number))}`);
      expect(listed(found.body)).toEqual([a.child_id]);
      expect(found.body).toContain(`Care team: ${a.role_in_team}`);
      expect(found.body).toContain(formatNhsNumber(child.nhs_number));
    }
    expect(page.body).not.toContain('Registered practice:');
  });

  it('searches by name within the caseload, keeps what was typed, and says so plainly when nothing matches', async () => {
    const gp = await professional('gp@demo.joinery.test');
    const [child] = await q<{ id: string; family_name: string }>(sql`
      SELECT id, family_name FROM child WHERE registered_practice_id = ${gp.organisation_id}::uuid ORDER BY id LIMIT 1`);
    const client = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    const byName = await client.get(`/my-children?q=${encodeURIComponent(child.family_name)}`);
    expect(byName.statusCode).toBe(200);
    expect(listed(byName.body)).toContain(child.id);
    expect(byName.body).toContain(`value="${child.family_name}"`);
    const sameSurname = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM child
      WHERE registered_practice_id = ${gp.organisation_id}::uuid AND (family_name_key LIKE ${`${child.family_name.toLowerCase()}%`} OR given_name_key LIKE ${`${child.family_name.toLowerCase()}%`})`);
    expect(listed(byName.body)).toHaveLength(sameSurname[0].n);

    const none = await client.get('/my-children?q=Zzyzxq');
    expect(none.statusCode).toBe(200);
    expect(listed(none.body)).toEqual([]);
    expect(none.body).toContain('No children you care for match ‘Zzyzxq’');
  });

  it('refuses a search it cannot read, with the reason beside the box, and lists nobody', async () => {
    const client = await TestClient.signIn(j.app, 'gp@demo.joinery.test');
    const long = await client.get(`/my-children?q=${'a'.repeat(101)}`);
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('There is a problem');
    expect(long.body).toContain('Your search must be 100 characters or fewer');
    expect(listed(long.body)).toEqual([]);
    const symbols = await client.get(`/my-children?q=${encodeURIComponent('<b>x</b>')}`);
    expect(symbols.statusCode).toBe(400);
    expect(symbols.body).toContain('Names can only include letters, spaces, hyphens and apostrophes');
    expect(symbols.body).not.toContain('<b>x</b>');
  });

  it('someone with no relationship is told so in plain words; a role that holds none is refused', async () => {
    const yj = await professional('youth-justice-worker@other.joinery.test');
    await q(sql`UPDATE care_team_member SET ended_at = now() WHERE professional_id = ${yj.id}::uuid`);
    const client = await TestClient.signIn(j.app, 'youth-justice-worker@other.joinery.test');
    const empty = await client.get('/my-children');
    expect(empty.statusCode).toBe(200);
    expect(listed(empty.body)).toEqual([]);
    expect(empty.body).toContain('You do not have a care relationship with any child yet.');

    const analyst = await TestClient.signIn(j.app, 'ics-analyst@demo.joinery.test');
    expect((await analyst.get('/my-children')).statusCode).toBe(403);
  });
});
