import type { FastifyReply, FastifyRequest } from 'fastify';
import { queryOf } from '../platform/http/form-body.js';

/** What the clinic pages share: a flag from the query (?saved=1) and the page for a refusal that changed nothing. */
export const flag = (req: FastifyRequest, name: string) => queryOf(req)[name] === '1';

/** A refusal that changed nothing (a slot just taken, a clinic with bookings): 409 with the reason and the way back. */
export const refusedPage = (reply: FastifyReply, message: string, backHref: string) =>
  reply.code(409).page('platform/http/views/refused.njk', { title: 'That could not be done', message, backHref });
