import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { ForbiddenError, ValidationError } from '../platform/http/errors.js';
import { bodyOf, field } from '../platform/http/form-body.js';
import { errorSummary } from '../platform/http/validate.js';
import { changeFamilySettings, familySettings, familySettingsPolicy, type FamilySettings } from './settings.js';

const VIEW = 'family/views/settings.njk';
const FIELDS = ['responseWorkingDays', 'reviewAge', 'hideStaffNames'];

type Values = { responseWorkingDays: string; reviewAge: string; hideStaffNames: string };
const asValues = (s: FamilySettings): Values => ({ responseWorkingDays: String(s.responseWorkingDays), reviewAge: String(s.reviewAge), hideStaffNames: s.hideStaffNames ? 'yes' : 'no' });

/** /admin/family-settings: the ICS's promise to families and its proxy review age, set by an administrator. */
export function familySettingsRoutes(app: Parameters<RouteModule>[0], deps: AppDeps) {
  const page = async (req: FastifyRequest, reply: FastifyReply, values?: Values, fields: Record<string, string> = {}) => {
    const saved = await inTenant(deps, req, async (tx, actor) => {
      const may = familySettingsPolicy.changeFamilySettings(actor);
      if (!may.allowed) throw new ForbiddenError(may.reason);
      return familySettings(tx, actor.icsId);
    });
    const shown = values ?? asValues(saved);
    return reply.page(VIEW, {
      title: 'Settings for families’ pages', values: shown, fields, errors: errorSummary(fields, FIELDS),
      reviewAgeItems: ['11', '12', '13'].map((age) => ({ value: age, text: age, checked: shown.reviewAge === age })),
      hideItems: [
        { value: 'no', text: 'Show their name, role and organisation', checked: shown.hideStaffNames === 'no' },
        { value: 'yes', text: 'Show only their role and organisation', checked: shown.hideStaffNames === 'yes' },
      ],
      saved: (req.query as Record<string, unknown> | undefined)?.saved === '1',
    });
  };

  app.get('/admin/family-settings', (req, reply) => page(req, reply));

  app.post('/admin/family-settings', async (req, reply) => {
    const b = bodyOf(req);
    const values = { responseWorkingDays: field(b, 'responseWorkingDays', 10), reviewAge: field(b, 'reviewAge', 10), hideStaffNames: field(b, 'hideStaffNames', 4) };
    try {
      await inTenant(deps, req, (tx, actor) => changeFamilySettings(tx, actor, values));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return page(req, reply.code(400), values, error.fields);
    }
    return reply.redirect('/admin/family-settings?saved=1', 303);
  });
}
