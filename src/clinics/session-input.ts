import { z } from 'zod';
import { parseWithRules } from '../platform/http/validate.js';
import type { FieldErrors } from '../platform/http/errors.js';
import { readTime } from '../platform/time/form-dates.js';
import { CLINIC_FORMATS } from './schema.js';

/** Slot lengths and counts a session may have: a joint clinic runs 10 to 60 minutes a child, up to 24 children. */
export const SLOT_MINUTES = { min: 10, max: 60 } as const;
export const SLOT_COUNT = { min: 1, max: 24 } as const;

const whole = (label: string, { min, max }: { min: number; max: number }) => {
  const message = `${label} must be a whole number from ${min} to ${max}`;
  return z.preprocess((v) => (typeof v === 'string' && v.trim() ? Number(v.trim()) : v), z.number({ error: message }).int(message).min(min, message).max(max, message));
};

const optionalId = z.preprocess((v) => (v === '' ? undefined : v), z.guid({ error: 'Select a person from the list' }).optional());

const sessionShape = z.object({
  clusterId: z.guid({ error: 'Select the hub or cluster' }),
  venueId: z.guid({ error: 'Select the practice where the clinic is held' }),
  date: z.string({ error: 'Enter the date of the clinic' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the date of the clinic'),
  time: z.string({ error: 'Enter the start time' }).refine((t) => readTime(t) !== null, 'Enter the start time on the 24-hour clock, for example 09:30'),
  slotMinutes: whole('Minutes for each child', SLOT_MINUTES),
  slotCount: whole('The number of appointments', SLOT_COUNT),
  format: z.enum(CLINIC_FORMATS, { error: 'Select whether it is a joint clinic or a GP with a special interest' }),
  paediatricianId: optionalId,
  gpId: z.guid({ error: 'Select the GP' }),
  // What the person confirmed they had been warned of (see sessions.ts, ClinicWarnings).
  confirm: z.string().max(2000).optional(),
});

export type SessionInput = z.infer<typeof sessionShape> & { hour: number; minute: number };

/**
 * A session as typed into the form: its shape, then the rules that need
 * today: not in the past, and a joint clinic names its paediatrician.
 * Whether the venue and GP belong to the hub is checked against the data.
 */
export function readSession(raw: unknown, today: string, nowTime: string): SessionInput {
  const input = parseWithRules(sessionShape, raw, (v) => {
    const fields: FieldErrors = {};
    if (v.date < today) fields.date = 'The clinic date must be today or in the future';
    const t = readTime(v.time)!;
    if (v.date === today && `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}` <= nowTime) fields.time = 'This time has already passed today';
    if (v.format === 'joint' && !v.paediatricianId) fields.paediatricianId = 'Select the paediatrician: a joint clinic needs one';
    return fields;
  });
  const { hour, minute } = readTime(input.time)!;
  return { ...input, paediatricianId: input.format === 'joint' ? input.paediatricianId : undefined, hour, minute };
}
