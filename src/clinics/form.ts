import type { FastifyReply, FastifyRequest } from 'fastify';

/** Reading the clinic pages' forms: every field a bounded string, whatever was sent. */
export type Body = Record<string, unknown>;

export const bodyOf = (req: FastifyRequest): Body => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Body) : {});
export const str = (b: Body, k: string, max = 5000) => (typeof b[k] === 'string' ? (b[k] as string).slice(0, max) : '');
export const dateBoxes = (b: Body, name: string) => ({ day: str(b, `${name}-day`, 4), month: str(b, `${name}-month`, 4), year: str(b, `${name}-year`, 6) });
export const flag = (req: FastifyRequest, name: string) => (req.query as Record<string, unknown> | undefined)?.[name] === '1';

/** A refusal that changed nothing (a slot just taken, a clinic with bookings): 409 with the reason and the way back. */
export const refusedPage = (reply: FastifyReply, message: string, backHref: string) =>
  reply.code(409).page('clinics/views/refused.njk', { title: 'That could not be done', message, backHref });
