import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Tx } from '../platform/db/client.js';
import type { ResourceHandler } from './resources/handler.js';
import { tokenAuthScope, type AppDeps, type RouteModule } from '../platform/http/app.js';
import type { Actor } from '../platform/access/actor.js';
import type { ScopePermission } from '../platform/access/policy.js';
import { fhirPolicy } from './policy.js';
import { asClient, authenticate, TokenRefused } from './clients.js';
import { processBundle } from './bundle.js';
import { capabilityStatement, smartConfiguration } from './capability.js';
import { everything, everythingAsked } from './everything.js';
import { Importer } from './import.js';
import { asFhirError, FhirError, badRequest, informational, notFound, operationOutcome } from './outcome.js';
import { handlerFor, HANDLERS, plausibleId } from './registry.js';
import { searchBundle, readSearch } from './search.js';
import { included } from './search-includes.js';
import { inCompartment, resolveChains } from './search-chains.js';
import { feedHistory, instanceHistory, vread } from './history.js';
import { feedTypes } from './history-feed.js';
import { oauthRoutes } from './oauth-routes.js';
import { bulkExportRoutes } from './bulk-export-routes.js';
import { validateRoutes } from './validate-routes.js';
import { profiled } from './uk-core.js';
import { conditionalTarget, existingMatch, methodsServed, namedElsewhere, notModified, requireVersion, versionHeaders } from './conditional.js';

export const FHIR_PREFIX = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** Bundles may be large; anything over this is refused with 413 before it is read. */
export const BUNDLE_BODY_LIMIT = 8 * 1024 * 1024;

/** Reachable without a session (the bearer token authenticates) and exempt from the form CSRF check. */
const API = { config: { public: true, tokenAuth: true } };

/** Every absolute link starts with the configured public URL, never the Host a request names. */
export const baseUrl = (deps: AppDeps) => `${deps.config.publicUrl}${FHIR_PREFIX}`;

/** Every resource served names its UK Core profile (meta.profile). */
function send(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type(FHIR_JSON).header('cache-control', 'no-store').send(JSON.stringify(profiled(body)));
}

function refuse(error: string, text: string) {
  const e = new FhirError(401, [{ severity: 'error', code: 'login', text }]);
  (e as FhirError & { challenge?: string }).challenge = `Bearer realm="joinery", error="${error}"`;
  return e;
}

function bearerToken(req: FastifyRequest): string {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) throw refuse('invalid_request', 'Send an access token: Authorization: Bearer <token> (POST /oauth/token to get one).');
  return m[1];
}

/** The system client behind the request's bearer token; a 401 with the reason otherwise. */
async function clientOf(deps: AppDeps, req: FastifyRequest): Promise<Actor> {
  const auth = await authenticate(deps.db, bearerToken(req));
  if ('error' in auth) throw refuse('invalid_token', auth.description);
  return auth.actor;
}

/**
 * A read: fn in one tenant transaction as the client behind the request's
 * bearer token, the token checked in the round trip that opens it; a 401
 * with the reason otherwise.
 */
async function asRequestClient<T>(deps: AppDeps, req: FastifyRequest, fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  const token = bearerToken(req);
  try {
    return await asClient(deps.db, token, fn);
  } catch (e) {
    if (e instanceof TokenRefused) throw refuse('invalid_token', e.refusal.description);
    throw e;
  }
}

function permit(actor: Actor, type: string, permission: ScopePermission) {
  const decision = fhirPolicy.interact(actor, type, permission);
  if (!decision.allowed) throw new FhirError(403, [{ severity: 'error', code: 'forbidden', text: decision.reason }]);
}

function handlerOf(type: string) {
  const handler = handlerFor(type);
  if (!handler) throw new FhirError(404, [{ severity: 'error', code: 'not-supported', text: `Joinery does not serve ${type} resources.` }]);
  return handler;
}

const params = (req: FastifyRequest) => req.params as Record<string, string>;

/** Reads back what a create or update wrote, as the client's GET would see it. */
async function readBack(deps: AppDeps, actor: Actor, type: string, id: string): Promise<Resource> {
  return deps.db.tenant(actor.icsId, (tx) => handlerOf(type).read({ tx, actor }, id));
}

/**
 * A plain create naming neither identifier nor id is a new resource each time
 * (FHIR's create; If-None-Exist makes it idempotent): a fresh urn:uuid stands
 * in for the Bundle fullUrl the importer would otherwise know it by. Types
 * that need an identifier of their own (Patient's NHS number, an ODS code)
 * still ask for one.
 */
function serverAssigned(method: 'POST' | 'PUT', body: Resource): string | undefined {
  const identifiers = [(body as { identifier?: unknown }).identifier ?? []].flat() as { system?: string; value?: string }[];
  if (method !== 'POST' || body.id || identifiers.some((x) => x?.system && x?.value)) return undefined;
  return `urn:uuid:${crypto.randomUUID()}`;
}

function fhirApi(deps: AppDeps) {
  return async (scope: FastifyInstance) => {
    // Every URL under the prefix answers FHIR, routed or not: never the pages' sign-in redirect.
    tokenAuthScope(scope);
    const served = methodsServed(scope);
    // FHIR JSON with Fastify's own safe JSON parser (no prototype poisoning).
    // JSON Patch too, so that a PATCH is told 405 (not served) rather than 415 (wrong body).
    scope.addContentTypeParser(['application/fhir+json', 'application/json+fhir', 'application/json-patch+json'], { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));

    scope.setErrorHandler((error, req, reply) => {
      const e = asFhirError(error);
      if (e.status >= 500) console.error(`[joinery] FHIR ${req.method} ${req.routeOptions.url ?? 'unknown route'} failed: ${(error as Error).stack ?? String(error)}`);
      const challenge = (error as { challenge?: string }).challenge;
      if (challenge) reply.header('www-authenticate', challenge);
      return send(reply, e.status, operationOutcome(e.issues));
    });
    scope.setNotFoundHandler((req, reply) =>
      send(reply, 404, operationOutcome([{ severity: 'error', code: 'not-supported', text: `Joinery does not serve ${req.method} ${req.url.split('?')[0]}.` }])),
    );

    scope.get('/metadata', API, (req, reply) => send(reply, 200, capabilityStatement(baseUrl(deps))));
    scope.get('/.well-known/smart-configuration', API, (req, reply) =>
      reply.type('application/json').send(smartConfiguration(baseUrl(deps))));

    scope.get('/Patient/:id/$everything', API, async (req, reply) => {
      const bundle = await asRequestClient(deps, req, (tx, actor) => {
        permit(actor, 'Patient', 'r');
        const { id } = params(req);
        if (!plausibleId('Patient', id)) throw notFound();
        return everything({ tx, actor }, id.toLowerCase(), baseUrl(deps), everythingAsked(req.query));
      });
      return send(reply, 200, bundle);
    });

    scope.get('/:type/:id', API, async (req, reply) => {
      const { type, id } = params(req);
      const { handler, resource } = await asRequestClient(deps, req, async (tx, actor) => {
        const handler = handlerOf(type);
        permit(actor, type, 'r');
        if (!plausibleId(type, id)) throw notFound();
        return { handler, resource: await handler.read({ tx, actor }, id.toLowerCase()) };
      });
      versionHeaders(reply, resource, handler);
      if (notModified(req, resource, handler)) return reply.code(304).header('cache-control', 'no-store').send();
      return send(reply, 200, resource);
    });

    // vread and instance history (history.ts): the same scope and door as a read.
    const versioned = async (
      req: FastifyRequest, answer: (r: { tx: Tx; actor: Actor }, handler: ResourceHandler, id: string) => Promise<Resource>, type = params(req).type,
    ) => {
      const { id } = params(req);
      const handler = handlerOf(type);
      return asRequestClient(deps, req, (tx, actor) => {
        permit(actor, type, 'r');
        if (!plausibleId(type, id)) throw notFound();
        return answer({ tx, actor }, handler, id.toLowerCase());
      });
    };
    scope.get('/:type/:id/_history/:vid', API, async (req, reply) => {
      const resource = await versioned(req, (r, handler, id) => vread(r, handler, id, params(req).vid));
      versionHeaders(reply, resource, handlerOf(params(req).type));
      return send(reply, 200, resource);
    });
    const historyOf = async (req: FastifyRequest, reply: FastifyReply, type?: string) =>
      send(reply, 200, await versioned(req, (r, handler, id) => instanceHistory(r, handler, id, baseUrl(deps), req.query), type));
    scope.get('/:type/:id/_history', API, (req, reply) => historyOf(req, reply));
    // Type-level and system history: every version the client's scopes and the door let it read, newest first.
    scope.get('/:type/_history', API, async (req, reply) => {
      const { type } = params(req);
      const handler = handlerOf(type);
      if (!feedTypes([handler]).length) throw new FhirError(404, [{ severity: 'error', code: 'not-supported', text: `Joinery keeps no earlier versions of ${type} resources: search them instead.` }]);
      return send(reply, 200, await asRequestClient(deps, req, (tx, actor) => {
        // Listing versions across resources is a search in SMART's scopes (s), as one resource's history is a read (r).
        permit(actor, type, 's');
        return feedHistory({ tx, actor }, [handler], baseUrl(deps), type, req.query);
      }));
    });
    scope.get('/_history', API, async (req, reply) =>
      send(reply, 200, await asRequestClient(deps, req, (tx, actor) => {
        const readable = feedTypes(HANDLERS).filter((h) => fhirPolicy.interact(actor, h.type, 's').allowed);
        if (!readable.length) permit(actor, 'Patient', 's');
        return feedHistory({ tx, actor }, readable, baseUrl(deps), '', req.query);
      })));

    const search = async (req: FastifyRequest, reply: FastifyReply, raw: unknown, compartment?: string) => {
      const { type } = params(req);
      // The matches and what they include are read, and audited, in one transaction.
      const bundle = await asRequestClient(deps, req, async (tx, actor) => {
        const handler = handlerOf(type);
        permit(actor, type, 's');
        const s = readSearch(handler, raw, { lenient: /handling\s*=\s*lenient/i.test(String(req.headers.prefer ?? '')) });
        if (compartment) inCompartment(handler, s.query, compartment);
        // A chain that finds no child matches nothing: no record is opened.
        const found = (await resolveChains({ tx, actor }, handler, s.query)) ? await handler.search({ tx, actor }, s.query, s.page) : { resources: [], total: 0 };
        const extra = await included({ tx, actor }, found.resources, s.includes);
        return searchBundle(baseUrl(deps), type, s, found, extra.resources, extra.notes);
      });
      return send(reply, 200, bundle);
    };
    scope.get('/:type', API, (req, reply) => search(req, reply, req.query));
    // Patient compartment: Patient/<id>/<Type> is <Type>?patient=Patient/<id>, with the same door and audit.
    scope.get('/Patient/:id/:type', API, (req, reply) => {
      // The compartment route also catches Patient/<id>/_history, which is the Patient's own history.
      if (params(req).type === '_history') return historyOf(req, reply, 'Patient');
      return search(req, reply, req.query, params(req).id);
    });
    scope.post('/:type/_search', API, (req, reply) => search(req, reply, { ...(req.query as object), ...(req.body as object | undefined) }));

    /**
     * Create (POST), update (PUT Type/id) and conditional update (PUT Type?criteria):
     * the criteria are searched in the write's transaction, through the door
     * and audited, and what they find decides whether this creates or updates.
     */
    const write = async (req: FastifyRequest, reply: FastifyReply, method: 'POST' | 'PUT', conditional = false) => {
      const actor = await clientOf(deps, req);
      const { type, id } = params(req);
      const handler = handlerOf(type);
      const body = req.body as Resource | undefined;
      if (!body || typeof body !== 'object' || body.resourceType !== type) throw badRequest(`Send a ${type} resource.`, type);
      if (method === 'PUT' && !conditional && (!plausibleId(type, id) || (body.id !== undefined && body.id !== id))) {
        throw badRequest('The resource’s id must be the id in the URL.', `${type}.id`);
      }
      if (conditional && !handler.writable) {
        reply.header('allow', 'GET');
        throw new FhirError(405, [{ severity: 'error', code: 'not-supported', text: `${type} is read only in Joinery: it answers GET.` }]);
      }
      const criteria = conditional ? (req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '') : undefined;
      const ifNoneExist = method === 'POST' ? req.headers['if-none-exist'] : undefined;
      if (ifNoneExist !== undefined || conditional) permit(actor, type, 's');
      const imported = await deps.db.tenant(actor.icsId, async (tx) => {
        // If-None-Exist: what the criteria find is the answer, and nothing is written.
        const existing = typeof ifNoneExist === 'string' ? await existingMatch({ tx, actor }, handler, ifNoneExist) : undefined;
        if (existing) return { existing };
        const targetId = criteria !== undefined ? await conditionalTarget({ tx, actor }, handler, criteria, body) : method === 'PUT' ? id.toLowerCase() : undefined;
        // If-Match names a version of something that must exist: with nothing matched there is none, so nothing is created.
        if (criteria !== undefined && !targetId && req.headers['if-match'] !== undefined) {
          throw new FhirError(412, [{ severity: 'error', code: 'conflict', text: `If-Match names a version, but the criteria find no ${type} to update: nothing was written.` }]);
        }
        // If-Match: the version read and the write are one transaction, and the write itself checks the version again.
        const expectedVersion = targetId ? await requireVersion(req, () => handler.read({ tx, actor }, targetId)) : undefined;
        const as = targetId ? 'PUT' : 'POST';
        const written = await new Importer(tx, actor, { namespace: `urn:joinery:fhir-client:${actor.professionalId}`, ourBase: baseUrl(deps) })
          .importResource(targetId ? { ...body, id: undefined } : body, { path: type, method: as, targetId, expectedVersion, fullUrl: serverAssigned(as, body) });
        // Nothing matched, so this must be a new resource: one the body names by identifier or id is not silently changed instead.
        if (criteria !== undefined && !targetId && written.outcome !== 'created') throw namedElsewhere(type, written.id);
        return written;
      });
      if ('existing' in imported) {
        reply.header('location', `${baseUrl(deps)}/${type}/${imported.existing.id}`);
        versionHeaders(reply, imported.existing, handlerOf(type));
        return send(reply, 200, imported.existing);
      }
      reply.header('location', `${baseUrl(deps)}/${type}/${imported.id}`);
      const status = imported.outcome === 'created' ? 201 : 200;
      // What was not kept is said, not hidden: with warnings the answer is the OperationOutcome, unless the client asked for the resource.
      const prefer = String(req.headers.prefer ?? '');
      if (/return=OperationOutcome/i.test(prefer) || (imported.warnings?.some((w) => w.severity === 'warning') && !/return=representation/i.test(prefer))) {
        return send(reply, status, operationOutcome([{ severity: 'information', code: 'informational', text: `${imported.outcome}: ${type}/${imported.id}` }, ...(imported.warnings ?? [])]));
      }
      try {
        const resource = await readBack(deps, actor, type, imported.id);
        versionHeaders(reply, resource, handlerOf(type));
        return send(reply, status, resource);
      } catch (e) {
        // Written, but not to be served back (a sensitive entry): say so instead of showing it.
        if (asFhirError(e).status !== 404) throw e;
        return send(reply, status, informational(`${imported.outcome}: ${type}/${imported.id} is recorded but is not served over FHIR.`));
      }
    };
    scope.post('/:type', API, (req, reply) => write(req, reply, 'POST'));
    scope.put('/:type/:id', API, (req, reply) => write(req, reply, 'PUT'));
    scope.put('/:type', API, (req, reply) => write(req, reply, 'PUT', true));

    scope.post('/', { ...API, bodyLimit: BUNDLE_BODY_LIMIT }, async (req, reply) => {
      const actor = await clientOf(deps, req);
      const result = await processBundle(deps.db, actor, req.body, { base: baseUrl(deps), namespace: `urn:joinery:fhir-client:${actor.professionalId}` });
      return send(reply, result.status, result.body as Bundle);
    });
    bulkExportRoutes(scope, deps, { base: baseUrl(deps), clientOf: (req) => clientOf(deps, req), send });
    validateRoutes(scope, { clientOf: (req) => clientOf(deps, req), send });
    // DELETE, PATCH, a conditional PUT on a type…: 405 naming the methods that are served there.
    served.answerTheRest(send);
  };
}

/** The FHIR R4 API under /fhir/R4, and the OAuth token endpoint that lets clients in. */
export const fhirRoutes: RouteModule = async (app, deps) => {
  await app.register(fhirApi(deps), { prefix: FHIR_PREFIX });
  await oauthRoutes(app, deps);
};
