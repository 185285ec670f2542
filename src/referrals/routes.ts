import type { RouteModule } from '../platform/http/app.js';
import { askRoutes } from './ask-routes.js';
import { listRoutes } from './list-routes.js';
import { coverRoutes } from './cover-routes.js';
import { referralPageRoutes } from './referral-routes.js';

/** Advice requests and referrals: asking, the lists, triage cover, and each referral's page with its thread and decisions. */
export const referralRoutes: RouteModule = async (app, deps) => {
  for (const register of [askRoutes, listRoutes, coverRoutes, referralPageRoutes]) await register(app, deps);
};
