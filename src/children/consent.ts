import crypto from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { auditChild, openChild, type ChildAccess } from '../platform/access/door.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { fieldErrors, optionalText } from '../platform/http/validate.js';
import { readDateParts, type DateParts } from '../platform/time/form-dates.js';
import { AGENCIES, type Agency } from '../platform/access/roles.js';
import { CONSENT_DECISIONS, type ConsentDecision, type ConsentScope } from './schema.js';
import * as store from './consent-store.js';

export type { ConsentRow, ConsentGiver } from './consent-store.js';

/** The scope of consent to share with each agency. */
export const AGENCY_SCOPES: Record<Agency, ConsentScope> = {
  health: 'share-with-health', 'social-care': 'share-with-social-care', education: 'share-with-education', 'youth-justice': 'share-with-youth-justice',
};

/** A young person of this age or more decides for themselves; younger, only when a professional judges them competent (Gillick). */
export const AGE_OF_OWN_CONSENT = 16;

/** Whole years from a date of birth to a date (both ISO). */
export function yearsOld(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

const openConsent = (tx: Tx, actor: Actor, childId: string, rule: typeof policy.recordConsent, refused: string) =>
  openChild(tx, actor, childId, { rule, refused });

/** The decision that stands for each agency (null where none is recorded), for a caller the door has let in. */
export async function consentByAgency(tx: Tx, access: ChildAccess) {
  const current = await store.currentConsent(tx, access);
  return AGENCIES.map((agency) => ({ agency, decision: current.find((c) => c.scope === AGENCY_SCOPES[agency]) ?? null }));
}

/** What the family has decided, per agency, and every decision ever recorded. */
async function consentState(tx: Tx, access: ChildAccess) {
  return {
    agencies: await consentByAgency(tx, access),
    history: await store.consentHistory(tx, access),
    seen: await store.consentCount(tx, access),
  };
}

/** The family's consent as the child's page shows it. Audited as read; anyone who may see the child's summary may see it. */
export async function familyConsent(tx: Tx, actor: Actor, childId: string) {
  const access = await openConsent(tx, actor, childId, policy.viewChildSummary, 'the family’s consent to share');
  const state = await consentState(tx, access);
  await auditChild(tx, access, { action: 'consent.read', what: 'The family’s consent to share', details: { decisions: state.history.length } });
  return {
    child: access.child, ...state,
    canRecord: policy.recordConsent(actor, access.relationships).allowed,
    givers: await store.consentGivers(tx, access),
  };
}

const consentForm = z.object({
  agency: z.enum(AGENCIES, { error: 'Select which agency the decision is about' }),
  decision: z.enum(CONSENT_DECISIONS, { error: 'Select whether consent was given, refused or withdrawn' }),
  givenBy: z.string({ error: 'Select who made the decision' }).min(1, 'Select who made the decision').max(40),
  competenceNote: optionalText('what the young person understood', { max: 1000, multiline: true }),
  seen: z.coerce.number({ error: 'Open the consent page again and record the decision from there' }).int().min(0),
});

export type ConsentFormBody = Record<string, unknown> & { decidedOn?: DateParts };

const WITHDRAW_WITHOUT_CONSENT = 'Consent to share with this agency has not been given, so it cannot be withdrawn: record a refusal instead';

/**
 * Records one decision: given, refused or withdrawn, for one agency, by a
 * family member with parental responsibility or by the young person (16 or
 * more; under 16 only when the recording professional judges them competent,
 * saying what they understood). Added to the history, never changing it, and
 * in force at once for every care plan (consent_current).
 */
export async function recordConsent(tx: Tx, actor: Actor, childId: string, body: ConsentFormBody, today: string): Promise<ConsentDecision> {
  const access = await openConsent(tx, actor, childId, policy.recordConsent, 'recording the family’s consent');
  await refuseChangeWhileFrozen(tx, access, 'recording the family’s consent');
  const parsed = consentForm.safeParse(body);
  const fields: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
  const decided = readDateParts(body.decidedOn ?? { day: '', month: '', year: '' }, 'The date of the decision');
  const decidedOn = decided.iso;
  if (decided.error) fields.decidedOn = decided.error;
  else if (!decidedOn) fields.decidedOn = 'Enter the date of the decision';
  else if (decidedOn > today) fields.decidedOn = 'The date of the decision must be today or in the past';
  else if (decidedOn < access.child.date_of_birth) fields.decidedOn = 'The date of the decision must be after the child was born';
  if (!parsed.success || Object.keys(fields).length) throw new ValidationError(fields);
  const form = parsed.data;

  if (form.seen !== (await store.consentCount(tx, access))) {
    throw new ConflictError('Someone else recorded a consent decision for this child after you opened the page, so yours has not been saved. Check the history and record it again if it is still needed.');
  }
  const scope = AGENCY_SCOPES[form.agency];
  const standing = (await store.currentConsent(tx, access)).find((c) => c.scope === scope);
  if (form.decision === 'withdrawn' && standing?.decision !== 'given') fields.decision = WITHDRAW_WITHOUT_CONSENT;
  if (standing && decidedOn! < standing.decided_at.slice(0, 10)) fields.decidedOn = 'The date of the decision must not be before the decision already recorded for this agency';

  const youngPerson = form.givenBy === 'young-person';
  const giver = youngPerson ? null : (await store.consentGivers(tx, access)).find((g) => g.id === form.givenBy);
  if (!youngPerson && !giver) fields.givenBy = 'Select a family member with parental responsibility, or the young person';
  const age = yearsOld(access.child.date_of_birth, decidedOn!);
  const judgedCompetent = youngPerson && age < AGE_OF_OWN_CONSENT;
  if (judgedCompetent && !form.competenceNote) {
    fields.competenceNote = `Enter what the young person understood: under ${AGE_OF_OWN_CONSENT}, they decide for themselves only when you judge them competent to`;
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);

  const id = crypto.randomUUID();
  await store.insertDecision(tx, access, {
    id, scope, decision: form.decision, decidedOn: decidedOn!, givenBy: youngPerson ? 'young-person' : 'parent', relatedPersonId: giver?.id ?? null,
    competenceJudgedBy: judgedCompetent ? actor.professionalId : null, competenceNote: judgedCompetent ? form.competenceNote! : null,
  });
  await auditChild(tx, access, {
    action: 'consent.record', what: `Consent to share with ${form.agency}: ${form.decision}`,
    details: { consentId: id, scope, decision: form.decision, decidedOn, givenBy: youngPerson ? 'young-person' : 'parent', judgedCompetent },
  });
  return form.decision;
}
