import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, inTenant, type RouteModule } from '../platform/http/app.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary } from '../platform/http/validate.js';
import { bodyOf, field } from '../platform/http/form-body.js';
import { londonToday } from '../platform/time/form-dates.js';
import * as advice from './service.js';
import { ACTION_WORDS, bandWords, pageShape, type AgeBand } from './page-format.js';
import { familyPageOf } from './family-link.js';
import { COLOURS, formFieldOf, pageFrom, postedValues, valuesOf, type EditorValues } from './editor-form.js';

const BASE = '/admin/advice';
const SAMPLE_PRACTICE = { name: 'Example Surgery', phone: '01632 960000' };

const NOTICES: Record<string, string> = {
  saved: 'Saved as a draft. Families are still sent the last approved version until this one is approved.',
  approved: 'Approved. Families are sent this version from now on.',
  unchanged: 'Nothing was changed, so no new version was saved.',
  target: 'The reading age target is saved.',
};

/** Each band of a page as the family would read it, with a sample practice. */
function previewOf(page: { id: string; title: string; version?: number; demonstration: boolean; sources: string[]; ageBands: AgeBand[] }) {
  return [...page.ageBands].sort((a, b) => a.fromMonths - b.fromMonths).map((band) => ({
    band: bandWords(band),
    page: familyPageOf({ pageId: page.id, title: page.title, version: page.version ?? 0, demonstration: page.demonstration, sources: page.sources }, band, SAMPLE_PRACTICE),
  }));
}

const actionItems = (values: EditorValues) => values.bands.map((b) => Object.fromEntries(COLOURS.map((colour) => [colour,
  advice.ACTIONS.map((a) => ({ value: a, text: ACTION_WORDS[a], checked: b.actions[colour].includes(a) }))])));

/** The ICS's advice library for families: administrators (the ICS's clinical lead signs in as one). */
export const adviceEditorRoutes: RouteModule = async (app, deps) => {
  await app.register(async (scope) => {
    scope.addHook('preHandler', async (req: FastifyRequest) => {
      advice.requireEditor(actorOf(req));
    });

    scope.get(BASE, async (req, reply) => {
      const o = await inTenant(deps, req, (tx, actor) => advice.overview(tx, actor, londonToday()));
      const notice = NOTICES[String((req.query as Record<string, unknown>)?.notice)];
      return reply.page('advice/views/library.njk', { title: 'Advice library for families', ...o, statusWords: advice.STATUS_WORDS, notice, fields: {}, errors: [] });
    });

    scope.post(`${BASE}/target`, async (req, reply) => {
      try {
        await inTenant(deps, req, (tx, actor) => advice.setTarget(tx, actor, bodyOf(req)));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        const o = await inTenant(deps, req, (tx, actor) => advice.overview(tx, actor, londonToday()));
        return reply.code(400).page('advice/views/library.njk', { title: 'Advice library for families', ...o, statusWords: advice.STATUS_WORDS, fields: e.fields, errors: errorSummary(e.fields) });
      }
      return reply.redirect(`${BASE}?notice=target`, 303);
    });

    scope.get(`${BASE}/new`, async (_req, reply) => showEditor(reply, null, valuesOf(null, 0)));

    scope.get(`${BASE}/:pageId`, async (req, reply) => {
      const pageId = advice.pageIdParam(req.params);
      const found = await inTenant(deps, req, (tx, actor) => advice.pageWithHistory(tx, actor, pageId, londonToday()));
      const notice = NOTICES[String((req.query as Record<string, unknown>)?.notice)];
      return showEditor(reply, found, valuesOf(found.page, found.current.version), { notice });
    });

    scope.get(`${BASE}/:pageId/versions/:n`, async (req, reply) => {
      const pageId = advice.pageIdParam(req.params);
      const n = Number((req.params as Record<string, string>).n);
      if (!Number.isInteger(n) || n < 1 || n > 1e6) return reply.callNotFound();
      const row = await inTenant(deps, req, (tx, actor) => advice.versionOf(tx, actor, pageId, n));
      const page = advice.asPage(row);
      return reply.page('advice/views/version.njk', {
        title: `${row.title}: version ${row.version}`, backHref: `${BASE}/${pageId}`, row, preview: previewOf(page), status: advice.STATUS_WORDS[advice.statusOf(row, londonToday())],
      });
    });

    /** Saves a draft (a new page from /new); with action=preview, shows the typed page as families would read it, unsaved. */
    scope.post(`${BASE}/:pageId`, async (req, reply) => {
      const isNew = (req.params as Record<string, string>).pageId === 'new';
      const pageId = isNew ? null : advice.pageIdParam(req.params);
      const values = postedValues(bodyOf(req));
      if (pageId) values.id = pageId;
      const found = pageId ? await inTenant(deps, req, (tx, actor) => advice.pageWithHistory(tx, actor, pageId, londonToday())) : null;
      const { page, formIndex } = pageFrom(values);
      const openedAt = /^\d{1,6}$/.test(values.version) ? Number(values.version) : -1;
      const failed = (fields: FieldErrors) => showEditor(reply, found, values, {
        fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [formFieldOf(k, formIndex), v])), status: 400,
      });
      if (field(bodyOf(req), 'action', 10) === 'preview') {
        const checked = pageShape.safeParse(page);
        if (!checked.success) return failed(Object.fromEntries(checked.error.issues.map((i) => [i.path.join('.') || 'form', i.message]).reverse()));
        return showEditor(reply, found, values, { draft: previewOf(checked.data) });
      }
      try {
        const version = await inTenant(deps, req, (tx, actor) => advice.savePage(tx, actor, page, openedAt));
        return reply.redirect(`${BASE}/${values.id}?notice=${version === null ? 'unchanged' : 'saved'}`, 303);
      } catch (e) {
        if (e instanceof ValidationError) return failed(e.fields);
        if (e instanceof ConflictError) return reply.code(409).page('advice/views/conflict.njk', { title: 'Someone else changed this page', message: e.message, backHref: `${BASE}/${values.id}` });
        throw e;
      }
    });

    scope.post(`${BASE}/:pageId/approve`, async (req, reply) => {
      const pageId = advice.pageIdParam(req.params);
      const b = bodyOf(req);
      const openedAt = /^\d{1,6}$/.test(field(b, 'version', 12)) ? Number(field(b, 'version', 12)) : -1;
      const reviewBy = [field(b, 'reviewBy-year', 4), field(b, 'reviewBy-month', 2).padStart(2, '0'), field(b, 'reviewBy-day', 2).padStart(2, '0')].join('-');
      try {
        await inTenant(deps, req, (tx, actor) => advice.approvePage(tx, actor, pageId, openedAt, { reviewBy }, londonToday()));
      } catch (e) {
        if (e instanceof ConflictError) return reply.code(409).page('advice/views/conflict.njk', { title: 'Someone else changed this page', message: e.message, backHref: `${BASE}/${pageId}` });
        if (!(e instanceof ValidationError)) throw e;
        const found = await inTenant(deps, req, (tx, actor) => advice.pageWithHistory(tx, actor, pageId, londonToday()));
        return showEditor(reply, found, valuesOf(found.page, found.current.version), {
          fields: e.fields, status: 400, review: { day: field(b, 'reviewBy-day', 2), month: field(b, 'reviewBy-month', 2), year: field(b, 'reviewBy-year', 4) },
        });
      }
      return reply.redirect(`${BASE}/${pageId}?notice=approved`, 303);
    });
  });

  type Found = Awaited<ReturnType<typeof advice.pageWithHistory>> | null;
  type EditorState = { notice?: string; fields?: FieldErrors; status?: number; draft?: ReturnType<typeof previewOf>; review?: { day: string; month: string; year: string } };

  function showEditor(reply: FastifyReply, found: Found, values: EditorValues, state: EditorState = {}) {
    const fields = state.fields ?? {};
    const bandFields = values.bands.flatMap((_b, i) => [`b${i}-from`, `b${i}-to`, `b${i}-red`, `b${i}-amber`, `b${i}-green`, `b${i}-actions-red`, `b${i}-actions-amber`]);
    return reply.code(state.status ?? 200).page('advice/views/edit.njk', {
      title: found ? found.current.title : 'New advice page', backHref: BASE, found, values, fields, notice: state.notice,
      errors: errorSummary(fields, ['id', 'title', 'condition', 'author', 'sources', ...bandFields, 'reviewBy', ...Object.keys(fields)].filter((k, i, all) => all.indexOf(k) === i)),
      actionItems: actionItems(values), statusWords: advice.STATUS_WORDS,
      preview: state.draft ?? (found ? previewOf(found.page) : []), draft: Boolean(state.draft), review: state.review ?? { day: '', month: '', year: '' },
    });
  }
};
