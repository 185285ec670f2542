import type { RouteModule } from '../platform/http/app.js';

/** Hub and cluster clinics: sessions, booking, did-not-attend, outcomes and their letters. */
export const clinicRoutes: RouteModule = () => {};
