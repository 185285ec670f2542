import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, inTenant, type RouteModule } from '../platform/http/app.js';
import { NotFoundError } from '../platform/http/errors.js';
import { errorSummary, fieldErrors, optionalText } from '../platform/http/validate.js';
import { letterPdf } from '../platform/http/pdf.js';
import { loadHazardLog } from './hazard-log.js';
import { riskMatrix } from './risk-matrix.js';
import { hazardView, safetyCasePdfLines, safetyCaseReport, signOffText, TEST_STATUS_LABELS } from './safety-case.js';
import { confirmHandoverControl, handoverChecklist, mayViewClinicalSafety } from './service.js';
import { lastTestRun } from './test-evidence.js';

const answerForm = z.object({
  inPlace: z.enum(['yes', 'no'], { error: 'Select whether this control is in place' }),
  note: optionalText('how it is in place', { max: 2000, multiline: true }),
  version: z.coerce.number({ error: 'The form is out of date: reload the page' }).int().min(0),
}).refine((f) => f.inPlace === 'no' || f.note, { message: 'Say how this control is in place (the training, setting or process, and who owns it)', path: ['note'] });

/** The clinical safety officer's pages (administrator and privacy officer until there is such a role), read from the repository's hazard log. */
export const safetyRoutes: RouteModule = (app, deps) => {
  // Each route checks the policy before it reads anything.
  const page = (_req: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown>) =>
    reply.page(`safety/views/${template}`, { statusLabels: TEST_STATUS_LABELS, ...context });

  app.get('/safety/hazards', async (req, reply) => {
    mayViewClinicalSafety(actorOf(req));
    const run = lastTestRun();
    const hazards = loadHazardLog().hazards.map((h) => hazardView(h, run));
    return page(req, reply, 'hazards.njk', { title: 'Clinical hazard log', hazards, run, matrix: riskMatrix() });
  });

  app.get('/safety/hazards/:id', async (req, reply) => {
    mayViewClinicalSafety(actorOf(req));
    const id = (req.params as { id?: string }).id;
    const hazard = loadHazardLog().hazards.find((h) => h.id === id);
    if (!hazard) throw new NotFoundError();
    const run = lastTestRun();
    return page(req, reply, 'hazard.njk', { title: `${hazard.id} ${hazard.title}`, hazard: hazardView(hazard, run), run });
  });

  app.get('/safety/case', async (req, reply) => {
    mayViewClinicalSafety(actorOf(req));
    const report = safetyCaseReport(loadHazardLog(), lastTestRun());
    return page(req, reply, 'safety-case.njk', { title: `Clinical safety case report: ${report.product} ${report.version}`, report, signOff: signOffText(report) });
  });

  app.get('/safety/case.pdf', async (req, reply) => {
    mayViewClinicalSafety(actorOf(req));
    const report = safetyCaseReport(loadHazardLog(), lastTestRun());
    const pdf = await letterPdf(safetyCasePdfLines(report));
    return reply.type('application/pdf').header('content-disposition', `inline; filename="joinery-${report.version}-clinical-safety-case.pdf"`).send(pdf);
  });

  const handover = (req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) =>
    inTenant(deps, req, (tx, actor) => handoverChecklist(tx, actor)).then((checklist) =>
      page(req, reply, 'handover.njk', { title: 'Deploying Joinery safely (DCB0160)', checklist, fields: {}, ...extra }));

  app.get('/safety/handover', async (req, reply) => handover(req, reply, { saved: (req.query as { saved?: string }).saved }));

  app.post('/safety/handover/:controlId', async (req, reply) => {
    const controlId = String((req.params as { controlId?: string }).controlId ?? '');
    if (!/^H\d{3}-C\d+$/.test(controlId)) throw new NotFoundError();
    const parsed = answerForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      // Errors point at the fields of the one control that was sent.
      const anchored = Object.fromEntries(Object.entries(fieldErrors(parsed.error)).map(([k, v]) => [`${k}-${controlId}`, v]));
      const body = (req.body ?? {}) as Record<string, unknown>;
      const typed = { id: controlId, inPlace: String(body.inPlace ?? ''), note: typeof body.note === 'string' ? body.note : '' };
      return handover(req, reply.code(400), { errors: errorSummary(anchored), fields: anchored, typed });
    }
    const { inPlace, note, version } = parsed.data;
    await inTenant(deps, req, (tx, actor) => confirmHandoverControl(tx, actor, controlId, { inPlace: inPlace === 'yes', note: note ?? '', version }));
    return reply.redirect(`/safety/handover?saved=${controlId}#${controlId}`, 303);
  });
};
