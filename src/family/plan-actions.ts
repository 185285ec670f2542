import { z } from 'zod';
import type { Database } from '../platform/db/client.js';
import { auditChild, openChild } from '../platform/access/door.js';
import { familyPolicy } from '../platform/access/family-policy.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { ValidationError } from '../platform/http/errors.js';
import { parseInput } from '../platform/http/validate.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { markFamilyActionDone } from '../careplans/service.js';
import { inFamilyTenant } from './actors.js';
import { readsAsProxy } from './reading-as.js';

/**
 * A family member marks one of their own care plan actions done: a parent or
 * carer (proxy with "plan") the parent's or carer's, a young person their own.
 * Through the door, refused while the record is frozen, audited; the care
 * team sees it on the plan.
 */

const doneInput = z.object({ actionId: z.uuid({ error: 'Choose the action you have done' }) });

export async function markActionDone(db: Database, member: FamilyMember, childId: string, body: unknown): Promise<void> {
  const input = parseInput(doneInput, body);
  await inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.markPlanActionDone, refused: 'mark a care plan action done' });
    await refuseChangeWhileFrozen(tx, access, 'mark a care plan action done');
    const done = await markFamilyActionDone(tx, access, input.actionId, readsAsProxy(access, 'plan'));
    if (!done) throw new ValidationError({ actionId: 'That is not one of your actions still to do' });
    await auditChild(tx, access, {
      action: 'family.mark-action-done', what: `Care plan action marked done by the family: ${done.description.slice(0, 80)}`, details: { actionId: done.id },
    });
  });
}
