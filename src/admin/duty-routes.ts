import { inTenant, type RouteModule } from '../platform/http/app.js';
import { idParam } from '../platform/http/validate.js';
import { decideDutyCheck, DUTY_MODES, dutyMode, openDutyChecks, setDutyMode } from '../platform/access/duties.js';
import { attempt, formWithErrors } from './pages.js';
import { requireAdmin } from './service.js';

/**
 * /admin/duties: how this ICS has a second person check clinical accounts
 * and FHIR clients that can write, and the changes waiting for another
 * administrator's approval. An administrator cannot approve their own.
 */
const VIEW = 'admin/views/duties.njk';

export const dutyRoutes: RouteModule = (app, deps) => {
  const context = (req: Parameters<typeof inTenant>[1], me?: string) => inTenant(deps, req, async (tx, actor) => {
    requireAdmin(actor);
    const [mode, approvals, reviews] = [await dutyMode(tx, actor.icsId), await openDutyChecks(tx, actor.icsId, 'approval'), await openDutyChecks(tx, actor.icsId, 'review')];
    return {
      title: 'Second-person checks', mode, me: me ?? actor.professionalId,
      modeItems: Object.entries(DUTY_MODES).map(([value, text]) => ({ value, text: value === 'approval' ? 'Approval' : 'Review', hint: { text } })),
      approvals, reviews,
    };
  });

  app.get('/admin/duties', async (req, reply) => reply.page(VIEW, { ...(await context(req)), notice: (req.query as { notice?: string }).notice === 'approved' ? 'Approved' : undefined }));

  app.post('/admin/duties/mode', async (req, reply) => {
    const mode = (req.body as { mode?: unknown } | undefined)?.mode;
    const fields = await attempt(() => inTenant(deps, req, (tx, actor) => setDutyMode(tx, actor, requireAdmin(actor), mode)));
    if (!fields) return reply.redirect('/admin/duties', 303);
    return formWithErrors(reply, VIEW, await context(req), fields, ['mode']);
  });

  app.post('/admin/duties/:id/approve', async (req, reply) => {
    const id = idParam(req.params);
    const result = await inTenant(deps, req, (tx, actor) => decideDutyCheck(tx, actor, requireAdmin(actor), id, 'approval'));
    if (result) return reply.code(403).page(VIEW, { ...(await context(req)), refusal: result.refused });
    return reply.redirect('/admin/duties?notice=approved', 303);
  });
};
