import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { formatNhsNumber } from '../platform/identity/nhs-number.js';
import { londonToday } from '../platform/time/form-dates.js';

const kinds = await databaseKinds();
type ChildRow = { id: string; nhs_number: string; given_name: string; family_name: string };

/** Rows of the log's table as text, one line each. */
const tableRows = (html: string) => {
  const body = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => pageText(m[1]));
};

describe.each(kinds)("the privacy officer's access log of the whole ICS (%s)", (kind) => {
  let j: TestJoinery;
  let mine: ChildRow;
  let notMine: ChildRow;
  let gpName: string;
  let po: TestClient;

  const one = async <T>(query: ReturnType<typeof sql>) => (await rows<T>(j.db.owner, query))[0];
  const listedAudits = async (childId: string) =>
    (await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${childId}::uuid AND action = 'privacy.access-log'`)).n;
  const dateQuery = (name: string, iso: string) => {
    const [y, m, d] = iso.split('-');
    return `${name}-day=${Number(d)}&${name}-month=${Number(m)}&${name}-year=${y}`;
  };

  beforeAll(async () => {
    j = await startJoinery(kind);
    const practice = sql`(SELECT organisation_id FROM professional WHERE email = 'gp@demo.joinery.test')`;
    mine = await one<ChildRow>(sql`SELECT id, nhs_number, given_name, family_name FROM child
      WHERE registered_practice_id = ${practice} ORDER BY id LIMIT 1`);
    notMine = await one<ChildRow>(sql`SELECT id, nhs_number, given_name, family_name FROM child
      WHERE ics_id = ${j.ics.icsId}::uuid AND registered_practice_id <> ${practice} ORDER BY id LIMIT 1`);
    gpName = (await one<{ name: string }>(sql`SELECT name FROM professional WHERE email = 'gp@demo.joinery.test'`)).name;
    // The GP opens their own patient's record, then takes emergency access to a child who is not theirs and opens it.
    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test');
    expect((await gp.get(`/children/${mine.id}`)).statusCode).toBe(200);
    expect((await gp.post(`/children/${notMine.id}/break-glass`, { reason: 'Seen at the walk-in centre, wheezy' })).statusCode).toBe(303);
    expect((await gp.get(`/children/${notMine.id}`)).statusCode).toBe(200);
    po = await new TestClient(j.app).signIn('privacy-officer@demo.joinery.test');
  });
  afterAll(() => j?.close());

  it("finds one child's events by their NHS number typed with spaces, and audits only the children on the page shown", async () => {
    const res = await po.get(`/privacy/access-log?nhs=${encodeURIComponent(formatNhsNumber(notMine.nhs_number))}`);
    expect(res.statusCode).toBe(200);
    const found = tableRows(res.body);
    expect(found.length).toBeGreaterThanOrEqual(2);
    for (const row of found) expect(row).toContain(`${notMine.given_name} ${notMine.family_name}`);
    expect(found.some((r) => r.includes('Emergency access for') && r.includes('Seen at the walk-in centre, wheezy'))).toBe(true);
    expect(res.body).not.toContain(mine.family_name);
    expect(await listedAudits(notMine.id)).toBe(1);
    expect(await listedAudits(mine.id)).toBe(0);
  });

  it('shows only what was done under emergency access when asked, each marked so', async () => {
    const res = await po.get('/privacy/access-log?emergency=yes');
    const found = tableRows(res.body);
    expect(found.length).toBeGreaterThanOrEqual(2);
    for (const row of found) expect(row).toContain(notMine.family_name);
    expect(found.every((r) => r.includes('(under emergency access)'))).toBe(true);
    expect(res.body).not.toContain(mine.family_name);
  });

  it("offers in its action list exactly the kinds of action this ICS's log holds", async () => {
    const res = await po.get('/privacy/access-log');
    const select = /<select[^>]*name="action"[^>]*>([\s\S]*?)<\/select>/.exec(res.body)?.[1] ?? '';
    const offered = [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    const held = (await rows<{ action: string }>(j.db.owner, sql`SELECT DISTINCT action FROM audit_event WHERE ics_id = ${j.ics.icsId}::uuid`))
      .map((r) => r.action);
    expect(offered).toContain('child.break-glass');
    expect([...offered].sort()).toEqual([...held].sort());
  });

  it('searches by person and action, and by dates', async () => {
    const surname = gpName.split(' ').at(-1)!;
    const viewed = tableRows((await po.get(`/privacy/access-log?q=${encodeURIComponent(surname)}&action=child.view-summary`)).body);
    expect(viewed).toHaveLength(2);
    for (const row of viewed) expect(row).toContain(gpName);
    expect(viewed.join('\n')).toContain(mine.family_name);
    expect(viewed.join('\n')).toContain(notMine.family_name);

    const today = londonToday();
    const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(tableRows((await po.get(`/privacy/access-log?action=child.view-summary&${dateQuery('from', today)}&${dateQuery('to', today)}`)).body)).toHaveLength(2);
    const future = await po.get(`/privacy/access-log?${dateQuery('from', tomorrow)}`);
    expect(future.body).toContain('No events match the filter.');
  });

  it('pages a long log, 50 events a page, keeping the filter in the page links', async () => {
    // 60 reads of one child by the GP, as the audit would have them.
    await j.db.owner.execute(sql`INSERT INTO audit_event (ics_id, professional_id, role, organisation_id, child_id, action, what, at)
      SELECT p.ics_id, p.id, p.role, p.organisation_id, ${mine.id}::uuid, 'record.read', 'Read the shared record', now() - make_interval(mins => g)
        FROM professional p, generate_series(1, 60) g WHERE p.email = 'gp@demo.joinery.test'`);
    const first = await po.get('/privacy/access-log?action=record.read');
    expect(pageText(first.body)).toContain('Showing 1 to 50 of 60 events.');
    expect(first.body).toContain('href="/privacy/access-log?action=record.read&amp;page=2"');
    const second = await po.get('/privacy/access-log?action=record.read&page=2');
    expect(pageText(second.body)).toContain('Showing 51 to 60 of 60 events.');
    expect(tableRows(second.body)).toHaveLength(10);
  });

  it('says what is wrong with a filter it cannot use, and is the privacy officer’s alone', async () => {
    const bad = await po.get('/privacy/access-log?nhs=12345&from-day=31&from-month=2&from-year=2026');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#nhs"');
    expect(bad.body).toContain('Enter a 10-digit NHS number, like 999 123 4560');
    const gp = await new TestClient(j.app).signIn('gp@demo.joinery.test');
    const refused = await gp.get('/privacy/access-log');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain(notMine.family_name);
  });
});
