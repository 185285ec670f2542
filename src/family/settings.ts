import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { allow, deny, has, type Decision } from '../platform/access/policy.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { parseInput } from '../platform/http/validate.js';

/**
 * The ICS's choices for its families' pages: how many working days the care
 * team promises to answer a family's question in (1 to 10), the age at which
 * a parent's proxy access is paused for review (11 to 13; the age milestones
 * job reads it), and whether "who has looked at my record" names staff or
 * gives only their role and organisation.
 */

export type FamilySettings = { responseWorkingDays: number; reviewAge: number; hideStaffNames: boolean };

export const DEFAULT_FAMILY_SETTINGS: FamilySettings = { responseWorkingDays: 2, reviewAge: 13, hideStaffNames: false };

export const familySettingsPolicy = {
  /** An administrator of the ICS sets them: they are the ICS's promise to every family, not one child's. */
  changeFamilySettings(actor: Actor): Decision {
    return has(actor, ['admin']) ? allow('administrator') : deny('Only an administrator changes the settings for families’ pages.');
  },
};

export async function familySettings(tx: Tx, icsId: string): Promise<FamilySettings> {
  const [found] = await rows<FamilySettings>(tx, sql`SELECT response_working_days AS "responseWorkingDays", review_age AS "reviewAge", hide_staff_names AS "hideStaffNames"
    FROM family_setting WHERE ics_id = ${icsId}::uuid`);
  return found ?? DEFAULT_FAMILY_SETTINGS;
}

const whole = (what: string, from: number, to: number) => z.string({ error: `Enter ${what}` }).trim().min(1, `Enter ${what}`)
  .regex(/^\d{1,2}$/, `Enter ${what} as a whole number from ${from} to ${to}`).transform(Number)
  .refine((n) => n >= from && n <= to, `Enter ${what} as a whole number from ${from} to ${to}`);

const settingsInput = z.object({
  responseWorkingDays: whole('the number of working days', 1, 10),
  reviewAge: whole('the review age', 11, 13),
  hideStaffNames: z.enum(['yes', 'no'], { error: 'Choose whether young people see the names of staff who looked at their record' }),
});

/** Saves the ICS's settings for families' pages (all or none), audited with what changed. */
export async function changeFamilySettings(tx: Tx, actor: Actor, body: unknown): Promise<void> {
  const decision = familySettingsPolicy.changeFamilySettings(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const input = parseInput(settingsInput, body);
  const before = await familySettings(tx, actor.icsId);
  const after: FamilySettings = { responseWorkingDays: input.responseWorkingDays, reviewAge: input.reviewAge, hideStaffNames: input.hideStaffNames === 'yes' };
  await tx.execute(sql`INSERT INTO family_setting (ics_id, response_working_days, review_age, hide_staff_names)
    VALUES (${actor.icsId}::uuid, ${after.responseWorkingDays}, ${after.reviewAge}, ${after.hideStaffNames})
    ON CONFLICT (ics_id) DO UPDATE SET response_working_days = excluded.response_working_days, review_age = excluded.review_age, hide_staff_names = excluded.hide_staff_names`);
  await recordAudit(tx, actor, {
    action: 'admin.family-settings-changed',
    what: `Families’ pages: answer within ${after.responseWorkingDays} working days, review at ${after.reviewAge}, staff names ${after.hideStaffNames ? 'hidden' : 'shown'}`,
    why: decision.why, details: { before, after },
  });
}
