import type { Bundle, Resource } from '@medplum/fhirtypes';
import { badRequest, FhirError, notFound } from './outcome.js';
import type { Reading, ResourceHandler, Version } from './resources/handler.js';

/**
 * vread and instance _history from the versions Joinery keeps (record
 * entries keep every version: record_entry_history). Each goes through the
 * type's own history(), so the child's door is opened and audited exactly as
 * for a read; a type that keeps no versions says so as FHIR.
 */
async function versionsOf(r: Reading, handler: ResourceHandler, id: string): Promise<Version[]> {
  if (!handler.history) {
    throw new FhirError(404, [{ severity: 'error', code: 'not-supported', text: `Joinery keeps no earlier versions of ${handler.type} resources: read the current one.` }]);
  }
  return handler.history(r, id);
}

/** One version of a resource (vread): 404 for a version never kept or not served. */
export async function vread(r: Reading, handler: ResourceHandler, id: string, versionId: string): Promise<Resource> {
  if (!/^\d{1,9}$/.test(versionId)) throw notFound(`${handler.type}/${id} has no version ${versionId}.`);
  const found = (await versionsOf(r, handler, id)).find((v) => v.version === Number(versionId));
  if (!found) throw notFound(`${handler.type}/${id} has no version ${versionId} that Joinery serves.`);
  return found.resource;
}

/** `_since` (an instant) is the only parameter: every kept version is small enough to send in one Bundle. */
function sinceOf(raw: unknown): number | undefined {
  let since: number | undefined;
  for (const [name, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    if (name === '_format') continue;
    if (name !== '_since') throw badRequest(`_history takes only _since, not ${name}.`, name);
    const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) throw badRequest('_since must be an instant, like 2026-01-31T09:00:00Z.', '_since');
    since = ms;
  }
  return since;
}

/** A history Bundle of one resource's versions, newest first. */
export async function instanceHistory(r: Reading, handler: ResourceHandler, id: string, base: string, raw: unknown): Promise<Bundle> {
  const since = sinceOf(raw);
  const versions = (await versionsOf(r, handler, id)).filter((v) => since === undefined || Date.parse(v.at) >= since);
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    link: [{ relation: 'self', url: `${base}/${handler.type}/${id}/_history` }],
    entry: versions.map((v) => ({
      fullUrl: `${base}/${handler.type}/${id}`,
      resource: v.resource,
      request: { method: v.version === 1 ? 'POST' : 'PUT', url: v.version === 1 ? handler.type : `${handler.type}/${id}` },
      response: { status: v.version === 1 ? '201 Created' : '200 OK', etag: `W/"${v.version}"`, lastModified: v.at },
    })),
  };
}
