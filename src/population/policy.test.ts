import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/access/actor.js';
import { ROLE_IDS, type Role } from '../platform/access/roles.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { ownPatch, populationPolicy, required, type PopulationAction } from './policy.js';

const person = (role: Role): Actor => ({
  icsId: 'ics', professionalId: 'prof-1', name: 'Test', email: 't@x.test', role, organisationId: 'org-1', organisationName: 'Org',
});
const system = (organisationId: string | null): Actor => ({
  icsId: 'ics', professionalId: 'client', name: 'Feed', email: '', role: 'system', organisationId: organisationId ?? 'icb', organisationName: 'Org',
  system: { clientId: 'client', scopes: ['system/*.cruds'], clientOrganisationId: organisationId },
});
type Who = Role | 'engine' | 'org-system';
const WHO: Who[] = [...ROLE_IDS, 'engine', 'org-system'];
const actorFor = (who: Who): Actor => (who === 'engine' ? system(null) : who === 'org-system' ? system('org-1') : person(who));

const CARING: Role[] = ['gp', 'practice-nurse', 'paediatrician', 'care-coordinator', 'health-visitor', 'school-nurse', 'camhs-clinician', 'social-worker', 'senco', 'youth-justice-worker'];
const VIEWERS: Role[] = ['ics-analyst', 'admin', 'paediatrician', 'gp'];

/**
 * Every action's answer and words for every kind of actor, written out from
 * the rules: who is allowed and the why the audit records, or the reason the
 * person reads. Systems are refused everything: there is no population API.
 */
function expected(who: Who, action: PopulationAction): { allowed: true; why: string } | { allowed: false; reason: string } {
  const role = who === 'engine' || who === 'org-system' ? null : who;
  const roleWords = role ? ({ gp: 'gp', paediatrician: 'paediatrician', 'ics-analyst': 'ics analyst', admin: 'administrator' } as Partial<Record<Role, string>>)[role] : undefined;
  const viewing = role && VIEWERS.includes(role)
    ? { allowed: true as const, why: `population health for a ${roleWords}` }
    : { allowed: false as const, reason: 'Your role does not see the population dashboards.' };
  const finding = role === 'gp' || role === 'paediatrician'
    ? { allowed: true as const, why: `case finding by a ${roleWords}` }
    : { allowed: false as const, reason: 'Only paediatricians and GPs see case-finding lists, which name children.' };
  switch (action) {
    case 'viewDashboards':
    case 'evaluateCareModels':
      return viewing;
    case 'seeSmallNumbers':
      return role && CARING.includes(role) ? { allowed: true, why: 'a clinician' } : { allowed: false, reason: 'Counts of 1 to 7 are suppressed for roles that do not care for children.' };
    case 'keepMeasures':
      return role === 'ics-analyst' || role === 'admin'
        ? { allowed: true, why: `population measures kept by a ${roleWords}` }
        : { allowed: false, reason: 'Only ICS analysts and administrators add indicators and record care models.' };
    case 'findCases':
      return finding;
    case 'viewCaseFindingRules':
      // A finder is told why as a finder; a viewer who does not find cases, as a viewer.
      if (finding.allowed) return finding;
      return viewing.allowed ? viewing : { allowed: false, reason: 'Your role does not see case-finding rules.' };
  }
}

describe('population policy matrix', () => {
  const actions = Object.keys(populationPolicy) as PopulationAction[];
  const cases = WHO.flatMap((who) => actions.map((action) => [who, action] as const));

  it('has a written-out expectation for every action', () => {
    expect(actions.sort()).toEqual(['evaluateCareModels', 'findCases', 'keepMeasures', 'seeSmallNumbers', 'viewCaseFindingRules', 'viewDashboards']);
  });

  it.each(cases)('%s → %s', (who, action) => {
    expect(populationPolicy[action](actorFor(who))).toEqual(expected(who, action));
  });

  it('lets a GP see the dashboards and find cases, but not keep the measures', () => {
    const gp = person('gp');
    expect(populationPolicy.viewDashboards(gp)).toEqual({ allowed: true, why: 'population health for a gp' });
    expect(populationPolicy.findCases(gp)).toEqual({ allowed: true, why: 'case finding by a gp' });
    expect(populationPolicy.keepMeasures(gp)).toEqual({ allowed: false, reason: 'Only ICS analysts and administrators add indicators and record care models.' });
  });

  it('keeps case-finding lists, which name children, from an analyst who keeps the rules that make them', () => {
    const analyst = person('ics-analyst');
    expect(populationPolicy.keepMeasures(analyst)).toEqual({ allowed: true, why: 'population measures kept by a ics analyst' });
    expect(populationPolicy.viewCaseFindingRules(analyst)).toEqual({ allowed: true, why: 'population health for a ics analyst' });
    expect(populationPolicy.findCases(analyst)).toEqual({ allowed: false, reason: 'Only paediatricians and GPs see case-finding lists, which name children.' });
  });

  it('shows small numbers to a social worker who cares for children, though she does not see the dashboards', () => {
    const socialWorker = person('social-worker');
    expect(populationPolicy.seeSmallNumbers(socialWorker)).toEqual({ allowed: true, why: 'a clinician' });
    expect(populationPolicy.viewDashboards(socialWorker)).toEqual({ allowed: false, reason: 'Your role does not see the population dashboards.' });
  });
});

describe('what a decision becomes', () => {
  it('gives the why of an allowed decision for the audit', () => {
    expect(required(populationPolicy.findCases(person('paediatrician')))).toBe('case finding by a paediatrician');
  });

  it('throws a refusal as a 403 carrying its reason', () => {
    const refuse = () => required(populationPolicy.findCases(person('school-nurse')));
    expect(refuse).toThrow(ForbiddenError);
    expect(refuse).toThrow('Only paediatricians and GPs see case-finding lists, which name children.');
  });
});

describe('the patch each role looks after', () => {
  it('is a GP’s own practice, a paediatrician’s hubs, and the whole ICS for everyone else', () => {
    expect(ownPatch(person('gp'))).toEqual({ kind: 'practice', practiceId: 'org-1' });
    expect(ownPatch(person('paediatrician'))).toEqual({ kind: 'hubs', paediatricianId: 'prof-1' });
    for (const who of WHO.filter((w) => w !== 'gp' && w !== 'paediatrician')) {
      expect(ownPatch(actorFor(who)), who).toEqual({ kind: 'ics' });
    }
  });
});
