import type { CodeableConcept, Coding, Observation, Quantity } from '@medplum/fhirtypes';
import { readJson } from '../../platform/data-files.js';
import { LOINC, OBSERVATION_CATEGORY, SNOMED, UCUM } from '../codes.js';

/**
 * A vital sign as the FHIR R4 vital-signs profile (and so UK Core) needs it:
 * a LOINC code, the vital-signs category and UCUM units. Joinery records
 * growth and vital signs in SNOMED CT with units in words (data/vital-signs.json
 * pairs them), so a receiving system that looks for LOINC would otherwise miss
 * a child's weight. Added to what is served, never taken from what a sender sent.
 */
const DATA = readJson('vital-signs.json') as { bySnomed: Record<string, { loinc: string; display: string }>; ucum: Record<string, string> };
const LOINC_OF_VITAL = new Set(Object.values(DATA.bySnomed).map((v) => v.loinc));

const VITAL_SIGNS_CATEGORY: CodeableConcept = { coding: [{ system: OBSERVATION_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }], text: 'Vital signs' };

/** The UCUM code for a unit Joinery writes in words, if it knows one. */
export const ucumOf = (unit: string | undefined): string | undefined => (unit ? DATA.ucum[unit] : undefined);

/** A quantity with its UCUM system and code, when it has none and its unit is known. */
export function withUcum(q: Quantity | undefined): Quantity | undefined {
  if (!q || q.system || q.code) return q;
  const code = ucumOf(q.unit);
  return code ? { ...q, system: UCUM, code } : q;
}

/** The LOINC coding a vital sign's code should carry, or undefined when it is not a vital sign Joinery knows. */
function loincFor(codings: Coding[]): Coding | undefined {
  if (codings.some((c) => c.system === LOINC && LOINC_OF_VITAL.has(c.code ?? ''))) return undefined;
  const snomed = codings.find((c) => c.system === SNOMED && DATA.bySnomed[c.code ?? '']);
  if (!snomed) return undefined;
  const v = DATA.bySnomed[snomed.code!];
  return { system: LOINC, code: v.loinc, display: v.display };
}

const isVitalSign = (codings: Coding[]) => codings.some((c) => (c.system === LOINC && LOINC_OF_VITAL.has(c.code ?? '')) || (c.system === SNOMED && DATA.bySnomed[c.code ?? '']));

/** The observation as served: a vital sign gains its LOINC coding and category; every quantity its UCUM code where known. */
export function asServedVitalSign(o: Observation): Observation {
  const codings = o.code?.coding ?? [];
  const out: Observation = {
    ...o,
    ...(o.valueQuantity ? { valueQuantity: withUcum(o.valueQuantity) } : {}),
    ...(o.component ? { component: o.component.map((c) => (c.valueQuantity ? { ...c, valueQuantity: withUcum(c.valueQuantity) } : c)) } : {}),
  };
  if (!isVitalSign(codings)) return out;
  const loinc = loincFor(codings);
  if (loinc) out.code = { ...o.code, coding: [...codings, loinc] };
  const categorised = (o.category ?? []).some((c) => c.coding?.some((x) => x.system === OBSERVATION_CATEGORY && x.code === 'vital-signs'));
  if (!categorised) out.category = [...(o.category ?? []), VITAL_SIGNS_CATEGORY];
  return out;
}
