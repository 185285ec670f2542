import type { Tx, Database } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { migrationVersion } from '../platform/db/migrate.js';
import { childCounts } from '../children/service.js';
import { awaitingReviewCounts } from '../privacy/service.js';
import { organisationCounts } from '../organisations/service.js';
import * as store from './store.js';

/** Counts (never names) for a home page. */
export type HomeCounts = {
  care_team: number; awaiting_review: number; reveals_awaiting_review: number; organisations: number; clusters: number; professionals: number; children: number;
};

/**
 * The counts on the actor's home page, each asked of the capability that
 * owns it: only those the actor's policies open to them are counted; a
 * closed group is 0 and never asked of the database.
 */
export async function homeCounts(tx: Tx, actor: Actor): Promise<HomeCounts> {
  const children = await childCounts(tx, actor, policy.viewPopulation(actor).allowed);
  const reviews = policy.reviewBreakGlass(actor).allowed ? await awaitingReviewCounts(tx, actor.icsId) : { breakGlass: 0, reveals: 0 };
  const organisations = policy.manageOrganisations(actor).allowed ? await organisationCounts(tx, actor.icsId) : { organisations: 0, clusters: 0, professionals: 0 };
  return {
    care_team: children.careTeam, children: children.children,
    awaiting_review: reviews.breakGlass, reveals_awaiting_review: reviews.reveals, ...organisations,
  };
}

/** For the health check: which database, the last migration applied, and that it answers a query now. */
export async function health(db: Database) {
  const migration = await migrationVersion(db);
  await db.platform((tx) => store.databaseAnswers(tx));
  return { database: db.kind, migration };
}
