import { z } from 'zod';
import type { EntryKind } from './schema.js';

/**
 * What each kind of record entry is: its section on the record page, the
 * statuses it may have, and the shape of its details. The one place pages,
 * FHIR and the generator agree on.
 */
export const SNOMED = 'http://snomed.info/sct';
export const DMD = 'https://dmd.nhs.uk';
export const LOINC = 'http://loinc.org';

const shortText = (max = 500) => z.string().trim().min(1).max(max);
/**
 * When only part of the date is known ("2019", "April 2019") or only the
 * age ("age 3 years"), in words: started_on then holds the first day of that
 * year or month (for order and search), or nothing, and pages show these words.
 */
const startedAs = { startedAs: shortText(40).optional() };
/** One part of an observation made of parts (a blood pressure's systolic and diastolic). */
const component = z.object({ display: shortText(200), value: z.number().finite().optional(), unit: shortText(30).optional(), valueText: shortText(200).optional() });

export const ENTRY_DETAILS = {
  allergy: z.object({
    reaction: shortText(200).optional(),
    severity: z.enum(['mild', 'moderate', 'severe']).optional(),
    category: z.enum(['food', 'medication', 'environment', 'biologic']).optional(),
    ...startedAs,
  }),
  medication: z.object({
    /** Repeat (continuous) or acute (a single course). */
    course: z.enum(['repeat', 'acute']),
    dose: shortText(200).optional(),
    reason: shortText(200).optional(),
    stopReason: shortText(200).optional(),
    ...startedAs,
  }),
  problem: z.object({ significance: z.enum(['major', 'minor']).optional(), ...startedAs }),
  procedure: z.object({ outcome: shortText(200).optional(), ...startedAs }),
  immunisation: z.object({
    doseNumber: z.number().int().min(1).max(10).optional(),
    notDoneReason: shortText(200).optional(),
    ...startedAs,
  }),
  observation: z.object({
    value: z.number().finite().optional(),
    unit: shortText(30).optional(),
    valueText: shortText(200).optional(),
    components: z.array(component).min(1).max(20).optional(),
    ...startedAs,
  }),
  'anticipatory-care': z.object({ text: shortText(2000) }),
  'communication-need': z.object({ text: shortText(2000), adjustment: shortText(500).optional() }),
} satisfies Record<EntryKind, z.ZodType>;

export type EntryDetails<K extends EntryKind> = z.infer<(typeof ENTRY_DETAILS)[K]>;

export const ENTRY_STATUSES: Record<EntryKind, readonly string[]> = {
  allergy: ['active', 'inactive', 'resolved', 'entered-in-error'],
  // FHIR R4's MedicationRequest and MedicationStatement statuses, kept as sent.
  medication: ['active', 'stopped', 'completed', 'on-hold', 'draft', 'intended', 'cancelled', 'not-taken', 'unknown', 'entered-in-error'],
  problem: ['active', 'resolved', 'entered-in-error'],
  procedure: ['completed', 'entered-in-error'],
  immunisation: ['completed', 'not-done', 'entered-in-error'],
  // Every status FHIR R4 gives an observation: a preliminary result must never read as a final one.
  observation: ['final', 'preliminary', 'registered', 'amended', 'corrected', 'cancelled', 'unknown', 'entered-in-error'],
  'anticipatory-care': ['active', 'inactive', 'entered-in-error'],
  'communication-need': ['active', 'inactive', 'entered-in-error'],
};

/** The code system each kind is coded in (anticipatory care and communication needs are free text). */
export const ENTRY_CODE_SYSTEM: Record<EntryKind, string | null> = {
  allergy: SNOMED,
  medication: DMD,
  problem: SNOMED,
  procedure: SNOMED,
  immunisation: SNOMED,
  observation: SNOMED,
  'anticipatory-care': null,
  'communication-need': null,
};

export const SECTION_TITLES: Record<EntryKind, string> = {
  allergy: 'Allergies and adverse reactions',
  medication: 'Medication',
  problem: 'Problems and significant history',
  procedure: 'Significant procedures',
  immunisation: 'Immunisations',
  observation: 'Observations',
  'anticipatory-care': 'Anticipatory care information',
  'communication-need': 'Communication needs and reasonable adjustments',
};
