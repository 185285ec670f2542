import type { Actor } from '../platform/access/actor.js';
import type { Decision } from '../platform/access/policy.js';
import { CARING_ROLES, ROLES, type Role } from '../platform/access/roles.js';
import { ForbiddenError } from '../platform/http/errors.js';

/**
 * Who may do what with population health: one rule per action, each
 * denying unless it allows. An allowed decision says why (what the audit
 * records); a refusal says why not (what the person reads). Systems hold no
 * population role: the FHIR API has no population pages.
 */

const deny = (reason: string): Decision => ({ allowed: false, reason });
const allow = (why: string): Decision => ({ allowed: true, why });
const roleOf = (actor: Actor, roles: readonly Role[]): Role | null => ((roles as readonly string[]).includes(actor.role) ? actor.role as Role : null);
const named = (role: Role) => ROLES[role].toLowerCase();

/** See the dashboards, indicators, case-finding rules and evaluations, all in aggregate. */
const VIEWERS: readonly Role[] = ['ics-analyst', 'admin', 'paediatrician', 'gp'];
/** Keep the ICS's own indicators and case-finding rules, and record where and when a care model started. */
const KEEPERS: readonly Role[] = ['ics-analyst', 'admin'];
/** See case-finding lists, which name children: their clinicians only. */
const FINDERS: readonly Role[] = ['paediatrician', 'gp'];

export const populationPolicy = {
  /** Population dashboards and indicators, in aggregate: analysts, administrators (CYP leads), paediatricians and GPs. */
  viewDashboards(actor: Actor): Decision {
    const role = roleOf(actor, VIEWERS);
    return role ? allow(`population health for a ${named(role)}`) : deny('Your role does not see the population dashboards.');
  },

  /** A care model's evaluation reads the same aggregates as the dashboards, so the same people see it. */
  evaluateCareModels(actor: Actor): Decision {
    return populationPolicy.viewDashboards(actor);
  },

  /**
   * Whether counts of 1 to 7 are shown as they are. Roles that do not care
   * for children see them suppressed in every breakdown, so no small group
   * can be picked out.
   */
  seeSmallNumbers(actor: Actor): Decision {
    return roleOf(actor, CARING_ROLES) ? allow('a clinician') : deny('Counts of 1 to 7 are suppressed for roles that do not care for children.');
  },

  /** Add indicators and case-finding rules, stop a rule, record a care model: analysts and administrators. */
  keepMeasures(actor: Actor): Decision {
    const role = roleOf(actor, KEEPERS);
    return role ? allow(`population measures kept by a ${named(role)}`) : deny('Only ICS analysts and administrators add indicators and record care models.');
  },

  /**
   * Case-finding lists name children, so only their clinicians see them: a
   * paediatrician for the hubs they lead or cover, a GP for their practice.
   */
  findCases(actor: Actor): Decision {
    const role = roleOf(actor, FINDERS);
    return role ? allow(`case finding by a ${named(role)}`) : deny('Only paediatricians and GPs see case-finding lists, which name children.');
  },

  /** The rules in words name no child: for anyone who sees the dashboards or finds cases. */
  viewCaseFindingRules(actor: Actor): Decision {
    const finding = populationPolicy.findCases(actor);
    if (finding.allowed) return finding;
    const viewing = populationPolicy.viewDashboards(actor);
    return viewing.allowed ? viewing : deny('Your role does not see case-finding rules.');
  },
};

export type PopulationAction = keyof typeof populationPolicy;

/**
 * The patch a role looks after, which a case-finding list is filtered to in
 * its SQL and where a dashboard starts: a GP their own practice, a
 * paediatrician the hubs they lead or cover, anyone else the whole ICS.
 */
export type OwnPatch = { kind: 'practice'; practiceId: string } | { kind: 'hubs'; paediatricianId: string } | { kind: 'ics' };

export function ownPatch(actor: Actor): OwnPatch {
  if (actor.role === 'gp') return { kind: 'practice', practiceId: actor.organisationId };
  if (actor.role === 'paediatrician') return { kind: 'hubs', paediatricianId: actor.professionalId };
  return { kind: 'ics' };
}

/** The why of an allowed decision, for the audit; a refusal is thrown with its reason, answered 403. */
export function required(decision: Decision): string {
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision.why;
}
