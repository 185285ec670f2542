import type { RouteModule } from '../platform/http/app.js';
import { adviceEditorRoutes } from './editor-routes.js';
import { childAdviceRoutes } from './child-routes.js';
import { familyAdviceRoutes } from './family-routes.js';

/** Safety-netting advice: the library's editor, sending from the child's page, and the family's one-time link. */
export const adviceRoutes: RouteModule = async (app, deps) => {
  await adviceEditorRoutes(app, deps);
  await childAdviceRoutes(app, deps);
  await familyAdviceRoutes(app, deps);
};
