import type { FastifyRequest } from 'fastify';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { bodyOf } from '../platform/http/form-body.js';
import { ForbiddenError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, fieldErrors, idParam } from '../platform/http/validate.js';
import * as record from './service.js';
import { recordPolicy } from './policy.js';
import type { ChildContext } from './record-page.js';
import { reasonForm } from './reveal-routes.js';
import { cannotChange, forChild, noticeOf, recordHref, refusal, refusedBy, typed, type Refused } from './page-access.js';

/** Freezing a child's record during a safeguarding investigation, and lifting the freeze. */

const freezeForm = reasonForm('why the record is being frozen');

/**
 * A privacy officer may freeze any child's record in the ICS without a care
 * relationship (and so without seeing it); the child's social worker freezes
 * it from the record. Both pass the record's door with its freeze rule.
 */
async function forFreezing<T>(
  deps: AppDeps, req: FastifyRequest, childId: string, fn: (tx: Tx, actor: Actor, ctx: ChildContext | null) => Promise<T>,
): Promise<T | Refused> {
  if (req.actor && recordPolicy.freezeAnyRecord(req.actor).allowed) {
    try {
      return await inTenant(deps, req, async (tx, actor) => {
        await record.openFreezePage(tx, actor, childId);
        return fn(tx, actor, null);
      });
    } catch (error) {
      if (error instanceof ForbiddenError) return refusal(error.message);
      throw error;
    }
  }
  return forChild(deps, req, childId, async (tx, actor, ctx) => {
    if (!ctx.can.freeze && !ctx.can.lift) {
      const decision = recordPolicy.freezeRecord(actor, ctx.access.relationships);
      return refusal(decision.allowed ? 'Only the team that froze this record, or a privacy officer, can lift the freeze.' : decision.reason);
    }
    return fn(tx, actor, ctx);
  });
}

async function freezePage(tx: Tx, childId: string, ctx: ChildContext | null, reason: string, fields: FieldErrors, actor: Actor) {
  const freeze = ctx ? ctx.freeze : await record.activeFreeze(tx, actor.icsId, childId);
  return {
    title: freeze ? 'This record is frozen' : 'Freeze this record',
    childId,
    child: ctx?.child ?? null,
    freeze,
    canLift: Boolean(freeze) && recordPolicy.liftFreeze(actor, ctx?.access.relationships ?? [], freeze!.frozen_by_organisation_id).allowed,
    backHref: ctx ? recordHref(childId) : undefined,
    values: { reason },
    fields,
    errors: errorSummary(fields, ['reason']),
  };
}

/** After a change, back to the record for those who see it; the privacy officer stays on the freeze page. */
const afterChange = (id: string, onRecord: boolean, saved: string) => (onRecord ? `${recordHref(id)}?saved=${saved}` : `${recordHref(id)}/freeze?saved=${saved}`);

export const freezeRoutes: RouteModule = (app, deps) => {
  app.get('/children/:id/record/freeze', async (req, reply) => {
    const id = idParam(req.params);
    const page = await forFreezing(deps, req, id, (tx, actor, ctx) => freezePage(tx, id, ctx, '', {}, actor));
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/freeze.njk', { ...page, notice: noticeOf(req.query) });
  });

  app.post('/children/:id/record/freeze', async (req, reply) => {
    const id = idParam(req.params);
    const body = bodyOf(req);
    const parsed = freezeForm.safeParse(body);
    const result = await forFreezing(deps, req, id, async (tx, actor, ctx) => {
      if (!parsed.success) return { invalid: await freezePage(tx, id, ctx, typed(body.reason), fieldErrors(parsed.error), actor) };
      await record.freezeRecord(tx, actor, id, parsed.data.reason);
      return { saved: ctx !== null };
    });
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if ('invalid' in result) return reply.code(400).page('record/views/freeze.njk', result.invalid);
    return reply.redirect(afterChange(id, result.saved, 'frozen'), 303);
  });

  app.post('/children/:id/record/lift', async (req, reply) => {
    const id = idParam(req.params);
    const result = await forFreezing(deps, req, id, async (tx, actor, ctx) => {
      await record.liftFreeze(tx, actor, id);
      return { saved: ctx !== null };
    });
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    return reply.redirect(afterChange(id, result.saved, 'lifted'), 303);
  });
};
