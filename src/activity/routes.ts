import type { RouteModule } from '../platform/http/app.js';

/** The hub and cluster activity page and its CSVs. */
export const activityRoutes: RouteModule = () => {};
