import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ForbiddenError, type FieldErrors } from '../platform/http/errors.js';
import { ICS_SCOPE, readFilters, type ActivityFilters, type FilterValues } from './filters.js';
import { monthName } from './period.js';
import { activityTables, TABLE_SOURCE, type ActivityTable, type TableId } from './tables.js';
import * as store from './store.js';
import { activityPolicy } from './policy.js';
import { isSmallNumber } from '../population/service.js';
import { SUPPRESSED_WORDS } from '../population/index.js';

export type ScopeOption = { value: string; text: string };
export type ActivityView = {
  scopes: ScopeOption[];
  values: FilterValues;
  fields: FieldErrors;
  /** Present when the filters were good. */
  report?: { scopeName: string; period: string; children: number | string; tables: ActivityTable[]; suppressed: boolean };
};

/**
 * What the actor may look at: analysts, administrators and hub clinic
 * administrators the whole ICS and every hub; a paediatrician the hubs they
 * lead; a GP their own practice's hub.
 */
async function visibleScopes(tx: Tx, actor: Actor): Promise<{ ics: boolean; clusters: store.ClusterRow[] }> {
  if (activityPolicy.seeWholeIcs(actor).allowed) return { ics: true, clusters: await store.clusters(tx, actor.icsId, { all: true }) };
  if (activityPolicy.seeHubsLed(actor).allowed) {
    const led = await store.clusters(tx, actor.icsId, { leadId: actor.professionalId });
    if (!led.length) throw new ForbiddenError('You do not lead a hub, so there is no hub activity to show you.');
    return { ics: false, clusters: led };
  }
  if (activityPolicy.seePracticeHub(actor).allowed) {
    const own = await store.clusters(tx, actor.icsId, { practiceId: actor.organisationId });
    if (!own.length) throw new ForbiddenError('Your practice is not in a hub, so there is no hub activity to show you.');
    return { ics: false, clusters: own };
  }
  // A role the policy lets in but no rule here gives a scope to sees nothing, rather than a hub by accident.
  throw new ForbiddenError('Your role has no hub activity to show.');
}

/** Whether and where the filters point: the whole ICS or one visible hub. */
function scopeName(filters: ActivityFilters, visible: { ics: boolean; clusters: store.ClusterRow[] }): { name?: string; fields: FieldErrors } {
  if (filters.scope.kind === 'ics') return visible.ics ? { name: 'whole ICS', fields: {} } : refuse();
  const { clusterId } = filters.scope;
  const hub = visible.clusters.find((c) => c.id === clusterId);
  if (hub) return { name: hub.name, fields: {} };
  // Everyone who sees the ICS sees every hub: an unknown hub is a bad choice, not a refusal.
  return visible.ics ? { fields: { scope: 'Select the whole ICS or a hub' } } : refuse();
}

function refuse(): never {
  throw new ForbiddenError('You can see activity only for your own hub.');
}

/**
 * The hub and cluster activity page for the filters in `query`: rates by
 * practice and month, outcomes, waits and did-not-attend, in aggregate only.
 * Each view (the page or one CSV) is audited, with no child named.
 */
export async function activityView(tx: Tx, actor: Actor, query: unknown, today: string, view: string, only?: TableId): Promise<ActivityView> {
  const decision = activityPolicy.viewActivity(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const visible = await visibleScopes(tx, actor);
  const scopes = [...(visible.ics ? [{ value: ICS_SCOPE, text: 'Whole ICS' }] : []), ...visible.clusters.map((c) => ({ value: c.id, text: c.name }))];
  const { values, filters, fields } = readFilters(query, today, scopes[0].value);
  if (!filters) return { scopes, values, fields };
  const named = scopeName(filters, visible);
  if (!named.name) return { scopes, values, fields: named.fields };

  const clusterId = filters.scope.kind === 'cluster' ? filters.scope.clusterId : null;
  const bounds = store.boundsOf(filters.from, filters.to);
  const wanted = (source: (typeof TABLE_SOURCE)[TableId]) => !only || TABLE_SOURCE[only] === source;
  const volumes = wanted('volumes') ? await store.volumes(tx, actor.icsId, clusterId, bounds) : [];
  // A practice that has left the hub still has a row for the referrals it sent while a member.
  const referring = clusterId ? volumes.flatMap((v) => (v.practice_id ? [v.practice_id] : [])) : [];
  const practices = wanted('volumes') ? await store.practices(tx, actor.icsId, clusterId, referring) : [];
  const outcomes = wanted('outcomes') ? await store.outcomes(tx, actor.icsId, clusterId, bounds) : undefined;
  const attendance = wanted('attendance') ? await store.attendance(tx, actor.icsId, clusterId, bounds) : [];
  const period = filters.from === filters.to ? monthName(filters.from) : `${monthName(filters.from)} to ${monthName(filters.to)}`;
  const suppress = !policy.seesSmallNumbers(actor).allowed;
  const tables = activityTables({ scopeName: named.name, from: filters.from, to: filters.to, practices, volumes, outcomes, attendance, suppress }, period, only);

  await recordAudit(tx, actor, {
    action: 'activity.view', what: `Hub activity (${view}): ${named.name}, ${period}`, why: decision.why,
    details: { view, scope: values.scope, from: filters.from, to: filters.to },
  });
  const children = practices.reduce((a, p) => a + p.children, 0);
  return {
    scopes, values, fields,
    report: { scopeName: named.name, period, children: suppress && isSmallNumber(children) ? SUPPRESSED_WORDS : children, tables, suppressed: tables.some((t) => t.rows.some((r) => r.includes(SUPPRESSED_WORDS))) },
  };
}
