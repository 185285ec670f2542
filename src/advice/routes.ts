import type { RouteModule } from '../platform/http/app.js';
import { adviceEditorRoutes } from './editor-routes.js';
import { childAdviceRoutes } from './child-routes.js';
import { familyAdviceRoutes } from './family-routes.js';
import { inTenant } from '../platform/http/app.js';
import { adviceFigures } from './service.js';

/** Safety-netting advice: the library's editor, sending from the child's page, and the family's one-time link. */
export const adviceRoutes: RouteModule = async (app, deps) => {
  await adviceEditorRoutes(app, deps);
  await childAdviceRoutes(app, deps);
  await familyAdviceRoutes(app, deps);
  app.get('/advice-figures', async (req, reply) => {
    const f = await inTenant(deps, req, (tx, actor) => adviceFigures(tx, actor));
    return reply.page('advice/views/figures.njk', {
      title: 'Advice pages: sent, opened and found helpful', suppress: f.suppress,
      tables: [
        { caption: 'By page', by: 'Page', rows: f.byPage }, { caption: 'By hub', by: 'Hub', rows: f.byHub },
        { caption: 'By deprivation', by: 'Area', rows: f.byDeprivation },
      ],
    });
  });
};
