import type { Resource } from '@medplum/fhirtypes';
import { fhirPolicy } from './policy.js';
import { asFhirError, badRequest, FhirError, type Issue } from './outcome.js';
import { handlerFor, HANDLERS } from './registry.js';
import type { Reading, ResourceHandler } from './resources/handler.js';
import { INCLUDE_PATHS, REVINCLUDE_TARGETS } from './include-paths.js';

/**
 * `_include` and `_revinclude` for the references Joinery serves
 * (include-paths.ts names, per type, the R4 search parameters and the
 * elements they follow). Every resource included is read through its own
 * type's read or search: a child's data opens that child's door and is
 * audited as any other read; organisations and professionals are shared
 * data. `:iterate` is refused: one level is followed.
 */
export type Include = { name: string; type: string; param: string; target?: string };
export type Includes = { include: Include[]; revinclude: Include[] };

/** Most resources of one type included for one match: past it the Bundle says how many there were. */
export const MAX_REVINCLUDED = 100;

/** The `_include` values a type answers (`Type:param`), from what its resources carry. */
export const includesOf = (type: string): string[] => Object.keys(INCLUDE_PATHS[type] ?? {}).map((p) => `${type}:${p}`);

/** The `_revinclude` values a search of `type` answers: each type's reference parameter that can name a `type`. */
export const revincludesOf = (type: string): string[] =>
  HANDLERS.flatMap((h) => h.searchParams.filter((p) => p.type === 'reference' && REVINCLUDE_TARGETS[p.name]?.includes(type)).map((p) => `${h.type}:${p.name}`));

/** The includes a search names, each checked against what this server can follow. */
export function includeNames(handler: ResourceHandler, name: '_include' | '_revinclude', values: string[]): Include[] {
  return values.flatMap((v) => v.split(',')).map((value) => {
    const [type, param, target, ...rest] = value.split(':');
    const refuse = (why: string) => badRequest(`${name}=${value}: ${why}`, name);
    if (type === '*' || param === '*') throw refuse('wildcards are not supported: name each reference.');
    if (rest.length || !param) throw refuse(`give <Type>:<search parameter>[:<target type>].`);
    if (name === '_include') {
      if (type !== handler.type) throw refuse(`a ${handler.type} search includes only what ${handler.type} refers to (${handler.type}:<parameter>).`);
      const targets = INCLUDE_PATHS[type]?.[param]?.targets;
      if (!targets) throw refuse(`${type} follows only: ${includesOf(type).join(', ') || 'nothing'}.`);
      if (target !== undefined && !targets.includes(target)) throw refuse(`${type}:${param} refers to ${targets.join(' or ')}, not ${target}.`);
      return { name: value, type, param, ...(target ? { target } : {}) };
    }
    const answered = revincludesOf(handler.type);
    if (!answered.includes(`${type}:${param}`) || (target !== undefined && target !== handler.type)) {
      throw refuse(`a ${handler.type} search brings back ${answered.length ? answered.join(', ') : 'nothing'}.`);
    }
    return { name: value, type, param };
  });
}

/** `_include:iterate` and `_revinclude:iterate`: refused, honestly, rather than followed one level and said to be done. */
export const refuseIterate = (name: string) => badRequest(`${name} is not supported: Joinery follows one level of references (_include and _revinclude).`, name);

function allowed(r: Reading, type: string, permission: 'r' | 's') {
  const decision = fhirPolicy.interact(r.actor, type, permission);
  if (!decision.allowed) throw new FhirError(403, [{ severity: 'error', code: 'forbidden', text: decision.reason }]);
}

/** The values at a dotted element path (arrays flattened at each step). */
function at(value: unknown, path: string[]): unknown[] {
  if (!path.length) return [value].flat();
  if (Array.isArray(value)) return value.flatMap((v) => at(v, path));
  if (!value || typeof value !== 'object') return [];
  return at((value as Record<string, unknown>)[path[0]], path.slice(1));
}

/** `Type/id` of each literal reference a resource carries for the include (contained ones, and types Joinery does not serve, are not followed). */
function referencesOf(resource: Resource, include: Include): { type: string; id: string }[] {
  const spec = INCLUDE_PATHS[include.type][include.param];
  const wanted = include.target ? [include.target] : spec.targets;
  return spec.paths.flatMap((p) => at(resource, p.split('.'))).flatMap((ref) => {
    const m = /^([A-Za-z]+)\/([^/]+)$/.exec((ref as { reference?: string } | undefined)?.reference ?? '');
    return m && wanted.includes(m[1]) && handlerFor(m[1]) ? [{ type: m[1], id: m[2] }] : [];
  });
}

/** What the includes bring for one page of matches, each read through its type's door; notes for what was left out or cut short. */
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
  const wanted = new Map<string, { type: string; id: string }>();
  for (const include of includes.include) {
    for (const match of matches) for (const ref of referencesOf(match, include)) wanted.set(`${ref.type}/${ref.id}`, ref);
  }
  for (const [key, { type, id }] of wanted) {
    if (seen.has(key)) continue;
    try {
      // Outside the client's scopes, as behind a closed door, the resource is left out with a note: the search itself still answers.
      allowed(r, type, 'r');
      add(await handlerFor(type)!.read(r, id));
    } catch (e) {
      const status = asFhirError(e).status;
      if (status === 403) notes.push({ severity: 'information', code: 'suppressed', text: `${key} is referred to but not included: this client may not read it.` });
      else if (status !== 404) throw e;
    }
  }
  for (const { type, param } of includes.revinclude) {
    allowed(r, type, 's');
    const from = handlerFor(type)!;
    for (const match of matches.filter((m) => REVINCLUDE_TARGETS[param]?.includes(m.resourceType))) {
      const found = await from.search(r, new Map([[param, [`${match.resourceType}/${match.id}`]]]), { count: MAX_REVINCLUDED, offset: 0, ...(from.sorts ? { sort: from.sorts[0] } : {}) });
      found.resources.forEach(add);
      if (found.next || found.total > found.resources.length) {
        notes.push({
          severity: 'information', code: 'informational',
          text: `Only the first ${found.resources.length} of ${found.total} ${type} resources of ${match.resourceType}/${match.id} are included: search ${type}?${param}=${match.resourceType}/${match.id} for the rest.`,
        });
      }
    }
  }
  return { resources, notes };
}
