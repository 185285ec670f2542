import type { Tx, Database } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { migrationVersion } from '../platform/db/migrate.js';
import * as store from './store.js';

export type { HomeCounts } from './store.js';

/** The counts on the actor's home page: only those their policies open to them are counted. */
export function homeCounts(tx: Tx, actor: Actor) {
  return store.homeCounts(tx, actor.professionalId, {
    reviews: policy.reviewBreakGlass(actor).allowed,
    organisations: policy.manageOrganisations(actor).allowed,
    population: policy.viewPopulation(actor).allowed,
  });
}

/** For the health check: which database, the last migration applied, and that it answers a query now. */
export async function health(db: Database) {
  const migration = await migrationVersion(db);
  await db.platform((tx) => store.databaseAnswers(tx));
  return { database: db.kind, migration };
}
