import { inTenant, type RouteModule } from '../platform/http/app.js';
import { idParam } from '../platform/http/validate.js';
import { letterPdf } from '../platform/http/pdf.js';
import * as mdt from './service.js';

/** A case's outcome letter, as a page and as a PDF to send. */

export const outcomeLetterRoutes: RouteModule = (app, deps) => {
  app.get('/mdt/cases/:caseId/letter', async (req, reply) => {
    const caseId = idParam(req.params, 'caseId');
    const { letter, sentAt, childId } = await inTenant(deps, req, (tx, actor) => mdt.outcomeLetter(tx, actor, caseId));
    return reply.page('mdt/views/letter.njk', { title: letter.title, letter, sentAt, caseId, childId, sent: (req.query as Record<string, unknown>)?.sent === '1', adviceSent: (req.query as Record<string, unknown>)?.advice === '1', backHref: '/mdt' });
  });

  app.get('/mdt/cases/:caseId/letter.pdf', async (req, reply) => {
    const caseId = idParam(req.params, 'caseId');
    const { letter } = await inTenant(deps, req, (tx, actor) => mdt.outcomeLetter(tx, actor, caseId));
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="mdt-outcome-letter.pdf"').send(await letterPdf(letter));
  });
};
