import type { Resource } from '@medplum/fhirtypes';
import { fhirPolicy } from './policy.js';
import { asFhirError, badRequest, FhirError, type Issue } from './outcome.js';
import { handlerFor, HANDLERS } from './registry.js';
import type { Reading, ResourceHandler } from './resources/handler.js';

/**
 * `_include` and `_revinclude` for the references Joinery serves between a
 * child and their record: `<Type>:patient` (or `:subject`) includes the
 * Patient of each match, and on a Patient search `_revinclude=<Type>:patient`
 * brings each child's resources of that type. Every resource included is read
 * through its own type's read or search, so the child's door is opened and
 * audited for it as for any other read, under the client's scopes.
 */
export type Include = { name: string; type: string };
export type Includes = { include: Include[]; revinclude: Include[] };

/** Most resources of one type included for one child: past it the Bundle says how many there were. */
export const MAX_REVINCLUDED = 100;

const byPatient = (h: ResourceHandler) => h.searchParams.some((p) => p.name === 'patient' && p.type === 'reference');
const CHILD_PARAMS = ['patient', 'subject'];

/** The includes a search names, each checked against what this server can follow. */
export function includeNames(handler: ResourceHandler, name: '_include' | '_revinclude', values: string[]): Include[] {
  return values.flatMap((v) => v.split(',')).map((value) => {
    const [type, param, target] = value.split(':');
    const refuse = (why: string) => badRequest(`${name}=${value}: ${why}`, name);
    if (!CHILD_PARAMS.includes(param ?? '') || (target !== undefined && target !== 'Patient')) {
      throw refuse(`this server follows only the reference to the child (<Type>:patient or <Type>:subject).`);
    }
    if (name === '_include') {
      if (type !== handler.type || !byPatient(handler)) throw refuse(`${handler.type} can include only its own patient (${handler.type}:patient).`);
      return { name: value, type: 'Patient' };
    }
    const from = handlerFor(type);
    if (handler.type !== 'Patient') throw refuse('_revinclude is served on Patient searches.');
    if (!from || !byPatient(from)) throw refuse(`${type} is not searched by patient here. Types that are: ${HANDLERS.filter(byPatient).map((h) => h.type).join(', ')}.`);
    return { name: value, type };
  });
}

function allowed(r: Reading, type: string, permission: 'r' | 's') {
  const decision = fhirPolicy.interact(r.actor, type, permission);
  if (!decision.allowed) throw new FhirError(403, [{ severity: 'error', code: 'forbidden', text: decision.reason }]);
}

/** The child a resource is about, from its patient or subject reference. */
function childOf(resource: Resource): string | undefined {
  const ref = (resource as { patient?: { reference?: string }; subject?: { reference?: string } });
  const m = /^Patient\/([0-9a-f-]{36})$/.exec(ref.patient?.reference ?? ref.subject?.reference ?? '');
  return m?.[1];
}

/** What the includes bring for one page of matches, each read through its type's door; notes for what was cut short. */
export async function included(r: Reading, matches: Resource[], includes: Includes): Promise<{ resources: Resource[]; notes: Issue[] }> {
  const resources: Resource[] = [];
  const notes: Issue[] = [];
  const seen = new Set(matches.map((m) => `${m.resourceType}/${m.id}`));
  const add = (found: Resource) => {
    const key = `${found.resourceType}/${found.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    resources.push(found);
  };
  if (includes.include.length) {
    allowed(r, 'Patient', 'r');
    const patients = handlerFor('Patient')!;
    for (const childId of new Set(matches.map(childOf).filter((id): id is string => !!id))) {
      try {
        add(await patients.read(r, childId));
      } catch (e) {
        if (asFhirError(e).status !== 404) throw e;
      }
    }
  }
  for (const { type } of includes.revinclude) {
    allowed(r, type, 's');
    const from = handlerFor(type)!;
    for (const patient of matches.filter((m) => m.resourceType === 'Patient')) {
      const found = await from.search(r, new Map([['patient', [`Patient/${patient.id}`]]]), { count: MAX_REVINCLUDED, offset: 0, ...(from.sorts ? { sort: from.sorts[0] } : {}) });
      found.resources.forEach(add);
      if (found.next || found.total > found.resources.length) {
        notes.push({
          severity: 'information', code: 'informational',
          text: `Only the first ${found.resources.length} of ${found.total} ${type} resources of Patient/${patient.id} are included: search ${type}?patient=Patient/${patient.id} for the rest.`,
        });
      }
    }
  }
  return { resources, notes };
}
