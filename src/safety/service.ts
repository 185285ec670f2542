import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/http/errors.js';
import { loadHazardLog } from './hazard-log.js';
import { CONTROL_KINDS } from './hazard-schema.js';
import { handoverItems } from './safety-case.js';
import { handoverAnswers, saveHandoverAnswer } from './store.js';

/** Throws unless the actor may read the clinical safety case. */
export function mayViewClinicalSafety(actor: Actor): void {
  const decision = policy.viewClinicalSafety(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}

/** The DCB0160 checklist: each control the hazard log hands to the deploying ICS, with the ICS's answer so far. */
export async function handoverChecklist(tx: Tx, actor: Actor) {
  mayViewClinicalSafety(actor);
  const answers = new Map((await handoverAnswers(tx, actor.icsId)).map((a) => [a.control_id, a]));
  const groups = handoverItems(loadHazardLog()).map((g) => ({
    hazard: g.hazard,
    controls: g.controls.map((c) => ({ ...c, kindLabel: CONTROL_KINDS[c.kind], answer: answers.get(c.id) ?? null })),
  }));
  const all = groups.flatMap((g) => g.controls);
  return { groups, total: all.length, inPlace: all.filter((c) => c.answer?.in_place).length, canConfirm: policy.confirmSafetyHandover(actor).allowed };
}

export type HandoverAnswer = { inPlace: boolean; note: string; version: number };

/** The administrator says whether one control is in place in their ICS, and how; audited, refused when someone answered first. */
export async function confirmHandoverControl(tx: Tx, actor: Actor, controlId: string, answer: HandoverAnswer): Promise<void> {
  const decision = policy.confirmSafetyHandover(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const known = handoverItems(loadHazardLog()).some((g) => g.controls.some((c) => c.id === controlId));
  if (!known) throw new NotFoundError();
  const version = await saveHandoverAnswer(tx, actor, controlId, answer, answer.version);
  if (version === null) throw new ConflictError('Someone else answered for this control while you were. Nothing has been saved: look at their answer, then answer again if you need to.');
  await recordAudit(tx, actor, {
    action: 'safety.handover-answer',
    what: `DCB0160 control ${controlId}: ${answer.inPlace ? 'in place' : 'not in place'}`,
    why: decision.why,
    details: { controlId, inPlace: answer.inPlace, version },
  });
}
