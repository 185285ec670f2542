import { z } from 'zod';
import type { Database, Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, openChild, refuseChild, type ChildAccess } from '../platform/access/door.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { familyAccessPolicy, OWN_ACCESS_FROM_AGE, YOUNG_PERSON_AGREES_FROM, YOUNG_PERSON_DECIDES_AT } from '../platform/access/family-policy.js';
import { FAMILY_VIEWS } from '../platform/access/relationship-kinds.js';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { parseInput } from '../platform/http/validate.js';
import * as grants from './grants.js';
import { demoPeople } from './store.js';
import { PR_EVIDENCE } from './schema.js';
import { PR_EVIDENCE_LABELS } from './labels.js';
import { milestones, yearsOld } from './milestones.js';
import { londonToday } from '../platform/time/form-dates.js';

export { familyHome, familyChildPage, familyLetter, hideFromParents, askToChangeAppointment, appointmentToChange } from './family-pages.js';
export { askQuestion, answerQuestion, questionForm, questionThread } from './questions.js';
export { familyActors } from './actors.js';
export { familyAdvice, familyAdviceHelpful } from './self-care-advice.js';
export { markActionDone } from './plan-actions.js';
export { ageMilestonesJob } from './age-milestones.js';
export { familyNotices } from './notices.js';
export { whoHasLooked } from './who-has-looked.js';
export { feedbackOffer, giveFeedback } from './feedback.js';
import * as decisions from './milestone-decisions.js';
import { FAMILY_SETTING_DEFAULTS, settingsOfIcs } from './settings.js';
import { birthday } from './milestones.js';
import { openQuestionsOf } from './questions.js';

/**
 * The family's door, professionals' side: who has proxy or own access to a
 * child, granting it (only with evidence of parental responsibility),
 * limiting, suspending, ending it, and competence assessments.
 */

const openFor = (tx: Tx, actor: Actor, childId: string, rule: keyof typeof familyAccessPolicy, refused: string) =>
  openChild(tx, actor, childId, { rule: familyAccessPolicy[rule], refused });

export async function familyAccessOf(tx: Tx, actor: Actor, childId: string) {
  const access = await openFor(tx, actor, childId, 'viewFamilyAccess', 'who has family access');
  const list = await grants.grantsOfChild(tx, access);
  const history = await grants.historyOfChild(tx, access);
  const adults = await grants.adultsOfChild(tx, access);
  const competence = await grants.competenceOfChild(tx, access);
  const refusals = await grants.refusalsOfChild(tx, access);
  const lookedAfter = await grants.isLookedAfter(tx, access);
  const milestoneDecisions = await decisions.decisionsOfChild(tx, access);
  const setting = await responseSetting(tx, actor.icsId);
  const questions = await openQuestionsOf(tx, access);
  await auditChild(tx, access, { action: 'family.view-access', what: 'Who has family access (proxy and own access)' });
  return {
    child: access.child, grants: list, history, adults, competence, questions, refusals, lookedAfter, milestoneDecisions,
    reviews: milestones(access.child.date_of_birth, setting.review_age, londonToday()).concat(
      list.filter((g) => g.status !== 'ended' && g.ends_on).map((g) => ({ name: `${g.name}’s access ends`, on: g.ends_on!, what: 'Time-limited access ends.' })),
    ).sort((a, b) => a.on.localeCompare(b.on)),
    canGrant: familyAccessPolicy.grantProxyAccess(actor, access.relationships).allowed,
    reviewAge: setting.review_age,
    age: yearsOld(access.child.date_of_birth, londonToday()),
    youngPersonMayAgree: yearsOld(access.child.date_of_birth, londonToday()) >= YOUNG_PERSON_AGREES_FROM,
  };
}

/** For the child summary: who has access and on what basis, and the next review; null for whoever may not see family access. */
export async function familyAccessGlance(tx: Tx, access: ChildAccess) {
  if (!familyAccessPolicy.viewFamilyAccess(access.actor, access.relationships).allowed) return null;
  // The grants and the ICS's review age in one statement (the summary's round trips).
  const { grants: all, reviewAge } = await grants.grantsOfChildWithReviewAge(tx, access);
  const list = all.filter((g) => g.status !== 'ended');
  const [nextReview] = milestones(access.child.date_of_birth, reviewAge ?? FAMILY_SETTING_DEFAULTS.reviewAge, londonToday()).concat(
    list.filter((g) => g.ends_on).map((g) => ({ name: `${g.name}’s access ends`, on: g.ends_on!, what: 'Time-limited access ends.' })),
  ).sort((a, b) => a.on.localeCompare(b.on));
  await auditChild(tx, access, { action: 'family.view-access', what: 'Who has family access (child summary)' });
  return {
    holders: list.map((g) => ({
      name: g.name, access: g.kind === 'own-access' ? 'Their own access' : `Proxy (${g.relationship ?? 'carer'})`,
      basis: g.basis ? PR_EVIDENCE_LABELS[g.basis] : 'Competence recorded, or aged 16 or over', status: g.status === 'active' ? 'Active' : 'Suspended',
    })),
    nextReview: nextReview ? { on: nextReview.on, what: `${nextReview.name}: ${nextReview.what}` } : null,
  };
}

export async function responseSetting(tx: Tx, icsId: string): Promise<{ response_working_days: number; review_age: number }> {
  const found = await settingsOfIcs(tx, icsId);
  return { response_working_days: found.responseWorkingDays, review_age: found.reviewAge };
}

/** The door for a change: the rule, then (for a social worker) the child must be looked after, then the freeze. */
async function openToChange(tx: Tx, actor: Actor, childId: string, rule: 'grantProxyAccess' | 'changeFamilyAccess' | 'grantOwnAccess' | 'refuseProxyAccess' | 'recordMilestoneDecision', refused: string): Promise<ChildAccess> {
  const access = await openFor(tx, actor, childId, rule, refused);
  if (actor.role === 'social-worker' && !(await grants.isLookedAfter(tx, access))) {
    await refuseChild(tx, access, 'A social worker grants family access only for a looked-after child; for others, the registered practice does.', refused);
  }
  await refuseChangeWhileFrozen(tx, access, refused);
  return access;
}

const views = z.array(z.enum(FAMILY_VIEWS), { error: 'Choose what they may see' }).min(1, 'Choose what they may see');
const optionalDate = z.union([z.literal(''), z.iso.date({ error: 'Enter the end date as a date' })]).optional().transform((v) => v || null);
const reasonText = (what: string) => z.string({ error: `Enter ${what}` }).trim().min(1, `Enter ${what}`).max(1000, 'Use 1000 characters or fewer');

const proxyInput = z.object({
  relatedPersonId: z.uuid({ error: 'Choose who is getting access' }),
  basis: z.enum(PR_EVIDENCE, { error: 'Choose the evidence of parental responsibility you checked' }),
  evidenceNote: reasonText('what you checked (for example, the certificate’s reference)'),
  maySee: z.preprocess((v) => (typeof v === 'string' ? [v] : v), views),
  endsOn: optionalDate,
  // A birth parent of a looked-after child: why access is right and what it is limited to (H047).
  lookedAfterReason: z.string().trim().max(1000, 'Use 1000 characters or fewer').optional().transform((v) => v || null),
  // Granting to someone whose access was refused before: the professional read that refusal.
  refusalReviewed: z.enum(['yes']).optional(),
});

export async function grantProxy(tx: Tx, actor: Actor, childId: string, body: unknown): Promise<void> {
  const input = parseInput(proxyInput, body);
  const access = await openToChange(tx, actor, childId, 'grantProxyAccess', 'grant proxy access');
  const adult = (await grants.adultsOfChild(tx, access)).find((a) => a.id === input.relatedPersonId);
  if (!adult) throw new ValidationError({ relatedPersonId: 'Choose one of the child’s recorded parents or carers' });
  // H027: never a proxy without parental responsibility; the authority's is as corporate parent of a looked-after child.
  if (input.basis === 'corporate-parent') {
    if (!(await grants.isLookedAfter(tx, access))) throw new ValidationError({ basis: 'Only a looked-after child has the local authority as corporate parent' });
  } else if (!adult.parental_responsibility) {
    throw new ValidationError({ relatedPersonId: `${adult.name} is not recorded as having parental responsibility for this child, so cannot be given proxy access` });
  }
  if (!adult.nhs_number || !adult.date_of_birth) {
    throw new ValidationError({ relatedPersonId: `Record ${adult.name}’s NHS number and date of birth first: NHS login is matched against them` });
  }
  if ((await grants.grantsOfChild(tx, access)).some((g) => g.status !== 'ended' && g.related_person_id === adult.id)) {
    throw new ValidationError({ relatedPersonId: `${adult.name} already has proxy access: change it instead` });
  }
  const birthParentOfLookedAfter = input.basis !== 'corporate-parent' && (await grants.isLookedAfter(tx, access));
  if (birthParentOfLookedAfter && !input.lookedAfterReason) {
    throw new ValidationError({ lookedAfterReason: 'This child is looked after: say why this parent’s proxy access is right for the child, and what it is limited to' });
  }
  const [refused] = (await grants.refusalsOfChild(tx, access)).filter((r) => r.related_person_id === adult.id);
  if (refused && input.refusalReviewed !== 'yes') {
    throw new ValidationError({ refusalReviewed: `${adult.name}’s proxy access was refused by ${refused.refused_by_name}: ${refused.reason}. Confirm you have reviewed that refusal before granting` });
  }
  const grantId = await grants.insertGrant(tx, access, {
    kind: 'proxy', relatedPersonId: adult.id, nhsNumber: adult.nhs_number, dateOfBirth: adult.date_of_birth,
    basis: input.basis, evidenceNote: input.evidenceNote, maySee: input.maySee, endsOn: input.endsOn,
  });
  if (input.lookedAfterReason) await grants.noteOnGrant(tx, access, grantId, 'limited', input.lookedAfterReason);
  await auditChild(tx, access, {
    action: 'family.grant-proxy', what: `Proxy access granted to ${adult.name} (${adult.relationship})`,
    details: { basis: input.basis, maySee: input.maySee, endsOn: input.endsOn }, statedReason: input.lookedAfterReason ?? undefined,
  });
}

const changeInput = z.discriminatedUnion('change', [
  z.object({ change: z.enum(['suspended', 'resumed', 'ended', 'young-person-agreed']), reason: reasonText('the reason'), version: z.coerce.number().int() }),
  z.object({ change: z.literal('limited'), reason: reasonText('the reason'), version: z.coerce.number().int(),
    maySee: z.preprocess((v) => (typeof v === 'string' ? [v] : v), views), endsOn: optionalDate }),
], { error: 'Choose what to change' });

export async function changeAccess(tx: Tx, actor: Actor, childId: string, grantId: string, body: unknown): Promise<void> {
  const input = parseInput(changeInput, body);
  const access = await openToChange(tx, actor, childId, 'changeFamilyAccess', 'change family access');
  const grant = (await grants.grantsOfChild(tx, access)).find((g) => g.id === grantId);
  if (!grant) throw new NotFoundError();
  if (input.change === 'young-person-agreed') refuseEarlyAgreement(access, grant.kind);
  if (!(await grants.changeGrant(tx, access, grantId, input.version, input))) {
    throw new ConflictError('Someone changed this access after you opened it, or it has ended. Look at it again before changing it.', grant.version);
  }
  await auditChild(tx, access, { action: `family.access-${input.change}`, what: `Family access of ${grant.name}: ${input.change}`, statedReason: input.reason });
}

/**
 * The young person's agreement to a parent's proxy going on past 16: for a
 * proxy, from age 15 (H095). Taken earlier it would decide for them at 16.
 */
function refuseEarlyAgreement(access: ChildAccess, kind: 'proxy' | 'own-access'): void {
  const { child } = access;
  if (kind !== 'proxy') throw new ValidationError({ change: 'A young person agrees to a parent’s or carer’s proxy access, not to their own' });
  const age = yearsOld(child.date_of_birth, londonToday());
  if (age < YOUNG_PERSON_AGREES_FROM) {
    throw new ValidationError({ change: `${child.given_name} is ${age}: their agreement to this access carrying on past 16 is recorded from age ${YOUNG_PERSON_AGREES_FROM}` });
  }
}

const refuseInput = z.object({
  relatedPersonId: z.uuid({ error: 'Choose whose proxy access you are refusing' }),
  reason: reasonText('the reason for refusing'),
});

/** Refuses an adult's proxy access with the reason (a birth parent of a looked-after child, a safeguarding concern), ending any they hold. */
export async function refuseProxy(tx: Tx, actor: Actor, childId: string, body: unknown): Promise<void> {
  const input = parseInput(refuseInput, body);
  const access = await openToChange(tx, actor, childId, 'refuseProxyAccess', 'refuse proxy access');
  const adult = (await grants.adultsOfChild(tx, access)).find((a) => a.id === input.relatedPersonId);
  if (!adult) throw new ValidationError({ relatedPersonId: 'Choose one of the child’s recorded parents or carers' });
  await grants.insertRefusal(tx, access, adult.id, input.reason);
  for (const g of (await grants.grantsOfChild(tx, access)).filter((x) => x.status !== 'ended' && x.related_person_id === adult.id)) {
    if (!(await grants.changeGrant(tx, access, g.id, g.version, { change: 'ended', reason: `Refused: ${input.reason}` }))) {
      throw new ConflictError('Someone changed this access while you were refusing it. Look at it again.', g.version);
    }
  }
  await auditChild(tx, access, { action: 'family.refuse-proxy', what: `Proxy access refused for ${adult.name} (${adult.relationship})`, statedReason: input.reason });
}

const MILESTONE_DECISIONS: Record<string, Omit<decisions.MilestoneDecision, 'note'>> = {
  review: { milestone: 'review', basis: 'young-persons-view' },
  'consent-16': { milestone: '16', basis: 'young-person-consent' },
  'consent-18': { milestone: '18', basis: 'young-person-consent' },
  'deputyship-18': { milestone: '18', basis: 'deputyship' },
};

const milestoneInput = z.object({
  milestoneDecision: z.enum(['review', 'consent-16', 'consent-18', 'deputyship-18'], { error: 'Choose what you are recording' }),
  milestoneNote: reasonText('the young person’s view, how they gave their consent, or the court order’s reference and date'),
});

/**
 * A decision at an age milestone for one proxy: the review at the ICS's
 * review age with the young person's view, their consent at 16 or 18, or a
 * deputyship at 18. Offered from shortly before the milestone; it lifts the
 * age milestones job's pause for that milestone.
 */
export async function recordMilestoneDecision(tx: Tx, actor: Actor, childId: string, grantId: string, body: unknown): Promise<void> {
  const input = parseInput(milestoneInput, body);
  const access = await openToChange(tx, actor, childId, 'recordMilestoneDecision', 'record an age milestone decision');
  const { child } = access;
  const today = londonToday();
  const age = yearsOld(child.date_of_birth, today);
  const { review_age: reviewAge } = await responseSetting(tx, actor.icsId);
  const decision = MILESTONE_DECISIONS[input.milestoneDecision];
  const reviewFrom = new Date(`${birthday(child.date_of_birth, reviewAge)}T00:00:00Z`);
  reviewFrom.setUTCDate(reviewFrom.getUTCDate() - 90);
  const tooEarly = decision.milestone === 'review' ? today < reviewFrom.toISOString().slice(0, 10) : age < (decision.milestone === '16' ? YOUNG_PERSON_AGREES_FROM : 17);
  if (tooEarly) throw new ValidationError({ milestoneDecision: `${child.given_name} is ${age}: this is recorded from ${decision.milestone === 'review' ? `90 days before their ${reviewAge}th birthday` : `age ${decision.milestone === '16' ? YOUNG_PERSON_AGREES_FROM : 17}`}` });
  if ((decision.milestone === 'review' && age >= YOUNG_PERSON_DECIDES_AT) || (decision.milestone === '16' && age >= 18)) {
    throw new ValidationError({ milestoneDecision: `${child.given_name} is ${age}: that milestone has passed` });
  }
  if (!(await decisions.recordDecision(tx, access, grantId, { ...decision, note: input.milestoneNote }))) {
    throw new ValidationError({ milestoneDecision: 'That access has ended or is not a parent’s or carer’s proxy' });
  }
  await auditChild(tx, access, { action: `family.milestone-${input.milestoneDecision}`, what: `Age milestone decision recorded: ${input.milestoneDecision}`, statedReason: input.milestoneNote, details: { grantId } });
}

const competenceInput = z.object({
  decision: z.enum(['own-access', 'contraception-advice', 'treatment'], { error: 'Choose the decision this assessment is for' }),
  framework: z.enum(['gillick', 'fraser'], { error: 'Choose Gillick or Fraser' }),
  outcome: z.enum(['competent', 'not-yet-competent'], { error: 'Choose the outcome' }),
  understood: reasonText('what the young person understood'),
}).superRefine((a, ctx) => {
  // Fraser guidelines are for advice or treatment on contraception without a parent's involvement, and that decision is assessed against them.
  if (a.framework === 'fraser' && a.decision !== 'contraception-advice') {
    ctx.addIssue({ code: 'custom', path: ['framework'], message: 'Fraser guidelines are for contraception advice: use Gillick competence for this decision' });
  }
  if (a.decision === 'contraception-advice' && a.framework !== 'fraser') {
    ctx.addIssue({ code: 'custom', path: ['framework'], message: 'Contraception advice is assessed against the Fraser guidelines: choose Fraser' });
  }
});

export async function recordCompetence(tx: Tx, actor: Actor, childId: string, body: unknown): Promise<void> {
  const input = parseInput(competenceInput, body);
  const access = await openFor(tx, actor, childId, 'recordCompetence', 'record a competence assessment');
  await refuseChangeWhileFrozen(tx, access, 'record a competence assessment');
  await grants.insertCompetence(tx, access, input);
  await auditChild(tx, access, { action: 'family.record-competence', what: `Competence assessment (${input.framework}) for ${input.decision}: ${input.outcome}` });
}

/** Own access for a young person of 13 or more; under 16 only once the latest own-access assessment found them competent. */
export async function grantOwnAccess(tx: Tx, actor: Actor, childId: string, body: unknown): Promise<void> {
  const input = parseInput(z.object({ endsOn: optionalDate }), body);
  const access = await openToChange(tx, actor, childId, 'grantOwnAccess', 'grant own access');
  const { child } = access;
  const age = yearsOld(child.date_of_birth, londonToday());
  if (age < OWN_ACCESS_FROM_AGE) throw new ValidationError({ form: `Young people can have their own access from age ${OWN_ACCESS_FROM_AGE}; ${child.given_name} is ${age}` });
  if (!child.nhs_number) throw new ValidationError({ form: 'The child has no verified NHS number, so NHS login cannot be matched to them' });
  if (age < YOUNG_PERSON_DECIDES_AT) {
    const [latest] = (await grants.competenceOfChild(tx, access)).filter((c) => c.decision === 'own-access');
    if (latest?.outcome !== 'competent') throw new ValidationError({ form: `Record that ${child.given_name} is competent to have their own access before granting it (they are under 16)` });
  }
  if ((await grants.grantsOfChild(tx, access)).some((g) => g.status !== 'ended' && g.kind === 'own-access')) {
    throw new ValidationError({ form: `${child.given_name} already has their own access` });
  }
  await grants.insertGrant(tx, access, {
    kind: 'own-access', relatedPersonId: null, nhsNumber: child.nhs_number, dateOfBirth: child.date_of_birth,
    basis: null, evidenceNote: null, maySee: [...FAMILY_VIEWS], endsOn: input.endsOn,
  });
  await auditChild(tx, access, { action: 'family.grant-own-access', what: `Own access granted to ${child.given_name} ${child.family_name}` });
}

/** The email that marks the generator's demo parent, for the stand-in NHS login to find. */
export const demoParentEmail = (domain: string) => `demo.parent@families.${domain}`;

/** The generator's demo parent and young person, for the stand-in NHS login (demo tooling: read as the owner, across ICSs). */
export const demoFamilyPeople = (db: Database, domain: string) => demoPeople(db.owner, demoParentEmail(domain));
