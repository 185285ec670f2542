import type { RouteModule } from '../platform/http/app.js';
import { recordPageRoutes } from './record-routes.js';
import { entryRoutes } from './entry-routes.js';
import { contactRoutes } from './contact-routes.js';
import { revealRoutes } from './reveal-routes.js';
import { freezeRoutes } from './freeze-routes.js';

/**
 * The shared record's pages: the record and its letters, recording and
 * changing entries and contacts, an entry's history, showing sensitive
 * entries for a stated reason, and freezing a record. Every read and change
 * goes through the record's door (page-access.ts and the service), which
 * checks access and writes the audit.
 */
export const recordRoutes: RouteModule = async (app, deps) => {
  for (const register of [recordPageRoutes, entryRoutes, contactRoutes, revealRoutes, freezeRoutes]) await register(app, deps);
};
