import type { Bundle, Resource } from '@medplum/fhirtypes';
import { scopeAllows } from '../platform/access/policy.js';
import { isSystem } from '../platform/access/actor.js';
import { notFound } from './outcome.js';
import { HANDLERS } from './registry.js';
import { auditEachChild, openChild } from '../platform/access/door.js';
import { fhirPolicy } from './policy.js';
import { entriesOfKinds } from './resources/entries.js';
import type { Reading, WholeRecord } from './resources/handler.js';
import { patientResource } from './resources/patient.js';
import * as store from './store.js';

/**
 * Patient/$everything: the child and every part of their record that the
 * client's scopes let it read, in one Bundle. The door opens once for the
 * child; each part is read as its own search reads it (the same services,
 * sensitive filtering and audit rows), its audit written with the others in
 * one statement. The record's entries are read once for every entry type.
 */
export async function everything(r: Reading, childId: string, base: string): Promise<Bundle> {
  const child = await store.patientById(r.tx, childId);
  if (!child) throw notFound();
  const what = 'Whole record (FHIR Patient/$everything)';
  // The door once, for the whole record; each type's read below is audited as before, all in one statement at the end.
  const access = await openChild(r.tx, r.actor, childId, { rule: fhirPolicy.readChild, refused: what, audit: { action: 'fhir.everything', what } });
  const scopes = isSystem(r.actor) ? r.actor.system.scopes : [];
  const served = HANDLERS.filter((h) => h.everything && scopeAllows(scopes, h.type, 'r'));
  const kinds = [...new Set(served.flatMap((h) => (h.entryKind ? [h.entryKind] : [])))];
  const whole: WholeRecord = { access, audits: [], entries: await entriesOfKinds(r, childId, kinds) };
  const reading: Reading = { ...r, whole };
  const resources: Resource[] = [patientResource(child)];
  for (const h of served) resources.push(...(await h.everything!(reading, childId)));
  await auditEachChild(r.tx, whole.audits.map((entry) => ({ access, entry })));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: `${base}/Patient/${childId}/$everything` }],
    entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}
