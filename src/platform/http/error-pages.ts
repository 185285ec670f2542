import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors.js';
import { errorSummary } from './validate.js';
import { databaseError, FROZEN_RECORD_SQLSTATE } from '../db/client.js';
import { RefusedAccess } from '../access/refused-access.js';

const wantsJson = (req: FastifyRequest) => /^\/(api|health)(\/|$)/.test(req.url) || /json/.test(req.headers.accept ?? '');

export function renderNotFound(req: FastifyRequest, reply: FastifyReply) {
  reply.code(404);
  if (wantsJson(req)) return reply.send({ error: 'Not found' });
  return reply.page('platform/http/views/error.njk', {
    title: 'Page not found',
    paragraphs: ['If you typed the web address, check it is correct.', 'If you pasted the web address, check you copied the entire address.'],
  });
}

/** Maps what went wrong to a status and a page (or JSON for the API). Nothing leaks: no stack, no data. */
export function handleError(error: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof NotFoundError) return renderNotFound(req, reply);
  // A write the freeze check missed, refused by the database itself: a refusal, not a failure.
  const db = databaseError(error);
  if (db.code === FROZEN_RECORD_SQLSTATE) return handleError(new ForbiddenError(db.message), req, reply);
  if (error instanceof ForbiddenError) {
    reply.code(403);
    if (wantsJson(req)) return reply.send({ error: error.message });
    // Only a refusal that emergency access would lift offers it; any other (a role, a freeze, an action not theirs) says why on the plain page.
    if (error instanceof RefusedAccess && error.canBreakGlass) {
      return reply.page('platform/http/views/no-access.njk', { title: 'You do not have access to this child’s record', reason: error.message, childId: error.childId });
    }
    return reply.page('platform/http/views/error.njk', { title: 'You do not have access to this page', paragraphs: [error.message] });
  }
  if (error instanceof ValidationError) {
    reply.code(400);
    if (wantsJson(req)) return reply.send({ error: 'Invalid input', fields: error.fields });
    return reply.page('platform/http/views/error.njk', {
      title: 'There is a problem',
      errors: errorSummary(error.fields),
      paragraphs: Object.values(error.fields),
    });
  }
  if (error instanceof ConflictError) {
    reply.code(409);
    if (wantsJson(req)) return reply.send({ error: error.message });
    return reply.page('platform/http/views/error.njk', { title: 'Someone else changed this', paragraphs: [error.message] });
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    reply.code(status);
    if (wantsJson(req)) return reply.send({ error: 'Bad request' });
    return reply.page('platform/http/views/error.njk', { title: 'There is a problem with the request', paragraphs: ['Check what you entered and try again.'] });
  }
  // Log the failure without request data: no names, NHS numbers or free text in logs.
  console.error(`[joinery] ${req.method} ${req.routeOptions.url ?? 'unknown route'} failed: ${error.stack ?? error.message}`);
  reply.code(500);
  if (wantsJson(req)) return reply.send({ error: 'Something went wrong' });
  return reply.page('platform/http/views/error.njk', {
    title: 'Sorry, there is a problem with the service',
    paragraphs: ['Try again later. Nothing you entered has been saved.'],
  });
}
