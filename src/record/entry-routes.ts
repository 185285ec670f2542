import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps, RouteModule } from '../platform/http/app.js';
import { bodyOf, queryOf } from '../platform/http/form-body.js';
import { NotFoundError, type FieldErrors } from '../platform/http/errors.js';
import { idParam } from '../platform/http/validate.js';
import * as record from './service.js';
import { recordPolicy } from './policy.js';
import type { EntryKind } from './schema.js';
import { emptyValues, entryValues, fieldId, readEntryForm } from './entry-form.js';
import { entryView } from './record-sections.js';
import { versionViews } from './history.js';
import { KIND_NOUNS } from './labels.js';
import type { ChildContext } from './record-page.js';
import { chooseKindPage, entryFormPage, isKind } from './entry-pages.js';
import { asFieldErrors, cannotChange, conflictPage, forChild, recordHref, refusal, refusedBy } from './page-access.js';

/** Adding an entry to a child's record, an entry's history, and changing it. The service checks access again and audits. */

/** Whether the actor may record in this record now (the freeze included): a refusal to show on the "cannot change" page. */
const mayRecord = (ctx: ChildContext) => recordPolicy.recordEntry(ctx.access.actor, ctx.access.relationships, ctx.freeze?.frozen_by_organisation_id ?? null);

/** The service refused the input for a reason the form did not catch: show the form again with its messages. */
async function rerenderEntry(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, id: string, fields: FieldErrors, entryId?: string) {
  const body = bodyOf(req);
  const page = await forChild(deps, req, id, async (tx, _actor, ctx) => {
    const entry = entryId ? await record.childEntry(tx, ctx.access, entryId) : undefined;
    const kind = entry?.kind ?? (isKind(queryOf(req).kind) ? (queryOf(req).kind as EntryKind) : undefined);
    if (!kind) throw new NotFoundError();
    const form = readEntryForm(kind, body);
    return entryFormPage(ctx, kind, form.values, { ...form.fields, ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [fieldId(k), v])) }, { entryId, display: entry?.display });
  });
  if (refusedBy(page)) return cannotChange(reply, id, page.refused);
  return reply.code(400).page('record/views/entry-form.njk', page);
}

export const entryRoutes: RouteModule = (app, deps) => {
  app.get('/children/:id/record/entries/new', async (req, reply) => {
    const id = idParam(req.params);
    const kindRaw = queryOf(req).kind;
    const result = await forChild(deps, req, id, async (_tx, _actor, ctx) => {
      const decision = mayRecord(ctx);
      if (!decision.allowed) return refusal(decision.reason);
      if (!isKind(kindRaw)) return { choose: chooseKindPage(ctx, kindRaw === undefined ? undefined : 'Select what you want to add') };
      return { form: entryFormPage(ctx, kindRaw, emptyValues(kindRaw), {}) };
    });
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if (result.choose) return reply.code(result.choose.errors.length ? 400 : 200).page('record/views/choose-kind.njk', result.choose);
    return reply.page('record/views/entry-form.njk', result.form!);
  });

  app.post('/children/:id/record/entries/new', async (req, reply) => {
    const id = idParam(req.params);
    const body = bodyOf(req);
    const kindRaw = queryOf(req).kind ?? body.kind;
    const result = await forChild(deps, req, id, async (tx, actor, ctx) => {
      if (!isKind(kindRaw)) return { choose: chooseKindPage(ctx, 'Select what you want to add') };
      const form = readEntryForm(kindRaw, body);
      if (!form.input) return { invalid: entryFormPage(ctx, kindRaw, form.values, form.fields) };
      await record.saveEntry(tx, actor, id, form.input);
      return { saved: kindRaw };
    }).catch(asFieldErrors);
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if ('choose' in result) return reply.code(400).page('record/views/choose-kind.njk', result.choose);
    if ('invalid' in result) return reply.code(400).page('record/views/entry-form.njk', result.invalid);
    if ('serviceFields' in result) return rerenderEntry(deps, req, reply, id, result.serviceFields);
    if ('conflict' in result) return conflictPage(reply, id, result.conflict);
    return reply.redirect(`${recordHref(id)}?saved=entry#${result.saved}`, 303);
  });

  app.get('/children/:id/record/entries/:entryId', async (req, reply) => {
    const id = idParam(req.params);
    const entryId = idParam(req.params, 'entryId');
    const page = await forChild(deps, req, id, async (tx, _actor, ctx) => {
      // Only an entry of this child's record, that the actor may see: anything else is not found.
      const { entry, history } = await record.childEntryHistory(tx, ctx.access, entryId);
      return {
        title: `History of ${entry.display}`,
        child: ctx.child,
        entry: entryView(entry),
        sectionTitle: KIND_NOUNS[entry.kind].one,
        versions: versionViews(history),
        canEdit: ctx.can.record,
        editHref: `${recordHref(id)}/entries/${entryId}/edit`,
        backHref: `${recordHref(id)}#${entry.kind}`,
      };
    });
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/entry-history.njk', page);
  });

  app.get('/children/:id/record/entries/:entryId/edit', async (req, reply) => {
    const id = idParam(req.params);
    const entryId = idParam(req.params, 'entryId');
    const page = await forChild(deps, req, id, async (tx, _actor, ctx) => {
      const entry = await record.childEntry(tx, ctx.access, entryId);
      const decision = mayRecord(ctx);
      if (!decision.allowed) return refusal(decision.reason);
      return entryFormPage(ctx, entry.kind, entryValues(entry), {}, { entryId, display: entry.display });
    });
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/entry-form.njk', page);
  });

  app.post('/children/:id/record/entries/:entryId/edit', async (req, reply) => {
    const id = idParam(req.params);
    const entryId = idParam(req.params, 'entryId');
    const body = bodyOf(req);
    const result = await forChild(deps, req, id, async (tx, actor, ctx) => {
      const entry = await record.childEntry(tx, ctx.access, entryId);
      const form = readEntryForm(entry.kind, body);
      if (form.version === undefined) form.fields.form ??= 'This page was out of date. Open the entry again and make your change.';
      if (!form.input || form.version === undefined) {
        return { invalid: entryFormPage(ctx, entry.kind, form.values, form.fields, { entryId, display: entry.display }) };
      }
      await record.saveEntry(tx, actor, id, form.input, { entryId, expectedVersion: form.version });
      return { saved: entry.kind };
    }).catch(asFieldErrors);
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if ('invalid' in result) return reply.code(400).page('record/views/entry-form.njk', result.invalid);
    if ('serviceFields' in result) return rerenderEntry(deps, req, reply, id, result.serviceFields, entryId);
    if ('conflict' in result) return conflictPage(reply, id, result.conflict, entryId);
    return reply.redirect(`${recordHref(id)}?saved=entry#${result.saved}`, 303);
  });
};
