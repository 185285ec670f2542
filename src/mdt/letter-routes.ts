import type { FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { idParam } from '../platform/http/validate.js';
import { letterPdf } from '../platform/http/pdf.js';
import * as mdt from './service.js';
import type { FamilyLink } from './outcome-advice.js';

/** A case's outcome letter, as a page and as a PDF to send. */

/** The letter page, with the family's one-time link when advice was sent with the outcome just now (shown only then). */
export async function outcomeLetterPage(deps: AppDeps, req: FastifyRequest, caseId: string, shown: { sent: boolean; link?: FamilyLink }) {
  const { letter, sentAt, childId } = await inTenant(deps, req, (tx, actor) => mdt.outcomeLetter(tx, actor, caseId));
  return { title: letter.title, letter, sentAt, caseId, childId, ...shown, backHref: '/mdt' };
}

export const outcomeLetterRoutes: RouteModule = (app, deps) => {
  app.get('/mdt/cases/:caseId/letter', async (req, reply) => {
    const caseId = idParam(req.params, 'caseId');
    return reply.page('mdt/views/letter.njk', await outcomeLetterPage(deps, req, caseId, { sent: (req.query as Record<string, unknown>)?.sent === '1' }));
  });

  app.get('/mdt/cases/:caseId/letter.pdf', async (req, reply) => {
    const caseId = idParam(req.params, 'caseId');
    const { letter } = await inTenant(deps, req, (tx, actor) => mdt.outcomeLetter(tx, actor, caseId));
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="mdt-outcome-letter.pdf"').send(await letterPdf(letter));
  });
};
