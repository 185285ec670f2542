import type { Bundle, Resource } from '@medplum/fhirtypes';
import { scopeAllows } from '../platform/access/policy.js';
import { isSystem } from '../platform/access/actor.js';
import { notFound } from './outcome.js';
import { HANDLERS } from './registry.js';
import { seeChild } from './resources/access.js';
import type { Reading } from './resources/handler.js';
import { patientResource } from './resources/patient.js';
import * as store from './store.js';

/**
 * Patient/$everything: the child and every part of their record that the
 * client's scopes let it read, in one Bundle. Each part is read through the
 * same service as its own search, so access, sensitive filtering and audit
 * are the same.
 */
export async function everything(r: Reading, childId: string, base: string): Promise<Bundle> {
  if (!(await store.patientById(r.tx, childId))) throw notFound();
  await seeChild(r, childId, 'Whole record (FHIR Patient/$everything)', 'fhir.everything');
  const resources: Resource[] = [await patientResource(r, childId)];
  const scopes = isSystem(r.actor) ? r.actor.system.scopes : [];
  for (const h of HANDLERS) {
    if (!h.everything || !scopeAllows(scopes, h.type, 'r')) continue;
    resources.push(...(await h.everything(r, childId)));
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: `${base}/Patient/${childId}/$everything` }],
    entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}
