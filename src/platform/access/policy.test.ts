import { describe, expect, it } from 'vitest';
import { policy, systemPolicy, scopeAllows, BREAK_GLASS_ROLES, VIRTUAL_WARD_CLOCK_JOB, type ScopePermission } from './policy.js';
import { ROLE_IDS, CARING_ROLES, ROLES, type Role } from './roles.js';
import { RELATIONSHIP_LABELS, type Relationship, type RelationshipKind } from './relationship.js';
import type { Actor } from './actor.js';
import { scheduledJobActor } from './actor.js';
import { HEALTH_DETAIL_REFUSAL, childRefusal } from './test-actors.js';

const actor = (role: Role): Actor => ({
  icsId: 'ics', professionalId: 'p', name: 'Test', email: 't@x.test', role, organisationId: 'o', organisationName: 'Org',
});
const system = (organisationId: string | null, scopes = ['system/*.cruds']): Actor => ({
  icsId: 'ics', professionalId: 'client', name: 'Feed', email: '', role: 'system', organisationId: organisationId ?? 'icb', organisationName: 'Org',
  system: { clientId: 'client', scopes, clientOrganisationId: organisationId },
});
const rel = (kind: RelationshipKind | null): Relationship[] => (kind ? [{ kind, detail: 'detail' }] : []);
const RELATIONSHIPS: (RelationshipKind | null)[] = [
  null, 'registered-practice', 'care-team', 'cluster-lead', 'referral', 'mdt-case', 'action-owner', 'break-glass', 'integration-engine', 'organisation-feed', 'virtual-ward',
];
/** Who runs the children's virtual ward, and who may refer onto it. */
const WARD_TEAM: Role[] = ['care-coordinator', 'paediatrician'];
const WARD_REFERRERS: Role[] = ['gp', 'practice-nurse', 'paediatrician', 'care-coordinator'];
/** Health roles, for whom owning an action is direct care (decision record 0003). */
const HEALTH: Role[] = ['gp', 'practice-nurse', 'paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician'];
/** Roles that see health detail and may reveal sensitive entries: health and social care, never education or youth justice. */
const HEALTH_DETAIL: Role[] = [...HEALTH, 'social-worker'];
/** Every kind of actor: each professional role, the ICS's integration engine and an organisation's system. */
type Who = Role | 'engine' | 'org-system';
const WHO: Who[] = [...ROLE_IDS, 'engine', 'org-system'];
const actorFor = (who: Who): Actor => (who === 'engine' ? system(null) : who === 'org-system' ? system('o') : actor(who));

/**
 * The expected answer for every role × relationship × action, written out
 * from the rules rather than computed by the code under test.
 */
function expected(who: Who, relationship: RelationshipKind | null, action: string): boolean {
  if (who === 'engine' || who === 'org-system') {
    // Systems see a child only through a relationship, never reveal sensitive entries, and never act as a person does.
    return ['viewChildSummary', 'viewHealthDetail', 'viewCarePlan', 'viewAccessLog'].includes(action) && relationship !== null;
  }
  const role = who;
  const caring = CARING_ROLES.includes(role);
  // Owning an action opens the child's summary and record to health only; to others, their action and the plan.
  const opens = relationship !== null && (relationship !== 'action-owner' || HEALTH.includes(role));
  switch (action) {
    case 'searchChildren': return caring;
    case 'viewChildSummary': return caring && opens;
    case 'viewHealthDetail': return HEALTH_DETAIL.includes(role) && opens;
    case 'revealSensitive': return HEALTH_DETAIL.includes(role) && opens;
    case 'viewCarePlan': return caring && relationship !== null;
    case 'breakGlass': return BREAK_GLASS_ROLES.includes(role) && !opens;
    // Consent is recorded in direct care by health and social care, through a standing relationship (not emergency access).
    case 'recordConsent': return HEALTH_DETAIL.includes(role) && opens && relationship !== 'break-glass';
    case 'viewAccessLog': return role === 'privacy-officer' || (caring && opens);
    case 'reviewBreakGlass': return role === 'privacy-officer';
    case 'findChildForAccessLog': return role === 'privacy-officer';
    case 'readAuditInFull': return role === 'privacy-officer';
    case 'manageOrganisations': return role === 'admin';
    case 'editLetterTemplates': return role === 'admin';
    case 'editAdviceLibrary': return role === 'admin' || role === 'clinical-lead';
    // The ward's pathways, timers and rota are the ICS's to set: its clinical lead and administrators, not the ward's own team.
    case 'editVirtualWard': return role === 'admin' || role === 'clinical-lead';
    // The clinical content of advice for families is approved by the ICS clinical lead alone, never by an administrator.
    case 'approveAdvicePage': return role === 'clinical-lead';
    case 'viewAdviceFigures': return ['ics-analyst', 'admin', 'paediatrician', 'gp', 'clinical-lead'].includes(role);
    case 'sendAdvice': return HEALTH.includes(role) && opens;
    case 'manageClinics': return role === 'hub-admin' || role === 'paediatrician';
    case 'bookClinics': return role === 'hub-admin';
    case 'viewActivity': return ['ics-analyst', 'paediatrician', 'gp', 'admin', 'hub-admin'].includes(role);
    case 'viewPopulation': return ['ics-analyst', 'admin', 'paediatrician', 'gp'].includes(role);
    case 'seesSmallNumbers': return caring;
    case 'managePopulationMeasures': return role === 'ics-analyst' || role === 'admin';
    case 'findCases': return role === 'paediatrician' || role === 'gp';
    case 'viewClinicalSafety': return role === 'admin' || role === 'privacy-officer';
    case 'confirmSafetyHandover': return role === 'admin';
    case 'viewCaseload': return caring;
    case 'keepWorklist': return caring;
    case 'holdTaskList': return caring;
    case 'attendMdtMeetings': return caring;
    case 'reviewCarePlans': return caring;
    case 'followReferrals': return caring;
    case 'triageReferrals': return role === 'paediatrician';
    case 'reviewAccountChanges': return role === 'privacy-officer';
    case 'seeOwnTeamsSensitiveEntries': return true;
    case 'runVirtualWard': return WARD_TEAM.includes(role);
    case 'careOnVirtualWard': return WARD_TEAM.includes(role) && relationship === 'virtual-ward';
    case 'referToVirtualWard': return WARD_REFERRERS.includes(role) && opens;
    // Only the ward's scheduled clock keeps it: no person (see the scheduled job's rows below).
    case 'keepVirtualWardClock': return false;
    default: throw new Error(`no expectation for ${action}`);
  }
}


/**
 * The words a person reads when refused, written out per action: what was
 * refused and why. Child-level actions first give the child's refusal when
 * the actor may not see the child at all.
 */
function expectedRefusal(who: Who, relationship: RelationshipKind | null, action: string): string {
  const system = who === 'engine' || who === 'org-system';
  const seesChild = expected(who, relationship, 'viewChildSummary');
  switch (action) {
    case 'viewChildSummary': case 'viewCarePlan': case 'viewAccessLog': return childRefusal(who, relationship);
    case 'viewHealthDetail': return seesChild ? HEALTH_DETAIL_REFUSAL : childRefusal(who, relationship);
    case 'revealSensitive': return system ? 'A system cannot reveal sensitive entries.' : seesChild ? HEALTH_DETAIL_REFUSAL : childRefusal(who, relationship);
    case 'breakGlass': return system || !BREAK_GLASS_ROLES.includes(who) ? 'Your role cannot use emergency access.' : 'You already have access to this child.';
    case 'recordConsent':
      if (system) return 'A system cannot record a family’s consent; a professional records it with the family.';
      if (!seesChild) return childRefusal(who, relationship);
      return relationship === 'break-glass' ? 'Emergency access is for urgent care, not for recording a family’s consent.'
        : 'A family’s consent to share is recorded by the health and social care professionals caring for the child.';
    case 'searchChildren': case 'findChildForAccessLog': return 'Your role does not search for children.';
    case 'reviewBreakGlass': return 'Only a privacy officer reviews emergency access and reveals of sensitive entries.';
    case 'readAuditInFull': return 'Only a privacy officer reads every audit event in full.';
    case 'reviewAccountChanges': return 'Only a privacy officer reviews account changes.';
    case 'manageOrganisations': return 'Only an administrator manages organisations, clusters and users.';
    case 'editLetterTemplates': return 'Only an administrator changes the letter templates.';
    case 'editAdviceLibrary': return 'Only the ICS clinical lead or an administrator edits the advice library.';
    case 'editVirtualWard': return 'Only the ICS clinical lead or an administrator changes the virtual ward’s pathways, response timers, rota and capacity.';
    case 'approveAdvicePage': return 'Only the ICS clinical lead approves advice pages for families.';
    case 'viewAdviceFigures': return 'Your role does not see the advice figures.';
    case 'sendAdvice': return system ? 'A system does not send advice to families.' : seesChild ? 'Advice pages are sent to families by the health professionals caring for the child.' : childRefusal(who, relationship);
    case 'confirmSafetyHandover': return 'Only an administrator confirms the deploying organisation’s safety controls.';
    case 'viewClinicalSafety': return 'Only an administrator or a privacy officer sees the clinical safety case.';
    case 'manageClinics': return 'Only hub clinic administrators and paediatricians set up clinics.';
    case 'bookClinics': return 'Only a hub clinic administrator books clinics.';
    case 'viewActivity': return 'Your role does not see hub activity.';
    case 'viewPopulation': return 'Your role does not see the population dashboards.';
    case 'seesSmallNumbers': return 'Counts of 1 to 7 are suppressed for roles that do not care for children.';
    case 'managePopulationMeasures': return 'Only ICS analysts and administrators add indicators and record care models.';
    case 'findCases': return 'Only paediatricians and GPs see case-finding lists, which name children.';
    case 'viewCaseload': return 'Your role does not hold relationships with children.';
    case 'keepWorklist': return 'Your role does not have a worklist.';
    case 'holdTaskList': return 'Your role does not have a task list.';
    case 'attendMdtMeetings': return 'Your role does not take part in MDT meetings.';
    case 'reviewCarePlans': return 'Your role does not hold care plans.';
    case 'followReferrals': return 'Your role does not send or answer referrals.';
    case 'triageReferrals': return 'Triage is for the hubs’ paediatricians.';
    case 'seeOwnTeamsSensitiveEntries': return 'A system never sees sensitive entries, not even those its own organisation recorded.';
    case 'runVirtualWard': return 'Only community children’s nurses and paediatricians run the virtual ward.';
    case 'careOnVirtualWard': return !system && WARD_TEAM.includes(who) ? 'This child is not on a virtual ward you work on.' : 'Only community children’s nurses and paediatricians run the virtual ward.';
    case 'keepVirtualWardClock': return 'Only the virtual ward’s scheduled escalation clock steps up escalations and raises missed-observation alerts.';
    case 'referToVirtualWard': return !system && WARD_REFERRERS.includes(who)
      ? 'You do not have a care relationship with this child.'
      : 'Referrals to the virtual ward come from GPs, practice nurses, paediatricians and community children’s nurses.';
    default: throw new Error(`no refusal written for ${action}`);
  }
}

/**
 * Why an allowed decision was allowed, as the audit records it: the
 * relationship for child-level actions, else the role in words.
 */
function expectedWhy(who: Who, relationship: RelationshipKind | null, action: string): string {
  const role = who === 'engine' || who === 'org-system' ? '' : ROLES[who].toLowerCase();
  const opened = relationship ? `${RELATIONSHIP_LABELS[relationship]}: detail` : '';
  switch (action) {
    case 'viewChildSummary': case 'viewHealthDetail': case 'revealSensitive': case 'viewCarePlan': case 'recordConsent': return opened;
    case 'viewAccessLog': case 'readAuditInFull': return who === 'privacy-officer' ? 'privacy officer review' : opened;
    case 'breakGlass': return 'emergency access requested';
    case 'searchChildren': return `Search by a ${role}`;
    case 'findChildForAccessLog': return 'privacy officer finding who has accessed a record';
    case 'reviewBreakGlass': return 'privacy officer';
    case 'reviewAccountChanges': return 'privacy officer review of account changes';
    case 'viewClinicalSafety': return ROLES[who as Role];
    case 'confirmSafetyHandover': case 'manageOrganisations': case 'editLetterTemplates': return 'administrator';
    case 'editAdviceLibrary': case 'editVirtualWard': return who === 'clinical-lead' ? 'ICS clinical lead' : 'administrator';
    case 'approveAdvicePage': return 'ICS clinical lead';
    case 'viewAdviceFigures': return who === 'clinical-lead' ? 'advice figures for the ICS clinical lead' : `population health for a ${role}`;
    case 'sendAdvice': return opened;
    case 'manageClinics': return `clinics run by a ${role}`;
    case 'bookClinics': return 'hub clinic administrator';
    case 'viewActivity': return `activity for a ${role}`;
    case 'viewPopulation': return `population health for a ${role}`;
    case 'seesSmallNumbers': return 'a clinician';
    case 'managePopulationMeasures': return `population measures kept by a ${role}`;
    case 'findCases': return `case finding by a ${role}`;
    case 'viewCaseload': return `caseload of a ${role}`;
    case 'keepWorklist': return `worklist of a ${role}`;
    case 'holdTaskList': return `task list of a ${role}`;
    case 'attendMdtMeetings': return `MDT meetings of a ${role}`;
    case 'reviewCarePlans': return `care plan reviews of a ${role}`;
    case 'followReferrals': return `referrals of a ${role}`;
    case 'triageReferrals': return 'paediatrician triaging for the hubs';
    case 'seeOwnTeamsSensitiveEntries': return 'recorded by your own team';
    case 'runVirtualWard': return `virtual ward of a ${role}`;
    case 'careOnVirtualWard': case 'referToVirtualWard': return opened;
    default: throw new Error(`no reason written for ${action}`);
  }
}

describe('access policy matrix', () => {
  const actions = Object.keys(policy) as (keyof typeof policy)[];
  const cases = WHO.flatMap((who) => RELATIONSHIPS.flatMap((r) => actions.map((a) => [who, r, a] as const)));

  it.each(cases)('%s with relationship %s → %s', (who, relationship, action) => {
    const decide = policy[action] as (a: Actor, r: Relationship[]) => ReturnType<typeof policy.searchChildren>;
    const decision = decide(actorFor(who), rel(relationship));
    expect(decision.allowed).toBe(expected(who, relationship, action));
    // The whole decision: why it was allowed (for the audit), or the words the person refused reads.
    expect(decision).toEqual(decision.allowed
      ? { allowed: true, why: expectedWhy(who, relationship, action) }
      : { allowed: false, reason: expectedRefusal(who, relationship, action) });
  });

  it('never lets education, youth justice, analysts, privacy officers or admins break the glass', () => {
    for (const role of ['senco', 'youth-justice-worker', 'ics-analyst', 'privacy-officer', 'admin', 'hub-admin'] as Role[]) {
      expect(policy.breakGlass(actor(role), []).allowed).toBe(false);
    }
  });

  it('keeps health detail and sensitive entries from education and youth justice, whatever their relationship', () => {
    for (const role of ['senco', 'youth-justice-worker'] as Role[]) {
      for (const kind of RELATIONSHIPS) {
        expect(policy.viewHealthDetail(actor(role), rel(kind)).allowed, `${role} ${kind}`).toBe(false);
        expect(policy.revealSensitive(actor(role), rel(kind)).allowed, `${role} ${kind}`).toBe(false);
      }
      // They still see who the child is and who cares for them, through a standing relationship.
      expect(policy.viewChildSummary(actor(role), rel('care-team')).allowed).toBe(true);
    }
  });

  it('owning an action opens the plan to every agency, but the child’s summary and record only to health', () => {
    const owner = rel('action-owner');
    expect(policy.viewCarePlan(actor('senco'), owner)).toEqual({ allowed: true, why: 'Care plan or MDT action owner: detail' });
    const refused = policy.viewChildSummary(actor('senco'), owner);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.reason).toContain('your action and the care plan');
    expect(policy.viewHealthDetail(actor('health-visitor'), owner).allowed).toBe(true);
    expect(policy.viewHealthDetail(actor('social-worker'), owner).allowed).toBe(false);
    // A social worker who only owns an action may still ask for emergency access; a SENCO may not.
    expect(policy.breakGlass(actor('social-worker'), owner).allowed).toBe(true);
    expect(policy.breakGlass(actor('senco'), owner).allowed).toBe(false);
  });

  it('says which relationship allowed a view, for the audit trail', () => {
    const d = policy.viewChildSummary(actor('gp'), [{ kind: 'registered-practice', detail: 'Riverside Surgery' }]);
    expect(d).toEqual({ allowed: true, why: 'Registered practice: Riverside Surgery' });
  });
});

describe('scheduled job policy matrix', () => {
  const clock = scheduledJobActor('ics', VIRTUAL_WARD_CLOCK_JOB);
  const otherJob = scheduledJobActor('ics', 'some other job');
  const actions = Object.keys(policy) as (keyof typeof policy)[];

  it.each(RELATIONSHIPS)('the virtual ward clock with relationship %s keeps the clock only for a child on the ward', (relationship) => {
    expect(policy.keepVirtualWardClock(clock, rel(relationship))).toEqual(relationship === 'virtual-ward'
      ? { allowed: true, why: 'Virtual ward caseload: detail' }
      : { allowed: false, reason: 'This child is not on the virtual ward.' });
  });

  it.each(RELATIONSHIPS)('another scheduled job with relationship %s may not keep the ward’s clock', (relationship) => {
    expect(policy.keepVirtualWardClock(otherJob, rel(relationship))).toEqual({
      allowed: false, reason: 'Only the virtual ward’s scheduled escalation clock steps up escalations and raises missed-observation alerts.',
    });
  });

  it.each(RELATIONSHIPS)('a scheduled job with relationship %s is refused every other action', (relationship) => {
    for (const action of actions.filter((a) => a !== 'keepVirtualWardClock')) {
      const decide = policy[action] as (a: Actor, r: Relationship[]) => ReturnType<typeof policy.searchChildren>;
      expect(decide(clock, rel(relationship)).allowed, action).toBe(false);
    }
  });
});

describe('system client policy matrix', () => {
  const PERMISSIONS: ScopePermission[] = ['c', 'r', 'u', 'd', 's'];
  const SCOPES: string[][] = [[], ['system/*.rs'], ['system/Patient.r'], ['system/*.cud'], ['system/Condition.cruds'], ['system/*.read'], ['system/*.write'], ['user/*.cruds'], ['system/*.sr']];

  /** Written out from SMART v2: letters in the order c r u d s; v1 read = rs, write = cud; user/ and disordered letters grant nothing. */
  function granted(scopes: string[], type: string, p: ScopePermission): boolean {
    return scopes.some((s) => {
      switch (s) {
        case 'system/*.rs': return p === 'r' || p === 's';
        case 'system/Patient.r': return type === 'Patient' && p === 'r';
        case 'system/*.cud': return p === 'c' || p === 'u' || p === 'd';
        case 'system/Condition.cruds': return type === 'Condition';
        case 'system/*.read': return p === 'r' || p === 's';
        case 'system/*.write': return p === 'c' || p === 'u' || p === 'd';
        default: return false;
      }
    });
  }

  const cases = SCOPES.flatMap((scopes) => ['Patient', 'Condition'].flatMap((type) => PERMISSIONS.map((p) => [scopes.join(' ') || '(none)', type, p, scopes] as const)));
  it.each(cases)('scopes %s: %s.%s', (_label, type, permission, scopes) => {
    expect(systemPolicy.fhirInteraction(system(null, scopes), type, permission).allowed).toBe(granted(scopes, type, permission));
    expect(scopeAllows(scopes, type, permission) !== null).toBe(granted(scopes, type, permission));
  });

  it('refuses every FHIR interaction to a person, whatever their role', () => {
    for (const role of ROLE_IDS) {
      expect(systemPolicy.fhirInteraction(actor(role), 'Patient', 'r').allowed).toBe(false);
      expect(systemPolicy.searchPatients(actor(role)).allowed).toBe(false);
      expect(systemPolicy.registerChild(actor(role), 'o').allowed).toBe(false);
      expect(systemPolicy.updateChild(actor(role), rel('registered-practice')).allowed).toBe(false);
      expect(systemPolicy.feedOrganisations(actor(role)).allowed).toBe(false);
    }
  });

  it.each([
    ['engine', null, 'o', true], ['engine', null, null, true],
    ['org-system', 'o', 'o', true], ['org-system', 'o', 'other', false], ['org-system', 'o', null, false],
  ] as const)('%s (organisation %s) registering a child at practice %s → %s', (_who, org, practice, allowed) => {
    expect(systemPolicy.registerChild(system(org), practice).allowed).toBe(allowed);
  });

  it('lets a system change a child only through a relationship, and organisations only from the engine', () => {
    expect(systemPolicy.updateChild(system('o'), []).allowed).toBe(false);
    expect(systemPolicy.updateChild(system('o'), rel('organisation-feed')).allowed).toBe(true);
    expect(systemPolicy.updateChild(system(null), rel('integration-engine')).allowed).toBe(true);
    expect(systemPolicy.feedOrganisations(system(null)).allowed).toBe(true);
    expect(systemPolicy.feedOrganisations(system('o')).allowed).toBe(false);
    expect(systemPolicy.searchPatients(system('o')).allowed).toBe(true);
  });

  it('never lets a system break the glass, search as a person, review or administer', () => {
    for (const s of [system(null), system('o')]) {
      expect(policy.breakGlass(s, []).allowed).toBe(false);
      expect(policy.searchChildren(s).allowed).toBe(false);
      expect(policy.reviewBreakGlass(s).allowed).toBe(false);
      expect(policy.manageOrganisations(s).allowed).toBe(false);
    }
  });
});

describe('a family member against every professional rule', () => {
  const parent: Actor = {
    icsId: 'ics', professionalId: 'f', name: 'Parent', email: '', role: 'family', organisationId: 'ics', organisationName: '',
    family: { nhsNumber: '9990000001', birthdate: '1985-01-01', identityLevel: 'P9' },
  };
  const granted: Relationship[] = [{ kind: 'proxy', detail: 'mother' }, { kind: 'own-access', detail: 'themself' }];
  const actions = Object.keys(policy) as (keyof typeof policy)[];

  it.each(actions)('refuses %s, even with a proxy or own access', (action) => {
    const decide = policy[action] as (a: Actor, r: Relationship[]) => ReturnType<typeof policy.searchChildren>;
    expect(decide(parent, granted).allowed).toBe(false);
  });

  it('refuses every system interaction', () => {
    expect(systemPolicy.fhirInteraction(parent, 'Patient', 'r').allowed).toBe(false);
    expect(systemPolicy.searchPatients(parent).allowed).toBe(false);
    expect(systemPolicy.updateChild(parent, granted).allowed).toBe(false);
  });
});

describe('the holder of a one-time advice link against every professional rule', () => {
  const holder: Actor = {
    icsId: 'ics', professionalId: 'h', name: 'Advice link holder', email: '', role: 'advice-link-holder', organisationId: 'ics', organisationName: '',
    adviceLink: { sendingId: 's', tokenHash: 'hash', deviceHash: 'device' },
  };
  const held: Relationship[] = [{ kind: 'advice-link', detail: 'advice sent on 2026-12-01', adviceLink: { sendingId: 's', expired: false, bound: true, thisDevice: true } }];
  const actions = Object.keys(policy) as (keyof typeof policy)[];

  it.each(actions)('refuses %s, even with the link’s relationship or a professional one beside it', (action) => {
    const decide = policy[action] as (a: Actor, r: Relationship[]) => ReturnType<typeof policy.searchChildren>;
    expect(decide(holder, held).allowed).toBe(false);
    expect(decide(holder, [...held, { kind: 'registered-practice', detail: 'x' }]).allowed).toBe(false);
  });

  it('refuses every system interaction', () => {
    expect(systemPolicy.fhirInteraction(holder, 'Communication', 'r').allowed).toBe(false);
    expect(systemPolicy.searchPatients(holder).allowed).toBe(false);
    expect(systemPolicy.updateChild(holder, held).allowed).toBe(false);
  });
});
