import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary } from '../platform/http/validate.js';
import { changeFamilySettings, familySettings } from './settings.js';

/** /admin/family-settings: the ICS's review age, answer time and staff names on "who has looked" (administrators; the service checks). */
const VIEW = 'family/views/settings.njk';
const FIELDS = ['reviewAge', 'responseWorkingDays', 'hideStaffNames'];

async function settingsPage(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, posted?: Record<string, unknown>, fields: FieldErrors = {}) {
  const saved = await inTenant(deps, req, (tx, actor) => familySettings(tx, actor));
  const values = posted
    ? Object.fromEntries(FIELDS.map((k) => [k, typeof posted[k] === 'string' ? (posted[k] as string).slice(0, 20) : '']))
    : { reviewAge: String(saved.reviewAge), responseWorkingDays: String(saved.responseWorkingDays), hideStaffNames: saved.hideStaffNames ? 'yes' : 'no' };
  return reply.page(VIEW, {
    title: 'Family access settings', values, fields, errors: errorSummary(fields, FIELDS),
    saved: !posted && (req.query as Record<string, unknown> | undefined)?.saved === '1',
  });
}

export const familySettingsRoutes = (app: Parameters<RouteModule>[0], deps: AppDeps) => {
  app.get('/admin/family-settings', (req, reply) => settingsPage(deps, req, reply));

  app.post('/admin/family-settings', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await inTenant(deps, req, (tx, actor) => changeFamilySettings(tx, actor, body));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return settingsPage(deps, req, reply.code(400), body, error.fields);
    }
    return reply.redirect('/admin/family-settings?saved=1', 303);
  });
};
