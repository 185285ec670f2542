import type { FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf, dateBoxes, field as str, fieldList } from '../platform/http/form-body.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import { savedFirstByAnother, showTypedAgain } from '../platform/http/typed-again.js';
import { londonToday, readDateParts } from '../platform/time/form-dates.js';
import * as mdt from './service.js';
import { outcomeLetterPage } from './letter-routes.js';
import { MAX_ACTIONS_PER_SAVE, THEMES } from './meeting-input.js';
import { checked, conflictPage, ownerOf, teamItems } from './meeting-pages.js';
import { ownerOptions } from '../children/service.js';

/** Recording a case's discussion at the meeting: what was said, what was decided, its themes, and the actions agreed, each with who and by when. */

/** The action rows as typed, with each due date read from its boxes (a date typed wrongly keeps its own message). */
function readActionRows(b: Record<string, unknown>, dateErrors: FieldErrors) {
  return Array.from({ length: MAX_ACTIONS_PER_SAVE }, (_, i) => {
    const boxes = dateBoxes(b, `actions-${i}-dueOn`);
    const read = readDateParts(boxes, 'Due date');
    if (read.error) dateErrors[`actions.${i}.dueOn`] = read.error;
    return {
      description: str(b, `actions-${i}-description`, 2000), ownerId: str(b, `actions-${i}-ownerId`, 45), confirmOwner: str(b, `actions-${i}-confirmOwner`, 45),
      dueOn: boxes, iso: read.error ? 'not-a-date' : (read.iso ?? ''),
    };
  });
}

export const outcomeRoutes: RouteModule = (app, deps) => {
  const outcomeForm = async (req: FastifyRequest, caseId: string, values: Record<string, unknown> | null, fields: FieldErrors = {}) => {
    const brief = await inTenant(deps, req, (tx, actor) => mdt.outcomeBrief(tx, actor, caseId, londonToday()));
    const c = brief.case;
    const v = values ?? { discussion: c.discussion ?? '', decisions: c.decisions ?? '', themes: c.themes, otherTheme: '', version: String(c.version), actions: [], advicePages: [], adviceNote: '' };
    // The child's care team, then who attended, then everyone else, then teams: "who will do it", grouped.
    const people = [
      ...(await inTenant(deps, req, (tx, actor) => ownerOptions(tx, actor.icsId, c.child_id, '', [{ label: 'At this meeting', note: 'attended this meeting', ids: brief.attendees }]))),
      ...(await teamItems(deps, req)).map((t) => ({ ...t, group: 'Teams' })),
    ];
    const actions = Array.from({ length: MAX_ACTIONS_PER_SAVE }, (_, i) => {
      const a = ((v.actions as Record<string, unknown>[])[i] ?? {}) as Record<string, unknown>;
      return { index: i, description: a.description ?? '', ownerId: a.ownerId ?? '', dueOn: a.dueOn ?? { day: '', month: '', year: '' },
        ownerItems: people.map((p) => ({ ...p, selected: p.value === (a.ownerId ?? '') })),
        errors: { description: fields[`actions.${i}.description`], ownerId: fields[`actions.${i}.ownerId`], dueOn: fields[`actions.${i}.dueOn`], confirmOwner: fields[`actions.${i}.confirmOwner`] } };
    });
    return {
      title: `Record the discussion: ${brief.child.given_name} ${brief.child.family_name}`, brief, values: v, fields, actions,
      themeItems: THEMES.map((t) => ({ value: t, text: t, checked: (v.themes as string[]).includes(t) })),
      adviceItems: brief.adviceOffers.map((o) => ({ value: o.choice, text: `${o.title} (${o.band}, version ${o.version})`, checked: (v.advicePages as string[]).includes(o.choice) })),
      errors: Object.entries(fields).map(([k, text]) => ({ text, href: `#${k.replace(/\./g, '-')}${/dueOn$/.test(k) ? '-day' : ''}` })),
      backHref: `/mdt/${brief.meeting.id}`,
    };
  };

  app.get('/mdt/cases/:caseId/outcome', async (req, reply) => reply.page('mdt/views/outcome.njk', await outcomeForm(req, idParam(req.params, 'caseId'), null)));

  app.post('/mdt/cases/:caseId/outcome', async (req, reply) => {
    const caseId = idParam(req.params, 'caseId');
    const b = bodyOf(req);
    const dateErrors: FieldErrors = {};
    const actions = readActionRows(b, dateErrors);
    // An action row left wholly empty is not an action.
    const given = actions.map((a, i) => ({ a, i })).filter(({ a }) => a.description.trim() || a.ownerId || a.dueOn.day || a.dueOn.month || a.dueOn.year);
    const values = {
      discussion: str(b, 'discussion'), decisions: str(b, 'decisions'), themes: checked(b.themes).slice(0, 20), otherTheme: str(b, 'otherTheme', 200), version: str(b, 'version', 12), actions,
      advicePages: fieldList(b, 'advicePages', 20), adviceNote: str(b, 'adviceNote', 1100),
    };
    let recorded: Awaited<ReturnType<typeof mdt.recordOutcome>>;
    try {
      recorded = await inTenant(deps, req, (tx, actor) => mdt.recordOutcome(tx, actor, caseId, {
        ...values, actions: given.map(({ a }) => ({ description: a.description, ...ownerOf(a.ownerId), dueOn: a.iso, confirmOwner: a.confirmOwner })),
      }, values.version, londonToday(), new Date(), deps.config.publicUrl));
    } catch (error) {
      if (savedFirstByAnother(error)) {
        return showTypedAgain(reply, 'mdt/views/outcome.njk', await outcomeForm(req, caseId, values), error, { href: `/mdt/cases/${caseId}/letter`, text: 'Read the letter they sent' });
      }
      if (error instanceof ConflictError) return conflictPage(reply, error.message, `/mdt/cases/${caseId}/outcome`);
      if (!(error instanceof ValidationError)) throw error;
      // The service numbers actions among those given; the form numbers its rows.
      const fields: FieldErrors = {};
      for (const [k, text] of Object.entries(error.fields)) {
        const m = /^actions\.(\d+)\.(.+)$/.exec(k);
        fields[m ? `actions.${given[Number(m[1])]?.i ?? m[1]}.${m[2]}` : k] = text;
      }
      for (const [k, text] of Object.entries(dateErrors)) if (given.some(({ i }) => k.startsWith(`actions.${i}.`))) fields[k] = text;
      return reply.code(400).page('mdt/views/outcome.njk', await outcomeForm(req, caseId, values, fields));
    }
    // Advice sent with the outcome: the family's one-time link is shown now, once, as from the child's advice page.
    if (recorded.advice) return reply.page('mdt/views/letter.njk', await outcomeLetterPage(deps, req, caseId, { sent: true, link: mdt.outcomeAdviceLink(deps.config.publicUrl, recorded.advice) }));
    return reply.redirect(`/mdt/cases/${caseId}/letter?sent=1`, 303);
  });
};
