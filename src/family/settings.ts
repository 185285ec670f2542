import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { familyAccessPolicy } from '../platform/access/family-policy.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { parseInput } from '../platform/http/validate.js';

/**
 * The ICS's choices for families' access, kept in family_setting: the age at
 * which parents' proxy access is reviewed with the young person (11 to 13,
 * 13 unless chosen), the working days the care team aims to answer a
 * family's question in, and whether "who has looked at my record" names
 * staff. Only an administrator changes them; each change is audited with
 * what it was before.
 */

export type FamilySettings = { reviewAge: number; responseWorkingDays: number; hideStaffNames: boolean };

/** What an ICS has until it chooses. */
export const FAMILY_SETTING_DEFAULTS: FamilySettings = Object.freeze({ reviewAge: 13, responseWorkingDays: 2, hideStaffNames: false });

function requireSettingsKeeper(actor: Actor): void {
  const decision = familyAccessPolicy.changeFamilySettings(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}

/** The ICS's settings, or the defaults until it chooses; what the door, the milestones job and the family's pages read. */
export async function settingsOfIcs(tx: Tx, icsId: string): Promise<FamilySettings> {
  const [found] = await rows<FamilySettings>(tx, sql`SELECT review_age AS "reviewAge", response_working_days AS "responseWorkingDays",
    hide_staff_names AS "hideStaffNames" FROM family_setting WHERE ics_id = ${icsId}::uuid`);
  return found ?? FAMILY_SETTING_DEFAULTS;
}

export async function familySettings(tx: Tx, actor: Actor): Promise<FamilySettings> {
  requireSettingsKeeper(actor);
  return settingsOfIcs(tx, actor.icsId);
}

const wholeNumber = (what: string, min: number, max: number) => z.coerce.number({ error: `Enter ${what} as a whole number` })
  .int(`Enter ${what} as a whole number`).min(min, `${what[0].toUpperCase()}${what.slice(1)} must be from ${min} to ${max}`)
  .max(max, `${what[0].toUpperCase()}${what.slice(1)} must be from ${min} to ${max}`);

const settingsInput = z.object({
  reviewAge: z.preprocess((v) => (v === '' ? undefined : v), wholeNumber('the review age', 11, 13)),
  responseWorkingDays: z.preprocess((v) => (v === '' ? undefined : v), wholeNumber('the working days to answer', 1, 10)),
  hideStaffNames: z.enum(['yes', 'no'], { error: 'Choose whether young people see staff names' }),
});

/** Saves the ICS's choices; the age milestones job and the door read the review age from here the next time they run. */
export async function changeFamilySettings(tx: Tx, actor: Actor, body: unknown): Promise<void> {
  requireSettingsKeeper(actor);
  const input = parseInput(settingsInput, body);
  const before = await settingsOfIcs(tx, actor.icsId);
  const hide = input.hideStaffNames === 'yes';
  await tx.execute(sql`INSERT INTO family_setting (ics_id, review_age, response_working_days, hide_staff_names)
    VALUES (${actor.icsId}::uuid, ${input.reviewAge}, ${input.responseWorkingDays}, ${hide})
    ON CONFLICT (ics_id) DO UPDATE SET review_age = EXCLUDED.review_age, response_working_days = EXCLUDED.response_working_days,
      hide_staff_names = EXCLUDED.hide_staff_names`);
  await recordAudit(tx, actor, {
    action: 'family.settings', what: `Family access settings: review age ${input.reviewAge}, answer within ${input.responseWorkingDays} working days, staff names ${hide ? 'hidden' : 'shown'}`,
    details: { before, after: { reviewAge: input.reviewAge, responseWorkingDays: input.responseWorkingDays, hideStaffNames: hide } },
  });
}
