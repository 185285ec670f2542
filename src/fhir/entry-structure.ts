import { ENTRY_RESOURCE_TYPES } from './entry-definitions.js';
import { fhirTypeToJsType, getDataType, isPrimitiveType, validationRegexes, type InternalSchemaElement, type InternalTypeSchema } from '@medplum/core';

/**
 * A compiled structure check for the record-entry types an import carries
 * (Condition, AllergyIntolerance, MedicationRequest, MedicationStatement,
 * Immunization, Procedure, Observation): the FHIR R4 definitions' element
 * names, types, cardinalities, primitive formats and the invariants the
 * generic validator evaluates, turned once into plain functions.
 *
 * It answers only "surely conforms": anything it has not been built to judge
 * (contained resources, narrative, primitive extensions, empty values, two
 * variants of one choice, an invariant not written here) is left to the
 * generic validator, which then gives the errors it always gave. So a
 * resource it passes is one the generic validator passes (the equivalence
 * tests feed both the same broken resources), and every refusal still comes
 * from the generic validator, word for word.
 */

type Test = (value: Record<string, unknown>, root: Record<string, unknown>) => boolean;

const has = (o: Record<string, unknown>, key: string) => o[key] !== undefined;
const hasChoice = (o: Record<string, unknown>, base: string) => Object.keys(o).some((k) => k.startsWith(base));
const codings = (concept: unknown) => ((concept as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? []);
const coded = (concept: unknown, system: string, codes: string[]) => codings(concept).some((c) => c.system === system && codes.includes(c.code ?? ''));
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

/**
 * The invariants (by key) that the generic validator evaluates on these types, written out.
 * Each reads the same elements as its FHIRPath expression; dom-* hold because a resource
 * with contained resources is never judged here.
 */
const INVARIANTS: Record<string, Test> = {
  'ext-1': (v) => has(v, 'extension') !== hasChoice(v, 'value'),
  'con-1': (v) => has(v, 'summary') || has(v, 'assessment'),
  'con-2': (v) => has(v, 'code') || has(v, 'detail'),
  'imm-1': (v) => has(v, 'documentType') || has(v, 'reference'),
  'obs-3': (v) => has(v, 'low') || has(v, 'high') || has(v, 'text'),
  'tim-1': (v) => !has(v, 'duration') || has(v, 'durationUnit'),
  'tim-2': (v) => !has(v, 'period') || has(v, 'periodUnit'),
  'tim-4': (v) => !has(v, 'duration') || (v.duration as number) >= 0,
  'tim-5': (v) => !has(v, 'period') || (v.period as number) >= 0,
  'tim-6': (v) => !has(v, 'periodMax') || has(v, 'period'),
  'tim-7': (v) => !has(v, 'durationMax') || has(v, 'duration'),
  'tim-8': (v) => !has(v, 'countMax') || has(v, 'count'),
  'tim-9': (v) => !has(v, 'offset') || (has(v, 'when') && (v.when as string[]).every((w) => !['C', 'CM', 'CD', 'CV'].includes(w))),
  'tim-10': (v) => !has(v, 'timeOfDay') || !has(v, 'when'),
  'drq-1': (v) => has(v, 'path') !== has(v, 'searchParam'),
  'drq-2': (v) => has(v, 'path') !== has(v, 'searchParam'),
  'dom-2': (r) => !has(r, 'contained'),
  'dom-4': (r) => !has(r, 'contained'),
  'dom-5': (r) => !has(r, 'contained'),
  'con-4': (r) => !hasChoice(r, 'abatement') || coded(r.clinicalStatus, CONDITION_CLINICAL, ['resolved', 'remission', 'inactive']),
  'con-5': (r) => !coded(r.verificationStatus, CONDITION_VERIFICATION, ['entered-in-error']) || !has(r, 'clinicalStatus'),
  'ait-1': (r) => coded(r.verificationStatus, ALLERGY_VERIFICATION, ['entered-in-error']) || has(r, 'clinicalStatus'),
  'ait-2': (r) => !coded(r.verificationStatus, ALLERGY_VERIFICATION, ['entered-in-error']) || !has(r, 'clinicalStatus'),
  'obs-6': (r) => !has(r, 'dataAbsentReason') || !hasChoice(r, 'value'),
  // value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty(): both present is left to the generic validator.
  'obs-7': (r) => !hasChoice(r, 'value') || !has(r, 'component'),
};
/** Keys the generic validator does not evaluate (as it skips them). */
const SKIPPED = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);

/** Checks one value of an element; false when it does not surely conform. */
type ValueCheck = (value: unknown, root: Record<string, unknown>) => boolean;
type Field = { element: string; isArray: boolean; min: number; max: number; check: ValueCheck };
/** invariants: the type's own, which the generic validator evaluates on a resource's root only. */
type Shape = { fields: Map<string, Field>; required: string[]; invariants: Test[] };

const NEVER: ValueCheck = () => false;
const INTEGERS = new Set(['integer', 'positiveInt', 'unsignedInt']);

function primitiveCheck(type: string): ValueCheck {
  const js = (fhirTypeToJsType as Record<string, string>)[type];
  if (!js) return NEVER;
  const regex = validationRegexes[type];
  if (js === 'string') return (v) => typeof v === 'string' && v.trim() !== '' && v.length <= 1024 * 1024 && (!regex || regex.test(v));
  if (js === 'boolean') return (v) => typeof v === 'boolean';
  return (v) => typeof v === 'number' && Number.isFinite(v)
    && (!INTEGERS.has(type) || Number.isInteger(v)) && (type !== 'positiveInt' || v > 0) && (type !== 'unsignedInt' || v >= 0);
}

const shapes = new Map<string, Shape | null>();

/** A complex type's shape, built on first use (null: a type this check does not judge). */
function shapeOf(type: string): Shape | null {
  if (shapes.has(type)) return shapes.get(type)!;
  shapes.set(type, null); // until built: a recursive type refers to itself lazily below
  let schema: InternalTypeSchema;
  try {
    schema = getDataType(type);
  } catch {
    return null;
  }
  const shape: Shape = { fields: new Map(), required: [], invariants: [] };
  for (const c of schema.constraints ?? []) {
    if (c.severity !== 'error' || SKIPPED.has(c.key)) continue;
    shape.invariants.push(INVARIANTS[c.key] ?? (() => false));
  }
  for (const [key, element] of Object.entries(schema.elements)) {
    if (element.min > 0) shape.required.push(key);
    const last = element.path.slice(element.path.lastIndexOf('.') + 1);
    const choice = last.endsWith('[x]');
    for (const t of element.type) {
      const name = choice ? last.replace('[x]', t.code.charAt(0).toUpperCase() + t.code.slice(1)) : last;
      shape.fields.set(name, { element: key, isArray: !!element.isArray, min: element.min, max: element.max, check: valueCheck(element, t.code) });
    }
  }
  shapes.set(type, shape);
  return shape;
}

function valueCheck(element: InternalSchemaElement, code: string): ValueCheck {
  if (element.fixed || element.pattern || element.slicing || code === 'Resource') return NEVER;
  const invariants: Test[] = [];
  for (const c of element.constraints ?? []) {
    if (c.severity !== 'error' || SKIPPED.has(c.key)) continue;
    const test = INVARIANTS[c.key];
    if (!test) return NEVER;
    invariants.push(test);
  }
  if (isPrimitiveType(code)) return invariants.length ? NEVER : primitiveCheck(code);
  const type = code === 'Element' || code === 'BackboneElement' ? element.type[0].code : code;
  return (v, root) => {
    const shape = shapeOf(type);
    return !!shape && conforms(shape, v, root) && invariants.every((t) => t(v as Record<string, unknown>, root));
  };
}

function conforms(shape: Shape, value: unknown, root: Record<string, unknown>, isRoot = false): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  const seen = new Set<string>();
  let keys = 0;
  for (const key in o) {
    keys++;
    if (isRoot && key === 'resourceType') continue;
    const field = shape.fields.get(key);
    if (!field || seen.has(field.element)) return false;
    seen.add(field.element);
    const v = o[key];
    if (field.isArray) {
      if (!Array.isArray(v) || v.length === 0 || v.length < field.min || v.length > field.max) return false;
      for (const item of v) if (!nonEmpty(item) || !field.check(item, root)) return false;
    } else {
      if (Array.isArray(v) || field.min > 1 || field.max < 1 || !nonEmpty(v) || !field.check(v, root)) return false;
    }
  }
  // The generic validator counts an object with a `length` key by that key when it asks whether the object is empty.
  if (keys === 0 || 'length' in o) return false;
  for (const key of shape.required) if (!seen.has(key)) return false;
  return !isRoot || shape.invariants.every((t) => t(o, root));
}

function nonEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return false;
  return typeof v !== 'object' || Object.keys(v).length > 0;
}

/** The record-entry types this check is built for. */
export const COMPILED_TYPES: ReadonlySet<string> = new Set(ENTRY_RESOURCE_TYPES);

/**
 * True when the resource surely conforms to FHIR R4 (the definitions must be
 * loaded: validation.ts loadEntryDefinitions); false when the generic validator
 * must judge it.
 */
export function surelyConforms(resource: unknown): boolean {
  const type = (resource as { resourceType?: unknown } | null)?.resourceType;
  if (typeof type !== 'string' || !COMPILED_TYPES.has(type)) return false;
  const shape = shapeOf(type);
  return !!shape && conforms(shape, resource, resource as Record<string, unknown>, true);
}
