import { inTenant, type RouteModule } from '../platform/http/app.js';
import { parseInput } from '../platform/http/validate.js';
import { ORGANISATION_KINDS } from '../platform/access/organisation-kinds.js';
import { formValues, idFrom, organisationForm, organisationQuery } from './forms.js';
import { KIND_LABELS, noticeText } from './labels.js';
import { attempt, formWithErrors, selectItems } from './pages.js';
import { listHref, paginationLinks } from '../platform/http/paging.js';
import type { Option, OrganisationRow } from './service.js';
import * as admin from './service.js';

const LIST = 'admin/views/organisations.njk';
const FORM = 'admin/views/organisation-form.njk';
const FIELDS = ['name', 'kind', 'odsCode', 'placeId'];

const kindItems = (placeholder: string) => selectItems(ORGANISATION_KINDS.map((k) => ({ value: k, text: KIND_LABELS[k] })), placeholder);

/** The add or change form; `organisation` is absent when adding. */
const formContext = (places: Option[], values: Record<string, string>, organisation?: OrganisationRow) => ({
  title: organisation ? `Change ${organisation.name}` : 'Add an organisation',
  backHref: '/admin/organisations',
  organisation,
  values,
  kindItems: kindItems('Select the kind'),
  placeItems: selectItems(places.map((p) => ({ value: p.id, text: p.name })), 'No place'),
});

export const organisationRoutes: RouteModule = (app, deps) => {
  app.get('/admin/organisations', async (req, reply) => {
    const { kind, page, notice } = parseInput(organisationQuery, req.query);
    const { window, organisations } = await inTenant(deps, req, (tx, actor) => admin.organisationList(tx, actor, kind, page));
    return reply.page(LIST, {
      title: 'Organisations',
      notice: noticeText(notice),
      kind,
      kindItems: kindItems('All kinds'),
      kindLabels: KIND_LABELS,
      organisations,
      window,
      pageLinks: paginationLinks(window, (p) => listHref('/admin/organisations', { kind, page: p })),
    });
  });

  app.get('/admin/organisations/new', async (req, reply) => {
    const { places } = await inTenant(deps, req, (tx, actor) => admin.organisationFormOptions(tx, actor));
    return reply.page(FORM, formContext(places, {}));
  });

  app.post('/admin/organisations', async (req, reply) => {
    const fields = await attempt(() => {
      const input = parseInput(organisationForm, req.body);
      return inTenant(deps, req, (tx, actor) => admin.createOrganisation(tx, actor, input));
    });
    if (!fields) return reply.redirect('/admin/organisations?notice=organisation-added', 303);
    const { places } = await inTenant(deps, req, (tx, actor) => admin.organisationFormOptions(tx, actor));
    return formWithErrors(reply, FORM, formContext(places, formValues(req.body, FIELDS)), fields, FIELDS);
  });

  app.get('/admin/organisations/:id', async (req, reply) => {
    const id = idFrom(req.params);
    const { organisation: o, version, places } = await inTenant(deps, req, (tx, actor) => admin.organisationForEdit(tx, actor, id));
    const values = { name: o.name, kind: o.kind, odsCode: o.ods_code, placeId: o.place_id ?? '', version };
    return reply.page(FORM, formContext(places, values, o));
  });

  app.post('/admin/organisations/:id', async (req, reply) => {
    const id = idFrom(req.params);
    const fields = await attempt(() => {
      const input = parseInput(organisationForm, req.body);
      return inTenant(deps, req, (tx, actor) => admin.updateOrganisation(tx, actor, id, input));
    });
    if (!fields) return reply.redirect('/admin/organisations?notice=organisation-saved', 303);
    // Unknown or another ICS's id: not found, even when the form was also wrong.
    const { organisation: o, places } = await inTenant(deps, req, (tx, actor) => admin.organisationForEdit(tx, actor, id));
    // Keep the version the form was given: saving again must still notice someone else's change.
    const values = formValues(req.body, [...FIELDS, 'version']);
    return formWithErrors(reply, FORM, formContext(places, values, o), fields, FIELDS);
  });
};
