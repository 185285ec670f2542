import { describe, expect, it } from 'vitest';
import { chooseCis2Account, type Cis2Claims, type LinkedAccount } from './cis2-role-check.js';
import { joineryRolesFor, nationalRoleFor, nationalRoleMappings } from './national-roles.js';
import { ROLE_IDS } from '../../access/roles.js';
import { ROLE_ORGANISATION_KINDS } from '../../access/role-fit.js';

const practice: LinkedAccount = { professionalId: 'p-gp', role: 'gp', odsCode: 'A81001', organisationName: 'Riverside Surgery', organisationKind: 'gp-practice', active: true, refusal: null };
/** The same person's second account: a paediatrician at the community trust that runs the hub's clinics. */
const community: LinkedAccount = { professionalId: 'p-paed', role: 'paediatrician', odsCode: 'RYX', organisationName: 'Riverside Community Health', organisationKind: 'community-provider', active: true, refusal: null };
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

describe('choosing the Joinery account by the role chosen at CIS2', () => {
  const checkCis2Role = (c: Cis2Claims, account: LinkedAccount, required: Parameters<typeof chooseCis2Account>[2]) => chooseCis2Account(c, [account], required);

  it('lets a GP in who chose their GP role at their own practice with a smartcard, naming the role and the account', () => {
    expect(checkCis2Role(claims(), practice, 'AAL3_ANY')).toEqual({ allowed: true, account: practice, roleId: '555000000001', roleName: 'General Medical Practitioner', assurance: 'AAL3_ANY' });
  });

  it('one person with accounts at two organisations lands in the account where they chose their role, as that account’s role', () => {
    const paedRole = { person_roleid: '555000000003', org_code: 'RYX', role_code: 'S8000:G8000:R8000', role_name: '"Clinical Practitioner Access Role"' };
    const both = (selected: string) => claims({ nhsid_nrbac_roles: [gpRole, paedRole], selected_roleid: selected });
    expect(chooseCis2Account(both('555000000001'), [practice, community], 'AAL3_ANY')).toMatchObject({ allowed: true, account: { professionalId: 'p-gp', role: 'gp' } });
    expect(chooseCis2Account(both('555000000003'), [practice, community], 'AAL3_ANY')).toMatchObject({ allowed: true, account: { professionalId: 'p-paed', role: 'paediatrician' }, roleId: '555000000003' });
  });

  it('of several roles, only the selected one counts: a role where they have no account is refused, naming where they chose it and where their accounts are', () => {
    const other = { ...gpRole, person_roleid: '555000000002', org_code: 'B82002' };
    expect(checkCis2Role(claims({ nhsid_nrbac_roles: [other, gpRole] }), practice, 'AAL3_ANY')).toMatchObject({ allowed: true, roleId: '555000000001' });
    const chosenOther = chooseCis2Account(claims({
      nhsid_nrbac_roles: [other, gpRole], selected_roleid: '555000000002', nhsid_user_orgs: [{ org_code: 'B82002', org_name: 'Hillside Surgery' }],
    }), [practice, community], 'AAL3_ANY');
    expect(chosenOther).toEqual({
      allowed: false, reason: 'wrong-organisation',
      words: 'You chose General Medical Practitioner at Hillside Surgery (B82002), but you have no Joinery account there. Your Joinery accounts are at Riverside Community Health (RYX) and Riverside Surgery (A81001): sign in again and choose your role there.',
    });
  });

  it('refuses a selected role the person does not hold, an unmapped role, a role that is not the account’s, and a level too low', () => {
    expect(checkCis2Role(claims({ selected_roleid: '999' }), practice, 'AAL3_ANY')).toMatchObject({ allowed: false, reason: 'role-not-held' });
    expect(checkCis2Role(claims({ nhsid_nrbac_roles: [{ ...gpRole, role_code: 'S0080:G0450:R9999' }] }), practice, 'AAL3_ANY'))
      .toMatchObject({ allowed: false, reason: 'unmapped-role' });
    expect(checkCis2Role(claims(), { ...practice, role: 'practice-nurse' }, 'AAL3_ANY')).toEqual({
      allowed: false, reason: 'role-mismatch',
      words: 'The national role you chose (General Medical Practitioner at Riverside Surgery (A81001)) does not fit the role of your Joinery account there (Practice nurse).',
    });
    expect(checkCis2Role(claims({ acr: 'AAL2_ANY' }), practice, 'AAL3_ANY')).toMatchObject({ allowed: false, reason: 'assurance-too-low' });
    expect(checkCis2Role(claims({ acr: 'made-up' }), practice, 'AAL1_USERPASS')).toMatchObject({ allowed: false, reason: 'assurance-too-low' });
  });

  it('never picks between two usable accounts the chosen role fits; a switched-off account is not one of them', () => {
    const nurseRole = { person_roleid: '7', org_code: 'RYX', role_code: 'S8000:G8000:R8001', role_name: '"Nurse Access Role"' };
    const visitor: LinkedAccount = { ...community, professionalId: 'p-hv', role: 'health-visitor' };
    const schoolNurse: LinkedAccount = { ...community, professionalId: 'p-sn', role: 'school-nurse' };
    const nurse = claims({ nhsid_nrbac_roles: [nurseRole], selected_roleid: '7' });
    expect(chooseCis2Account(nurse, [visitor, schoolNurse], 'AAL3_ANY')).toEqual({
      allowed: false, reason: 'several-accounts',
      words: 'The national role you chose (Nurse Access Role at Riverside Community Health (RYX)) fits more than one of your Joinery accounts there (Health visitor and School nurse), so Joinery cannot tell which you mean.',
    });
    expect(chooseCis2Account(nurse, [visitor, { ...schoolNurse, active: false }], 'AAL3_ANY')).toMatchObject({ allowed: true, account: { professionalId: 'p-hv' } });
    expect(chooseCis2Account(nurse, [{ ...visitor, active: false }], 'AAL3_ANY')).toEqual({
      allowed: false, reason: 'account-inactive', words: 'Your Joinery account as Health visitor at Riverside Community Health (RYX) has been switched off.',
    });
    expect(chooseCis2Account(nurse, [{ ...visitor, refusal: 'A change to this account is waiting.' }], 'AAL3_ANY')).toEqual({
      allowed: false, reason: 'account-refused', words: 'A change to this account is waiting.',
    });
  });

  it('the required level is the chosen account’s: the ICS’s for clinical roles; back-office roles need AAL2', () => {
    expect(checkCis2Role(claims({ acr: 'AAL2_OR_AAL3_ANY' }), practice, 'AAL2_ANY')).toMatchObject({ allowed: true });
    const admin: LinkedAccount = { professionalId: 'p-admin', role: 'admin', odsCode: 'QXX', organisationName: 'Demo ICB', organisationKind: 'ics-body', active: true, refusal: null };
    const adminRole = { person_roleid: '1', org_code: 'QXX', role_code: 'S8000:G8000:R8015' };
    const asAdmin = (acr: string) => claims({ acr, selected_roleid: '1', nhsid_nrbac_roles: [gpRole, adminRole] });
    expect(chooseCis2Account(asAdmin('AAL2_ANY'), [practice, admin], 'AAL3_ANY')).toMatchObject({ allowed: true, account: { role: 'admin' } });
    expect(chooseCis2Account(asAdmin('AAL1_USERPASS'), [practice, admin], 'AAL3_ANY')).toMatchObject({ allowed: false, reason: 'assurance-too-low' });
    // The same AAL2 sign-in choosing the GP role is refused: the level is checked for the account chosen.
    expect(chooseCis2Account({ ...asAdmin('AAL2_ANY'), selected_roleid: '555000000001' }, [practice, admin], 'AAL3_ANY')).toMatchObject({ allowed: false, reason: 'assurance-too-low' });
  });
});
