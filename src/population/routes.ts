import type { RouteModule } from '../platform/http/app.js';
import { indicatorRoutes } from './indicators/routes.js';
import { caseFindingRoutes } from './case-finding/routes.js';
import { dashboardRoutes } from './dashboards/routes.js';
import { evaluationRoutes } from './evaluation/routes.js';

/**
 * Population health: the dashboards, indicators, care model evaluations
 * and case finding. Each part registers its own pages; this gathers them.
 */
const PARTS: RouteModule[] = [indicatorRoutes, caseFindingRoutes, dashboardRoutes, evaluationRoutes];

export const populationRoutes: RouteModule = async (app, deps) => {
  for (const part of PARTS) await part(app, deps);
};
