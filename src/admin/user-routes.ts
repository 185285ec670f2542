import type { FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import { errorSummary, parseInput } from '../platform/http/validate.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { ROLE_IDS, ROLES } from '../platform/access/roles.js';
import { editUserForm, formValues, idFrom, newUserForm, userQuery } from './forms.js';
import { noticeText } from './labels.js';
import { attempt, formWithErrors, selectItems } from './pages.js';
import { listHref, paginationLinks } from '../platform/http/paging.js';
import { readListQuery } from '../platform/http/list-search.js';
import type { UserRow } from './service.js';
import * as admin from './service.js';

const LIST = 'admin/views/users.njk';
const NEW = 'admin/views/user-new.njk';
const EDIT = 'admin/views/user-edit.njk';
const NEW_FIELDS = ['name', 'email', 'role', 'organisationId', 'password'];
const EDIT_FIELDS = ['name', 'role', 'organisationId', 'nhsidUseruid', 'active'];

const roleItems = (placeholder: string) => selectItems(ROLE_IDS.map((r) => ({ value: r, text: ROLES[r] })), placeholder);

async function formContext(deps: AppDeps, req: FastifyRequest, values: Record<string, string>, user?: UserRow, check?: string | null) {
  const { organisations } = await inTenant(deps, req, (tx, actor) => admin.userFormOptions(tx, actor));
  return {
    title: user ? `Change ${user.name}` : 'Add a user',
    backHref: '/admin/users',
    user,
    check,
    values,
    roleItems: roleItems('Select a role'),
    organisationItems: selectItems(organisations.map((o) => ({ value: o.id, text: `${o.name} (${o.ods_code})` })), 'Select an organisation'),
  };
}

export const userRoutes: RouteModule = (app, deps) => {
  app.get('/admin/users', async (req, reply) => {
    const { role, page, notice } = parseInput(userQuery, req.query);
    const search = readListQuery(req.query);
    const invalid = Object.keys(search.fields).length > 0;
    const { window, users } = await inTenant(deps, req, (tx, actor) => admin.userList(tx, actor, role, page, search.words));
    return reply.code(invalid ? 400 : 200).page(LIST, {
      title: 'Users',
      notice: noticeText(notice),
      role,
      roleItems: roleItems('All roles'),
      // A search that cannot be read shows no one: the box says what to change.
      users: invalid ? [] : users,
      window,
      typed: search.typed, searched: Boolean(search.words), fields: search.fields, errors: errorSummary(search.fields, ['q']),
      pageLinks: invalid ? undefined : paginationLinks(window, (p) => listHref('/admin/users', { role, q: search.typed, page: p })),
    });
  });

  app.get('/admin/users/new', async (req, reply) => reply.page(NEW, await formContext(deps, req, {})));

  app.post('/admin/users', async (req, reply) => {
    const fields = await attempt(async () => {
      const input = parseInput(newUserForm, req.body);
      // Hashing is slow and needs no database: do it before the transaction opens.
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      await inTenant(deps, req, (tx, actor) => admin.createUser(tx, actor, input, passwordHash));
    });
    if (!fields) return reply.redirect('/admin/users?notice=user-added', 303);
    // The password is never sent back to the browser.
    const values = formValues(req.body, ['name', 'email', 'role', 'organisationId']);
    return formWithErrors(reply, NEW, await formContext(deps, req, values), fields, NEW_FIELDS);
  });

  app.get('/admin/users/:id', async (req, reply) => {
    const id = idFrom(req.params);
    const { user, version, check } = await inTenant(deps, req, (tx, actor) => admin.userForEdit(tx, actor, id));
    const values = { name: user.name, role: user.role, organisationId: user.organisation_id, active: user.active ? 'yes' : '', nhsidUseruid: user.nhsid_useruid ?? '', version };
    return reply.page(EDIT, await formContext(deps, req, values, user, check));
  });

  app.post('/admin/users/:id', async (req, reply) => {
    const id = idFrom(req.params);
    const fields = await attempt(() => {
      const input = parseInput(editUserForm, req.body);
      return inTenant(deps, req, (tx, actor) => admin.updateUser(tx, actor, id, input));
    });
    if (!fields) return reply.redirect('/admin/users?notice=user-saved', 303);
    const { user } = await inTenant(deps, req, (tx, actor) => admin.userForEdit(tx, actor, id));
    const values = formValues(req.body, [...EDIT_FIELDS, 'version']);
    return formWithErrors(reply, EDIT, await formContext(deps, req, values, user), fields, EDIT_FIELDS);
  });
};

