import type { RouteModule } from '../platform/http/app.js';
import { planReadingRoutes } from './plan-routes.js';
import { planEditingRoutes } from './plan-edit-routes.js';
import { goalRoutes } from './goal-routes.js';
import { planActionRoutes } from './action-routes.js';
import { planVersionRoutes } from './version-routes.js';
import { familyActionRoutes } from './family-action-routes.js';

/**
 * A child's care plan: reading it (as much as your agency may), starting and
 * changing it, its goals and actions, signing it off with the family, its
 * versions, and a version to print for the family. Every read and change goes
 * through the care plan service, which checks access and audits.
 */
export const carePlanRoutes: RouteModule = async (app, deps) => {
  for (const register of [planReadingRoutes, planEditingRoutes, goalRoutes, planActionRoutes, planVersionRoutes, familyActionRoutes]) await register(app, deps);
};
