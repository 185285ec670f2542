import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../platform/access/actor.js';
import type { AppDeps } from '../platform/http/app.js';
import { deleteExport, exportableTypes, exportOf, exportWorker, fileBody, filesOf, mayExport, startExport, type ExportLevel } from './bulk-export.js';
import { badRequest, FhirError, informational, notFound, operationOutcome } from './outcome.js';

/**
 * The Bulk Data routes (kick-off, status, files, cancel), registered in the
 * FHIR scope by routes.ts. Every one is the kicking-off client's alone: a
 * status or file URL given to another client is answered 404.
 */
type Context = {
  base: string;
  clientOf: (req: FastifyRequest) => Promise<Actor>;
  send: (reply: FastifyReply, status: number, body: unknown) => unknown;
};

const OUTPUT_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The kick-off's parameters, or a 400 naming the one that is wrong. */
function readKickOff(actor: Actor, level: ExportLevel, query: Record<string, unknown>): { types: string[]; since: string | null } {
  const values = (name: string): string[] => [query[name] ?? []].flat().map(String);
  for (const name of Object.keys(query)) {
    if (!['_type', '_since', '_outputFormat'].includes(name)) {
      throw new FhirError(400, [{ severity: 'error', code: 'not-supported', text: `Joinery's export does not support the ${name} parameter; it takes _type, _since and _outputFormat.`, expression: name }]);
    }
  }
  const format = values('_outputFormat');
  if (format.length > 1 || (format[0] !== undefined && !OUTPUT_FORMATS.has(format[0]))) {
    throw badRequest('_outputFormat must be application/fhir+ndjson (or its short forms application/ndjson, ndjson).', '_outputFormat');
  }
  const sinceGiven = values('_since');
  if (sinceGiven.length > 1) throw badRequest('Give _since once.', '_since');
  const since = sinceGiven[0] ?? null;
  if (since !== null && (!INSTANT.test(since) || Number.isNaN(new Date(since).getTime()))) {
    throw badRequest('_since must be a FHIR instant with its time zone, e.g. 2026-01-01T00:00:00Z.', '_since');
  }
  const exportable = exportableTypes(level);
  const asked = [...new Set(values('_type').flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean))];
  const unknown = asked.filter((t) => !exportable.includes(t));
  if (unknown.length) throw badRequest(`Not exported at this level: ${unknown.join(', ')}. Types: ${exportable.join(', ')}.`, '_type');
  const unscoped = asked.filter((t) => !mayExport(actor, t));
  if (unscoped.length) throw new FhirError(403, [{ severity: 'error', code: 'forbidden', text: `This client's scopes do not let it read ${unscoped.join(', ')}.` }]);
  const types = asked.length ? asked : exportable.filter((t) => mayExport(actor, t));
  if (!types.length) throw new FhirError(403, [{ severity: 'error', code: 'forbidden', text: 'This client\'s scopes let it read none of the exported types.' }]);
  return { types, since };
}

export function bulkExportRoutes(scope: FastifyInstance, deps: AppDeps, ctx: Context) {
  const API = { config: { public: true, tokenAuth: true } };
  const worker = exportWorker(deps.db);
  scope.addHook('onClose', () => worker.stop());
  const statusUrl = (id: string) => `${ctx.base}/$export-status/${id}`;

  const kickOff = (level: ExportLevel, path: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const actor = await ctx.clientOf(req);
    if (!/respond-async/i.test(String(req.headers.prefer ?? ''))) {
      throw badRequest('An export runs in the background: send the header Prefer: respond-async.', 'Prefer');
    }
    const accept = String(req.headers.accept ?? '*/*');
    if (!/application\/(fhir\+)?json|\*\/\*/i.test(accept)) throw badRequest('Accept application/fhir+json for the export\'s answers.', 'Accept');
    const { types, since } = readKickOff(actor, level, req.query as Record<string, unknown>);
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    const id = await deps.db.tenant(actor.icsId, (tx) => startExport(tx, actor, { level, types, since, requestUrl: `${ctx.base}${path}${query}` }));
    worker.kick();
    reply.header('content-location', statusUrl(id));
    return ctx.send(reply, 202, informational(`Export started: poll ${statusUrl(id)} for its progress.`));
  };
  scope.get('/$export', API, kickOff('system', '/$export'));
  scope.get('/Patient/$export', API, kickOff('patient', '/Patient/$export'));

  const ofClient = async (req: FastifyRequest) => {
    const actor = await ctx.clientOf(req);
    const { id } = req.params as { id: string };
    const e = await deps.db.tenant(actor.icsId, (tx) => exportOf(tx, actor, id));
    if (!e) throw notFound('No export of this client has that id (it may have been deleted or expired).');
    return { actor, e };
  };

  scope.get('/$export-status/:id', API, async (req, reply) => {
    const { actor, e } = await ofClient(req);
    if (e.status === 'in-progress') {
      const progress = `${e.children_done} of ${e.children_total} children`;
      reply.header('x-progress', progress).header('retry-after', '2');
      return ctx.send(reply, 202, informational(`Export in progress: ${progress}.`));
    }
    if (e.status === 'failed') {
      return ctx.send(reply, 500, operationOutcome([{ severity: 'error', code: 'exception', text: `The export failed: ${e.error ?? 'no reason was kept'}` }]));
    }
    const files = await deps.db.tenant(actor.icsId, (tx) => filesOf(tx, actor.icsId, e.id));
    reply.header('expires', new Date(e.expires_at!).toUTCString());
    return reply.code(200).type('application/json').header('cache-control', 'no-store').send(JSON.stringify({
      transactionTime: new Date(e.requested_at).toISOString(),
      request: e.request_url,
      requiresAccessToken: true,
      output: files.map((f) => ({ type: f.resource_type, url: `${ctx.base}/$export-file/${e.id}/${f.seq}`, count: f.line_count })),
      error: [],
    }));
  });

  scope.delete('/$export-status/:id', API, async (req, reply) => {
    const { actor, e } = await ofClient(req);
    await deps.db.tenant(actor.icsId, (tx) => deleteExport(tx, actor.icsId, e.id));
    return ctx.send(reply, 202, informational(e.status === 'in-progress' ? 'Export cancelled.' : 'Export and its files deleted.'));
  });

  scope.get('/$export-file/:id/:seq', API, async (req, reply) => {
    const { actor, e } = await ofClient(req);
    const seq = Number((req.params as { seq: string }).seq);
    const body = e.status === 'completed' && Number.isInteger(seq) && seq > 0 && seq < 2 ** 31
      ? await deps.db.tenant(actor.icsId, (tx) => fileBody(tx, actor.icsId, e.id, seq)) : undefined;
    if (body === undefined) throw notFound('This export has no such file (or is not finished).');
    return reply.code(200).type('application/fhir+ndjson').header('cache-control', 'no-store').send(body);
  });
}
