import { z } from 'zod';
import type { RouteModule } from '../platform/http/app.js';
import { bodyOf } from '../platform/http/form-body.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { errorSummary, fieldErrors, idParam, text } from '../platform/http/validate.js';
import * as record from './service.js';
import type { ChildContext } from './record-page.js';
import { cannotChange, forChild, recordHref, refusedBy, typed } from './page-access.js';

/** Showing a child's sensitive entries for a stated reason, which is audited and reviewed by a privacy officer. */

/** A reason typed into a form: at least 10 characters, at most 500. */
export const reasonForm = (what: string) =>
  z.object({
    reason: text(what, { max: 500, multiline: true }).refine((v) => v.length >= 10, `Enter ${what}, in at least 10 characters`),
  });
const revealForm = reasonForm('why you need to see sensitive entries');

const revealPage = (ctx: ChildContext, reason: string, fields: FieldErrors) => ({
  title: 'Show sensitive entries',
  child: ctx.child,
  hours: record.SENSITIVE_REVEAL_HOURS,
  backHref: recordHref(ctx.child.id),
  values: { reason },
  fields,
  errors: errorSummary(fields, ['reason']),
});

export const revealRoutes: RouteModule = (app, deps) => {
  app.get('/children/:id/record/reveal', async (req, reply) => {
    const id = idParam(req.params);
    const page = await forChild(deps, req, id, async (_tx, _actor, ctx) => revealPage(ctx, '', {}));
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/reveal.njk', page);
  });

  app.post('/children/:id/record/reveal', async (req, reply) => {
    const id = idParam(req.params);
    const body = bodyOf(req);
    const parsed = revealForm.safeParse(body);
    const result = await forChild(deps, req, id, async (tx, actor, ctx) => {
      if (!parsed.success) return { invalid: revealPage(ctx, typed(body.reason), fieldErrors(parsed.error)) };
      await record.revealSensitive(tx, actor, id, parsed.data.reason);
      return { saved: true as const };
    });
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if ('invalid' in result) return reply.code(400).page('record/views/reveal.njk', result.invalid);
    return reply.redirect(`${recordHref(id)}?saved=revealed`, 303);
  });
};
