import type { Resource } from '@medplum/fhirtypes';
import { allergyCodec } from './resources/allergy-intolerance.js';
import { conditionCodec } from './resources/condition.js';
import type { EntryCodec } from './resources/entries.js';
import { immunizationCodec } from './resources/immunization.js';
import { medicationRequestCodec, medicationStatementCodec } from './resources/medication.js';
import { observationCodec } from './resources/observation.js';
import { procedureCodec } from './resources/procedure.js';

/** Each record-entry resource type's translation to and from a record entry (import.ts and import-entries.ts share it). */
export const ENTRY_CODECS = new Map<string, EntryCodec<Resource>>(
  [conditionCodec, allergyCodec, medicationRequestCodec, medicationStatementCodec, immunizationCodec, procedureCodec, observationCodec]
    .map((c) => [c.type, c as unknown as EntryCodec<Resource>]),
);

/** The resource types that are record entries: import-entries.ts writes them many at a time. */
export const ENTRY_TYPES: readonly string[] = [...ENTRY_CODECS.keys()];
