import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { TestClient, pageText } from '../../test/http.js';
import { addMonths, londonToday } from '../platform/time/form-dates.js';

const kinds = await databaseKinds();

/**
 * Two health visitors of the same community team press "Take this on" for
 * the same team action at the same moment: exactly one becomes its owner,
 * the other is told who took it (a 409, never a 500 or a silent overwrite).
 */
describe.each(kinds)('taking on a team action (%s)', (kind) => {
  let j: TestJoinery;
  let first: TestClient;
  let second: TestClient;
  let names: Record<string, string>;
  let team: { organisation_id: string; child_id: string; accountable: string };

  beforeAll(async () => {
    j = await startJoinery(kind, 300);
    const [demo] = await rows<{ id: string; name: string; organisation_id: string; password_hash: string }>(j.db.owner, sql`SELECT id, name, organisation_id, password_hash
      FROM professional WHERE email = 'health-visitor@demo.joinery.test'`);
    // A colleague in the same team signs in too: give them the demo password.
    const [colleague] = await rows<{ id: string; name: string; email: string }>(j.db.owner, sql`SELECT id, name, email FROM professional
      WHERE organisation_id = ${demo.organisation_id}::uuid AND role = 'health-visitor' AND active AND id <> ${demo.id}::uuid ORDER BY id LIMIT 1`);
    await j.db.owner.execute(sql`UPDATE professional SET password_hash = ${demo.password_hash} WHERE id = ${colleague.id}::uuid`);
    const [child] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE ics_id = ${j.ics.icsId}::uuid ORDER BY id LIMIT 1`);
    team = { organisation_id: demo.organisation_id, child_id: child.id, accountable: demo.id };
    names = { [demo.id]: demo.name, [colleague.id]: colleague.name };
    first = await TestClient.signIn(j.app, 'health-visitor@demo.joinery.test');
    second = await TestClient.signIn(j.app, colleague.email);
  }, 300_000);
  afterAll(() => j?.close());

  async function teamAction(): Promise<string> {
    const id = crypto.randomUUID();
    await j.db.owner.execute(sql`INSERT INTO task (ics_id, id, child_id, source, source_id, agency, description, owner_organisation_id,
        accountable_professional_id, due_on, status, version, created_by)
      VALUES (${j.ics.icsId}::uuid, ${id}::uuid, ${team.child_id}::uuid, 'care-plan', ${crypto.randomUUID()}::uuid, 'health', 'Weigh at the next home visit',
        ${team.organisation_id}::uuid, ${team.accountable}::uuid, ${addMonths(londonToday(), 1)}::date, 'ready', 1, ${team.accountable}::uuid)`);
    return id;
  }

  const ownerOf = async (id: string) =>
    (await rows<{ owner_professional_id: string | null; version: number }>(j.db.owner, sql`SELECT owner_professional_id, version FROM task WHERE id = ${id}::uuid`))[0];
  /** Who was audited as taking the action on, for which child, and why they could. */
  const takes = (id: string) =>
    rows<{ professional_id: string; child_id: string; why: string }>(j.db.owner, sql`SELECT professional_id, child_id, why FROM audit_event WHERE action = 'task.take' AND details->>'taskId' = ${id}`);

  it('lets exactly one of two simultaneous takes land and tells the other who took it', async () => {
    for (let round = 0; round < 3; round++) {
      const id = await teamAction();
      for (const c of [first, second]) expect(pageText((await c.get(`/tasks/${id}`)).body)).toContain('Take this on');
      const answers = await Promise.all([first, second].map((c) => c.post(`/tasks/${id}/take`, { version: '1' })));
      expect(answers.map((a) => a.statusCode).sort()).toEqual([303, 409]);
      const after = await ownerOf(id);
      expect(after.version).toBe(2);
      const refused = answers.find((a) => a.statusCode === 409)!;
      expect(pageText(refused.body)).toContain(`Someone else took this action on first: ${names[after.owner_professional_id!]} now owns it.`);
      expect(await takes(id)).toEqual([{ professional_id: after.owner_professional_id, child_id: team.child_id, why: 'action for your team' }]);
    }
  });

  it('refuses a take from a page opened before someone else changed the action', async () => {
    const id = await teamAction();
    await j.db.owner.execute(sql`UPDATE task SET status = 'in-progress', version = 2 WHERE id = ${id}::uuid`);
    const stale = await first.post(`/tasks/${id}/take`, { version: '1' });
    expect(stale.statusCode).toBe(409);
    expect(pageText(stale.body)).toContain('Someone else changed this action after you opened it');
    expect((await ownerOf(id)).owner_professional_id).toBeNull();
    expect((await first.post(`/tasks/${id}/take`, { version: '2' })).statusCode).toBe(303);
    const again = await first.post(`/tasks/${id}/take`, { version: '3' });
    expect(again.statusCode).toBe(409);
    expect(pageText(again.body)).toContain('You have already taken this action on.');
  });
});
