import type { RouteModule } from '../platform/http/app.js';
import { bookingRoutes } from './booking-routes.js';
import { outcomeRoutes } from './outcome-routes.js';
import { sessionRoutes } from './session-routes.js';

/** Hub and cluster clinics: sessions, booking, did-not-attend, outcomes and their letters. */
export const clinicRoutes: RouteModule = async (app, deps) => {
  await sessionRoutes(app, deps);
  await bookingRoutes(app, deps);
  await outcomeRoutes(app, deps);
};
