import { sql } from 'drizzle-orm';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { rows } from '../platform/db/client.js';
import { migrationVersion } from '../platform/db/migrate.js';
import { policy } from '../platform/access/policy.js';

export const homeRoutes: RouteModule = (app, deps) => {
  app.get('/health', { config: { public: true } }, async (_req, reply) => {
    const migration = await migrationVersion(deps.db);
    await deps.db.platform((tx) => tx.execute(sql`SELECT 1`));
    return reply.send({ status: 'ok', database: deps.db.kind, migration });
  });

  app.get('/accessibility', { config: { public: true } }, async (_req, reply) =>
    reply.page('home/views/accessibility.njk', { title: 'Accessibility statement' }),
  );

  /** Each role's home: what they can do, with counts (never names) to orient them. */
  app.get('/', async (req, reply) => {
    const counts = await inTenant(deps, req, async (tx, actor) => {
      const [c] = await rows<{ care_team: number; awaiting_review: number; reveals_awaiting_review: number; organisations: number; clusters: number; professionals: number; children: number }>(
        tx,
        sql`SELECT
              (SELECT count(*)::int FROM care_team_member WHERE professional_id = ${actor.professionalId}::uuid AND ended_at IS NULL) AS care_team,
              ${policy.reviewBreakGlass(actor).allowed ? sql`(SELECT count(*)::int FROM break_glass WHERE reviewed_at IS NULL)` : sql`0`} AS awaiting_review,
              ${policy.reviewBreakGlass(actor).allowed ? sql`(SELECT count(*)::int FROM sensitive_reveal WHERE reviewed_at IS NULL)` : sql`0`} AS reveals_awaiting_review,
              ${policy.manageOrganisations(actor).allowed ? sql`(SELECT count(*)::int FROM organisation)` : sql`0`} AS organisations,
              ${policy.manageOrganisations(actor).allowed ? sql`(SELECT count(*)::int FROM cluster)` : sql`0`} AS clusters,
              ${policy.manageOrganisations(actor).allowed ? sql`(SELECT count(*)::int FROM professional)` : sql`0`} AS professionals,
              ${policy.viewPopulation(actor).allowed ? sql`(SELECT count(*)::int FROM child)` : sql`0`} AS children`,
      );
      return c;
    });
    const actor = req.actor!;
    return reply.page('home/views/home.njk', {
      title: 'Home',
      counts,
      can: {
        search: policy.searchChildren(actor).allowed,
        findForLog: policy.findChildForAccessLog(actor).allowed,
        review: policy.reviewBreakGlass(actor).allowed,
        admin: policy.manageOrganisations(actor).allowed,
        // The population pages, each as the policies allow: case finding names children, so only its clinicians see the list.
        population: policy.viewPopulation(actor).allowed,
        keepMeasures: policy.managePopulationMeasures(actor).allowed,
        findCases: policy.findCases(actor).allowed,
      },
    });
  });
};
