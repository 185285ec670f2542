import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { badRequest, FhirError, operationOutcome } from './outcome.js';
import { handlerFor } from './registry.js';
import { readSearch } from './search.js';
import { resolveChains } from './search-chains.js';
import type { Reading, ResourceHandler } from './resources/handler.js';

/** The methods a FHIR RESTful path can be asked with. */
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const WRITES = new Set(['POST', 'PUT']);

type Send = (reply: FastifyReply, status: number, body: OperationOutcome) => unknown;

/**
 * Keeps track of the paths a scope serves, so that `answerTheRest` can answer
 * every other method on them with 405 and an `Allow` header naming what is
 * served there (DELETE Patient/x, PATCH, a conditional PUT on a type). Paths
 * not served at all go to the scope's not-found handler (404).
 */
export function methodsServed(scope: FastifyInstance) {
  const served = new Map<string, Set<string>>();
  scope.addHook('onRoute', (r) => {
    // The prefix's root is seen as '' (Fastify serves it with and without the slash).
    const path = r.routePath || '/';
    const methods = served.get(path) ?? new Set<string>();
    for (const m of [r.method].flat()) if ((METHODS as readonly string[]).includes(m)) methods.add(m);
    served.set(path, methods);
  });
  return {
    answerTheRest(send: Send) {
      for (const [path, methods] of [...served]) {
        // A copy: the routes registered here are seen by the onRoute hook too.
        const allowed = [...methods];
        const others = METHODS.filter((m) => !methods.has(m));
        if (!others.length) continue;
        scope.route({
          method: others, url: path, config: { public: true, tokenAuth: true },
          handler: (req, reply) => notAllowed(req, reply, path, allowed, send),
        });
      }
    },
  };
}

function notAllowed(req: FastifyRequest, reply: FastifyReply, path: string, methods: string[], send: Send) {
  const { type, id } = req.params as { type?: string; id?: string };
  const handler = type === undefined ? undefined : handlerFor(type);
  if (type !== undefined && !handler) {
    throw new FhirError(404, [{ severity: 'error', code: 'not-supported', text: `Joinery does not serve ${type} resources.` }]);
  }
  if (id?.startsWith('$')) {
    throw new FhirError(404, [{ severity: 'error', code: 'not-supported', text: `Joinery does not support the ${id} operation.` }]);
  }
  // A read-only type is only read and searched, whatever the path pattern allows other types.
  const allowed = methods.filter((m) => !handler || handler.writable || !WRITES.has(m) || path.endsWith('/_search'));
  reply.header('allow', allowed.join(', '));
  return send(reply, 405, operationOutcome([{
    severity: 'error', code: 'not-supported',
    text: `Joinery does not support ${req.method} here; it answers ${allowed.join(' and ')}.`,
  }]));
}

/** The opaque versions an If-Match or If-None-Match header names (weak or strong), or '*'. */
function versionsIn(header: string | string[] | undefined): string[] | undefined {
  if (header === undefined) return undefined;
  const text = [header].flat().join(',');
  const tags = [...text.matchAll(/(?:W\/)?"([^"]*)"|(\*)/g)].map((m) => m[2] ?? m[1]);
  return tags;
}

/** ETag from the resource's version, and Last-Modified from when it last changed (a versioned type's only). */
export function versionHeaders(reply: FastifyReply, resource: Resource, { versioned }: ResourceHandler) {
  const version = resource.meta?.versionId;
  if (version) reply.header('etag', `W/"${version}"`);
  const lastUpdated = resource.meta?.lastUpdated;
  if (versioned && lastUpdated) reply.header('last-modified', new Date(lastUpdated).toUTCString());
}

/**
 * Whether a read is answered 304: If-None-Match naming the current version
 * (or '*'), else If-Modified-Since no earlier than its last change. Only for
 * a type whose version and lastUpdated move with every change it shows
 * (ResourceHandler.versioned); any other is sent in full.
 */
export function notModified(req: FastifyRequest, resource: Resource, { versioned, changesWithTime }: ResourceHandler): boolean {
  const version = resource.meta?.versionId;
  if (!versioned || !version || changesWithTime?.(resource)) return false;
  const tags = versionsIn(req.headers['if-none-match']);
  if (tags) return tags.includes('*') || tags.includes(version);
  const since = req.headers['if-modified-since'];
  const lastUpdated = resource.meta?.lastUpdated;
  if (!since || !lastUpdated) return false;
  const sinceMs = Date.parse(since);
  // HTTP dates have whole seconds: compare at that precision.
  return !Number.isNaN(sinceMs) && Math.floor(Date.parse(lastUpdated) / 1000) * 1000 <= sinceMs;
}

/**
 * If-Match on an update: the version the client's change was made to. A stale
 * one (or any, on a type Joinery keeps no versions of) is refused with 412
 * before anything is written; the current version stands.
 */
export async function requireVersion(req: FastifyRequest, current: () => Promise<Resource>): Promise<number | undefined> {
  const tags = versionsIn(req.headers['if-match']);
  if (!tags) return undefined;
  const resource = await current();
  const version = resource.meta?.versionId;
  const refuse = (text: string) => new FhirError(412, [{ severity: 'error', code: 'conflict', text }]);
  if (!version) throw refuse(`Joinery keeps no versions of ${resource.resourceType} resources, so If-Match cannot be met: send the update without it.`);
  if (!tags.includes('*') && !tags.includes(version)) {
    throw refuse(`${resource.resourceType}/${resource.id} is at version ${version}, not ${tags.join(' or ')}: read it again and make the change to that version.`);
  }
  return Number(version);
}

/**
 * What a conditional interaction's search criteria (the type's own search
 * parameters, e.g. `identifier=system|value`) find: none or the one match.
 * Several are refused 412: the client must say which it means. Each match is
 * read by the type's search, so the child's door is opened and audited.
 */
export async function soleMatch(r: Reading, handler: ResourceHandler, criteria: string, asked: 'If-None-Exist' | 'A conditional update'): Promise<Resource | undefined> {
  const raw: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(criteria)) if (name !== '_format') (raw[name] ??= []).push(value);
  if (!Object.keys(raw).length) throw badRequest(`${asked} needs search criteria, such as identifier=system|value.`, asked === 'If-None-Exist' ? asked : `${handler.type}?`);
  const { query } = readSearch(handler, raw);
  // Chains and _has are resolved as a search resolves them: left raw, the handler would ignore them and match more than was asked.
  if (!(await resolveChains(r, handler, query))) return undefined;
  const { resources, total } = await handler.search(r, query, { count: 2, offset: 0, ...(handler.sorts ? { sort: handler.sorts[0] } : {}) });
  if (total > 1 || resources.length > 1) {
    throw new FhirError(412, [{ severity: 'error', code: 'multiple-matches', text: `${asked} matches ${Math.max(total, resources.length)} ${handler.type} resources: make the criteria name one.` }]);
  }
  return resources[0];
}

/** If-None-Exist on a create: the one match is the answer, instead of writing; undefined when none match. */
export const existingMatch = (r: Reading, handler: ResourceHandler, criteria: string) => soleMatch(r, handler, criteria, 'If-None-Exist');

/**
 * A conditional update's target (PUT Type?criteria): the one resource the
 * criteria find, or undefined when none do (then the body is created). A
 * body whose id is not the match's is refused 400: it names another resource.
 */
export async function conditionalTarget(r: Reading, handler: ResourceHandler, criteria: string, body: Resource): Promise<string | undefined> {
  if (body.id !== undefined && typeof body.id !== 'string') throw badRequest(`${handler.type}.id must be a string.`, `${handler.type}.id`);
  const match = await soleMatch(r, handler, criteria, 'A conditional update');
  if (!match) return undefined;
  if (body.id !== undefined && body.id.toLowerCase() !== match.id) {
    throw badRequest(`The resource’s id ${body.id} is not that of the ${handler.type} the criteria find (${match.id}): send it without an id, or with that one.`, `${handler.type}.id`);
  }
  return match.id;
}

/** Nothing matched the criteria, yet the body names a resource Joinery already holds (by identifier or id): it is not changed by a create. */
export const namedElsewhere = (type: string, id: string) => new FhirError(409, [{
  severity: 'error', code: 'conflict',
  text: `Nothing matched the criteria, but the resource sent is ${type}/${id}, which Joinery already holds: update it by its id, or make the criteria find it.`,
}]);
