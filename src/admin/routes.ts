import type { RouteModule } from '../platform/http/app.js';

// Placeholder until the admin pages land (organisations, clusters, users).
export const adminRoutes: RouteModule = () => undefined;
