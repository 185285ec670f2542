import { inTenant, type RouteModule } from '../platform/http/app.js';
import { NotFoundError } from '../platform/http/errors.js';
import { listClients, revokeClient, rotateClientSecret } from '../fhir/service.js';
import { idFrom } from './forms.js';
import { noticeText } from './labels.js';
import { requireAdmin } from './service.js';

const LIST = 'admin/views/fhir-clients.njk';
const CONFIRM = 'admin/views/fhir-client-confirm.njk';
const SECRET = 'admin/views/fhir-client-secret.njk';

/** What each change says on its confirmation page. */
const CHANGES = {
  revoke: {
    verb: 'Revoke',
    warning: 'It will get no more access tokens, and the tokens it has stop working now. This cannot be undone: to connect it again, add a new client.',
    button: 'Revoke client',
  },
  rotate: {
    verb: 'Give a new secret to',
    warning: 'The old secret stops working, and so do the access tokens it got. You will see the new secret once: give it to the system’s supplier securely.',
    button: 'Give a new secret',
  },
} as const;

/**
 * /admin/fhir-clients: the systems that use the FHIR API. An administrator can
 * revoke one or give it a new secret; each change asks for confirmation first
 * (a plain form, no JavaScript) and is audited.
 */
export const fhirClientRoutes: RouteModule = (app, deps) => {
  app.get('/admin/fhir-clients', async (req, reply) => {
    const clients = await inTenant(deps, req, (tx, actor) => {
      requireAdmin(actor);
      return listClients(tx, actor.icsId);
    });
    return reply.page(LIST, { title: 'FHIR clients', notice: noticeText((req.query as { notice?: unknown }).notice), clients });
  });

  for (const change of ['revoke', 'rotate'] as const) {
    app.get(`/admin/fhir-clients/:id/${change}`, async (req, reply) => {
      const id = idFrom(req.params);
      const client = await inTenant(deps, req, async (tx, actor) => {
        requireAdmin(actor);
        return (await listClients(tx, actor.icsId)).find((c) => c.id === id && !c.revokedAt);
      });
      if (!client) throw new NotFoundError();
      return reply.page(CONFIRM, { title: `${CHANGES[change].verb} ${client.name}`, backHref: '/admin/fhir-clients', client, change, ...CHANGES[change] });
    });
  }

  app.post('/admin/fhir-clients/:id/revoke', async (req, reply) => {
    const id = idFrom(req.params);
    await inTenant(deps, req, (tx, actor) => revokeClient(tx, actor, id, requireAdmin(actor)));
    return reply.redirect('/admin/fhir-clients?notice=fhir-client-revoked', 303);
  });

  app.post('/admin/fhir-clients/:id/rotate', async (req, reply) => {
    const id = idFrom(req.params);
    const { client, secret } = await inTenant(deps, req, (tx, actor) => rotateClientSecret(tx, actor, id, requireAdmin(actor)));
    // Shown in this response only (pages are not cached): the secret is stored as a hash and cannot be shown again.
    return reply.page(SECRET, { title: `New secret for ${client.name}`, backHref: '/admin/fhir-clients', client, secret });
  });
};
