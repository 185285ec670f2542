import { londonToUtc, londonToday, readTime } from '../platform/time/form-dates.js';
import { field, fieldList, type Form } from '../platform/http/form-body.js';
import type { FieldErrors } from '../platform/http/errors.js';

/**
 * The observation form's fields as `joinery pews` reads them: a blank box is
 * left out (not scored, listed as missing), a number is a number, anything
 * else goes through as typed so the check names the field and the unit.
 */
export const NUMBER_FIELDS = ['respiratoryRate', 'heartRate', 'systolicBP', 'spo2', 'capillaryRefillSeconds', 'temperature'] as const;
const CHOICE_FIELDS = ['respiratoryDistress', 'avpu', 'carer', 'carerLevel', 'nurseConcern'] as const;
const FLAG_FIELDS = ['suspectedSepsis', 'suspectedSepticShock', 'abnormalPupils'] as const;
const TEXT_FIELDS = [...NUMBER_FIELDS, 'oxygenDevice', 'oxygenFlow', 'oxygenFio2', ...CHOICE_FIELDS, 'observedTime'] as const;
export const FORM_FIELDS = [...TEXT_FIELDS, ...FLAG_FIELDS] as const;

const numberOrText = (v: string) => (/^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);

export function formValues(b: Form): Record<string, string> {
  // The specific concerns are one group of checkboxes ("concerns"), each ticked box naming its flag.
  const ticked = fieldList(b, 'concerns', 5);
  return { ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, field(b, f, 40).trim()])), ...Object.fromEntries(FLAG_FIELDS.map((f) => [f, ticked.includes(f) ? 'yes' : ''])) };
}

/** The set to score, or the field errors of what could not be read before scoring (the time). */
export function observationsFrom(v: Record<string, string>, now: Date): { given: Record<string, unknown> } | { fields: FieldErrors } {
  const given: Record<string, unknown> = {};
  for (const f of NUMBER_FIELDS) if (v[f]) given[f] = numberOrText(v[f]);
  for (const f of CHOICE_FIELDS) if (v[f]) given[f] = v[f];
  for (const f of FLAG_FIELDS) if (v[f]) given[f] = true;
  if (v.oxygenDevice) {
    given.oxygen = { device: v.oxygenDevice, ...(v.oxygenFlow ? { litresPerMinute: numberOrText(v.oxygenFlow) } : {}), ...(v.oxygenFio2 ? { fio2: numberOrText(v.oxygenFio2) } : {}) };
  }
  if (v.observedTime) {
    const t = readTime(v.observedTime);
    if (!t) return { fields: { observedTime: 'Give the time observed as a 24-hour time, like 14:05' } };
    given.observedAt = londonToUtc(londonToday(now), t.hour, t.minute);
  }
  return { given };
}

/** The service's field names for the oxygen object, on the form's boxes. */
export const formField = (name: string) => (name === 'oxygen' ? 'oxygenDevice' : name === 'observedAt' ? 'observedTime' : name);
