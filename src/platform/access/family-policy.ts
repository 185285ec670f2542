import { isFamily, isScheduledJob, isSystem, type Actor } from './actor.js';
import { allow, deny, has, type Decision } from './decision.js';
import { policy } from './policy.js';
import { RELATIONSHIP_LABELS, type FamilyView, type Relationship } from './relationship-kinds.js';

/**
 * What a parent, carer or young person may do through their own door (issue
 * 16), and what professionals may do about that door. Each rule denies
 * unless it allows; the family's relationships are the grants a professional
 * recorded, with their facts read from the data as they stand now.
 */

/** Own access from 13; under 16 only with a recorded competence assessment; a proxy stops at 16 unless the young person agrees, and at 18. */
export const OWN_ACCESS_FROM_AGE = 13;
export const YOUNG_PERSON_DECIDES_AT = 16;
/**
 * A young person's agreement to their parents' proxy going on past 16 counts
 * only when recorded from 15: an agreement taken years before would carry
 * the proxy past 16 without the young person deciding at that age (H095).
 */
export const YOUNG_PERSON_AGREES_FROM = 15;
export const ADULT_AT = 18;

export const NOT_FAMILY = 'These pages are for parents, carers and young people signed in with NHS login.';
export const NEEDS_P9 = 'To see a child’s information you need to prove who you are with photo ID (NHS login P9). You can do this in the NHS App.';
export const NO_ACCESS = 'You do not have access to this child’s information. Their GP practice can tell you how to ask for it.';
/** The same words whatever paused it (a professional, a frozen record, a safeguarding flag): nothing about why may leak. */
export const PAUSED = 'You cannot see this child’s information online at the moment. If you have a question about their care, contact their GP practice.';
export const ENDED = 'Your access to this information has ended. Contact the GP practice if you think this is wrong.';
export const NO_PR = 'Joinery has no record that you have parental responsibility for this child, so you cannot see their information online.';
export const YOUNG_PERSON_DECIDES = 'This young person is now 16 and decides who sees their information. Your access is paused until they agree to it.';
export const TOO_YOUNG = `Young people can have their own access from age ${OWN_ACCESS_FROM_AGE}.`;
export const NOT_YET_ASSESSED = 'Before you can see your own information here, a professional needs to talk with you about it. Ask your GP practice.';
export const ONLY_YOUNG_PERSON = 'Only the young person themself can choose what their parents see.';
export const ONLY_YOUNG_PERSON_SEES_WHO = 'Only the young person themself can see who has looked at their record.';
export const ONLY_CARERS_RECORD = 'Only a parent or carer tells the nursing team how the child is here. If you are worried about yourself, call the number the nurses gave you, or 111.';

const VIEW_WORDS: Record<FamilyView, string> = {
  appointments: 'appointments', plan: 'the care plan', letters: 'letters', advice: 'advice', messages: 'questions to the care team',
};

/** Why this grant cannot be used now, or null when it can. */
function grantRefusal(r: Relationship): string | null {
  const f = r.family;
  if (!f) return NO_ACCESS;
  if (f.status === 'ended' || f.expired) return ENDED;
  if (r.kind === 'own-access') {
    if (f.status === 'suspended') return PAUSED;
    if (f.childAge < OWN_ACCESS_FROM_AGE) return TOO_YOUNG;
    if (f.childAge < YOUNG_PERSON_DECIDES_AT && !f.competent) return NOT_YET_ASSESSED;
    return null;
  }
  if (!f.parentalResponsibility) return NO_PR;
  if (f.childAge >= ADULT_AT && !f.continuesPast18) return ENDED;
  // Past the review age without a review, paused whether or not the age milestones job has run (H044).
  if (f.status === 'suspended' || f.frozen || f.safeguarding || f.reviewDue) return PAUSED;
  if (f.childAge >= YOUNG_PERSON_DECIDES_AT && f.childAge < ADULT_AT && !f.youngPersonAgreed) return YOUNG_PERSON_DECIDES;
  return null;
}

/** The first grant the family member may use now for this view, or the refusal of the strongest one. */
export function usableGrant(actor: Actor, relationships: Relationship[], view: FamilyView | null): Relationship | string {
  if (!isFamily(actor)) return NOT_FAMILY;
  if (actor.family.identityLevel !== 'P9') return NEEDS_P9;
  const grants = relationships.filter((r) => r.kind === 'proxy' || r.kind === 'own-access');
  if (grants.length === 0) return NO_ACCESS;
  let refused: string | null = null;
  for (const r of grants) {
    const refusal = grantRefusal(r);
    if (refusal) {
      refused ??= refusal;
      continue;
    }
    // A young person with their own access sees everything that is theirs; a proxy what the grant lists.
    if (view && r.kind === 'proxy' && !r.family!.maySee.includes(view)) {
      refused ??= `Your access to this child does not include ${VIEW_WORDS[view]}.`;
      continue;
    }
    return r;
  }
  return refused!;
}

function familyView(actor: Actor, relationships: Relationship[], view: FamilyView | null): Decision {
  const r = usableGrant(actor, relationships, view);
  return typeof r === 'string' ? deny(r) : allow(`${RELATIONSHIP_LABELS[r.kind]}: ${r.detail}`);
}

export const familyPolicy = {
  /** The care team's names and roles: any usable grant. */
  viewCareTeam: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, null),
  viewAppointments: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, 'appointments'),
  /** Asking the hub to change an appointment goes with seeing it. */
  askToChangeAppointment: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, 'appointments'),
  viewPlan: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, 'plan'),
  viewLetters: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, 'letters'),
  viewMessages: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, 'messages'),
  askQuestion: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, 'messages'),
  /** The self-care advice a professional sent the family. */
  viewAdvice: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, 'advice'),
  /** Saying whether advice helped goes with reading it. */
  answerAdvice: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, 'advice'),
  /** Marking one of the family's own plan actions done goes with seeing the plan (which action is theirs, the service checks). */
  markPlanActionDone: (actor: Actor, relationships: Relationship[]) => familyView(actor, relationships, 'plan'),

  /** Keep an item from their parents: the young person through their own usable access, never a proxy. */
  hideFromParents: (actor: Actor, relationships: Relationship[]) => ownAccessOnly(actor, relationships, ONLY_YOUNG_PERSON),
  /** "Who has looked at my record": the young person through their own usable access, never a proxy. */
  viewWhoHasLooked: (actor: Actor, relationships: Relationship[]) => ownAccessOnly(actor, relationships, ONLY_YOUNG_PERSON_SEES_WHO),

  /**
   * Telling the virtual ward how the child is (observations, and whether they
   * are worse): a parent or carer through their usable proxy grant, never a
   * young person's own access. Whether the child is on the ward is the
   * ward's check once the door is open.
   */
  recordWardObservations(actor: Actor, relationships: Relationship[]): Decision {
    const any = familyView(actor, relationships, null);
    if (!any.allowed) return any;
    const proxy = familyView(actor, relationships.filter((r) => r.kind === 'proxy'), null);
    return proxy.allowed ? proxy : deny(ONLY_CARERS_RECORD);
  },
};

function ownAccessOnly(actor: Actor, relationships: Relationship[], refusal: string): Decision {
  const any = familyView(actor, relationships, null);
  if (!any.allowed) return any;
  const own = familyView(actor, relationships.filter((r) => r.kind === 'own-access'), null);
  return own.allowed ? own : deny(refusal);
}

/** The scheduled job that applies the age milestones (its actor's `job`). */
export const AGE_MILESTONES_JOB = 'age-milestones';

const GRANTING = 'Proxy and own access are granted at the child’s registered practice, or by the social worker of a looked-after child.';
const FAMILY_ACCESS_ROLES = ['gp', 'practice-nurse', 'social-worker'] as const;

/** The registered practice, or a social worker in the care team (the looked-after check follows once the door is open). */
function mayGrant(actor: Actor, relationships: Relationship[]): Decision {
  if (isSystem(actor) || !has(actor, FAMILY_ACCESS_ROLES)) return deny(GRANTING);
  const kind = actor.role === 'social-worker' ? 'care-team' : 'registered-practice';
  const r = relationships.find((x) => x.kind === kind);
  return r ? allow(`${RELATIONSHIP_LABELS[r.kind]}: ${r.detail}`) : deny(GRANTING);
}

/** What professionals may do about a family's door. */
export const familyAccessPolicy = {
  /** Who has proxy or own access, on what basis, and reviews due: anyone who sees the child's health detail. */
  viewFamilyAccess(actor: Actor, relationships: Relationship[]): Decision {
    if (isSystem(actor)) return deny('A system does not see who has family access.');
    return policy.viewHealthDetail(actor, relationships);
  },
  grantProxyAccess: mayGrant,
  /** Limit, suspend, resume or end: whoever may grant. */
  changeFamilyAccess: mayGrant,
  grantOwnAccess: mayGrant,
  /** Refusing an adult's proxy access, with the reason: whoever may grant it. */
  refuseProxyAccess: mayGrant,
  /** A competence assessment for one decision: a health or social care professional who sees the child's record. */
  recordCompetence(actor: Actor, relationships: Relationship[]): Decision {
    if (isSystem(actor)) return deny('A competence assessment is recorded by the professional who made it.');
    return policy.viewHealthDetail(actor, relationships);
  },
  /**
   * At a birthday, change a grant (pause, end, remove unused) and send the
   * notices before it: the age milestones job alone, acting for no person.
   */
  applyAgeMilestones(actor: Actor): Decision {
    return isScheduledJob(actor) && actor.job === AGE_MILESTONES_JOB
      ? allow('Scheduled job: age milestones of family access')
      : deny('Only the age milestones job changes family access on a birthday.');
  },
  /** The review at the ICS's review age, and the consent or deputyship at 16 and 18: whoever may grant. */
  recordMilestoneDecision: mayGrant,
  /** The ICS's review age (11 to 13), its promised answer time and whether young people see staff names: an administrator. */
  changeFamilySettings(actor: Actor): Decision {
    return actor.role === 'admin' ? allow('administrator') : deny('Only an administrator changes the family access settings.');
  },
  /** Answer a family's question: a health or social care professional of the care team or the registered practice. */
  answerFamilyQuestion(actor: Actor, relationships: Relationship[]): Decision {
    if (isSystem(actor)) return deny('A system does not answer families.');
    const view = policy.viewHealthDetail(actor, relationships);
    if (!view.allowed) return view;
    const r = relationships.find((x) => x.kind === 'care-team' || x.kind === 'registered-practice');
    return r ? allow(`${RELATIONSHIP_LABELS[r.kind]}: ${r.detail}`) : deny('Questions from the family are answered by their care team or registered practice.');
  },
};
