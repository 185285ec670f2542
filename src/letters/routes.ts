import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary } from '../platform/http/validate.js';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { LETTER_KINDS, type LetterKind } from './templates.js';
import * as letters from './service.js';

const BASE = '/admin/letter-templates';

/** Shown once after a change; the redirect names one by key so no text travels in the URL. */
const NOTICES: Record<string, (version: number) => string> = {
  saved: (v) => `Saved as version ${v}. Letters written from now on use this wording.`,
  reset: (v) => `The shipped wording is back in use, saved as version ${v}. Earlier versions stay in the history.`,
  unchanged: () => 'Nothing was changed, so no new version was saved.',
};

type Values = { title: string; body: string; version: string };
type EditorState = { values?: Values; fields?: FieldErrors; draft?: { title: string; body: string }; status?: number };

/** What the user posted, to put back in the form (bounded so a huge post is not echoed). */
function postedValues(body: unknown): Values {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const str = (k: string, max: number) => (typeof b[k] === 'string' ? (b[k] as string).slice(0, max) : '');
  return { title: str('title', 1000), body: str('body', 20_000), version: str('version', 12) };
}

/** The editor: the form (as saved, or as posted), the fields, a preview with sample details, and the history. */
async function showEditor(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, kind: LetterKind, state: EditorState = {}) {
  const { current, history } = await inTenant(deps, req, (tx, actor) => letters.templateWithHistory(tx, actor, kind));
  const fields = state.fields ?? {};
  const key = String((req.query as Record<string, unknown> | undefined)?.notice);
  const notice = Object.prototype.hasOwnProperty.call(NOTICES, key) ? NOTICES[key] : undefined;
  return reply.code(state.status ?? 200).page('letters/views/edit.njk', {
    title: LETTER_KINDS[kind].name,
    backHref: BASE,
    kind,
    notice: state.values ? undefined : notice?.(current.version),
    values: state.values ?? { title: current.title, body: current.body, version: String(current.version) },
    fields,
    errors: errorSummary(fields, ['title', 'body']),
    placeholders: letters.fieldList(kind),
    // No preview of wording with errors: its unknown fields would show as gaps.
    preview: state.fields ? null : letters.preview(state.draft ?? current),
    draft: Boolean(state.draft),
    current,
    history,
  });
}

/** The ICS's wording for the letters Joinery writes: administrators only. */
export const letterTemplateRoutes: RouteModule = async (app, deps) => {
  await app.register(async (scope) => {
    // One hook refuses everyone else before any handler runs; the service checks again.
    scope.addHook('preHandler', async (req: FastifyRequest) => {
      letters.requireEditor(actorOf(req));
    });

    scope.get(BASE, async (req, reply) => {
      const templates = await inTenant(deps, req, (tx, actor) => letters.overview(tx, actor));
      return reply.page('letters/views/list.njk', { title: 'Letter templates', templates });
    });

    scope.get(`${BASE}/:kind`, async (req, reply) => showEditor(deps, req, reply, letters.kindParam(req.params)));

    scope.get(`${BASE}/:kind/versions/:n`, async (req, reply) => {
      const kind = letters.kindParam(req.params);
      const n = letters.versionParam(req.params);
      const { version, inUse } = await inTenant(deps, req, (tx, actor) => letters.templateVersion(tx, actor, kind, n));
      return reply.page('letters/views/version.njk', {
        title: `${LETTER_KINDS[kind].name}: version ${n}`, backHref: `${BASE}/${kind}`, kind, name: LETTER_KINDS[kind].name,
        version, inUse, preview: letters.preview(version),
      });
    });

    /** Saves a new version; or, with action=preview, shows the typed wording with sample details without saving. */
    scope.post(`${BASE}/:kind`, async (req, reply) => {
      const kind = letters.kindParam(req.params);
      const values = postedValues(req.body);
      const action = (req.body as Record<string, unknown> | undefined)?.action;
      let input: letters.TemplateInput;
      try {
        input = letters.parseTemplateForm(kind, req.body);
      } catch (e) {
        if (e instanceof ValidationError) return showEditor(deps, req, reply, kind, { values, fields: e.fields, status: 400 });
        throw e;
      }
      if (action === 'preview') return showEditor(deps, req, reply, kind, { values, draft: input });
      return save(req, reply, kind, values, (tx, actor) => letters.saveTemplate(tx, actor, kind, input), 'saved');
    });

    scope.post(`${BASE}/:kind/reset`, async (req, reply) => {
      const kind = letters.kindParam(req.params);
      const openedAt = letters.formVersion(req.body);
      return save(req, reply, kind, null, (tx, actor) => letters.resetTemplate(tx, actor, kind, openedAt), 'reset');
    });
  });

  /** Runs a save; someone else's save in between is a 409 page that gives back what was typed. */
  async function save(req: FastifyRequest, reply: FastifyReply, kind: LetterKind, typed: Values | null,
    change: (tx: Tx, actor: Actor) => Promise<number | null>, notice: 'saved' | 'reset') {
    let version: number | null;
    try {
      version = await inTenant(deps, req, change);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      return reply.code(409).page('letters/views/conflict.njk', { title: 'Someone else changed this letter', message: e.message, kind, typed, backHref: `${BASE}/${kind}` });
    }
    return reply.redirect(`${BASE}/${kind}?notice=${version === null ? 'unchanged' : notice}`, 303);
  }
};
