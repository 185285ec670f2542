import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { NotFoundError, ValidationError } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { PR_EVIDENCE_LABELS, VIEW_LABELS, CHANGE_LABELS, LETTER_KINDS, MILESTONE_LABELS } from './labels.js';
import * as family from './service.js';
import { familyAdvicePdf } from '../advice/service.js';
import { listHref, paginationLinks } from '../platform/http/paging.js';
import { bodyOf, field } from '../platform/http/form-body.js';
import { answerItems, FFT_QUESTION } from '../feedback/service.js';

/** ?page=N, a whole number from 1; anything else is the first page. */
const pageNumber = (query: unknown) => {
  const n = Number((query as Record<string, unknown> | undefined)?.page);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
};
import { familyWardRoutes } from './ward-routes.js';
import { familySettingsRoutes } from './settings-routes.js';

/**
 * The family's own pages (/family, NHS login) and, on the child's page, the
 * professionals' view of who has family access and how it is granted.
 */

const FAMILY_PAGE = { config: { public: true } } as const;

/** Runs a family page for the signed-in family member: the sign-in page without one; a refusal at the door says why, in plain words. */
async function asFamily(req: FastifyRequest, reply: FastifyReply, fn: (member: FamilyMember) => Promise<unknown>) {
  if (!req.family) return reply.redirect('/sign-in', 303);
  try {
    return await fn(req.family);
  } catch (error) {
    if (!(error instanceof RefusedAccess)) throw error;
    return reply.code(403).page('family/views/refused.njk', { title: 'You cannot see this at the moment', reason: error.message });
  }
}

const body = (req: FastifyRequest) => req.body as Record<string, unknown> | undefined;

function familyRoutes(app: Parameters<RouteModule>[0], deps: AppDeps) {
  app.get('/family', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const children = await family.familyHome(deps.db, member);
    const notices = await family.familyNotices(deps.db, member);
    return reply.page('family/views/home.njk', { title: 'Your family’s care', children, notices, p9: member.identityLevel === 'P9' });
  }));

  const childPage = async (reply: FastifyReply, member: FamilyMember, childId: string, extra: Record<string, unknown> = {}) => {
    const page = await family.familyChildPage(deps.db, member, childId);
    return reply.page('family/views/child.njk', { title: `${page.child.givenName} ${page.child.familyName}`, ...page, letterKinds: LETTER_KINDS, backHref: '/family', ...extra });
  };

  app.get('/family/children/:id', FAMILY_PAGE, (req, reply) => asFamily(req, reply, (member) => {
    const q = req.query as Record<string, string> | undefined;
    return childPage(reply, member, idParam(req.params), { asked: q?.asked, changed: q?.changed === '1', hidden: q?.hidden, done: q?.done === '1', thanked: q?.feedback === '1' });
  }));

  app.get('/family/children/:id/who-has-looked', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const id = idParam(req.params);
    const { looks, window } = await family.whoHasLooked(deps.db, member, id, pageNumber(req.query));
    return reply.page('family/views/who-has-looked.njk', {
      title: 'Who has looked at your record', looks, window, backHref: `/family/children/${id}`,
      pageLinks: paginationLinks(window, (page) => listHref(`/family/children/${id}/who-has-looked`, { page })),
    });
  }));

  app.get('/family/children/:id/letters/:letterId', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const id = idParam(req.params);
    const { letter } = await family.familyLetter(deps.db, member, id, idParam(req.params, 'letterId'));
    return reply.page('family/views/letter.njk', { title: letter.title, letter, backHref: `/family/children/${id}#letters` });
  }));

  app.get('/family/children/:id/advice/:sendingId', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const id = idParam(req.params);
    const { view } = await family.familyAdvice(deps.db, member, id, idParam(req.params, 'sendingId'));
    const here = `/family/children/${id}/advice/${view.sendingId}`;
    return reply.page('family/views/advice.njk', {
      title: view.pages.map((p) => p.title).join(', '), view, backHref: `/family/children/${id}#advice`,
      pdfHref: `${here}/advice.pdf`, helpfulHref: `${here}/helpful`, thanks: (req.query as Record<string, unknown> | undefined)?.thanks === '1',
    });
  }));

  app.get('/family/children/:id/advice/:sendingId/advice.pdf', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const { view } = await family.familyAdvice(deps.db, member, idParam(req.params), idParam(req.params, 'sendingId'), 'pdf');
    return reply.type('application/pdf').header('cache-control', 'no-store').header('content-disposition', 'inline; filename="advice.pdf"').send(await familyAdvicePdf(view));
  }));

  app.post('/family/children/:id/advice/:sendingId/helpful', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const id = idParam(req.params);
    const sendingId = idParam(req.params, 'sendingId');
    try {
      await family.familyAdviceHelpful(deps.db, member, id, sendingId, { page: body(req)?.page, helpful: body(req)?.helpful });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return reply.code(400).page('family/views/refused.njk', { title: 'We could not save your answer', reason: 'Go back to the advice and choose “Yes, it helped” or “No, it did not help”.' });
    }
    return reply.redirect(`/family/children/${id}/advice/${sendingId}?thanks=1#page-${String(body(req)?.page)}`, 303);
  }));

  app.post('/family/children/:id/actions/done', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const id = idParam(req.params);
    try {
      await family.markActionDone(deps.db, member, id, body(req));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return childPage(reply.code(400), member, id, { errors: [{ text: error.fields.actionId ?? 'Choose the action you have done', href: '#plan-actions' }] });
    }
    return reply.redirect(`/family/children/${id}?done=1#plan-actions`, 303);
  }));

  app.post('/family/children/:id/hide', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const id = idParam(req.params);
    await family.hideFromParents(deps.db, member, id, body(req));
    return reply.redirect(`/family/children/${id}?hidden=${body(req)?.show === 'yes' ? 'shown' : 'hidden'}#letters`, 303);
  }));

  const questionPage = async (reply: FastifyReply, member: FamilyMember, id: string, values: Record<string, unknown> = {}, fields: Record<string, string> = {}) =>
    reply.page('family/views/ask.njk', {
      title: 'Ask the care team a question', childId: id, values, responseDays: await family.questionForm(deps.db, member, id), fields, errors: errorSummary(fields, ['subject', 'message']), backHref: `/family/children/${id}#questions`,
    });

  app.get('/family/children/:id/questions/new', FAMILY_PAGE, (req, reply) => asFamily(req, reply, (member) => questionPage(reply, member, idParam(req.params))));

  app.post('/family/children/:id/questions', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const id = idParam(req.params);
    try {
      const { days } = await family.askQuestion(deps.db, member, id, body(req));
      return reply.redirect(`/family/children/${id}?asked=${days}#questions`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return questionPage(reply.code(400), member, id, body(req) ?? {}, error.fields);
    }
  }));

  const feedbackPage = async (reply: FastifyReply, member: FamilyMember, id: string, linkId: string, values = { answer: '', comments: '', anonymous: '' }, fields: Record<string, string> = {}) => {
    const offer = await family.feedbackOffer(deps.db, member, id, linkId);
    return reply.page('family/views/feedback.njk', {
      title: 'Tell us how we did', childId: id, linkId, offer, values, fields, question: FFT_QUESTION, ...answerItems(values),
      errors: errorSummary(fields, ['answer', 'comments', 'anonymous']), backHref: `/family/children/${id}#feedback`,
    });
  };

  app.get('/family/children/:id/feedback/:linkId', FAMILY_PAGE, (req, reply) => asFamily(req, reply, (member) =>
    feedbackPage(reply, member, idParam(req.params), idParam(req.params, 'linkId'))));

  app.post('/family/children/:id/feedback/:linkId', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const id = idParam(req.params);
    const linkId = idParam(req.params, 'linkId');
    const b = bodyOf(req);
    const values = { answer: field(b, 'answer', 20), comments: field(b, 'comments', 2100), anonymous: field(b, 'anonymous', 4) };
    try {
      await family.giveFeedback(deps.db, member, id, linkId, values);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return feedbackPage(reply.code(400), member, id, linkId, values, error.fields);
    }
    return reply.redirect(`/family/children/${id}?feedback=1#feedback`, 303);
  }));

  /** The form with the appointment it is about; after a refused request for one not theirs, the error alone. */
  const changePage = async (reply: FastifyReply, member: FamilyMember, id: string, bookingId: string, values: Record<string, unknown> = {}, fields: Record<string, string> = {}) => {
    const appointment = await family.appointmentToChange(deps.db, member, id, bookingId);
    if (!appointment && !fields.bookingId) throw new NotFoundError();
    return reply.page('family/views/change-appointment.njk', {
      title: 'Ask to change an appointment', childId: id, bookingId, appointment, values, fields, errors: errorSummary(fields, ['reason', 'bookingId']),
      backHref: `/family/children/${id}#appointments`,
    });
  };

  app.get('/family/children/:id/appointments/:bookingId/change', FAMILY_PAGE, (req, reply) =>
    asFamily(req, reply, async (member) => changePage(reply, member, idParam(req.params), idParam(req.params, 'bookingId'))));

  app.post('/family/children/:id/appointments/:bookingId/change', FAMILY_PAGE, (req, reply) => asFamily(req, reply, async (member) => {
    const id = idParam(req.params);
    const bookingId = idParam(req.params, 'bookingId');
    try {
      await family.askToChangeAppointment(deps.db, member, id, { ...body(req), bookingId });
      return reply.redirect(`/family/children/${id}?changed=1#appointments`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return changePage(reply.code(400), member, id, bookingId, body(req) ?? {}, error.fields);
    }
  }));
}

/**
 * The changes a professional may make to a grant as it stands; the young
 * person's agreement only to a proxy and only once it counts (from 15), so
 * the form never offers what the service would refuse.
 */
function changeItems(status: string, kind: string, youngPersonMayAgree: boolean) {
  return [
    ...(status === 'active' ? [{ value: 'suspended', text: 'Suspend' }] : []),
    ...(status === 'suspended' ? [{ value: 'resumed', text: 'Resume' }] : []),
    ...(kind === 'proxy' && youngPersonMayAgree ? [{ value: 'young-person-agreed', text: 'The young person agrees to it continuing' }] : []),
    { value: 'limited', text: 'Change what they may see or the end date' },
    { value: 'ended', text: 'End' },
  ];
}

const ACCESS_FIELDS = ['milestoneDecision', 'milestoneNote', 'form', 'relatedPersonId', 'basis', 'evidenceNote', 'maySee', 'endsOn', 'lookedAfterReason', 'refusalReviewed', 'refuseRelatedPersonId', 'refuseReason', 'decision', 'framework', 'outcome', 'understood', 'reason', 'change'];

function professionalRoutes(app: Parameters<RouteModule>[0], deps: AppDeps) {
  const accessPage = async (req: FastifyRequest, reply: FastifyReply, fields: Record<string, string> = {}, values: Record<string, unknown> = {}) => {
    const id = idParam(req.params);
    const page = await inTenant(deps, req, (tx, actor) => family.familyAccessOf(tx, actor, id));
    const chosen = (name: string) => [values[name]].flat().map(String);
    return reply.page('family/views/access.njk', {
      title: 'Family access', ...page, childId: id, fields, values, errors: errorSummary(fields, ACCESS_FIELDS),
      grants: page.grants.map((g) => ({
        ...g, changeItems: changeItems(g.status, g.kind, page.youngPersonMayAgree),
        limitItems: Object.entries(VIEW_LABELS).map(([value, text]) => ({ value, text, checked: g.may_see.includes(value as never) })),
      })),
      refuseItems: page.adults.map((a) => ({ value: a.id, text: `${a.name} (${a.relationship})`, checked: chosen('refuseRelatedPersonId').includes(a.id) })),
      adultItems: page.adults.map((a) => ({
        value: a.id, checked: chosen('relatedPersonId').includes(a.id),
        text: `${a.name} (${a.relationship}, ${a.parental_responsibility ? 'parental responsibility' : 'no parental responsibility recorded'})`,
      })),
      basisItems: Object.entries(PR_EVIDENCE_LABELS).map(([value, text]) => ({ value, text, checked: chosen('basis').includes(value) })),
      viewItems: Object.entries(VIEW_LABELS).map(([value, text]) => ({ value, text, checked: !values.maySee || chosen('maySee').includes(value) })),
      PR_EVIDENCE_LABELS, CHANGE_LABELS, MILESTONE_LABELS, backHref: `/children/${id}`, saved: (req.query as Record<string, string> | undefined)?.saved,
    });
  };

  app.get('/children/:id/family-access', (req, reply) => accessPage(req, reply));

  /** A change from the family access page: done, back to the page; refused input, the page again with the error summary. */
  const change = (path: string, what: string, run: (req: FastifyRequest) => Promise<void>) => app.post(path, async (req, reply) => {
    try {
      await run(req);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return accessPage(req, reply.code(400), error.fields, body(req) ?? {});
    }
    return reply.redirect(`/children/${idParam(req.params)}/family-access?saved=${what}`, 303);
  });

  change('/children/:id/family-access/proxy', 'proxy', (req) => inTenant(deps, req, (tx, actor) => family.grantProxy(tx, actor, idParam(req.params), body(req))));
  change('/children/:id/family-access/own-access', 'own-access', (req) => inTenant(deps, req, (tx, actor) => family.grantOwnAccess(tx, actor, idParam(req.params), body(req))));
  change('/children/:id/family-access/refuse', 'refusal', (req) => inTenant(deps, req, async (tx, actor) => {
    try {
      await family.refuseProxy(tx, actor, idParam(req.params), { relatedPersonId: body(req)?.refuseRelatedPersonId, reason: body(req)?.refuseReason });
    } catch (error) {
      // The refusal form's own fields, so its messages sit beside it rather than by the grant form's.
      if (!(error instanceof ValidationError)) throw error;
      const f = error.fields;
      throw new ValidationError({ ...(f.relatedPersonId ? { refuseRelatedPersonId: f.relatedPersonId } : {}), ...(f.reason ? { refuseReason: f.reason } : {}) });
    }
  }));
  change('/children/:id/family-access/competence', 'competence', (req) => inTenant(deps, req, (tx, actor) => family.recordCompetence(tx, actor, idParam(req.params), body(req))));
  change('/children/:id/family-access/:grantId/milestone', 'milestone', (req) =>
    inTenant(deps, req, (tx, actor) => family.recordMilestoneDecision(tx, actor, idParam(req.params), idParam(req.params, 'grantId'), body(req))));
  change('/children/:id/family-access/:grantId/change', 'change', (req) =>
    inTenant(deps, req, (tx, actor) => family.changeAccess(tx, actor, idParam(req.params), idParam(req.params, 'grantId'), body(req))));

  const threadPage = async (req: FastifyRequest, reply: FastifyReply, fields: Record<string, string> = {}) => {
    const id = idParam(req.params);
    const page = await inTenant(deps, req, (tx, actor) => family.questionThread(tx, actor, id, idParam(req.params, 'questionId')));
    return reply.page('family/views/thread.njk', {
      title: page.thread.subject, ...page, childId: id, fields, errors: errorSummary(fields, ['answer']), backHref: `/children/${id}/family-access`,
    });
  };

  app.get('/children/:id/family-access/questions/:questionId', (req, reply) => threadPage(req, reply));

  app.post('/children/:id/family-access/questions/:questionId/answer', async (req, reply) => {
    const id = idParam(req.params);
    try {
      await inTenant(deps, req, (tx, actor) => family.answerQuestion(tx, actor, id, idParam(req.params, 'questionId'), body(req)));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return threadPage(req, reply.code(400), error.fields);
    }
    return reply.redirect(`/children/${id}/family-access/questions/${idParam(req.params, 'questionId')}`, 303);
  });
}

export const familyRoutesModule: RouteModule = (app, deps) => {
  familyRoutes(app, deps);
  familyWardRoutes(app, deps, { asFamily, page: FAMILY_PAGE });
  professionalRoutes(app, deps);
  familySettingsRoutes(app, deps);
};
