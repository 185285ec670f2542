import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { inTenant, type AppDeps } from '../platform/http/app.js';
import { bodyOf, type Form } from '../platform/http/form-body.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import { editablePlan, formFailure } from './plan-pages.js';

/** What a care plan form posts, read: the boxes as typed (to show again) and the version of the plan it was opened at. */
type Posted = { version: string };

export type PlanForm<F extends Posted> = {
  /** The address of the form, e.g. /children/:id/care-plan/goals/new. */
  path: string;
  template: string;
  /**
   * The form as first shown, for a plan the actor may change (its current
   * version is what the form will post back). Left out when the form's page
   * has its own GET route (starting a plan, when there is none to change yet).
   */
  show?: (tx: Tx, actor: Actor, childId: string, plan: Awaited<ReturnType<typeof editablePlan>>, req: FastifyRequest) => Promise<Record<string, unknown>>;
  read: (body: Form) => F;
  /** The change, made by the care plan service, which checks access and audits it. */
  save: (tx: Tx, actor: Actor, childId: string, form: F, req: FastifyRequest) => Promise<unknown>;
  /** The form again with what was typed and the messages, after bad input. */
  again: (tx: Tx, actor: Actor, childId: string, form: F, fields: FieldErrors, req: FastifyRequest) => Promise<Record<string, unknown>>;
  /** Where the plan page opens after the change (its notice and section). */
  savedTo: (childId: string, req: FastifyRequest) => string;
};

/**
 * The routes of one care plan form. Saving is one transaction, then back to
 * the plan; bad input shows the form again with the messages (400), and a
 * plan someone else changed meanwhile the conflict page (409), so nothing is
 * half-saved and nothing typed is lost.
 */
export function planFormRoutes<F extends Posted>(app: FastifyInstance, deps: AppDeps, form: PlanForm<F>): void {
  const { path, template, show } = form;
  if (show) {
    app.get(path, async (req, reply) => {
      const id = idParam(req.params);
      const page = await inTenant(deps, req, async (tx, actor) => show(tx, actor, id, await editablePlan(tx, actor, id), req));
      return reply.page(template, page);
    });
  }
  app.post(path, async (req, reply) => {
    const id = idParam(req.params);
    const posted = form.read(bodyOf(req));
    try {
      await inTenant(deps, req, (tx, actor) => form.save(tx, actor, id, posted, req));
    } catch (error) {
      return formFailure(reply, error, id, (fields) => inTenant(deps, req, (tx, actor) => form.again(tx, actor, id, posted, fields, req)), template);
    }
    return reply.redirect(form.savedTo(id, req), 303);
  });
}
