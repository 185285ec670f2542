import type { RouteModule } from '../platform/http/app.js';
import { meetingListRoutes } from './meeting-list-routes.js';
import { meetingRoutes } from './meeting-routes.js';
import { caseListRoutes } from './case-routes.js';
import { briefRoutes } from './brief-routes.js';
import { outcomeRoutes } from './outcome-routes.js';
import { outcomeLetterRoutes } from './letter-routes.js';

/**
 * Hub MDT meetings: scheduling them, the members and case list, one-page
 * briefs, recording attendance and each case's outcome, the outcome letter
 * (page and PDF), and the themes that recur across cases.
 */
export const mdtRoutes: RouteModule = async (app, deps) => {
  for (const register of [meetingListRoutes, meetingRoutes, caseListRoutes, briefRoutes, outcomeRoutes, outcomeLetterRoutes]) await register(app, deps);
};
