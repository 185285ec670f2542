import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient } from '../../test/http.js';

const kinds = await databaseKinds();

/** Ending someone's care team membership ends their access to the child, and is audited. */
describe.each(kinds)('ending care team membership (%s)', (kind) => {
  let j: TestJoinery;
  let child: { id: string; social_worker: string };
  const signIn = (role: string) => TestClient.signIn(j.app, `${role}@demo.joinery.test`);

  beforeAll(async () => {
    j = await startJoinery(kind);
    [child] = await rows(j.db.owner, sql`SELECT c.id, m.professional_id AS social_worker FROM child c
      JOIN care_team_member m ON m.child_id = c.id AND m.ended_at IS NULL
      JOIN professional p ON p.id = m.professional_id AND p.email = 'social-worker@demo.joinery.test'
      WHERE NOT EXISTS (SELECT 1 FROM mdt_case mc WHERE mc.child_id = c.id) ORDER BY c.id LIMIT 1`);
  }, 120_000);
  afterAll(() => j?.close());

  it('refuses someone without a relationship; a social worker who leaves the team loses access with it', async () => {
    const sw = await signIn('social-worker');
    expect((await sw.get(`/children/${child.id}`)).statusCode).toBe(200);
    const youth = await signIn('youth-justice-worker');
    await youth.get('/');
    expect((await youth.post(`/children/${child.id}/care-team/${child.social_worker}/end`, {})).statusCode).toBe(403);

    const summary = await sw.get(`/children/${child.id}`);
    expect(summary.body).toContain(`/children/${child.id}/care-team/${child.social_worker}/end`);
    const ended = await sw.post(`/children/${child.id}/care-team/${child.social_worker}/end`, {});
    expect(ended.statusCode).toBe(303);
    expect((await sw.get(`/children/${child.id}`)).statusCode).toBe(403);
    const [audit] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM audit_event WHERE child_id = ${child.id}::uuid AND action = 'care-team.end'`);
    expect(audit.n).toBe(1);
    expect((await sw.post(`/children/${child.id}/care-team/${child.social_worker}/end`, {})).statusCode).toBe(403);
  });
});
