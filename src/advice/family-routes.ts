import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from '../platform/http/app.js';
import { bodyOf, field } from '../platform/http/form-body.js';
import { openLink, answerHelpful, type LinkAnswer } from './family-link.js';
import { familyAdvicePdf } from './family-pdf.js';
import { feedbackTokenOf } from './sending.js';
import { feedbackLink } from '../feedback/service.js';

/** The device cookie is the link's own (its path), so one phone can hold several families' links. */
const DEVICE_COOKIE = 'joinery_advice_device';

const CLOSED: Record<Exclude<LinkAnswer['kind'], 'open'>, { status: number; title: string; message: string }> = {
  'not-found': { status: 404, title: 'This link does not work', message: 'We could not find advice for this link. Check you copied all of it.' },
  expired: { status: 410, title: 'This link has expired', message: 'Links to advice work for 28 days after they are sent.' },
  'other-device': { status: 403, title: 'This link has already been opened', message: 'For privacy, a link to advice opens on one phone or computer only, and it was opened on another one.' },
};

const tokenOf = (req: FastifyRequest) => {
  const t = (req.params as Record<string, unknown> | undefined)?.token;
  return typeof t === 'string' ? t : '';
};

/**
 * The family's one-time link (no sign-in): the advice as sent, its PDF and
 * "did this help?". The link opens for the first device that uses it and,
 * after that, only for that device.
 */
export const familyAdviceRoutes: RouteModule = (app, deps) => {
  const open = async (req: FastifyRequest, reply: FastifyReply, as: 'page' | 'pdf') => {
    const token = tokenOf(req);
    const path = `/advice/${token}`;
    const answer = await openLink(deps.db, token, req.cookies[DEVICE_COOKIE], as);
    if (answer.kind !== 'open') {
      const closed = CLOSED[answer.kind];
      reply.code(closed.status).page('advice/views/link-closed.njk', { title: closed.title, message: closed.message });
      return null;
    }
    if (answer.newDevice) {
      reply.setCookie(DEVICE_COOKIE, answer.newDevice, { path, httpOnly: true, sameSite: 'lax', secure: deps.config.publicUrl.startsWith('https:'), maxAge: 90 * 86_400 });
    }
    return { view: answer.view, path };
  };

  app.get('/advice/:token', { config: { public: true } }, async (req, reply) => {
    const opened = await open(req, reply, 'page');
    if (!opened) return reply;
    const thanks = (req.query as Record<string, unknown> | undefined)?.thanks === '1';
    // The Friends and Family Test for this advice, while the family has not answered it (a link replaced since has none).
    const feedbackToken = feedbackTokenOf(tokenOf(req));
    const feedbackHref = (await feedbackLink(deps.db, feedbackToken)).state === 'open' ? `/feedback/${feedbackToken}` : null;
    return reply.page('advice/views/family.njk', {
      title: `Advice for ${opened.view.firstName}`, view: opened.view, thanks, pdfHref: `${opened.path}/advice.pdf`, helpfulHref: `${opened.path}/helpful`, feedbackHref,
    });
  });

  app.get('/advice/:token/advice.pdf', { config: { public: true } }, async (req, reply) => {
    // The cookie's path is the link's own, which covers this address too.
    const opened = await open(req, reply, 'pdf');
    if (!opened) return reply;
    return reply.type('application/pdf').header('cache-control', 'no-store').header('content-disposition', 'inline; filename="advice.pdf"')
      .send(await familyAdvicePdf(opened.view));
  });

  app.post('/advice/:token/helpful', { config: { public: true } }, async (req, reply) => {
    const token = tokenOf(req);
    const b = bodyOf(req);
    const helpful = field(b, 'helpful', 5);
    const pageId = field(b, 'page', 60);
    const answered = (helpful === 'yes' || helpful === 'no') && (await answerHelpful(deps.db, token, req.cookies[DEVICE_COOKIE], pageId, helpful === 'yes'));
    if (!answered) {
      return reply.code(400).page('advice/views/link-closed.njk', {
        title: 'We could not save your answer', message: 'The link has expired, or it was opened on another phone or computer.',
      });
    }
    return reply.redirect(`/advice/${token}?thanks=1#page-${pageId}`, 303);
  });
};
