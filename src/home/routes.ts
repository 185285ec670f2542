import { inTenant, type RouteModule } from '../platform/http/app.js';
import { policy } from '../platform/access/policy.js';
import { health, homeCounts } from './service.js';

export const homeRoutes: RouteModule = (app, deps) => {
  app.get('/health', { config: { public: true } }, async (_req, reply) => {
    const { database, migration } = await health(deps.db);
    return reply.send({ status: 'ok', database, migration });
  });

  app.get('/accessibility', { config: { public: true } }, async (_req, reply) =>
    reply.page('home/views/accessibility.njk', { title: 'Accessibility statement' }),
  );

  /** Each role's home: what they can do, with counts (never names) to orient them. */
  app.get('/', async (req, reply) => {
    const counts = await inTenant(deps, req, (tx, actor) => homeCounts(tx, actor));
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
