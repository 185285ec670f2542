import type { Resource } from '@medplum/fhirtypes';
import { readJson } from '../platform/data-files.js';
import { isValidNhsNumber } from '../platform/identity/nhs-number.js';
import type { Issue } from './outcome.js';
import { structureIssues } from './validation.js';

/**
 * UK Core: the profile each served type claims (meta.profile), and the
 * $validate check of a resource against FHIR R4 and the UK Core constraints
 * Joinery relies on, from data/uk-core-profiles.json (decision 0025).
 */

type IdentifierRule = { name: string; pattern: string; check?: 'nhs-number' };
type ExtensionRule = { value: string; codeSystem?: string };
type VitalSigns = { profile: string; categorySystem: string; category: string; codeSystem: string; unitSystem: string; needsTime: boolean };
type Profile = { url: string; required?: string[]; extensions?: Record<string, ExtensionRule>; vitalSigns?: VitalSigns };

const DATA = readJson('uk-core-profiles.json') as { identifierSystems: Record<string, IdentifierRule>; profiles: Record<string, Profile> };
const PROFILES = new Map(Object.entries(DATA.profiles));
const IDENTIFIERS = new Map(Object.entries(DATA.identifierSystems).map(([system, rule]) => [system, { ...rule, regex: new RegExp(rule.pattern) }]));

/** The UK Core profile Joinery's resources of this type conform to, if it has one. */
export const profileOf = (type: string): string | undefined => PROFILES.get(type)?.url;

/** The resource with its UK Core profile in meta.profile (kept beside any it already claims). */
export function withProfile<T extends Resource>(resource: T): T {
  const url = profileOf(resource.resourceType);
  if (!url || resource.meta?.profile?.includes(url)) return resource;
  return { ...resource, meta: { ...resource.meta, profile: [...(resource.meta?.profile ?? []), url] } };
}

/** What the server sends, profiled: a resource, or each resource of a Bundle. Anything else as it is. */
export function profiled(body: unknown): unknown {
  const r = body as Resource | null;
  if (!r || typeof r !== 'object' || typeof r.resourceType !== 'string' || r.resourceType === 'OperationOutcome') return body;
  if (r.resourceType === 'Bundle') {
    return { ...r, entry: r.entry?.map((e) => (e.resource ? { ...e, resource: withProfile(e.resource) } : e)) };
  }
  return withProfile(r);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (v === undefined ? [] : [v].flat());

/** Every identifier in the resource (its own, and those in references), with its element path. */
function identifiersIn(value: unknown, path: string, out: { path: string; system?: unknown; value?: unknown }[] = []) {
  if (Array.isArray(value)) value.forEach((v, i) => identifiersIn(v, `${path}[${i}]`, out));
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'identifier') list(v).forEach((id, i) => isObject(id) && out.push({ path: `${path}.identifier${Array.isArray(v) ? `[${i}]` : ''}`, system: id.system, value: id.value }));
      if (key !== 'contained') identifiersIn(v, `${path}.${key}`, out);
    }
  }
  return out;
}

function identifierIssues(resource: Json, type: string): Issue[] {
  return identifiersIn(resource, type).flatMap(({ path, system, value }): Issue[] => {
    const rule = typeof system === 'string' ? IDENTIFIERS.get(system) : undefined;
    if (!rule) return [];
    if (typeof value !== 'string' || !rule.regex.test(value)) {
      return [{ severity: 'error', code: 'value', text: `${rule.name} ${JSON.stringify(value ?? null)} is not in the form UK Core gives for ${system}.`, expression: `${path}.value` }];
    }
    if (rule.check === 'nhs-number' && !isValidNhsNumber(value)) {
      return [{ severity: 'error', code: 'value', text: `NHS number ${value} has a wrong check digit.`, expression: `${path}.value` }];
    }
    return [];
  });
}

const codings = (concept: unknown): Json[] => (isObject(concept) ? list(concept.coding).filter(isObject) : []);

function extensionIssues(resource: Json, type: string, rules: Record<string, ExtensionRule>): Issue[] {
  return list(resource.extension).flatMap((ext, i): Issue[] => {
    if (!isObject(ext) || typeof ext.url !== 'string' || !rules[ext.url]) return [];
    const rule = rules[ext.url];
    const path = `${type}.extension[${i}]`;
    if (ext[rule.value] === undefined) return [{ severity: 'error', code: 'required', text: `${ext.url} needs ${rule.value}.`, expression: path }];
    if (rule.codeSystem && !codings(ext[rule.value]).some((c) => c.system === rule.codeSystem)) {
      return [{ severity: 'error', code: 'code-invalid', text: `${ext.url} must be coded in ${rule.codeSystem}.`, expression: `${path}.${rule.value}` }];
    }
    return [];
  });
}

/** The R4 vital-signs profile: category vital-signs, a LOINC code, a time, and UCUM units on every quantity. */
function vitalSignIssues(resource: Json, v: VitalSigns): Issue[] {
  const claims = list((resource.meta as Json | undefined)?.profile).includes(v.profile);
  const categorised = list(resource.category).some((c) => codings(c).some((x) => x.system === v.categorySystem && x.code === v.category));
  if (!claims && !categorised) return [];
  const issues: Issue[] = [];
  if (!categorised) issues.push({ severity: 'error', code: 'required', text: `A vital sign needs the category ${v.category} (${v.categorySystem}).`, expression: 'Observation.category' });
  if (!codings(resource.code).some((c) => c.system === v.codeSystem && typeof c.code === 'string')) {
    issues.push({ severity: 'error', code: 'required', text: `A vital sign needs a LOINC code (${v.codeSystem}).`, expression: 'Observation.code' });
  }
  if (v.needsTime && resource.effectiveDateTime === undefined && resource.effectivePeriod === undefined) {
    issues.push({ severity: 'error', code: 'required', text: 'A vital sign needs effectiveDateTime or effectivePeriod.', expression: 'Observation.effective[x]' });
  }
  const quantities: [string, unknown][] = [['Observation.valueQuantity', resource.valueQuantity],
    ...list(resource.component).map((c, i): [string, unknown] => [`Observation.component[${i}].valueQuantity`, isObject(c) ? c.valueQuantity : undefined])];
  for (const [path, q] of quantities) {
    if (isObject(q) && (q.system !== v.unitSystem || typeof q.code !== 'string')) {
      issues.push({ severity: 'error', code: 'value', text: `A vital sign's quantity needs a UCUM unit (system ${v.unitSystem} and code).`, expression: path });
    }
  }
  return issues;
}

/**
 * $validate: the resource against FHIR R4 (structure, cardinality,
 * invariants), then the UK Core constraints for its type. Every issue found,
 * each with its element path; none is an empty list.
 */
export function validateUkCore(resource: unknown, type: string): Issue[] {
  if (!isObject(resource) || resource.resourceType !== type) {
    return [{ severity: 'error', code: 'invalid', text: `Send a ${type} resource (resourceType ${type}).`, expression: type }];
  }
  const issues = structureIssues(resource);
  const profile = PROFILES.get(type);
  if (!profile) return [...issues, { severity: 'information', code: 'informational', text: `UK Core has no profile Joinery checks for ${type}: checked against FHIR R4 only.` }];
  for (const claimed of list((resource.meta as Json | undefined)?.profile)) {
    if (claimed !== profile.url && claimed !== profile.vitalSigns?.profile) {
      issues.push({ severity: 'warning', code: 'not-supported', text: `The profile ${String(claimed)} was not checked (Joinery checks ${profile.url}).`, expression: `${type}.meta.profile` });
    }
  }
  for (const element of profile.required ?? []) {
    if (resource[element] === undefined) issues.push({ severity: 'error', code: 'required', text: `${profile.url} needs ${element}.`, expression: `${type}.${element}` });
  }
  issues.push(...identifierIssues(resource, type));
  if (profile.extensions) issues.push(...extensionIssues(resource, type, profile.extensions));
  if (profile.vitalSigns) issues.push(...vitalSignIssues(resource, profile.vitalSigns));
  return issues;
}
