import type { FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { bodyOf, field } from '../platform/http/form-body.js';
import { toCsv } from '../platform/http/csv.js';
import { errorSummary } from '../platform/http/validate.js';
import { NotFoundError, type FieldErrors } from '../platform/http/errors.js';
import type { Indicator } from '../population/index.js';
import { addModel, changeModel, exportRegister, importRegister, refuseUnlessKeeper, visibleModel, visibleModels, type RegisterView } from './service.js';
import { ENTRY_FIELDS, formOfEntry, typedEntry, MODEL_NAME, EMPTY_CONFIGURATION, type EntryForm } from './entry.js';
import { MECHANISMS, MODEL_TYPES, NUMERIC_ATTRIBUTES, STAFF_GROUPS, type RegisteredModel } from './index.js';
import { modelWords } from './words.js';
import { compareRoutes } from './compare-routes.js';
import { standardsRoutes } from './standards-routes.js';
import { checklistRoutes } from './checklist-routes.js';

/** The register of care models: the list, one model, adding and changing one, and JSON out and in. */

const BASE = '/models';
const hrefOf = (name: string) => `${BASE}/${encodeURIComponent(name)}`;

const nameOf = (req: FastifyRequest) => {
  const name = String((req.params as { name?: unknown }).name ?? '');
  if (!MODEL_NAME.test(name) || name.length > 60) throw new NotFoundError();
  return name;
};

function listPage(v: RegisterView, notice?: string) {
  return {
    title: 'Register of care models',
    notice,
    canKeep: v.canKeep,
    rows: v.models.map((m) => [
      { html: `<a href="${hrefOf(m.name)}">${escape(m.title)}</a>` },
      { text: MODEL_TYPES[m.type] },
      { text: m.hubs.length ? m.hubs.map((h) => h.hub).join(', ') : 'None recorded' },
      { text: m.described ? 'Described' : 'Started, not yet described' },
    ]),
  };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const checked = (items: Record<string, string>, chosen: string[]) => Object.entries(items).map(([value, text]) => ({ value, text, checked: chosen.includes(value) }));

function formPage(o: { v: RegisterView; values: EntryForm; fields?: FieldErrors; existing?: RegisteredModel }) {
  const { v, values, fields = {}, existing } = o;
  const indicatorItems = (chosen: string[]) => v.indicators.map((i: Indicator) => ({ value: i.id, text: i.name, checked: chosen.includes(i.id) }));
  return {
    title: existing ? `Change ${existing.title}` : 'Add a care model',
    backHref: existing ? hrefOf(existing.name) : BASE,
    action: existing ? hrefOf(existing.name) : BASE,
    existing,
    values,
    fields,
    errors: errorSummary(fields, ENTRY_FIELDS),
    typeItems: Object.entries(MODEL_TYPES).map(([value, text]) => ({ value, text, checked: values.type === value })),
    numbers: NUMERIC_ATTRIBUTES.map(([key, label, unit]) => ({ key, label: unit ? `${label} (${unit})` : label })),
    staffItems: checked(STAFF_GROUPS, values.staffGroups),
    mechanismItems: checked(MECHANISMS, values.mechanisms),
    earlyItems: indicatorItems(values.earlyIndicators),
    finalItems: indicatorItems(values.finalOutcomes),
  };
}

const NEW_FORM: EntryForm = formOfEntry({ name: '', title: '', type: '' as never, configuration: EMPTY_CONFIGURATION, mechanisms: [], earlyIndicators: [], finalOutcomes: [] }, 0);

export const modelsRoutes: RouteModule = async (app, deps: AppDeps) => {
  await compareRoutes(app, deps);
  await standardsRoutes(app, deps);
  await checklistRoutes(app, deps);
  app.get(BASE, async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => visibleModels(tx, actor));
    const saved = field(req.query as Record<string, unknown>, 'saved', 60);
    const notice = saved && v.models.some((m) => m.name === saved) ? `Saved: ${saved}.` : undefined;
    return reply.page('models/views/register.njk', listPage(v, notice));
  });

  app.get(`${BASE}/register.csv`, async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => visibleModels(tx, actor));
    const labels = v.models.length ? modelWords(v.models[0], v.indicators).map(([k]) => k) : [];
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="care-model-register.csv"')
      .send(toCsv(['Name', 'Title', ...labels], v.models.map((m) => [m.name, m.title, ...modelWords(m, v.indicators).map(([, w]) => w)])));
  });

  app.get(`${BASE}/register.json`, async (req, reply) => {
    const out = await inTenant(deps, req, (tx, actor) => exportRegister(tx, actor));
    return reply.type('application/json; charset=utf-8').header('content-disposition', 'attachment; filename="care-model-register.json"')
      .send(JSON.stringify(out, null, 2));
  });

  app.get(`${BASE}/import`, async (req, reply) => {
    await inTenant(deps, req, async (_tx, actor) => refuseUnlessKeeper(actor));
    return reply.page('models/views/import.njk', { title: 'Load a register of care models', backHref: BASE, errors: [], text: '' });
  });

  app.post(`${BASE}/import`, async (req, reply) => {
    const text = field(bodyOf(req), 'register', 500_000);
    const done = await inTenant(deps, req, (tx, actor) => importRegister(tx, actor, text));
    if ('errors' in done) {
      return reply.code(400).page('models/views/import.njk', {
        title: 'Load a register of care models', backHref: BASE, text,
        errors: done.errors.map((e) => ({ text: e, href: '#register' })), fieldError: done.errors[0],
      });
    }
    return reply.page('models/views/imported.njk', { title: 'Register loaded', added: done.added, changed: done.changed, backHref: BASE });
  });

  app.get(`${BASE}/new`, async (req, reply) => {
    const v = await inTenant(deps, req, async (tx, actor) => {
      refuseUnlessKeeper(actor);
      return visibleModels(tx, actor);
    });
    const from = field(req.query as Record<string, unknown>, 'name', 60);
    const started = v.models.find((m) => !m.described && m.name === from);
    return reply.page('models/views/form.njk', formPage({ v, values: started ? Object.assign({}, NEW_FORM, { name: started.name, title: started.name }) : NEW_FORM }));
  });

  app.post(BASE, async (req, reply) => {
    const values = typedEntry(bodyOf(req));
    const done = await inTenant(deps, req, async (tx, actor) => {
      const saved = await addModel(tx, actor, values);
      return 'fields' in saved ? { ...saved, v: await visibleModels(tx, actor) } : saved;
    });
    if ('name' in done) return reply.redirect(`${BASE}?saved=${encodeURIComponent(done.name)}`, 303);
    return reply.code(400).page('models/views/form.njk', formPage({ v: done.v, values, fields: done.fields }));
  });

  app.get(`${BASE}/:name`, async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => visibleModel(tx, actor, nameOf(req)));
    const m = v.model;
    return reply.page('models/views/model.njk', {
      title: m.title, backHref: BASE, model: m, canKeep: v.canKeep,
      rows: modelWords(m, v.indicators).filter(([k]) => k !== 'Hubs').map(([k, w]) => ({ key: { text: k }, value: { text: w } })),
      hubRows: m.hubs.map((h) => [{ text: h.hub }, { text: h.start.slice(0, 7) }, { text: String(h.rampMonths), format: 'numeric' }]),
      editHref: `${hrefOf(m.name)}/edit`,
      describeHref: `${BASE}/new?name=${encodeURIComponent(m.name)}`,
    });
  });

  app.get(`${BASE}/:name/edit`, async (req, reply) => {
    const v = await inTenant(deps, req, (tx, actor) => visibleModel(tx, actor, nameOf(req)));
    if (!v.model.described || !v.canKeep) throw new NotFoundError();
    return reply.page('models/views/form.njk', formPage({ v, values: formOfEntry(v.model, v.model.version), existing: v.model }));
  });

  app.post(`${BASE}/:name`, async (req, reply) => {
    const name = nameOf(req);
    const values = typedEntry(bodyOf(req));
    const done = await inTenant(deps, req, async (tx, actor) => {
      const saved = await changeModel(tx, actor, name, values);
      return 'fields' in saved ? { ...saved, v: await visibleModel(tx, actor, name) } : saved;
    });
    if ('name' in done) return reply.redirect(`${BASE}?saved=${encodeURIComponent(done.name)}`, 303);
    return reply.code(400).page('models/views/form.njk', formPage({ v: done.v, values: Object.assign({}, values, { name }), fields: done.fields, existing: done.v.model }));
  });
};
