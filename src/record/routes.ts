import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf, queryOf } from '../platform/http/form-body.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, orRefuse, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, fieldErrors, idParam, text } from '../platform/http/validate.js';
import { childExists } from '../children/service.js';
import * as record from './service.js';
import { recordPolicy } from './policy.js';
import { ENTRY_KINDS, type EntryKind } from './schema.js';
import { ENTRY_CODE_SYSTEM, SNOMED } from './entries.js';
import { CHILD_HEADING_SHOWN, childContext, recordPage, addEntryText, type ChildContext } from './record-page.js';
import {
  DATE_FIELDS, DETAIL_FIELDS, SENSITIVE_OPTIONS, emptyValues, entryValues, fieldId, fieldOrder, formErrorList, readEntryForm, statusOptions, vaccineOptions,
  type EntryFormValues,
} from './entry-form.js';
import { CONTACT_FIELD_ORDER, CONTACT_TYPE_OPTIONS, emptyContactValues, readContactForm, type ContactFormValues } from './contact-form.js';
import { entryView } from './record-sections.js';
import { versionViews } from './history.js';
import { DISPLAY_LABELS, KIND_NOUNS } from './labels.js';

/**
 * The shared record's pages: the record, recording and changing entries and
 * contacts, an entry's history, showing sensitive entries for a stated
 * reason, and freezing a record. Every read and change goes through the
 * services, which check access and write the audit.
 */

const reasonForm = (what: string) =>
  z.object({
    reason: text(what, { max: 500, multiline: true }).refine((v) => v.length >= 10, `Enter ${what}, in at least 10 characters`),
  });
const revealForm = reasonForm('why you need to see sensitive entries');
const freezeForm = reasonForm('why the record is being frozen');

/** Messages after a change, chosen by a fixed word in the query (nothing typed is reflected back). */
const NOTICES: Record<string, string> = {
  entry: 'The entry has been saved.',
  contact: 'The contact has been recorded.',
  revealed: `Sensitive entries you may see are shown for ${record.SENSITIVE_REVEAL_HOURS} hour. Your reason has been recorded, and a privacy officer will review it.`,
  frozen: 'The record is frozen. Only your team can change it until the freeze is lifted.',
  lifted: 'The freeze has been lifted.',
};
const noticeOf = (query: unknown) => {
  const saved = (query as Record<string, unknown> | undefined)?.saved;
  return typeof saved === 'string' && Object.hasOwn(NOTICES, saved) ? NOTICES[saved] : undefined;
};

const isKind = (v: unknown): v is EntryKind => typeof v === 'string' && (ENTRY_KINDS as readonly string[]).includes(v);
const typed = (v: unknown, max = 600) => (typeof v === 'string' ? v.slice(0, max) : '');

/** A refusal of a change the actor may otherwise see (a frozen record, a role that does not record). */
type Refused = { refused: string };
const refusedBy = (v: unknown): v is Refused => typeof v === 'object' && v !== null && 'refused' in v;
const refusal = (reason: string): Refused => ({ refused: reason });

export const recordRoutes: RouteModule = (app, deps) => {
  const base = (id: string) => `/children/${id}/record`;

  /**
   * Runs fn for a child the actor may see, in one transaction. Access is
   * decided once (childContext); a refusal to see the child is audited and
   * offers emergency access where allowed; the record service's refusal of a
   * change rolls the change back and comes back as `refused`. What the page
   * shows of the child is audited (`shown`; null when fn's reads audit it).
   */
  async function forChild<T>(
    req: FastifyRequest, childId: string, fn: (tx: Tx, actor: Actor, ctx: ChildContext) => Promise<T>, shown: string | null = CHILD_HEADING_SHOWN,
  ): Promise<T | Refused> {
    let result: T | ForbiddenError;
    try {
      result = await inTenant(deps, req, async (tx, actor) => {
        const ctx = await childContext(tx, actor, childId, shown);
        if (ctx instanceof ForbiddenError) return ctx;
        return fn(tx, actor, ctx);
      });
    } catch (error) {
      if (error instanceof ForbiddenError && error.childId === childId) return { refused: error.message };
      // An entry id of another child's record, under this child's address: as if it did not exist.
      if (error instanceof ForbiddenError && error.childId) throw new NotFoundError();
      throw error;
    }
    return orRefuse(result);
  }

  function cannotChange(reply: FastifyReply, childId: string, reason: string) {
    return reply.code(403).page('record/views/cannot-change.njk', { title: 'You cannot change this record', reason, childId, backHref: base(childId) });
  }

  /** 409: someone else changed the entry after it was opened; nothing was saved. */
  function conflictPage(reply: FastifyReply, childId: string, message: string, entryId?: string) {
    return reply.code(409).page('record/views/conflict.njk', {
      title: 'Someone else changed this entry',
      message,
      editHref: entryId ? `${base(childId)}/entries/${entryId}/edit` : undefined,
      historyHref: entryId ? `${base(childId)}/entries/${entryId}` : undefined,
      backHref: base(childId),
    });
  }

  // ---------------------------------------------------------------- the record

  app.get('/children/:id/record', async (req, reply) => {
    const id = idParam(req.params);
    // The page's one read audits what it shows.
    const page = await forChild(req, id, (tx, actor, ctx) => recordPage(tx, actor, ctx, queryOf(req)), null);
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.code(page.timeline.errors.length ? 400 : 200).page('record/views/record.njk', {
      title: `Shared record: ${page.child.name}`,
      ...page,
      errors: page.timeline.errors,
      notice: noticeOf(req.query),
      backHref: `/children/${id}`,
    });
  });

  // ---------------------------------------------------------------- entries

  const entryFormPage = (
    ctx: ChildContext, kind: EntryKind, values: EntryFormValues, fields: FieldErrors,
    opts: { entryId?: string; display?: string } = {},
  ) => {
    const editing = Boolean(opts.entryId);
    const childId = ctx.child.id;
    const errorFor = (key: string) => (fields[key] ? { text: fields[key] } : undefined);
    const radioItems = (options: { value: string; text: string }[], current: string) => options.map((o) => ({ ...o, checked: o.value === current }));
    return {
      title: editing ? `Change ${opts.display}` : addEntryText(kind),
      heading: editing ? `Change ${KIND_NOUNS[kind].article} ${KIND_NOUNS[kind].one}` : addEntryText(kind),
      child: ctx.child,
      kind,
      action: editing ? `${base(childId)}/entries/${opts.entryId}/edit` : `${base(childId)}/entries/new?kind=${kind}`,
      cancelHref: editing ? `${base(childId)}/entries/${opts.entryId}` : `${base(childId)}#${kind}`,
      backHref: base(childId),
      values,
      fields,
      errors: formErrorList(fields, fieldOrder(kind)),
      displayLabel: DISPLAY_LABELS[kind],
      codeLabel: ENTRY_CODE_SYSTEM[kind] ? (ENTRY_CODE_SYSTEM[kind] === SNOMED ? 'SNOMED CT code (optional)' : 'dm+d code (optional)') : null,
      vaccineItems: kind === 'immunisation' ? vaccineOptions(values.code) : undefined,
      statusItems: radioItems(statusOptions(kind, editing), values.status),
      dateLabels: DATE_FIELDS[kind],
      detailFields: DETAIL_FIELDS[kind].map((f) => ({
        ...f,
        id: `details-${f.key}`,
        value: values.details[f.key] ?? '',
        error: errorFor(`details-${f.key}`),
        items: f.options ? radioItems(Object.entries(f.options).map(([value, text]) => ({ value, text })), values.details[f.key] ?? '') : undefined,
      })),
      sensitiveItems: radioItems(SENSITIVE_OPTIONS, values.sensitiveCategory),
      editing,
    };
  };

  const chooseKindPage = (ctx: ChildContext, error?: string) => ({
    title: 'What do you want to add?',
    child: ctx.child,
    backHref: base(ctx.child.id),
    fields: error ? { kind: error } : {},
    errors: error ? [{ text: error, href: '#kind' }] : [],
    kindItems: ENTRY_KINDS.map((k) => ({ value: k, text: `${KIND_NOUNS[k].one.charAt(0).toUpperCase()}${KIND_NOUNS[k].one.slice(1)}` })),
  });

  app.get('/children/:id/record/entries/new', async (req, reply) => {
    const id = idParam(req.params);
    const kindRaw = queryOf(req).kind;
    const result = await forChild(req, id, async (_tx, actor, ctx) => {
      const decision = recordPolicy.recordEntry(actor, ctx.access.relationships, ctx.freeze?.frozen_by_organisation_id ?? null);
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
    const result = await forChild(req, id, async (tx, actor, ctx) => {
      if (!isKind(kindRaw)) return { choose: chooseKindPage(ctx, 'Select what you want to add') };
      const form = readEntryForm(kindRaw, body);
      if (!form.input) return { invalid: entryFormPage(ctx, kindRaw, form.values, form.fields) };
      await record.saveEntry(tx, actor, id, form.input);
      return { saved: kindRaw };
    }).catch(asFieldErrors);
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if ('choose' in result) return reply.code(400).page('record/views/choose-kind.njk', result.choose);
    if ('invalid' in result) return reply.code(400).page('record/views/entry-form.njk', result.invalid);
    if ('serviceFields' in result) return rerenderEntry(req, reply, id, result.serviceFields);
    if ('conflict' in result) return conflictPage(reply, id, result.conflict);
    return reply.redirect(`${base(id)}?saved=entry#${result.saved}`, 303);
  });

  /** The service refused the input for a reason the form did not catch: show the form again with its messages. */
  async function rerenderEntry(req: FastifyRequest, reply: FastifyReply, id: string, fields: FieldErrors, entryId?: string) {
    const body = bodyOf(req);
    const page = await forChild(req, id, async (tx, actor, ctx) => {
      const entry = entryId ? await record.childEntry(tx, ctx.access, entryId) : undefined;
      const kind = entry?.kind ?? (isKind(queryOf(req).kind) ? (queryOf(req).kind as EntryKind) : undefined);
      if (!kind) throw new NotFoundError();
      const form = readEntryForm(kind, body);
      return entryFormPage(ctx, kind, form.values, { ...form.fields, ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [fieldId(k), v])) }, { entryId, display: entry?.display });
    });
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.code(400).page('record/views/entry-form.njk', page);
  }

  app.get('/children/:id/record/entries/:entryId', async (req, reply) => {
    const id = idParam(req.params);
    const entryId = idParam(req.params, 'entryId');
    const page = await forChild(req, id, async (tx, actor, ctx) => {
      // Only an entry of this child's record, that the actor may see: anything else is not found.
      const { entry, history } = await record.childEntryHistory(tx, ctx.access, entryId);
      return {
        title: `History of ${entry.display}`,
        child: ctx.child,
        entry: entryView(entry),
        sectionTitle: KIND_NOUNS[entry.kind].one,
        versions: versionViews(history),
        canEdit: ctx.can.record,
        editHref: `${base(id)}/entries/${entryId}/edit`,
        backHref: `${base(id)}#${entry.kind}`,
      };
    });
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/entry-history.njk', page);
  });

  app.get('/children/:id/record/letters/:letterId', async (req, reply) => {
    const id = idParam(req.params);
    const letterId = idParam(req.params, 'letterId');
    const page = await forChild(req, id, async (tx, _actor, ctx) => {
      const letter = await record.childLetter(tx, ctx.access, letterId);
      return { title: letter.title, child: ctx.child, letter: letter.body, filedAt: letter.filed_at, filedBy: letter.filed_by_name, backHref: `${base(id)}#letters` };
    });
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/letter.njk', page);
  });

  app.get('/children/:id/record/entries/:entryId/edit', async (req, reply) => {
    const id = idParam(req.params);
    const entryId = idParam(req.params, 'entryId');
    const page = await forChild(req, id, async (tx, actor, ctx) => {
      const entry = await record.childEntry(tx, ctx.access, entryId);
      const decision = recordPolicy.recordEntry(actor, ctx.access.relationships, ctx.freeze?.frozen_by_organisation_id ?? null);
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
    const result = await forChild(req, id, async (tx, actor, ctx) => {
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
    if ('serviceFields' in result) return rerenderEntry(req, reply, id, result.serviceFields, entryId);
    if ('conflict' in result) return conflictPage(reply, id, result.conflict, entryId);
    return reply.redirect(`${base(id)}?saved=entry#${result.saved}`, 303);
  });

  // ---------------------------------------------------------------- contacts

  const contactFormPage = (ctx: ChildContext, actor: Actor, values: ContactFormValues, fields: FieldErrors) => ({
    title: 'Record a contact',
    child: ctx.child,
    organisationName: actor.organisationName,
    backHref: `${base(ctx.child.id)}#timeline`,
    values,
    fields,
    errors: formErrorList(fields, CONTACT_FIELD_ORDER),
    typeItems: CONTACT_TYPE_OPTIONS.map((o) => ({ ...o, checked: o.value === values.type })),
    sensitiveItems: SENSITIVE_OPTIONS.map((o) => ({ ...o, checked: o.value === values.sensitiveCategory })),
  });

  app.get('/children/:id/record/contacts/new', async (req, reply) => {
    const id = idParam(req.params);
    const page = await forChild(req, id, async (_tx, actor, ctx) => {
      const decision = recordPolicy.recordEntry(actor, ctx.access.relationships, ctx.freeze?.frozen_by_organisation_id ?? null);
      if (!decision.allowed) return refusal(decision.reason);
      return contactFormPage(ctx, actor, emptyContactValues(), {});
    });
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/contact-form.njk', page);
  });

  app.post('/children/:id/record/contacts', async (req, reply) => {
    const id = idParam(req.params);
    const result = await forChild(req, id, async (tx, actor, ctx) => {
      const form = readContactForm(bodyOf(req), actor.organisationId);
      if (!form.input) return { invalid: contactFormPage(ctx, actor, form.values, form.fields) };
      await record.recordContact(tx, actor, id, form.input);
      return { saved: true as const };
    });
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if ('invalid' in result) return reply.code(400).page('record/views/contact-form.njk', result.invalid);
    return reply.redirect(`${base(id)}?saved=contact#timeline`, 303);
  });

  // ---------------------------------------------------------------- sensitive entries

  const revealPage = (ctx: ChildContext, reason: string, fields: FieldErrors) => ({
    title: 'Show sensitive entries',
    child: ctx.child,
    hours: record.SENSITIVE_REVEAL_HOURS,
    backHref: base(ctx.child.id),
    values: { reason },
    fields,
    errors: errorSummary(fields, ['reason']),
  });

  app.get('/children/:id/record/reveal', async (req, reply) => {
    const id = idParam(req.params);
    const page = await forChild(req, id, async (_tx, _actor, ctx) => revealPage(ctx, '', {}));
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/reveal.njk', page);
  });

  app.post('/children/:id/record/reveal', async (req, reply) => {
    const id = idParam(req.params);
    const body = bodyOf(req);
    const parsed = revealForm.safeParse(body);
    const result = await forChild(req, id, async (tx, actor, ctx) => {
      if (!parsed.success) return { invalid: revealPage(ctx, typed(body.reason), fieldErrors(parsed.error)) };
      await record.revealSensitive(tx, actor, id, parsed.data.reason);
      return { saved: true as const };
    });
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if ('invalid' in result) return reply.code(400).page('record/views/reveal.njk', result.invalid);
    return reply.redirect(`${base(id)}?saved=revealed`, 303);
  });

  // ---------------------------------------------------------------- freezing a record

  /**
   * A privacy officer may freeze any child's record in the ICS without a care
   * relationship (and so without seeing it); the child's social worker freezes
   * it from the record. Both go through the record service's freeze policy.
   */
  async function forFreezing<T>(req: FastifyRequest, childId: string, fn: (tx: Tx, actor: Actor, ctx: ChildContext | null) => Promise<T>): Promise<T | Refused> {
    if (req.actor && recordPolicy.freezeAnyRecord(req.actor).allowed) {
      try {
        return await inTenant(deps, req, async (tx, actor) => {
          if (!(await childExists(tx, childId))) throw new NotFoundError();
          return fn(tx, actor, null);
        });
      } catch (error) {
        if (error instanceof ForbiddenError) return { refused: error.message };
        throw error;
      }
    }
    return forChild(req, childId, async (tx, actor, ctx) => {
      if (!ctx.can.freeze && !ctx.can.lift) {
        const decision = recordPolicy.freezeRecord(actor, ctx.access.relationships);
        return refusal(decision.allowed ? 'Only the team that froze this record, or a privacy officer, can lift the freeze.' : decision.reason);
      }
      return fn(tx, actor, ctx);
    });
  }

  const freezePage = async (tx: Tx, childId: string, ctx: ChildContext | null, reason: string, fields: FieldErrors, actor: Actor) => {
    const freeze = ctx ? ctx.freeze : await record.activeFreeze(tx, childId);
    return {
      title: freeze ? 'This record is frozen' : 'Freeze this record',
      childId,
      child: ctx?.child ?? null,
      freeze,
      canLift: Boolean(freeze) && recordPolicy.liftFreeze(actor, ctx?.access.relationships ?? [], freeze!.frozen_by_organisation_id).allowed,
      backHref: ctx ? base(childId) : undefined,
      values: { reason },
      fields,
      errors: errorSummary(fields, ['reason']),
    };
  };

  app.get('/children/:id/record/freeze', async (req, reply) => {
    const id = idParam(req.params);
    const page = await forFreezing(req, id, (tx, actor, ctx) => freezePage(tx, id, ctx, '', {}, actor));
    if (refusedBy(page)) return cannotChange(reply, id, page.refused);
    return reply.page('record/views/freeze.njk', { ...page, notice: noticeOf(req.query) });
  });

  app.post('/children/:id/record/freeze', async (req, reply) => {
    const id = idParam(req.params);
    const body = bodyOf(req);
    const parsed = freezeForm.safeParse(body);
    const result = await forFreezing(req, id, async (tx, actor, ctx) => {
      if (!parsed.success) return { invalid: await freezePage(tx, id, ctx, typed(body.reason), fieldErrors(parsed.error), actor) };
      await record.freezeRecord(tx, actor, id, parsed.data.reason);
      return { saved: ctx !== null };
    });
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    if ('invalid' in result) return reply.code(400).page('record/views/freeze.njk', result.invalid);
    return reply.redirect(result.saved ? `${base(id)}?saved=frozen` : `${base(id)}/freeze?saved=frozen`, 303);
  });

  app.post('/children/:id/record/lift', async (req, reply) => {
    const id = idParam(req.params);
    const result = await forFreezing(req, id, async (tx, actor, ctx) => {
      await record.liftFreeze(tx, actor, id);
      return { saved: ctx !== null };
    });
    if (refusedBy(result)) return cannotChange(reply, id, result.refused);
    return reply.redirect(result.saved ? `${base(id)}?saved=lifted` : `${base(id)}/freeze?saved=lifted`, 303);
  });
};

/** A service's ValidationError or ConflictError, turned into something the route shows on its own page. */
function asFieldErrors(error: unknown): { serviceFields: FieldErrors } | { conflict: string } {
  if (error instanceof ValidationError) return { serviceFields: error.fields };
  if (error instanceof ConflictError) return { conflict: error.message };
  throw error;
}

