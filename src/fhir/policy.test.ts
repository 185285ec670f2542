import { describe, expect, it } from 'vitest';
import type { Decision } from '../platform/access/decision.js';
import type { ScopePermission } from '../platform/access/policy.js';
import type { RelationshipKind } from '../platform/access/relationship.js';
import { EVERYONE, actorFor, childSummary, isSystemWho, related, systemClient, type Who } from '../platform/access/test-actors.js';
import { fhirPolicy } from './policy.js';

const yes = (why: string): Decision => ({ allowed: true, why });
const no = (reason: string): Decision => ({ allowed: false, reason });
const PEOPLE_USE_PAGES = no('The FHIR API is for registered systems; people use Joinery’s pages.');

const KINDS: (RelationshipKind | null)[] = [null, 'registered-practice', 'care-team', 'action-owner', 'integration-engine', 'organisation-feed'];
const PERMISSIONS: ScopePermission[] = ['c', 'r', 'u', 'd', 's'];
const WORDS: Record<ScopePermission, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };

/** Written out from the rules: systems only; the ICS's engine feeds organisations; a system sees a child through a relationship. */
function expected(who: Who, action: 'searchPatients' | 'feedOrganisations'): Decision {
  if (action === 'searchPatients') {
    if (!isSystemWho(who)) return PEOPLE_USE_PAGES;
    return yes(who === 'engine' ? 'ICS integration engine' : 'children of the client’s organisation');
  }
  if (!isSystemWho(who)) return no('Organisations are managed by an administrator.');
  return who === 'engine' ? yes('ICS integration engine') : no('Only the ICS’s integration engine adds or changes organisations.');
}

describe('FHIR policy matrix', () => {
  it.each(EVERYONE.flatMap((who) => KINDS.map((kind) => [who, kind] as const)))('%s reading a child with relationship %s', (who, kind) => {
    expect(fhirPolicy.readChild(actorFor(who), related(kind))).toEqual(childSummary(who, kind));
  });

  it.each(EVERYONE.flatMap((who) => PERMISSIONS.map((p) => [who, p] as const)))('%s: Patient interaction %s with every scope', (who, p) => {
    expect(fhirPolicy.interact(actorFor(who), 'Patient', p)).toEqual(isSystemWho(who) ? yes('scope system/*.cruds') : PEOPLE_USE_PAGES);
  });

  it.each(EVERYONE.flatMap((who) => (['searchPatients', 'feedOrganisations'] as const).map((a) => [who, a] as const)))('%s → %s', (who, action) => {
    expect(fhirPolicy[action](actorFor(who))).toEqual(expected(who, action));
  });

  it.each(PERMISSIONS)('names what a read-only Patient client may not do to a Condition (%s)', (p) => {
    const client = systemClient(null, ['system/Patient.r']);
    expect(fhirPolicy.interact(client, 'Condition', p)).toEqual(no(`This client’s scopes do not allow it to ${WORDS[p]} Condition resources.`));
    expect(fhirPolicy.interact(client, 'Patient', p)).toEqual(p === 'r' ? yes('scope system/Patient.r') : no(`This client’s scopes do not allow it to ${WORDS[p]} Patient resources.`));
  });
});
