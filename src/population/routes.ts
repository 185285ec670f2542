import type { RouteModule } from '../platform/http/app.js';

/**
 * Population health: the dashboards, indicators, care model evaluations
 * and case finding. Each part registers its own pages; this gathers them.
 */
const PARTS: RouteModule[] = [];

export const populationRoutes: RouteModule = async (app, deps) => {
  for (const part of PARTS) await part(app, deps);
};
