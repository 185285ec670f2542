import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../src/platform/db/client.js';
import { databaseKinds, freshDatabase } from './database.js';

const kinds = await databaseKinds();

/**
 * On a Citus worker a row trigger fires on a shard, a table named for its
 * distributed table and the shard's number (child_flag_102008). The version
 * triggers (FHIR vread, If-Match) must keep what they keep under the table's
 * own name there too. Without Citus (CI has none) a table of the same shape
 * and a shard's name, with the same trigger, stands in for the shard.
 */
describe.each(kinds)('version triggers on a Citus shard (%s)', (kind) => {
  let db: Database;
  const ics = crypto.randomUUID();

  beforeAll(async () => {
    db = await freshDatabase(kind);
    await db.owner.execute(sql`INSERT INTO ics (id, name, code) VALUES (${ics}::uuid, 'Northshire ICS', 'NTH')`);
  }, 240_000);
  afterAll(() => db?.close());

  it('no Joinery table is named like a shard, so taking the shard’s number off a name changes nothing on one server', async () => {
    expect(await rows(db.owner, sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '_[0-9]+$'`)).toEqual([]);
  });

  it('a flag changed on its shard keeps its old version as the Flag’s (child_flag), and moves to version 2', async () => {
    await db.owner.execute(sql.raw(`CREATE TABLE child_flag_102008 (LIKE child_flag INCLUDING ALL)`));
    await db.owner.execute(sql.raw(`CREATE TRIGGER shard_keeps_versions BEFORE UPDATE ON child_flag_102008 FOR EACH ROW EXECUTE FUNCTION joinery_keep_version('id')`));
    const flag = crypto.randomUUID();
    await db.owner.execute(sql`INSERT INTO child_flag_102008 (ics_id, id, child_id, kind, started_on, version, updated_at)
      VALUES (${ics}::uuid, ${flag}::uuid, ${crypto.randomUUID()}::uuid, 'cp-is', '2026-01-05', 1, now() - interval '1 hour')`);
    await db.owner.execute(sql`UPDATE child_flag_102008 SET ended_on = '2026-11-30' WHERE ics_id = ${ics}::uuid AND id = ${flag}::uuid`);
    expect(await rows(db.owner, sql`SELECT table_name, row_key, version, snapshot ->> 'ended_on' AS ended_on FROM row_version WHERE ics_id = ${ics}::uuid`))
      .toEqual([{ table_name: 'child_flag', row_key: flag, version: 1, ended_on: null }]);
    expect(await rows(db.owner, sql`SELECT version FROM child_flag_102008 WHERE id = ${flag}::uuid`)).toEqual([{ version: 2 }]);
  });

  it('a carer changed on their shard is taken for a carer (related_person), not refused as some other table', async () => {
    await db.owner.execute(sql.raw(`CREATE TABLE related_person_102040 (LIKE related_person INCLUDING ALL)`));
    await db.owner.execute(sql.raw(`CREATE TRIGGER shard_moves_carers_versions BEFORE UPDATE ON related_person_102040 FOR EACH ROW EXECUTE FUNCTION joinery_new_version_of_shown()`));
    const carer = crypto.randomUUID();
    await db.owner.execute(sql`INSERT INTO related_person_102040 (ics_id, id, given_name, family_name) VALUES (${ics}::uuid, ${carer}::uuid, 'Sam', 'Testparent')`);
    await db.owner.execute(sql`UPDATE related_person_102040 SET family_name = 'Newname' WHERE ics_id = ${ics}::uuid AND id = ${carer}::uuid`);
    expect(await rows(db.owner, sql`SELECT family_name FROM related_person_102040 WHERE id = ${carer}::uuid`)).toEqual([{ family_name: 'Newname' }]);
  });
});
