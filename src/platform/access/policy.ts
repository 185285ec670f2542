import { ADVICE_LINK_ROLE, FAMILY_ROLE, isScheduledJob, isSystem, SCHEDULED_JOB_ROLE, SYSTEM_ROLE, type Actor } from './actor.js';
import { CARING_ROLES, HEALTH_DETAIL_AGENCIES, ROLES, agencyOfRole, type Role } from './roles.js';
import { RELATIONSHIP_LABELS, actionOpensRecord, type Relationship } from './relationship.js';
import { allow, deny, has, type Decision } from './decision.js';

/** The scheduled job that keeps the virtual ward's escalation clock (ambulatory/step-up-job.ts). */
export const VIRTUAL_WARD_CLOCK_JOB = 'virtual-ward-clock';

/**
 * Who may do what. One function per action; each denies unless a rule allows.
 * Capabilities keep their own rules in their own policy.ts, on the same helpers.
 */
export { allow, deny, has, type Decision };

/** What a SMART v2 scope grants: c(reate) r(ead) u(pdate) d(elete) s(earch). */
export type ScopePermission = 'c' | 'r' | 'u' | 'd' | 's';

/**
 * Whether SMART system scopes allow a permission on a resource type. Scopes are
 * `system/<Type or *>.<cruds subset>` (v2), or v1's `.read` (= rs) and
 * `.write` (= cud); anything else grants nothing.
 */
export function scopeAllows(scopes: readonly string[], resourceType: string, permission: ScopePermission): string | null {
  for (const scope of scopes) {
    const m = /^system\/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$/.exec(scope);
    if (!m || (m[1] !== '*' && m[1] !== resourceType) || m[2] === '') continue;
    const granted = m[2] === 'read' ? 'rs' : m[2] === 'write' ? 'cud' : m[2] === '*' ? 'cruds' : m[2];
    if (granted.includes(permission)) return scope;
  }
  return null;
}

const PERMISSION_WORDS: Record<ScopePermission, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };

/** Clinical and social-care roles may take emergency access; education, youth justice and back-office roles may not. */
export const BREAK_GLASS_ROLES: readonly Role[] = [
  'gp', 'practice-nurse', 'paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician', 'social-worker',
];

/** Who runs the virtual ward, and who may refer onto it. */
const VIRTUAL_WARD_ROLES: readonly Role[] = ['care-coordinator', 'paediatrician'];
const VIRTUAL_WARD_REFERRERS: readonly Role[] = ['gp', 'practice-nurse', 'paediatrician', 'care-coordinator'];

function because(relationships: Relationship[]): string {
  const r = relationships[0];
  return `${RELATIONSHIP_LABELS[r.kind]}: ${r.detail}`;
}

/**
 * The relationships that open the child's summary and record to the actor.
 * Owning an action opens them only to health (direct care); to others it
 * opens the action and the plan as their agency may see it (viewCarePlan).
 */
export function openingRelationships(actor: Actor, relationships: Relationship[]): Relationship[] {
  return relationships.filter((r) => r.kind !== 'action-owner' || actionOpensRecord(actor));
}

export const policy = {
  // The children's virtual ward (ambulatory/policy.ts names each action on these two rules).

  /** The virtual ward caseload page: the community children's nurses and the paediatricians who run it. */
  runVirtualWard(actor: Actor): Decision {
    return has(actor, VIRTUAL_WARD_ROLES) ? allow(`virtual ward of a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Only community children’s nurses and paediatricians run the virtual ward.');
  },

  /** Caring for a child on the ward (accepting, observations, escalations, visits, discharge): the ward's team, through the caseload. */
  careOnVirtualWard(actor: Actor, relationships: Relationship[]): Decision {
    if (!has(actor, VIRTUAL_WARD_ROLES)) return deny('Only community children’s nurses and paediatricians run the virtual ward.');
    const onWard = relationships.filter((r) => r.kind === 'virtual-ward');
    return onWard.length ? allow(because(onWard)) : deny('This child is not on a virtual ward you work on.');
  },

  /**
   * The virtual ward's escalation clock, a scheduled job: stepping up an
   * escalation not acknowledged in time and raising a missed-observation
   * alert, for a child on the ward. No person or FHIR client runs it.
   */
  keepVirtualWardClock(actor: Actor, relationships: Relationship[]): Decision {
    if (!isScheduledJob(actor, VIRTUAL_WARD_CLOCK_JOB)) return deny('Only the virtual ward’s scheduled escalation clock steps up escalations and raises missed-observation alerts.');
    const onWard = relationships.filter((r) => r.kind === 'virtual-ward');
    return onWard.length ? allow(because(onWard)) : deny('This child is not on the virtual ward.');
  },

  /** Referring a child onto a pathway: the clinicians who send children home from the GP, the hub, ED or a ward, with a relationship that opens the record. */
  referToVirtualWard(actor: Actor, relationships: Relationship[]): Decision {
    if (!has(actor, VIRTUAL_WARD_REFERRERS)) return deny('Referrals to the virtual ward come from GPs, practice nurses, paediatricians and community children’s nurses.');
    const opening = openingRelationships(actor, relationships);
    return opening.length ? allow(because(opening)) : deny('You do not have a care relationship with this child.');
  },

  /** Find children by NHS number or name: caring roles only (results show identity, not the record). */
  searchChildren(actor: Actor): Decision {
    return has(actor, CARING_ROLES) ? allow(`Search by a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Your role does not search for children.');
  },

  /** Who the child is, their flags and who cares for them; health detail needs viewHealthDetail as well. */
  viewChildSummary(actor: Actor, relationships: Relationship[]): Decision {
    if (isSystem(actor)) return relationships.length ? allow(because(relationships)) : deny('This system has no relationship with this child.');
    if (!has(actor, CARING_ROLES)) return deny('Your role does not give access to children’s records.');
    const opening = openingRelationships(actor, relationships);
    if (opening.length === 0) {
      return deny(relationships.length ? 'Owning an action for this child lets you see your action and the care plan as shared with your agency, not the child’s record.' : 'You do not have a care relationship with this child.');
    }
    return allow(because(opening));
  },

  /**
   * The shared record and the summary's health detail (conditions, carers'
   * contact details): health and social care, never education or youth
   * justice (decision record 0003). A system reads what its scopes allow.
   */
  viewHealthDetail(actor: Actor, relationships: Relationship[]): Decision {
    const view = policy.viewChildSummary(actor, relationships);
    if (!view.allowed || isSystem(actor)) return view;
    const agency = agencyOfRole(actor.role);
    if (!agency || !HEALTH_DETAIL_AGENCIES.includes(agency)) {
      return deny('The shared record’s health detail (allergies, medicines, problems, contacts and letters) is for health and social care; education and youth justice see the care plan the family shares with them.');
    }
    return view;
  },

  /**
   * Sensitive entries outside the recording team, on a stated reason that a
   * privacy officer reviews: only those who see health detail; never a system.
   */
  revealSensitive(actor: Actor, relationships: Relationship[]): Decision {
    if (isSystem(actor)) return deny('A system cannot reveal sensitive entries.');
    return policy.viewHealthDetail(actor, relationships);
  },

  /**
   * Sensitive entries the actor's own organisation recorded show without a
   * stated reason. A system (a feed) is never the recording team in the sense
   * that matters: it serves no one who may see sensitive entries.
   */
  seeOwnTeamsSensitiveEntries(actor: Actor): Decision {
    if (actor.role === FAMILY_ROLE) return deny('Sensitive entries are never shown on the family pages.');
    if (actor.role === SCHEDULED_JOB_ROLE) return deny('A scheduled job never sees sensitive entries.');
    if (actor.role === ADVICE_LINK_ROLE) return deny('A link to advice shows the advice sent, nothing of the record.');
    return actor.role === SYSTEM_ROLE ? deny('A system never sees sensitive entries, not even those its own organisation recorded.') : allow('recorded by your own team');
  },

  /**
   * The child's care plan, as far as the actor's agency may see it (the plan
   * policy adds the family's consent): any relationship, owning one of the
   * child's actions included.
   */
  viewCarePlan(actor: Actor, relationships: Relationship[]): Decision {
    const view = policy.viewChildSummary(actor, relationships);
    if (view.allowed || isSystem(actor) || !has(actor, CARING_ROLES) || relationships.length === 0) return view;
    return allow(because(relationships));
  },

  /**
   * Record the family's consent to share (given, refused or withdrawn): health
   * and social care professionals who hear it in direct care, through a
   * standing relationship. Not under emergency access, which is for urgent
   * care; never a system.
   */
  recordConsent(actor: Actor, relationships: Relationship[]): Decision {
    if (isSystem(actor)) return deny('A system cannot record a family’s consent; a professional records it with the family.');
    const view = policy.viewChildSummary(actor, relationships);
    if (!view.allowed) return view;
    if (openingRelationships(actor, relationships).every((r) => r.kind === 'break-glass')) {
      return deny('Emergency access is for urgent care, not for recording a family’s consent.');
    }
    const agency = agencyOfRole(actor.role);
    if (!agency || !HEALTH_DETAIL_AGENCIES.includes(agency)) return deny('A family’s consent to share is recorded by the health and social care professionals caring for the child.');
    return view;
  },

  breakGlass(actor: Actor, relationships: Relationship[]): Decision {
    if (!has(actor, BREAK_GLASS_ROLES)) return deny('Your role cannot use emergency access.');
    if (openingRelationships(actor, relationships).length > 0) return deny('You already have access to this child.');
    return allow('emergency access requested');
  },

  /**
   * "My children": the children the actor has a standing relationship with,
   * and why. Caring roles, who are the ones that hold relationships.
   */
  viewCaseload(actor: Actor): Decision {
    return has(actor, CARING_ROLES) ? allow(`caseload of a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Your role does not hold relationships with children.');
  },

  /** The worklist of children whose care the actor shares: caring roles. */
  keepWorklist(actor: Actor): Decision {
    return has(actor, CARING_ROLES) ? allow(`worklist of a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Your role does not have a worklist.');
  },

  /** Actions given to the actor or their team, and overdue ones escalated to them: caring roles. */
  holdTaskList(actor: Actor): Decision {
    return has(actor, CARING_ROLES) ? allow(`task list of a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Your role does not have a task list.');
  },

  /** MDT meetings the actor is invited to, chairs or leads: caring roles. */
  attendMdtMeetings(actor: Actor): Decision {
    return has(actor, CARING_ROLES) ? allow(`MDT meetings of a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Your role does not take part in MDT meetings.');
  },

  /** Care plans due for review that the actor keys or shares: caring roles. */
  reviewCarePlans(actor: Actor): Decision {
    return has(actor, CARING_ROLES) ? allow(`care plan reviews of a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Your role does not hold care plans.');
  },

  /** The referrals and advice requests the actor sent or answers: caring roles. */
  followReferrals(actor: Actor): Decision {
    return has(actor, CARING_ROLES) ? allow(`referrals of a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Your role does not send or answer referrals.');
  },

  /** The hubs' triage lists, and covering a hub's triage: paediatricians. */
  triageReferrals(actor: Pick<Actor, 'role'> | { role: string }): Decision {
    return has(actor, ['paediatrician']) ? allow('paediatrician triaging for the hubs') : deny('Triage is for the hubs’ paediatricians.');
  },

  /** Account and FHIR client changes made in review mode wait for a privacy officer. */
  reviewAccountChanges(actor: Actor): Decision {
    return has(actor, ['privacy-officer']) ? allow('privacy officer review of account changes') : deny('Only a privacy officer reviews account changes.');
  },

  /** The privacy officer finds a child by NHS number or name to reach their access log: identity only, never the record. */
  findChildForAccessLog(actor: Actor): Decision {
    return actor.role === 'privacy-officer' ? allow('privacy officer finding who has accessed a record') : deny('Your role does not search for children.');
  },

  /** Who has seen a record: anyone who may see the child, and the privacy officer. */
  viewAccessLog(actor: Actor, relationships: Relationship[]): Decision {
    if (actor.role === 'privacy-officer') return allow('privacy officer review');
    return policy.viewChildSummary(actor, relationships);
  },

  /**
   * Audit events in full: a sensitive entry's words and the reasons people
   * typed. Everyone else who may see an access log sees them as the record's
   * rules allow them to see what they are about.
   */
  readAuditInFull(actor: Actor): Decision {
    return actor.role === 'privacy-officer' ? allow('privacy officer review') : deny('Only a privacy officer reads every audit event in full.');
  },

  /** Emergency access and every reveal of sensitive entries are queued for a privacy officer's review. */
  reviewBreakGlass(actor: Actor): Decision {
    return actor.role === 'privacy-officer' ? allow('privacy officer') : deny('Only a privacy officer reviews emergency access and reveals of sensitive entries.');
  },

  /** The hazard log, safety case and DCB0160 handover: no clinical safety officer role yet, so the administrator and privacy officer. */
  viewClinicalSafety(actor: Actor): Decision {
    return actor.role === 'admin' || actor.role === 'privacy-officer' ? allow(ROLES[actor.role]) : deny('Only an administrator or a privacy officer sees the clinical safety case.');
  },

  /** A deploying ICS confirms the controls the hazard log hands to it. */
  confirmSafetyHandover(actor: Actor): Decision {
    return actor.role === 'admin' ? allow('administrator') : deny('Only an administrator confirms the deploying organisation’s safety controls.');
  },

  manageOrganisations(actor: Actor): Decision {
    return actor.role === 'admin' ? allow('administrator') : deny('Only an administrator manages organisations, clusters and users.');
  },

  /** The ICS's wording for referral, advice and clinic letters. */
  editLetterTemplates(actor: Actor): Decision {
    return actor.role === 'admin' ? allow('administrator') : deny('Only an administrator changes the letter templates.');
  },

  /** The ICS's advice library for families (edit drafts, the reading age target): the ICS clinical lead who keeps it, and administrators. */
  editAdviceLibrary(actor: Actor): Decision {
    if (actor.role === 'clinical-lead') return allow('ICS clinical lead');
    return actor.role === 'admin' ? allow('administrator') : deny('Only the ICS clinical lead or an administrator edits the advice library.');
  },

  /** The virtual ward's pathways, response timers and escalation rota (issue 17): the ICS clinical lead and administrators. */
  editVirtualWard(actor: Actor): Decision {
    if (actor.role === 'clinical-lead') return allow('ICS clinical lead');
    return actor.role === 'admin' ? allow('administrator') : deny('Only the ICS clinical lead or an administrator changes the virtual ward’s pathways, response timers, rota and capacity.');
  },

  /** Approve (and re-approve) a page's clinical content for families: the ICS clinical lead only, never an administrator alone. */
  approveAdvicePage(actor: Actor): Decision {
    return actor.role === 'clinical-lead' ? allow('ICS clinical lead') : deny('Only the ICS clinical lead approves advice pages for families.');
  },

  /** Advice pages sent, opened and found helpful, in aggregate: those who see the population, and the clinical lead who keeps the library. */
  viewAdviceFigures(actor: Actor): Decision {
    if (actor.role === 'clinical-lead') return allow('advice figures for the ICS clinical lead');
    const population = policy.viewPopulation(actor);
    return population.allowed ? population : deny('Your role does not see the advice figures.');
  },

  /** Safety-netting advice to a child's family: health professionals whose relationship opens the child's record. */
  sendAdvice(actor: Actor, relationships: Relationship[]): Decision {
    if (isSystem(actor)) return deny('A system does not send advice to families.');
    const view = policy.viewChildSummary(actor, relationships);
    if (!view.allowed) return view;
    return agencyOfRole(actor.role) === 'health' ? view : deny('Advice pages are sent to families by the health professionals caring for the child.');
  },

  /** Set up hub clinic sessions: the hub's clinic administrators and paediatricians. */
  manageClinics(actor: Actor): Decision {
    return has(actor, ['hub-admin', 'paediatrician']) ? allow(`clinics run by a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Only hub clinic administrators and paediatricians set up clinics.');
  },

  /** Book, move and mark did-not-attend: the hub's clinic administrators. They see who is waiting, not the record. */
  bookClinics(actor: Actor): Decision {
    return actor.role === 'hub-admin' ? allow('hub clinic administrator') : deny('Only a hub clinic administrator books clinics.');
  },

  /** Hub and cluster activity in aggregate, with no child named: analysts, paediatricians, GPs and administrators. */
  viewActivity(actor: Actor): Decision {
    return has(actor, ['ics-analyst', 'paediatrician', 'gp', 'admin', 'hub-admin']) ? allow(`activity for a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Your role does not see hub activity.');
  },

  /** Population dashboards and evaluations, in aggregate: analysts, administrators (CYP leads), paediatricians and GPs. */
  viewPopulation(actor: Actor): Decision {
    return has(actor, ['ics-analyst', 'admin', 'paediatrician', 'gp']) ? allow(`population health for a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Your role does not see the population dashboards.');
  },

  /**
   * Whether counts of 1 to 7 are shown as they are. Roles that do not care
   * for children see them suppressed in every breakdown, so no small group
   * can be picked out.
   */
  seesSmallNumbers(actor: Actor): Decision {
    return has(actor, CARING_ROLES) ? allow('a clinician') : deny('Counts of 1 to 7 are suppressed for roles that do not care for children.');
  },

  /** Add indicators and record where and when a care model started: analysts and administrators. */
  managePopulationMeasures(actor: Actor): Decision {
    return has(actor, ['ics-analyst', 'admin']) ? allow(`population measures kept by a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Only ICS analysts and administrators add indicators and record care models.');
  },

  /**
   * Case-finding lists name children, so only their clinicians see them: a
   * paediatrician for the hubs they lead or cover, a GP for their practice.
   */
  findCases(actor: Actor): Decision {
    return has(actor, ['paediatrician', 'gp']) ? allow(`case finding by a ${ROLES[actor.role as Role].toLowerCase()}`) : deny('Only paediatricians and GPs see case-finding lists, which name children.');
  },
};

/**
 * What system clients (FHIR) may do. Each needs the client's scope for the
 * interaction as well as the child-level rule; people use the pages instead.
 */
export const systemPolicy = {
  /** One FHIR interaction on one resource type, as the client's scopes allow. */
  fhirInteraction(actor: Actor, resourceType: string, permission: ScopePermission): Decision {
    if (!isSystem(actor)) return deny('The FHIR API is for registered systems; people use Joinery’s pages.');
    const scope = scopeAllows(actor.system.scopes, resourceType, permission);
    return scope ? allow(`scope ${scope}`) : deny(`This client’s scopes do not allow it to ${PERMISSION_WORDS[permission]} ${resourceType} resources.`);
  },

  /** Find patients: only among the children the system is related to (the search filters in SQL). */
  searchPatients(actor: Actor): Decision {
    if (!isSystem(actor)) return deny('The FHIR API is for registered systems; people use Joinery’s pages.');
    return allow(actor.system.clientOrganisationId ? 'children of the client’s organisation' : 'ICS integration engine');
  },

  /** A feed registers a child: the ICS's engine any child, an organisation's system a child registered with it. */
  registerChild(actor: Actor, registeredPracticeId: string | null): Decision {
    if (!isSystem(actor)) return deny('Children are registered from the feeds of GP practices and the ICS.');
    const own = actor.system.clientOrganisationId;
    if (own === null) return allow('ICS integration engine');
    if (registeredPracticeId === own) return allow('registering practice');
    return deny('This system can register only children registered with its own organisation.');
  },

  /** A feed changes a child's details, carers or flags: a system related to the child. */
  updateChild(actor: Actor, relationships: Relationship[]): Decision {
    if (!isSystem(actor)) return deny('Only a feed changes a child’s registration details.');
    return policy.viewChildSummary(actor, relationships);
  },

  /** Organisations (ODS codes) come only from the ICS's own integration engine. */
  feedOrganisations(actor: Actor): Decision {
    if (!isSystem(actor)) return deny('Organisations are managed by an administrator.');
    return actor.system.clientOrganisationId === null ? allow('ICS integration engine') : deny('Only the ICS’s integration engine adds or changes organisations.');
  },
};

export type PolicyAction = keyof typeof policy;
