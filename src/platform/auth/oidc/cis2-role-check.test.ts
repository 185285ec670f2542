import { describe, expect, it } from 'vitest';
import { checkCis2Role, type Cis2Claims, type LinkedAccount } from './cis2-role-check.js';
import { joineryRolesFor, nationalRoleFor, nationalRoleMappings } from './national-roles.js';
import { ROLE_IDS } from '../../access/roles.js';
import { ROLE_ORGANISATION_KINDS } from '../../access/role-fit.js';

const practice: LinkedAccount = { role: 'gp', odsCode: 'A81001', organisationName: 'Riverside Surgery', organisationKind: 'gp-practice' };
const gpRole = { person_roleid: '555000000001', org_code: 'A81001', role_code: 'S8000:G8000:R8000', role_name: '"Clinical":"Clinical Provision":"General Medical Practitioner"' };
const claims = (over: Partial<Cis2Claims> = {}): Cis2Claims => ({
  nhsid_useruid: '555000000099', acr: 'AAL3_ANY', selected_roleid: '555000000001', nhsid_nrbac_roles: [gpRole], ...over,
});

describe('the ICS’s national RBAC role file', () => {
  it('reads and checks, and every Joinery role at every kind of organisation it may work at can be confirmed by some national role', () => {
    expect(nationalRoleMappings().length).toBeGreaterThan(10);
    for (const role of ROLE_IDS) {
      for (const kind of ROLE_ORGANISATION_KINDS[role]) {
        const national = nationalRoleFor(role, kind);
        expect(national, `${role} at ${kind}`).toBeDefined();
        expect(joineryRolesFor(national!.roleCode, national!.activityCodes, kind)).toContain(role);
      }
    }
  });

  it('the same national role means different Joinery roles at different kinds of organisation: R8000 is a GP at a practice, a paediatrician at a hospital', () => {
    expect(joineryRolesFor('S8000:G8000:R8000', [], 'gp-practice')).toEqual(['gp']);
    expect(joineryRolesFor('S8000:G8000:R8000', [], 'acute-trust')).toEqual(['paediatrician']);
    expect(joineryRolesFor('S8000:G8000:R8000', [], 'school')).toEqual([]);
  });

  it('a role that needs an activity code is not confirmed without it', () => {
    expect(joineryRolesFor('S8000:G8000:R8010', ['B0820'], 'community-provider')).toEqual(['hub-admin']);
    expect(joineryRolesFor('S8000:G8000:R8010', [], 'community-provider')).toEqual([]);
  });
});

describe('checking the role chosen at CIS2 against the Joinery account', () => {
  it('lets a GP in who chose their GP role at their own practice with a smartcard, naming the role', () => {
    expect(checkCis2Role(claims(), practice, 'AAL3_ANY')).toEqual({ allowed: true, roleId: '555000000001', roleName: 'General Medical Practitioner', assurance: 'AAL3_ANY' });
  });

  it('of several roles, only the selected one counts', () => {
    const other = { ...gpRole, person_roleid: '555000000002', org_code: 'B82002' };
    expect(checkCis2Role(claims({ nhsid_nrbac_roles: [other, gpRole] }), practice, 'AAL3_ANY')).toMatchObject({ allowed: true, roleId: '555000000001' });
    const chosenOther = checkCis2Role(claims({ nhsid_nrbac_roles: [other, gpRole], selected_roleid: '555000000002' }), practice, 'AAL3_ANY');
    expect(chosenOther).toMatchObject({ allowed: false, reason: 'wrong-organisation' });
    expect(!chosenOther.allowed && chosenOther.words).toContain('Riverside Surgery (A81001)');
  });

  it('refuses a selected role the person does not hold, an unmapped role, a role that is not the account’s, and a level too low', () => {
    expect(checkCis2Role(claims({ selected_roleid: '999' }), practice, 'AAL3_ANY')).toMatchObject({ allowed: false, reason: 'role-not-held' });
    expect(checkCis2Role(claims({ nhsid_nrbac_roles: [{ ...gpRole, role_code: 'S0080:G0450:R9999' }] }), practice, 'AAL3_ANY'))
      .toMatchObject({ allowed: false, reason: 'unmapped-role' });
    expect(checkCis2Role(claims(), { ...practice, role: 'practice-nurse' }, 'AAL3_ANY')).toMatchObject({ allowed: false, reason: 'role-mismatch' });
    expect(checkCis2Role(claims({ acr: 'AAL2_ANY' }), practice, 'AAL3_ANY')).toMatchObject({ allowed: false, reason: 'assurance-too-low' });
    expect(checkCis2Role(claims({ acr: 'made-up' }), practice, 'AAL1_USERPASS')).toMatchObject({ allowed: false, reason: 'assurance-too-low' });
  });

  it('the required level is the ICS’s for clinical roles; back-office roles need AAL2', () => {
    expect(checkCis2Role(claims({ acr: 'AAL2_OR_AAL3_ANY' }), practice, 'AAL2_ANY')).toMatchObject({ allowed: true });
    const admin: LinkedAccount = { role: 'admin', odsCode: 'QXX', organisationName: 'Demo ICB', organisationKind: 'ics-body' };
    const adminRole = { person_roleid: '1', org_code: 'QXX', role_code: 'S8000:G8000:R8015' };
    expect(checkCis2Role(claims({ acr: 'AAL2_ANY', selected_roleid: '1', nhsid_nrbac_roles: [adminRole] }), admin, 'AAL3_ANY')).toMatchObject({ allowed: true });
    expect(checkCis2Role(claims({ acr: 'AAL1_USERPASS', selected_roleid: '1', nhsid_nrbac_roles: [adminRole] }), admin, 'AAL3_ANY'))
      .toMatchObject({ allowed: false, reason: 'assurance-too-low' });
  });
});
