import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/access/actor.js';
import { badRequest, FhirError, operationOutcome } from './outcome.js';
import { handlerFor, plausibleId } from './registry.js';
import { validateUkCore } from './uk-core.js';

type Context = {
  clientOf: (req: FastifyRequest) => Promise<Actor>;
  send: (reply: FastifyReply, status: number, body: unknown) => unknown;
};

/** The resource to validate: the body itself, or a Parameters resource's `resource` parameter. */
function resourceIn(body: unknown): unknown {
  const b = body as { resourceType?: string; parameter?: { name?: string; resource?: unknown }[] } | undefined;
  if (b?.resourceType !== 'Parameters') return body;
  const given = (b.parameter ?? []).filter((p) => p?.name === 'resource');
  if (given.length !== 1) throw badRequest('Give the resource to validate as one Parameters parameter named "resource".', 'Parameters.parameter');
  return given[0].resource;
}

/**
 * POST [type]/$validate and POST [type]/[id]/$validate: the resource checked
 * against FHIR R4 and the UK Core constraints Joinery relies on. The answer
 * is 200 with an OperationOutcome listing every issue (or saying there are
 * none), whether or not the resource passed; nothing is read or written.
 */
export function validateRoutes(scope: FastifyInstance, ctx: Context) {
  const API = { config: { public: true, tokenAuth: true } };
  const validate = async (req: FastifyRequest, reply: FastifyReply, type = (req.params as { type: string }).type) => {
    await ctx.clientOf(req);
    const { id } = req.params as { id?: string };
    if (!handlerFor(type)) throw new FhirError(404, [{ severity: 'error', code: 'not-supported', text: `Joinery does not serve ${type} resources.` }]);
    const resource = resourceIn(req.body);
    if (id !== undefined) {
      const given = (resource as { id?: unknown } | undefined)?.id;
      if (!plausibleId(type, id) || (given !== undefined && given !== id)) throw badRequest('The resource’s id must be the id in the URL.', `${type}.id`);
    }
    const issues = validateUkCore(resource, type);
    const found = issues.length ? issues : [{ severity: 'information' as const, code: 'informational' as const, text: `Valid against FHIR R4 and the UK Core constraints Joinery checks for ${type}.` }];
    return ctx.send(reply, 200, operationOutcome(found));
  };
  scope.post('/:type/$validate', API, (req, reply) => validate(req, reply));
  scope.post('/:type/:id/$validate', API, (req, reply) => validate(req, reply));
  // Patient/<id>/<Type> is the compartment search's path: a Patient's own $validate is named so the router prefers it.
  scope.post('/Patient/:id/$validate', API, (req, reply) => validate(req, reply, 'Patient'));
}
