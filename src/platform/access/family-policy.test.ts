import { describe, expect, it } from 'vitest';
import { AGE_MILESTONES_JOB, familyAccessPolicy, familyPolicy } from './family-policy.js';
import { scheduledJobActor } from './actor.js';
import { policy } from './policy.js';
import type { Actor } from './actor.js';
import type { FamilyGrantFacts, Relationship, RelationshipKind } from './relationship-kinds.js';
import { ROLE_IDS, type Role } from './roles.js';
import { person, systemClient } from './test-actors.js';

const familyMember = (identityLevel: 'P5' | 'P9' = 'P9'): Actor => ({
  icsId: 'ics', professionalId: 'f', name: 'Sam Parent', email: '', role: 'family', organisationId: 'ics', organisationName: '',
  family: { nhsNumber: '9990000001', birthdate: '1985-01-01', identityLevel },
});

const ALL_VIEWS: FamilyGrantFacts['maySee'] = ['appointments', 'plan', 'letters', 'advice', 'messages'];
const facts = (over: Partial<FamilyGrantFacts>): FamilyGrantFacts => ({
  grantId: 'g', status: 'active', expired: false, frozen: false, safeguarding: false, parentalResponsibility: true,
  corporateParent: false, maySee: ALL_VIEWS, childAge: 8, competent: false, youngPersonAgreed: false, ...over,
});

/** Each relationship the matrix tries: a family member's grant as the data would show it. */
const GRANTS: Record<string, Relationship[]> = {
  'parent with PR': [{ kind: 'proxy', detail: 'mother', family: facts({}) }],
  'parent without PR': [{ kind: 'proxy', detail: 'father', family: facts({ parentalResponsibility: false }) }],
  'corporate parent': [{ kind: 'proxy', detail: 'local authority', family: facts({ corporateParent: true }) }],
  'parent limited to appointments': [{ kind: 'proxy', detail: 'mother', family: facts({ maySee: ['appointments'] }) }],
  'young person competent (14)': [{ kind: 'own-access', detail: 'themself', family: facts({ childAge: 14, competent: true, parentalResponsibility: false }) }],
  'young person not yet assessed (14)': [{ kind: 'own-access', detail: 'themself', family: facts({ childAge: 14, parentalResponsibility: false }) }],
  'young person 16, no assessment needed': [{ kind: 'own-access', detail: 'themself', family: facts({ childAge: 16, parentalResponsibility: false }) }],
  'young person under 13': [{ kind: 'own-access', detail: 'themself', family: facts({ childAge: 12, competent: true, parentalResponsibility: false }) }],
  'suspended proxy': [{ kind: 'proxy', detail: 'mother', family: facts({ status: 'suspended' }) }],
  'ended proxy': [{ kind: 'proxy', detail: 'mother', family: facts({ status: 'ended' }) }],
  'time-limited past its end': [{ kind: 'proxy', detail: 'mother', family: facts({ expired: true }) }],
  'frozen record': [{ kind: 'proxy', detail: 'mother', family: facts({ frozen: true }) }],
  'safeguarding flag': [{ kind: 'proxy', detail: 'mother', family: facts({ safeguarding: true }) }],
  'proxy of a 16-year-old who has not agreed': [{ kind: 'proxy', detail: 'mother', family: facts({ childAge: 16 }) }],
  'proxy of a 16-year-old who agreed': [{ kind: 'proxy', detail: 'mother', family: facts({ childAge: 16, youngPersonAgreed: true }) }],
  'proxy of an 18-year-old who agreed': [{ kind: 'proxy', detail: 'mother', family: facts({ childAge: 18, youngPersonAgreed: true }) }],
  'proxy of an 18-year-old who consented as an adult, or has a deputyship': [{ kind: 'proxy', detail: 'mother', family: facts({ childAge: 18, continuesPast18: true }) }],
  'proxy past the review age, not reviewed': [{ kind: 'proxy', detail: 'mother', family: facts({ childAge: 13, reviewDue: true }) }],
  'proxy past the review age, reviewed': [{ kind: 'proxy', detail: 'mother', family: facts({ childAge: 13, reviewDue: false }) }],
  'no grant': [],
};

const VIEW_OF: Record<string, string | null> = {
  viewCareTeam: null, viewAppointments: 'appointments', askToChangeAppointment: 'appointments', viewPlan: 'plan',
  viewLetters: 'letters', viewMessages: 'messages', askQuestion: 'messages', hideFromParents: null, viewWhoHasLooked: null,
  viewAdvice: 'advice', answerAdvice: 'advice', markPlanActionDone: 'plan', recordWardObservations: null,
};
const WORDS: Record<string, string> = { appointments: 'appointments', plan: 'the care plan', letters: 'letters', advice: 'advice', messages: 'questions to the care team' };

/** Written out from issue 16's rules, grant by grant: the words the family member reads, or null when allowed. */
function expectedRefusal(grant: string, action: string): string | null {
  const paused = 'You cannot see this child’s information online at the moment. If you have a question about their care, contact their GP practice.';
  const ended = 'Your access to this information has ended. Contact the GP practice if you think this is wrong.';
  const base: Record<string, string | null> = {
    'parent with PR': null,
    'parent without PR': 'Joinery has no record that you have parental responsibility for this child, so you cannot see their information online.',
    'corporate parent': null,
    'parent limited to appointments': null,
    'young person competent (14)': null,
    'young person not yet assessed (14)': 'Before you can see your own information here, a professional needs to talk with you about it. Ask your GP practice.',
    'young person 16, no assessment needed': null,
    'young person under 13': 'Young people can have their own access from age 13.',
    'suspended proxy': paused, 'frozen record': paused, 'safeguarding flag': paused,
    'ended proxy': ended, 'time-limited past its end': ended, 'proxy of an 18-year-old who agreed': ended,
    'proxy of a 16-year-old who has not agreed': 'This young person is now 16 and decides who sees their information. Your access is paused until they agree to it.',
    'proxy of a 16-year-old who agreed': null,
    'proxy of an 18-year-old who consented as an adult, or has a deputyship': null,
    'proxy past the review age, not reviewed': paused,
    'proxy past the review age, reviewed': null,
    'no grant': 'You do not have access to this child’s information. Their GP practice can tell you how to ask for it.',
  };
  const refused = base[grant];
  if (refused) return refused;
  const ownAccess = grant.startsWith('young person');
  if (action === 'hideFromParents' && !ownAccess) return 'Only the young person themself can choose what their parents see.';
  if (action === 'viewWhoHasLooked' && !ownAccess) return 'Only the young person themself can see who has looked at their record.';
  // The virtual ward hears how a child is from a parent or carer, whatever the grant lets them see.
  if (action === 'recordWardObservations' && ownAccess) {
    return 'Only a parent or carer tells the nursing team how the child is here. If you are worried about yourself, call the number the nurses gave you, or 111.';
  }
  const view = VIEW_OF[action];
  if (grant === 'parent limited to appointments' && view && view !== 'appointments') return `Your access to this child does not include ${WORDS[view]}.`;
  return null;
}

describe('family access matrix: every family action × relationship', () => {
  const actions = Object.keys(familyPolicy) as (keyof typeof familyPolicy)[];
  const cases = Object.keys(GRANTS).flatMap((grant) => actions.map((action) => [grant, action] as const));

  it.each(cases)('%s → %s', (grant, action) => {
    const decision = familyPolicy[action](familyMember(), GRANTS[grant]);
    const refusal = expectedRefusal(grant, action);
    if (refusal === null) {
      const r = GRANTS[grant].find((x) => x.kind === (action === 'hideFromParents' || action === 'viewWhoHasLooked' ? 'own-access' : x.kind))!;
      const label = r.kind === 'proxy' ? 'Proxy access (parent or carer)' : 'Their own access (young person)';
      expect(decision).toEqual({ allowed: true, why: `${label}: ${r.detail}` });
    } else {
      expect(decision).toEqual({ allowed: false, reason: refusal });
    }
  });

  it('gives the same words for a frozen record, a safeguarding flag and a suspension, so none says why', () => {
    const words = ['suspended proxy', 'frozen record', 'safeguarding flag'].map((g) => familyPolicy.viewPlan(familyMember(), GRANTS[g]));
    expect(new Set(words.map((d) => JSON.stringify(d))).size).toBe(1);
    expect(JSON.stringify(words[0])).not.toMatch(/frozen|safeguard|protection/i);
  });

  it.each(Object.keys(GRANTS))('P5 (identity not checked with photo ID) sees no child data: %s', (grant) => {
    for (const action of Object.keys(familyPolicy) as (keyof typeof familyPolicy)[]) {
      expect(familyPolicy[action](familyMember('P5'), GRANTS[grant])).toEqual({
        allowed: false, reason: 'To see a child’s information you need to prove who you are with photo ID (NHS login P9). You can do this in the NHS App.',
      });
    }
  });

  it('refuses every family action to professionals and systems, whatever relationship they hold', () => {
    for (const who of [...ROLE_IDS.map((r) => person(r)), systemClient(null), systemClient('o')]) {
      for (const action of Object.keys(familyPolicy) as (keyof typeof familyPolicy)[]) {
        const decision = familyPolicy[action](who, [{ kind: 'care-team', detail: 'x' }, ...GRANTS['parent with PR']]);
        expect(decision).toEqual({ allowed: false, reason: 'These pages are for parents, carers and young people signed in with NHS login.' });
      }
    }
  });

  it('refuses every family action to the holder of a one-time advice link, whatever it holds', () => {
    const holder: Actor = {
      icsId: 'ics', professionalId: 'h', name: 'Advice link holder', email: '', role: 'advice-link-holder', organisationId: 'ics', organisationName: '',
      adviceLink: { sendingId: 's', tokenHash: 'hash', deviceHash: 'device' },
    };
    const held: Relationship[] = [{ kind: 'advice-link', detail: 'd', adviceLink: { sendingId: 's', expired: false, bound: true, thisDevice: true } }, ...GRANTS['parent with PR']];
    for (const action of Object.keys(familyPolicy) as (keyof typeof familyPolicy)[]) {
      expect(familyPolicy[action](holder, held)).toEqual({ allowed: false, reason: 'These pages are for parents, carers and young people signed in with NHS login.' });
    }
    for (const action of Object.keys(familyAccessPolicy) as (keyof typeof familyAccessPolicy)[]) expect(familyAccessPolicy[action](holder, held).allowed).toBe(false);
  });

  it('lets a usable grant through when another of the same person’s grants for the child is not', () => {
    const both = [...GRANTS['ended proxy'], ...GRANTS['parent with PR']];
    expect(familyPolicy.viewLetters(familyMember(), both)).toEqual({ allowed: true, why: 'Proxy access (parent or carer): mother' });
  });
});

describe('family access matrix: professional actions × role × relationship', () => {
  const KINDS: (RelationshipKind | null)[] = [null, 'registered-practice', 'care-team', 'referral', 'action-owner', 'break-glass'];
  const HEALTH_DETAIL: Role[] = ['gp', 'practice-nurse', 'paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician', 'social-worker'];
  const HEALTH: Role[] = HEALTH_DETAIL.filter((r) => r !== 'social-worker');
  const actions = Object.keys(familyAccessPolicy) as (keyof typeof familyAccessPolicy)[];

  /** Written out: who sees the child's health detail (decision record 0003), and who grants (practice; social worker in the care team). */
  function expected(role: Role, kind: RelationshipKind | null, action: string): boolean {
    const opens = kind !== null && (kind !== 'action-owner' || HEALTH.includes(role));
    const seesDetail = HEALTH_DETAIL.includes(role) && opens;
    switch (action) {
      case 'viewFamilyAccess': case 'recordCompetence': return seesDetail;
      case 'grantProxyAccess': case 'changeFamilyAccess': case 'grantOwnAccess': case 'refuseProxyAccess': case 'recordMilestoneDecision':
        return ((role === 'gp' || role === 'practice-nurse') && kind === 'registered-practice') || (role === 'social-worker' && kind === 'care-team');
      case 'answerFamilyQuestion': return seesDetail && (kind === 'care-team' || kind === 'registered-practice');
      // The age milestones job's own action: never a person's, whatever relationship they hold.
      case 'applyAgeMilestones': return false;
      // The ICS's settings for family access: its administrators, whatever relationship they hold with a child.
      case 'changeFamilySettings': return role === 'admin';
      default: throw new Error(`no expectation for ${action}`);
    }
  }

  const cases = ROLE_IDS.flatMap((role) => KINDS.flatMap((kind) => actions.map((action) => [role, kind, action] as const)));
  it.each(cases)('%s with %s → %s', (role, kind, action) => {
    const relationships: Relationship[] = kind ? [{ kind, detail: 'detail' }] : [];
    expect(familyAccessPolicy[action](person(role), relationships).allowed).toBe(expected(role, kind, action));
  });

  it('lets the age milestones job apply the milestones, and nothing else a person does about family access', () => {
    const job = scheduledJobActor('ics', AGE_MILESTONES_JOB, 'Scheduled job: age milestones');
    for (const action of actions) {
      expect(familyAccessPolicy[action](job, [{ kind: 'registered-practice', detail: 'x' }]).allowed, action).toBe(action === 'applyAgeMilestones');
    }
    expect(familyAccessPolicy.applyAgeMilestones(job)).toEqual({ allowed: true, why: 'Scheduled job: age milestones of family access' });
    // Another scheduled job is not this one.
    expect(familyAccessPolicy.applyAgeMilestones(scheduledJobActor('ics', 'virtual-ward', 'Scheduled job: virtual ward')).allowed).toBe(false);
  });

  it('refuses the age milestones job every family page, and the record, plan and emergency access', () => {
    const job = scheduledJobActor('ics', AGE_MILESTONES_JOB, 'Scheduled job: age milestones');
    for (const action of Object.keys(familyPolicy) as (keyof typeof familyPolicy)[]) {
      expect(familyPolicy[action](job, GRANTS['parent with PR']).allowed, action).toBe(false);
    }
    const held = [{ kind: 'registered-practice' as const, detail: 'x' }];
    for (const rule of [policy.viewChildSummary, policy.viewHealthDetail, policy.revealSensitive, policy.viewCarePlan, policy.recordConsent, policy.breakGlass]) {
      expect(rule(job, held).allowed).toBe(false);
    }
    expect(policy.seeOwnTeamsSensitiveEntries(job).allowed).toBe(false);
  });

  it('never lets a system or a family member grant, change or see family access', () => {
    for (const who of [systemClient(null), systemClient('o'), familyMember()]) {
      for (const action of actions) expect(familyAccessPolicy[action](who, [{ kind: 'registered-practice', detail: 'x' }]).allowed).toBe(false);
    }
  });
});
