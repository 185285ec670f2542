import type { RouteModule } from '../platform/http/app.js';

/** The ICS's wording for the letters Joinery writes. */
export const letterTemplateRoutes: RouteModule = () => {};
