import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { auditMark, auditSince } from '../../test/audit.js';
import { addToWorklists } from './service.js';

const kinds = await databaseKinds();

describe.each(kinds)('the worklist page (%s)', (kind) => {
  let j: TestJoinery;
  const idOf = async (email: string) => (await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM professional WHERE email = ${email}`))[0].id;

  beforeAll(async () => {
    j = await startJoinery(kind, 200);
    const sw = await idOf('social-worker@demo.joinery.test');
    const hv = await idOf('health-visitor@demo.joinery.test');
    await j.db.tenant(j.ics.icsId, (tx) => addToWorklists(tx, j.ics.icsId, [
      { professionalId: sw, kind: 'note', title: 'Second item WL', link: '/children' },
      { professionalId: sw, kind: 'note', title: 'Elsewhere item WL', link: 'https://evil.example/phish' },
      { professionalId: hv, kind: 'note', title: 'Not yours WL', link: '/children' },
    ]));
    await j.db.owner.execute(sql`UPDATE worklist_item SET created_at = now() - interval '2 days' WHERE title = 'Elsewhere item WL'`);
  });
  afterAll(() => j?.close());

  it('shows the professional’s own open items, oldest first, with safe links only', async () => {
    const sw = await TestClient.signIn(j.app, 'social-worker@demo.joinery.test');
    const res = await sw.get('/worklist');
    expect(res.statusCode).toBe(200);
    const text = pageText(res.body);
    expect(text.indexOf('Elsewhere item WL')).toBeLessThan(text.indexOf('Second item WL'));
    expect(text).not.toContain('Not yours WL');
    expect(res.body).not.toContain('evil.example');
    expect(res.body).toContain('href="/worklist"');
  });

  it('audits each child the worklist names, once, with who saw the list and why; items about no child audit nothing', async () => {
    const sw = await idOf('social-worker@demo.joinery.test');
    const [child] = await rows<{ id: string; given_name: string; family_name: string }>(j.db.owner, sql`SELECT id, given_name, family_name FROM child WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
    await j.db.tenant(j.ics.icsId, (tx) => addToWorklists(tx, j.ics.icsId, [1, 2].map((n) => ({
      professionalId: sw, kind: 'clinic-letter', childId: child.id, title: `Clinic letter ${n} for ${child.given_name} ${child.family_name}`, link: '/children',
    }))));
    const mark = await auditMark(j.db);
    const client = await TestClient.signIn(j.app, 'social-worker@demo.joinery.test');
    expect(pageText((await client.get('/worklist')).body)).toContain(`Clinic letter 2 for ${child.given_name} ${child.family_name}`);
    expect(await auditSince(j.db, mark, { action: 'worklist.list' })).toEqual([
      { actor: sw, role: 'social-worker', child: child.id, action: 'worklist.list', what: 'Named in your worklist', why: 'worklist of a social worker', details: null },
    ]);
    await j.db.owner.execute(sql`UPDATE worklist_item SET done_at = now() WHERE child_id = ${child.id}::uuid AND professional_id = ${sw}::uuid`);
  });

  it('marks an item done once; another’s item, or a malformed id, is not found', async () => {
    const [mineItem] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM worklist_item WHERE title = 'Second item WL'`);
    const [theirs] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM worklist_item WHERE title = 'Not yours WL'`);
    const sw = await TestClient.signIn(j.app, 'social-worker@demo.joinery.test');
    expect((await sw.post(`/worklist/${theirs.id}/done`, {})).statusCode).toBe(404);
    expect((await sw.post('/worklist/not-an-id/done', {})).statusCode).toBe(404);
    expect((await sw.post(`/worklist/${mineItem.id}/done`, {}, { csrf: null })).statusCode).toBe(403);
    expect((await sw.post(`/worklist/${mineItem.id}/done`, {})).statusCode).toBe(303);
    expect((await sw.post(`/worklist/${mineItem.id}/done`, {})).statusCode).toBe(404);
    expect(pageText((await sw.get('/worklist')).body)).not.toContain('Second item WL');
    const [theirsAfter] = await rows<{ done_at: string | null }>(j.db.owner, sql`SELECT done_at FROM worklist_item WHERE id = ${theirs.id}::uuid`);
    expect(theirsAfter.done_at).toBeNull();
  });

  it('roles that do not care for children have no worklist and no link to one', async () => {
    for (const role of ['admin', 'ics-analyst']) {
      const c = await TestClient.signIn(j.app, `${role}@demo.joinery.test`);
      expect((await c.get('/')).body).not.toContain('href="/worklist"');
      expect((await c.get('/worklist')).statusCode).toBe(403);
    }
  });
});
