import { inTenant, type RouteModule } from '../platform/http/app.js';
import { idParam } from '../platform/http/validate.js';
import { dueInWords } from '../platform/time/due-words.js';
import { markDone, openItems } from './service.js';

/** Safe links only: a worklist item links inside Joinery, never elsewhere. */
const localLink = (link: string | null) => (link && /^\/(?!\/)[A-Za-z0-9/_\-.?=&#%]*$/.test(link) ? link : null);

const sentence = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

/** What waits for a professional: notifications stay until they are marked done. */
export const worklistRoutes: RouteModule = (app, deps) => {
  app.get('/worklist', async (req, reply) => {
    const items = await inTenant(deps, req, (tx, a) => openItems(tx, a));
    return reply.page('worklist/views/worklist.njk', {
      title: 'Your worklist',
      // Due dates are London calendar days, counted from today in London.
      items: items.map((i) => ({ ...i, link: localLink(i.link), letter: localLink(i.letter), due: i.due_on ? sentence(dueInWords(i.due_on)) : null })),
      done: (req.query as Record<string, unknown> | undefined)?.done === '1',
    });
  });

  app.post('/worklist/:id/done', async (req, reply) => {
    const id = idParam(req.params);
    await inTenant(deps, req, (tx, actor) => markDone(tx, actor, id));
    return reply.redirect('/worklist?done=1', 303);
  });
};
