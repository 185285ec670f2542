import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/access/actor.js';
import { ROLE_IDS, type Role } from '../platform/access/roles.js';
import { modelsPolicy } from './policy.js';

const person = (role: Role): Actor => ({
  icsId: 'ics', professionalId: 'prof-1', name: 'Test', email: 't@x.test', role, organisationId: 'org-1', organisationName: 'Org',
});
const system: Actor = {
  icsId: 'ics', professionalId: 'client', name: 'Feed', email: '', role: 'system', organisationId: 'icb', organisationName: 'Org',
  system: { clientId: 'client', scopes: ['system/*.cruds'], clientOrganisationId: null },
};

/** The keepers and the words the audit records for each; every other role is refused. */
const KEEPERS: Partial<Record<Role, string>> = { 'ics-analyst': 'ICS analyst', admin: 'CYP lead (administrator)' };

describe('care model register policy: every role', () => {
  for (const role of ROLE_IDS) {
    const keeper = KEEPERS[role];
    it(`${role}: ${keeper ? 'keeps and sees the whole register' : 'neither keeps nor sees the whole register'}`, () => {
      const actor = person(role);
      expect(modelsPolicy.keepRegister(actor)).toEqual(keeper
        ? { allowed: true, why: `care model register kept by the ${keeper}` }
        : { allowed: false, reason: 'Only ICS analysts and the CYP lead (administrators) keep the register of care models.' });
      expect(modelsPolicy.viewRegister(actor)).toEqual(keeper
        ? { allowed: true, why: `care model register for the ${keeper}` }
        : { allowed: false, reason: 'Your role does not see the whole register of care models.' });
      // One model running in hub-1: a paediatrician leading hub-1 sees it; leading only hub-2, or in any other role, not.
      const leadingIt = modelsPolicy.viewModel(actor, ['hub-1'], ['hub-1']);
      const leadingAnother = modelsPolicy.viewModel(actor, ['hub-1'], ['hub-2']);
      if (keeper) {
        expect(leadingIt.allowed && leadingAnother.allowed).toBe(true);
      } else if (role === 'paediatrician') {
        expect(leadingIt).toEqual({ allowed: true, why: 'lead paediatrician of a hub the model runs in' });
        expect(leadingAnother).toEqual({ allowed: false, reason: 'You see a care model only when it runs in a hub you lead.' });
      } else {
        expect(leadingIt).toEqual({ allowed: false, reason: 'You see a care model only when it runs in a hub you lead.' });
      }
    });
  }

  for (const role of ROLE_IDS) {
    const keeper = KEEPERS[role];
    it(`${role}: ${keeper ? 'sees and records for every hub' : role === 'paediatrician' ? 'sees and records only for the hubs they lead' : 'neither sees nor records for any hub'}`, () => {
      const actor = person(role);
      const own = { see: modelsPolicy.seeHub(actor, 'hub-1', ['hub-1']), record: modelsPolicy.recordForHub(actor, 'hub-1', ['hub-1']) };
      const other = { see: modelsPolicy.seeHub(actor, 'hub-2', ['hub-1']), record: modelsPolicy.recordForHub(actor, 'hub-2', ['hub-1']) };
      const refusedSee = { allowed: false, reason: 'You see a hub’s standards, checklist and teaching only for a hub you lead.' };
      const refusedRecord = { allowed: false, reason: 'Only ICS analysts, the CYP lead and the hub’s lead paediatrician record for a hub.' };
      if (keeper) {
        expect(other).toEqual({ see: { allowed: true, why: `care model register for the ${keeper}` }, record: { allowed: true, why: `hub record kept by the ${keeper}` } });
      } else if (role === 'paediatrician') {
        expect(own).toEqual({ see: { allowed: true, why: 'lead paediatrician of the hub' }, record: { allowed: true, why: 'lead paediatrician of the hub' } });
        expect(other).toEqual({ see: refusedSee, record: refusedRecord });
      } else {
        expect(own).toEqual({ see: refusedSee, record: refusedRecord });
      }
    });
  }

  it('a system client is refused everything: there is no register API', () => {
    expect(modelsPolicy.keepRegister(system).allowed).toBe(false);
    expect(modelsPolicy.viewRegister(system).allowed).toBe(false);
    expect(modelsPolicy.viewModel(system, ['hub-1'], ['hub-1']).allowed).toBe(false);
    expect(modelsPolicy.seeHub(system, 'hub-1', ['hub-1']).allowed).toBe(false);
    expect(modelsPolicy.recordForHub(system, 'hub-1', ['hub-1']).allowed).toBe(false);
  });
});
