import { z } from 'zod';
import { parseIsoDate } from '../platform/time/calendar-days.js';
import { londonDate, parseOccurredAt } from '../population/service.js';
import { LEVELS, pewsChart } from './pews-chart.js';

/**
 * One set of observations as a nurse or carer records it, checked before it
 * is scored: every observation may be left out, but what is given must be a
 * real value in the chart's units. Each refusal names its field.
 */

/** A measurement in its unit, 0 or more and below an implausible ceiling (a typo such as 1450 for 145). */
const measure = (field: string, unit: string, max: number) =>
  z.number({ error: `${field} must be a number (${unit})` }).finite(`${field} must be a finite number (${unit})`)
    .min(0, `${field} cannot be negative`).max(max, `${field} above ${max} ${unit} is not a plausible reading`).nullish();
const choice = <const T extends readonly [string, ...string[]]>(field: string, values: T) =>
  z.enum(values, { error: `${field} must be one of ${values.map((v) => `"${v}"`).join(', ')}` }).nullish();
const flag = (field: string) => z.boolean({ error: `${field} must be true or false` }).nullish();

const oxygenShape = z.object({
  device: z.string({ error: 'oxygen.device is required: one of ' + deviceList() })
    .refine((d) => d in pewsChart().oxygen.devices, { error: (i) => `oxygen.device "${String(i.input)}" is not known: use one of ${deviceList()}` }),
  litresPerMinute: measure('oxygen.litresPerMinute', 'litres a minute', 80),
  fio2: z.number({ error: 'oxygen.fio2 must be a number (percent oxygen, e.g. 30)' }).finite('oxygen.fio2 must be a finite number')
    .min(21, 'oxygen.fio2 is a percentage from 21 (room air) to 100, e.g. 30, not a fraction such as 0.3')
    .max(100, 'oxygen.fio2 cannot be above 100 percent').nullish(),
}, { error: 'oxygen must be an object, e.g. {"device": "nasal-prongs", "litresPerMinute": 1.5}' });

const observationShape = z.object({
  dateOfBirth: z.string({ error: (i) => `dateOfBirth ${i.input === undefined ? 'is required' : 'must be a date'} (YYYY-MM-DD)` }).superRefine((v, ctx) => {
    if (calendarDate(v) === null) ctx.addIssue({ code: 'custom', message: `dateOfBirth "${v}" is not a date: give it as YYYY-MM-DD, e.g. 2025-06-15` });
  }),
  observedAt: z.string({ error: (i) => `observedAt ${i.input === undefined ? 'is required' : 'must be a date and time'} (e.g. 2026-06-15T09:00:00Z)` }).superRefine((v, ctx) => {
    if (parseOccurredAt(v) === null) ctx.addIssue({ code: 'custom', message: `observedAt "${v}" is not a date and time: give it as ISO 8601, e.g. 2026-06-15T09:00:00Z` });
  }),
  respiratoryRate: measure('respiratoryRate', 'breaths a minute', 200),
  heartRate: measure('heartRate', 'beats a minute', 350),
  systolicBP: measure('systolicBP', 'mmHg', 300),
  spo2: measure('spo2', 'percent', 100),
  oxygen: oxygenShape.nullish(),
  respiratoryDistress: choice('respiratoryDistress', ['none', 'mild', 'moderate', 'severe']),
  capillaryRefillSeconds: measure('capillaryRefillSeconds', 'seconds', 60),
  temperature: z.number({ error: 'temperature must be a number (°C)' }).finite('temperature must be a finite number (°C)')
    .min(20, 'temperature below 20 °C is not a plausible reading').max(45, 'temperature above 45 °C is not a plausible reading').nullish(),
  avpu: choice('avpu', ['A', 'V', 'P', 'U']),
  carer: choice('carer', ['worse', 'same', 'better', 'asleep', 'unavailable']),
  // The national specification lets the clinician choose any level, none included (C13, C16).
  carerLevel: choice('carerLevel', LEVELS),
  nurseConcern: choice('nurseConcern', LEVELS),
  suspectedSepsis: flag('suspectedSepsis'),
  suspectedSepticShock: flag('suspectedSepticShock'),
  abnormalPupils: flag('abnormalPupils'),
}, { error: 'each set of observations must be a JSON object, e.g. {"dateOfBirth": "2025-06-15", "observedAt": "2026-06-15T09:00:00Z", "heartRate": 145}' });

type Parsed = z.infer<typeof observationShape>;
type NoNulls<T> = { [K in keyof T]?: Exclude<T[K], null> };
export type Oxygen = NoNulls<z.infer<typeof oxygenShape>> & { device: string };
export type ObservationSet = Omit<NoNulls<Parsed>, 'oxygen' | 'dateOfBirth' | 'observedAt'> & {
  dateOfBirth: string;
  observedAt: string;
  /** observedAt as an instant (ms since 1970, UTC). */
  observedAtMs: number;
  oxygen?: Oxygen;
};

export const OBSERVATION_FIELDS: readonly string[] = Object.keys(observationShape.shape);

export type ReadResult = { ok: true; value: ObservationSet; ignored: string[] } | { ok: false; errors: string[] };

/** Checks one set of observations; null stands for "not given", as an empty form field would. */
export function readObservationSet(json: unknown): ReadResult {
  const parsed = observationShape.safeParse(json);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => i.message) };
  const p = parsed.data;
  const errors: string[] = [];
  const observedAtMs = parseOccurredAt(p.observedAt)!;
  if (londonDate(observedAtMs) < p.dateOfBirth) errors.push(`observedAt (${londonDate(observedAtMs)}) is before dateOfBirth (${p.dateOfBirth})`);
  if (p.oxygen) errors.push(...oxygenContradictions(p.oxygen));
  if (errors.length) return { ok: false, errors };

  const value = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null && v !== undefined)) as ObservationSet;
  if (p.oxygen) value.oxygen = Object.fromEntries(Object.entries(p.oxygen).filter(([, v]) => v !== null && v !== undefined)) as Oxygen;
  value.observedAtMs = observedAtMs;
  const ignored = json && typeof json === 'object' ? Object.keys(json).filter((k) => !OBSERVATION_FIELDS.includes(k)) : [];
  return { ok: true, value, ignored };
}

function calendarDate(text: string): number | null {
  try {
    return parseIsoDate(text);
  } catch {
    return null;
  }
}

/** Room air with a flow or a raised oxygen percentage is two different answers: ask which. */
function oxygenContradictions(o: z.infer<typeof oxygenShape>): string[] {
  if (pewsChart().oxygen.devices[o.device].scores !== 'air') return [];
  const why: string[] = [];
  if (o.litresPerMinute) why.push(`oxygen.litresPerMinute is ${o.litresPerMinute} but oxygen.device is "none" (room air): give the device, or leave the flow out`);
  if (o.fio2 && o.fio2 > 21) why.push(`oxygen.fio2 is ${o.fio2}% but oxygen.device is "none" (room air): give the device, or leave the percentage out`);
  return why;
}

function deviceList(): string {
  return Object.keys(pewsChart().oxygen.devices).map((d) => `"${d}"`).join(', ');
}
