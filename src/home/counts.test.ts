import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { rows } from '../platform/db/client.js';
import { databaseKinds } from '../../test/database.js';
import { startJoinery, type TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { homeCounts } from './service.js';

const kinds = await databaseKinds();

/**
 * The counts on each role's home page: a professional's own care team, and
 * only the counts their role's policies open to them, each from their own
 * ICS. An emergency access awaiting review is planted in both ICSs, so a 0
 * means "not counted for this role", not "nothing there".
 */
describe.each(kinds)('the counts on a home page (%s)', (kind) => {
  let j: TestJoinery;
  /** A count read as the database owner, past row-level security, so the ICS filter here is the only one. */
  const countIn = async (icsId: string, table: string, where: SQL = sql`true`) =>
    (await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE ics_id = ${icsId}::uuid AND ${where}`))[0].n;
  const countsAs = async (email: string) => {
    const actor = await actorFor(j.db, email);
    return { actor, counts: await j.db.tenant(actor.icsId, (tx) => homeCounts(tx, actor)) };
  };

  beforeAll(async () => {
    j = await startJoinery(kind, 30);
    for (const { icsId, domain } of [{ icsId: j.ics.icsId, domain: 'demo' }, { icsId: j.other.icsId, domain: 'other' }]) {
      const gp = await actorFor(j.db, `gp@${domain}.joinery.test`);
      const [child] = await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM child WHERE ics_id = ${icsId}::uuid ORDER BY id LIMIT 1`);
      await j.db.owner.execute(sql`INSERT INTO break_glass (ics_id, id, professional_id, child_id, reason, expires_at)
        VALUES (${icsId}::uuid, ${crypto.randomUUID()}::uuid, ${gp.professionalId}::uuid, ${child.id}::uuid, 'Unconscious in the emergency department', now() + interval '4 hours')`);
    }
  }, 180_000);
  afterAll(() => j?.close());

  it('gives a GP their own care team and the ICS’s children, but no reviews, organisations or users, which are not theirs to see', async () => {
    const { actor, counts } = await countsAs('gp@demo.joinery.test');
    const [{ n: team }] = await rows<{ n: number }>(j.db.owner, sql`SELECT count(*)::int AS n FROM care_team_member
      WHERE professional_id = ${actor.professionalId}::uuid AND ended_at IS NULL`);
    expect(counts).toEqual({
      care_team: team, children: await countIn(j.ics.icsId, 'child'),
      awaiting_review: 0, reveals_awaiting_review: 0, organisations: 0, clusters: 0, professionals: 0,
    });
  });

  it('gives the privacy officer the emergency accesses and sensitive reveals awaiting review in their own ICS only', async () => {
    const { counts } = await countsAs('privacy-officer@demo.joinery.test');
    const awaiting = await countIn(j.ics.icsId, 'break_glass', sql`reviewed_at IS NULL`);
    expect(awaiting).toBeGreaterThan(0);
    expect(counts.awaiting_review).toBe(awaiting);
    expect(counts.reveals_awaiting_review).toBe(await countIn(j.ics.icsId, 'sensitive_reveal', sql`reviewed_at IS NULL`));
    expect(counts).toMatchObject({ organisations: 0, clusters: 0, professionals: 0, children: 0 });
  });

  it('gives the administrator this ICS’s organisations, clusters and users, never another ICS’s', async () => {
    const { counts } = await countsAs('admin@demo.joinery.test');
    expect(counts).toMatchObject({
      organisations: await countIn(j.ics.icsId, 'organisation'),
      clusters: await countIn(j.ics.icsId, 'cluster'),
      professionals: await countIn(j.ics.icsId, 'professional'),
      awaiting_review: 0,
    });
    expect(counts.organisations).toBeGreaterThan(0);
  });
});
