import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, setTenant, writeWithNext, type Database } from './client.js';
import { generateIcs } from '../../synth/generate.js';
import { databaseKinds, freshDatabase } from '../../../test/database.js';

const kinds = await databaseKinds();

/**
 * Each request's transaction begins with its role, tenant and savepoint in
 * BEGIN's round trip, and the server keeps each statement prepared on its
 * connection (connect.ts, decision record 0021). Neither may let one request
 * see another ICS's rows or leave a connection in a state the next one inherits.
 */
describe.each(kinds)('request transactions (%s)', (kind) => {
  let j: { db: Database };
  let icsIds: [string, string];

  beforeAll(async () => {
    const db = await freshDatabase(kind);
    j = { db };
    // Two small ICSs are enough: what matters is that each sees only its own.
    const made = (icsName: string, seed: number) => generateIcs(db, { children: 40, seed, icsName, demoEmailDomain: `${seed}.joinery.test`, demoPasswordHash: 'unused', today: '2026-11-23' });
    icsIds = [(await made('One ICS', 21)).icsId, (await made('Other ICS', 22)).icsId];
  });
  afterAll(() => j?.db.close());

  it('the same statement, run again and again for two ICSs in turn, sees only the current ICS’s children each time', async () => {
    // More than the five runs after which PostgreSQL may switch a prepared statement to one generic plan.
    for (let run = 0; run < 16; run++) {
      const icsId = icsIds[run % 2];
      const seen = await j.db.tenant(icsId, (tx) => rows<{ ics_id: string }>(tx, sql`SELECT DISTINCT ics_id FROM child WHERE date_of_birth > ${'1900-01-01'}::date`));
      expect(seen.map((s) => s.ics_id)).toEqual([icsId]);
    }
  });

  it('every transaction runs as the app’s role with its own ICS, also after one that failed part-way', async () => {
    const [icsId] = icsIds;
    const failing = j.db.tenant(icsId, async (tx) => {
      await tx.execute(sql`SELECT 1 / ${0}::int`);
    });
    await expect(failing).rejects.toThrow();
    for (const id of [...icsIds, ...icsIds]) {
      const [who] = await j.db.tenant(id, (tx) => rows<{ role: string; ics: string }>(tx, sql`SELECT current_user AS role, current_setting('app.ics_id') AS ics`));
      expect(who).toEqual({ role: 'joinery_app', ics: id });
    }
    const [platform] = await j.db.platform((tx) => rows<{ role: string; ics: string }>(tx, sql`SELECT current_user AS role, current_setting('app.ics_id') AS ics`));
    expect(platform).toEqual({ role: 'joinery_app', ics: '' });
  });

  it('what a failed transaction wrote is gone; what a finished one wrote stays', async () => {
    const [icsId] = icsIds;
    const [child] = await rows<{ id: string; family_name: string }>(j.db.owner, sql`SELECT id, family_name FROM child WHERE ics_id = ${icsId}::uuid ORDER BY id LIMIT 1`);
    await expect(j.db.tenant(icsId, async (tx) => {
      await tx.execute(sql`UPDATE child SET family_name = ${'Rolled-back'} WHERE id = ${child.id}::uuid`);
      throw new Error('stopped part-way');
    })).rejects.toThrow('stopped part-way');
    const [after] = await rows<{ family_name: string }>(j.db.owner, sql`SELECT family_name FROM child WHERE id = ${child.id}::uuid`);
    expect(after.family_name).toBe(child.family_name);
  });

  it('a write sent with the next statement (the audit’s way) is in its transaction: read back at once, kept on commit, gone when it fails, quotes and all', async () => {
    const [icsId] = icsIds;
    const [child] = await rows<{ id: string; family_name: string }>(j.db.owner, sql`SELECT id, family_name FROM child WHERE ics_id = ${icsId}::uuid ORDER BY id DESC LIMIT 1`);
    const name = `O'Brien \\ "Late" ${kind}`;
    const readBack = await j.db.tenant(icsId, async (tx) => {
      await writeWithNext(tx, sql`UPDATE child SET family_name = ${name} WHERE id = ${child.id}::uuid`);
      return rows<{ family_name: string }>(tx, sql`SELECT family_name FROM child WHERE id = ${child.id}::uuid`);
    });
    expect(readBack).toEqual([{ family_name: name }]);
    await expect(j.db.tenant(icsId, async (tx) => {
      await writeWithNext(tx, sql`UPDATE child SET family_name = ${'Rolled-back'} WHERE id = ${child.id}::uuid`);
      throw new Error('stopped part-way');
    })).rejects.toThrow('stopped part-way');
    // Written last, it goes with the COMMIT.
    await j.db.tenant(icsId, (tx) => writeWithNext(tx, sql`UPDATE child SET family_name = ${child.family_name} WHERE id = ${child.id}::uuid`));
    const [after] = await rows<{ family_name: string }>(j.db.owner, sql`SELECT family_name FROM child WHERE id = ${child.id}::uuid`);
    expect(after.family_name).toBe(child.family_name);
    // A late write that fails fails its transaction, at the statement it travels with.
    await expect(j.db.tenant(icsId, (tx) => writeWithNext(tx, sql`UPDATE child SET date_of_birth = ${'not a date'}::date WHERE id = ${child.id}::uuid`))).rejects.toThrow();
  });

  it('an ICS id that is not a UUID is refused before any statement is sent', async () => {
    await expect(j.db.tenant(`x'); SELECT ('`, async () => 'ran')).rejects.toThrow('An ICS id is a UUID.');
    await expect(j.db.platform((tx) => setTenant(tx, `x'; RESET ROLE; SELECT '`))).rejects.toThrow('An ICS id is a UUID.');
  });

  it('the tenant is set with SET LOCAL, the statement Citus passes on to its workers, and a tenant found part-way (sign-in, a FHIR token) lasts only to the end of its transaction', async () => {
    const [icsId, otherId] = icsIds;
    const inTransaction = await j.db.platform(async (tx) => {
      const before = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM child`);
      await setTenant(tx, icsId);
      const after = await rows<{ ics_id: string }>(tx, sql`SELECT DISTINCT ics_id FROM child`);
      const [settings] = await rows<{ propagate: string }>(tx, sql`SELECT current_setting('citus.propagate_set_commands') AS propagate`);
      return { before: before[0].n, after: after.map((a) => a.ics_id), ...settings };
    });
    expect(inTransaction).toEqual({ before: 0, after: [icsId], propagate: 'local' });
    // Connections are reused: the next transactions start with only what they set themselves.
    for (let i = 0; i < 12; i++) {
      const [{ n }] = await j.db.platform((tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM child`));
      expect(n).toBe(0);
      const seen = await j.db.tenant(otherId, (tx) => rows<{ ics_id: string }>(tx, sql`SELECT DISTINCT ics_id FROM child`));
      expect(seen.map((s) => s.ics_id)).toEqual([otherId]);
    }
  });
});
