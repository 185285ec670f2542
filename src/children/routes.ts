import { z } from 'zod';
import { actorOf, inTenant, type RouteModule } from '../platform/http/app.js';
import { errorSummary, fieldErrors, idParam, text } from '../platform/http/validate.js';
import { RELATIONSHIP_LABELS } from '../platform/access/relationship.js';
import { policy } from '../platform/access/policy.js';
import { ForbiddenError, ValidationError } from '../platform/http/errors.js';
import { actorRoleName } from '../platform/access/actor.js';
import { toCsv } from '../platform/http/csv.js';
import * as children from './service.js';
import { endMembership, keyWorkerOf, membershipToEnd } from './care-team.js';
import { careTeamPolicy } from './policy.js';
import { readSearch, type SearchInput } from './search-form.js';
import { ACCESS_LOG_CSV_LIMIT, accessLogHref, actionLabel, readAccessLogQuery } from './access-log-filter.js';
import { paginationLinks } from '../platform/http/paging.js';
import { FLAG_LABELS, ETHNIC_CATEGORIES, ageOn } from './labels.js';
import { AGENCY_NAMES, CONSENT_DECISION_LABELS } from './consent-labels.js';

export { caseloadRoutes } from './caseload-routes.js';
export { consentRoutes } from './consent-routes.js';

const breakGlassForm = z.object({
  reason: text('why you need emergency access', { max: 500, multiline: true })
    .refine((v) => v.length >= 10, 'Enter why you need emergency access, in at least 10 characters'),
});

export const childRoutes: RouteModule = (app, deps) => {
  app.get('/children', async (req, reply) => {
    const actor = actorOf(req);
    const decision = children.searchDecision(actor);
    if (!decision.allowed) throw new ForbiddenError(decision.reason);
    const query = (req.query ?? {}) as SearchInput;
    const searched = Object.keys(query).length > 0;
    const { values, criteria, fields } = readSearch(query);
    const results = searched && criteria ? await inTenant(deps, req, (tx) => children.findChildren(tx, actor, criteria)) : undefined;
    const shownFields = searched ? fields : {};
    return reply.code(searched && !criteria ? 400 : 200).page('children/views/search.njk', {
      title: 'Find a child',
      values,
      fields: shownFields,
      errors: errorSummary(shownFields, ['q', 'dob']),
      results,
      limit: children.SEARCH_LIMIT,
      // The privacy officer sees who a child is and their access log, never their record.
      resultPath: policy.searchChildren(actor).allowed ? '' : '/access-log',
    });
  });

  app.get('/children/:id', async (req, reply) => {
    const id = idParam(req.params);
    const { also: keyWorkerId, ...summary } = await inTenant(deps, req, (tx, actor) => children.childSummary(tx, actor, id, () => keyWorkerOf(tx, actor.icsId, id)));
    return reply.page('children/views/summary.njk', {
      title: `${summary.child.given_name} ${summary.child.family_name}`,
      ...summary,
      age: ageOn(summary.child.date_of_birth),
      ethnicity: ETHNIC_CATEGORIES[summary.child.ethnic_category] ?? summary.child.ethnic_category,
      flagLabels: FLAG_LABELS,
      agencyNames: AGENCY_NAMES, decisionLabels: CONSENT_DECISION_LABELS,
      canRecordConsent: policy.recordConsent(actorOf(req), summary.relationships).allowed,
      relationshipLabels: RELATIONSHIP_LABELS,
      // Per member, by the care team's own rule (the service checks it again on the post).
      team: summary.team.map((m) => ({ ...m, canEnd: careTeamPolicy.endMembership(actorOf(req), summary.relationships, { memberId: m.professional_id, keyWorkerId }).allowed })),
      ended: (req.query as Record<string, unknown> | undefined)?.ended === '1',
    });
  });

  const endPage = (member: Awaited<ReturnType<typeof membershipToEnd>>, childId: string, memberId: string, reason = '', fields: Record<string, string> = {}) => ({
    title: member.leaving ? 'Leave this child’s care team' : `End ${member.name}’s care team membership`,
    member, childId, memberId, values: { reason }, fields, errors: errorSummary(fields, ['reason']), backHref: `/children/${childId}#care-team`,
  });

  app.get('/children/:id/care-team/:professionalId/end', async (req, reply) => {
    const id = idParam(req.params);
    const professionalId = idParam(req.params, 'professionalId');
    const member = await inTenant(deps, req, (tx, actor) => membershipToEnd(tx, actor, id, professionalId));
    return reply.page('children/views/end-membership.njk', endPage(member, id, professionalId));
  });

  app.post('/children/:id/care-team/:professionalId/end', async (req, reply) => {
    const id = idParam(req.params);
    const professionalId = idParam(req.params, 'professionalId');
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    try {
      await inTenant(deps, req, (tx, actor) => endMembership(tx, actor, id, professionalId, reason));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const member = await inTenant(deps, req, (tx, actor) => membershipToEnd(tx, actor, id, professionalId));
      return reply.code(400).page('children/views/end-membership.njk', endPage(member, id, professionalId, typeof reason === 'string' ? reason.slice(0, 600) : '', error.fields));
    }
    // Leaving the team yourself may end your access to the child: go home rather than to a page you can no longer see.
    return reply.redirect(professionalId === actorOf(req).professionalId ? '/' : `/children/${id}?ended=1#care-team`, 303);
  });

  app.get('/children/:id/access-log', async (req, reply) => {
    const id = idParam(req.params);
    const query = readAccessLogQuery((req.query ?? {}) as Record<string, unknown>);
    const log = await inTenant(deps, req, (tx, actor) => children.accessLog(tx, actor, id, query.filter, query.page));
    const path = `/children/${id}/access-log`;
    return reply.code(Object.keys(query.fields).length ? 400 : 200).page('children/views/access-log.njk', {
      title: `Who has accessed ${log.child.given_name} ${log.child.family_name}’s record`,
      ...log,
      values: query.values,
      fields: query.fields,
      errors: errorSummary(query.fields, ['q', 'organisation', 'action', 'from', 'to']),
      organisationItems: [{ value: '', text: 'Any organisation' }, ...log.choices.organisations.map((o) => ({ value: o.id, text: o.name, selected: o.id === query.values.organisation }))],
      actionItems: [{ value: '', text: 'Any action' }, ...log.choices.actions.map((a) => ({ value: a, text: actionLabel(a), selected: a === query.values.action }))],
      pageLinks: paginationLinks(log.window, (p) => accessLogHref(path, query.values, p)),
      csvHref: accessLogHref(`${path}.csv`, query.values),
      csvLimit: ACCESS_LOG_CSV_LIMIT,
      // The privacy officer reaches the log from the search, and would be refused the summary.
      backHref: policy.findChildForAccessLog(actorOf(req)).allowed ? '/children' : `/children/${id}`,
    });
  });

  app.get('/children/:id/access-log.csv', async (req, reply) => {
    const id = idParam(req.params);
    const query = readAccessLogQuery((req.query ?? {}) as Record<string, unknown>);
    if (Object.keys(query.fields).length) throw new ValidationError(query.fields);
    const log = await inTenant(deps, req, (tx, actor) => children.exportAccessLog(tx, actor, id, query.filter));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="access-log-${log.child.nhs_number ?? id}.csv"`)
      .send(toCsv(['When', 'Who', 'Role', 'Organisation', 'Action', 'What', 'Why'], log.events.map((e) => [
        new Date(e.at).toISOString(), e.professionalName ?? 'Unknown', e.role ? actorRoleName(e.role) : '',
        e.organisationName, actionLabel(e.action), e.what, e.why,
      ])));
  });

  app.post('/children/:id/break-glass', async (req, reply) => {
    const id = idParam(req.params);
    const parsed = breakGlassForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error);
      return reply.code(400).page('platform/http/views/no-access.njk', {
        title: 'You do not have access to this child’s record',
        childId: id,
        reason: 'You do not have a care relationship with this child.',
        fields,
        errors: errorSummary(fields, ['reason']),
        values: { reason: typeof (req.body as { reason?: unknown })?.reason === 'string' ? String((req.body as { reason: string }).reason).slice(0, 600) : '' },
      });
    }
    // Refused emergency access (audited) offers none, so the error page says why on the plain refusal page.
    await inTenant(deps, req, (tx, actor) => children.breakGlass(tx, actor, id, parsed.data.reason));
    return reply.redirect(`/children/${id}`, 303);
  });
};
