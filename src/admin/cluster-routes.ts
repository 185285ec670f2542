import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, type AppDeps, type RouteModule } from '../platform/http/app.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { parseInput } from '../platform/http/validate.js';
import { addPracticeForm, clusterForm, formValues, idFrom, leadForm, workingDaysForm } from './forms.js';
import { noticeText } from './labels.js';
import { attempt, formWithErrors, selectItems } from './pages.js';
import type { Option } from './service.js';
import * as admin from './service.js';

const LIST = 'admin/views/clusters.njk';
const NEW = 'admin/views/cluster-new.njk';
const PAGE = 'admin/views/cluster.njk';
const FIELDS = ['name', 'placeId', 'leadId'];

const WORKING_DAYS = ['triageWorkingDays', 'adviceWorkingDays'];

const options = (list: Option[], placeholder: string) => selectItems(list.map((o) => ({ value: o.id, text: o.name })), placeholder);

async function newClusterForm(deps: AppDeps, req: FastifyRequest, values: Record<string, string>) {
  const { places, paediatricians } = await inTenant(deps, req, (tx, actor) => admin.clusterFormOptions(tx, actor));
  return {
    title: 'Add a cluster',
    backHref: '/admin/clusters',
    values,
    placeItems: options(places, 'Select a place'),
    leadItems: options(paediatricians, 'Select a paediatrician'),
  };
}

/** The cluster page, after a refused change with that form's errors and the choice made. */
async function showCluster(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, id: string, refused?: { fields: FieldErrors; values: Record<string, string> }) {
  const { cluster, practices, available, paediatricians } = await inTenant(deps, req, (tx, actor) => admin.clusterPage(tx, actor, id));
  const context = {
    title: cluster.name,
    backHref: '/admin/clusters',
    notice: refused ? undefined : noticeText((req.query as Record<string, unknown> | undefined)?.notice),
    cluster,
    practices,
    values: { leadId: cluster.lead_id ?? '', triageWorkingDays: String(cluster.triage_working_days), adviceWorkingDays: String(cluster.advice_working_days), ...refused?.values },
    practiceItems: selectItems(available.map((p) => ({ value: p.id, text: `${p.name} (${p.ods_code})` })), 'Select a GP practice'),
    leadItems: options(paediatricians, 'Select a paediatrician'),
  };
  return refused ? formWithErrors(reply, PAGE, context, refused.fields, ['practiceId', 'leadId', ...WORKING_DAYS]) : reply.page(PAGE, context);
}

export const clusterRoutes: RouteModule = (app, deps) => {
  app.get('/admin/clusters', async (req, reply) => {
    const clusters = await inTenant(deps, req, (tx, actor) => admin.clusterList(tx, actor));
    return reply.page(LIST, { title: 'Clusters', clusters, notice: noticeText((req.query as Record<string, unknown> | undefined)?.notice) });
  });

  app.get('/admin/clusters/new', async (req, reply) => reply.page(NEW, await newClusterForm(deps, req, {})));

  app.post('/admin/clusters', async (req, reply) => {
    let id = '';
    const fields = await attempt(async () => {
      const input = parseInput(clusterForm, req.body);
      id = await inTenant(deps, req, (tx, actor) => admin.createCluster(tx, actor, input));
    });
    if (!fields) return reply.redirect(`/admin/clusters/${id}?notice=cluster-added`, 303);
    return formWithErrors(reply, NEW, await newClusterForm(deps, req, formValues(req.body, FIELDS)), fields, FIELDS);
  });

  app.get('/admin/clusters/:id', async (req, reply) => showCluster(deps, req, reply, idFrom(req.params)));

  app.post('/admin/clusters/:id/practices', async (req, reply) => {
    const id = idFrom(req.params);
    const fields = await attempt(() => {
      const { practiceId } = parseInput(addPracticeForm, req.body);
      return inTenant(deps, req, (tx, actor) => admin.addPracticeToCluster(tx, actor, id, practiceId));
    });
    if (!fields) return reply.redirect(`/admin/clusters/${id}?notice=practice-added`, 303);
    return showCluster(deps, req, reply, id, { fields, values: formValues(req.body, ['practiceId']) });
  });

  app.post('/admin/clusters/:id/practices/:practiceId/remove', async (req, reply) => {
    const id = idFrom(req.params);
    const practiceId = idFrom(req.params, 'practiceId');
    await inTenant(deps, req, (tx, actor) => admin.removePracticeFromCluster(tx, actor, id, practiceId));
    return reply.redirect(`/admin/clusters/${id}?notice=practice-removed`, 303);
  });

  app.post('/admin/clusters/:id/lead', async (req, reply) => {
    const id = idFrom(req.params);
    const fields = await attempt(() => {
      const { leadId } = parseInput(leadForm, req.body);
      return inTenant(deps, req, (tx, actor) => admin.changeClusterLead(tx, actor, id, leadId));
    });
    if (!fields) return reply.redirect(`/admin/clusters/${id}?notice=lead-changed`, 303);
    return showCluster(deps, req, reply, id, { fields, values: formValues(req.body, ['leadId']) });
  });

  app.post('/admin/clusters/:id/working-days', async (req, reply) => {
    const id = idFrom(req.params);
    const fields = await attempt(() => {
      const input = parseInput(workingDaysForm, req.body);
      return inTenant(deps, req, (tx, actor) => admin.setClusterWorkingDays(tx, actor, id, input));
    });
    if (!fields) return reply.redirect(`/admin/clusters/${id}?notice=working-days-saved`, 303);
    return showCluster(deps, req, reply, id, { fields, values: formValues(req.body, WORKING_DAYS) });
  });
};
