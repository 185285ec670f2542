import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';

/** Counts (never names) for a home page. */
export type HomeCounts = {
  care_team: number; awaiting_review: number; reveals_awaiting_review: number; organisations: number; clusters: number; professionals: number; children: number;
};

/** Which groups of counts the actor's policies open to them; a closed group is 0 and never asked of the database. */
export type CountsShown = { reviews: boolean; organisations: boolean; population: boolean };

/** One query for all of a home page's counts: the children in the professional's care team, and whatever else `shown` opens. */
export async function homeCounts(tx: Tx, professionalId: string, shown: CountsShown): Promise<HomeCounts> {
  const when = (open: boolean, count: SQL) => (open ? count : sql`0`);
  const [c] = await rows<HomeCounts>(
    tx,
    sql`SELECT
          (SELECT count(*)::int FROM care_team_member WHERE professional_id = ${professionalId}::uuid AND ended_at IS NULL) AS care_team,
          ${when(shown.reviews, sql`(SELECT count(*)::int FROM break_glass WHERE reviewed_at IS NULL)`)} AS awaiting_review,
          ${when(shown.reviews, sql`(SELECT count(*)::int FROM sensitive_reveal WHERE reviewed_at IS NULL)`)} AS reveals_awaiting_review,
          ${when(shown.organisations, sql`(SELECT count(*)::int FROM organisation)`)} AS organisations,
          ${when(shown.organisations, sql`(SELECT count(*)::int FROM cluster)`)} AS clusters,
          ${when(shown.organisations, sql`(SELECT count(*)::int FROM professional)`)} AS professionals,
          ${when(shown.population, sql`(SELECT count(*)::int FROM child)`)} AS children`,
  );
  return c;
}

/** Whether the database answers at all, for the health check. */
export async function databaseAnswers(tx: Tx): Promise<void> {
  await tx.execute(sql`SELECT 1`);
}
