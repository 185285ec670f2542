import type { FastifyRequest } from 'fastify';
import { actorOf, type RouteModule } from '../platform/http/app.js';
import { requireAdmin } from './service.js';
import { organisationRoutes } from './organisation-routes.js';
import { clusterRoutes } from './cluster-routes.js';
import { userRoutes } from './user-routes.js';
import { fhirClientRoutes } from './fhir-client-routes.js';
import { dutyRoutes } from './duty-routes.js';
import { jobRoutes } from './job-routes.js';

/**
 * /admin: organisations, clusters, user accounts and FHIR clients of the administrator's ICS, and the scheduled jobs' runs.
 * One hook refuses everyone but administrators before any handler runs, so a
 * new page cannot forget the check; the services check again.
 */
export const adminRoutes: RouteModule = async (app, deps) => {
  await app.register(async (scope) => {
    scope.addHook('preHandler', async (req: FastifyRequest) => {
      requireAdmin(actorOf(req));
    });
    organisationRoutes(scope, deps);
    clusterRoutes(scope, deps);
    userRoutes(scope, deps);
    fhirClientRoutes(scope, deps);
    dutyRoutes(scope, deps);
    jobRoutes(scope, deps);
  });
};
