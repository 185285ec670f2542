import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../platform/db/client.js';
import { freshDatabase } from '../../test/database.js';
import { deferIndexesOfEmptyTables } from './deferred-indexes.js';

/** The indexes on the child table, by name: what a search of a live ICS's children relies on. */
const childIndexes = async (tx: Tx) =>
  (await rows<{ indexname: string }>(tx, sql`SELECT indexname FROM pg_indexes WHERE tablename = 'child' ORDER BY 1`)).map((i) => i.indexname);

/** Rolls back whatever fn did, so each case starts from the same database. */
class Undo extends Error {}
async function inRolledBack(db: Database, fn: (tx: Tx) => Promise<void>): Promise<void> {
  await db.owner.transaction(async (tx) => {
    await fn(tx);
    throw new Undo();
  }).catch((e: unknown) => {
    if (!(e instanceof Undo)) throw e;
  });
}

const addIcs = (tx: Tx, name: string) => {
  const id = crypto.randomUUID();
  return tx.execute(sql`INSERT INTO ics (id, name, code) VALUES (${id}::uuid, ${name}, ${name.toUpperCase().replace(/ /g, '-')})`).then(() => id);
};

describe('a generated ICS builds its indexes after the load only when no other ICS can be kept waiting', () => {
  let db: Database;
  let before: string[];
  beforeAll(async () => {
    db = await freshDatabase('pglite');
    before = await childIndexes(db.owner);
  }, 120_000);
  afterAll(() => db?.close());

  it('the first ICS into empty tables drops the search indexes for the load and builds each one again from its definition', async () => {
    await inRolledBack(db, async (tx) => {
      const first = await addIcs(tx, 'First ICS');
      const build = await deferIndexesOfEmptyTables(tx, first, ['child'], { citus: false, server: false });
      const during = await childIndexes(tx);
      // The key (ICS, id) stays, being a constraint; the search indexes go for the load.
      expect(during).toEqual(['child_ics_id_id_pk']);
      expect(during.length).toBeLessThan(before.length);
      expect(await build()).toBe(before.length - during.length);
      expect(await childIndexes(tx)).toEqual(before);
    });
  });

  it('with another ICS set up but holding no children yet, nothing is dropped, so its users never wait on the generator', async () => {
    await inRolledBack(db, async (tx) => {
      await addIcs(tx, 'Live ICS');
      const second = await addIcs(tx, 'Training ICS');
      const build = await deferIndexesOfEmptyTables(tx, second, ['child'], { citus: false, server: false });
      expect(await childIndexes(tx)).toEqual(before);
      expect(await build()).toBe(0);
    });
  });
});
