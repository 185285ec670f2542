import type { Bundle, Resource } from '@medplum/fhirtypes';
import { scopeAllows } from '../platform/access/policy.js';
import { isSystem } from '../platform/access/actor.js';
import { badRequest, FhirError, notFound } from './outcome.js';
import { handlerFor, HANDLERS } from './registry.js';
import { auditEachChild, openChild } from '../platform/access/door.js';
import { fhirPolicy } from './policy.js';
import { entriesOfKinds } from './resources/entries.js';
import type { Reading, WholeRecord } from './resources/handler.js';
import { patientResource } from './resources/patient.js';
import * as store from './store.js';

/** What a client may ask of $everything: resources changed since an instant, and only some types. */
export type EverythingAsked = { since?: number; types?: Set<string> };

/** Who the record names that is not part of the child's record: served beside it so no reference in the Bundle dangles. */
const NAMED_TYPES = ['Organization', 'Practitioner'] as const;

/**
 * `_since` (an instant with its zone, or a day) and `_type` (comma-separated
 * types, repeatable). Anything else is refused, as searches refuse what they
 * cannot do, rather than answered as if it were not asked.
 */
export function everythingAsked(raw: unknown): EverythingAsked {
  const asked: EverythingAsked = {};
  for (const [name, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const values = [value].flat().map(String);
    if (name === '_format') continue;
    if (name === '_since') {
      const ms = values.length === 1 && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(values[0]) ? Date.parse(values[0]) : NaN;
      if (Number.isNaN(ms)) throw badRequest('_since must be one instant with its time zone, like 2026-01-31T09:00:00Z, or a day.', '_since');
      asked.since = ms;
    } else if (name === '_type') {
      const types = values.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
      const unknown = types.find((t) => t !== 'Patient' && !handlerFor(t));
      if (unknown) throw badRequest(`Joinery serves no ${unknown} resources: _type takes the types in the CapabilityStatement.`, '_type');
      asked.types = new Set([...(asked.types ?? []), ...types]);
    } else {
      throw badRequest(`$everything takes _since and _type, not ${name}.`, name);
    }
  }
  return asked;
}

/** Changed at or after `since`: a resource that does not say when it changed is kept, so nothing is missed. */
const changedSince = (r: Resource, since: number | undefined) =>
  since === undefined || !r.meta?.lastUpdated || Date.parse(r.meta.lastUpdated) >= since;

/** The organisations and professionals the resources refer to, each read once as its own read reads it (no child's data). */
async function namedBy(r: Reading, resources: Resource[], allowed: (type: string) => boolean): Promise<Resource[]> {
  const have = new Set(resources.map((x) => `${x.resourceType}/${x.id}`));
  const named = new Set(JSON.stringify(resources).match(/"(Organization|Practitioner)\/[0-9a-f-]{36}"/g)?.map((m) => m.slice(1, -1)) ?? []);
  const out: Resource[] = [];
  for (const ref of [...named].sort()) {
    const [type, id] = ref.split('/');
    if (have.has(ref) || !allowed(type)) continue;
    try {
      out.push(await handlerFor(type)!.read(r, id));
    } catch (e) {
      // A professional or organisation no longer held: the reference keeps its display.
      if (!(e instanceof FhirError && e.status === 404)) throw e;
    }
  }
  return out;
}

/**
 * Patient/$everything: the child and every part of their record that the
 * client's scopes let it read, in one Bundle, with the organisations and
 * professionals it names. The door opens once for the child; each part is
 * read as its own search reads it (the same services, sensitive filtering
 * and audit rows), its audit written with the others in one statement. The
 * record's entries are read once for every entry type. `_type` narrows the
 * types read; `_since` keeps what changed since then.
 */
export async function everything(r: Reading, childId: string, base: string, asked: EverythingAsked = {}): Promise<Bundle> {
  const child = await store.patientById(r.tx, r.actor.icsId, childId);
  if (!child) throw notFound();
  const what = 'Whole record (FHIR Patient/$everything)';
  // The door once, for the whole record; each type's read below is audited as before, all in one statement at the end.
  const access = await openChild(r.tx, r.actor, childId, { rule: fhirPolicy.readChild, refused: what, audit: { action: 'fhir.everything', what } });
  const scopes = isSystem(r.actor) ? r.actor.system.scopes : [];
  const wanted = (type: string) => (!asked.types || asked.types.has(type)) && Boolean(scopeAllows(scopes, type, 'r'));
  const served = HANDLERS.filter((h) => h.everything && wanted(h.type));
  const kinds = [...new Set(served.flatMap((h) => (h.entryKind ? [h.entryKind] : [])))];
  const whole: WholeRecord = { access, audits: [], entries: await entriesOfKinds(r, childId, kinds) };
  const reading: Reading = { ...r, whole };
  const record: Resource[] = !asked.types || asked.types.has('Patient') ? [patientResource(child)] : [];
  for (const h of served) record.push(...(await h.everything!(reading, childId)));
  await auditEachChild(r.tx, whole.audits.map((entry) => ({ access, entry })));
  const named = await namedBy(r, record, (type) => NAMED_TYPES.includes(type as (typeof NAMED_TYPES)[number]) && wanted(type));
  const resources = [...record, ...named].filter((x) => changedSince(x, asked.since));
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: `${base}/Patient/${childId}/$everything` }],
    entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}
