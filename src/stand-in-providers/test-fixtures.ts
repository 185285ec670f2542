// Synthetic demo people for the stand-ins' tests (NHS numbers from the 999 test range).
import type { StandInFamilyMember, StandInStaffMember } from './types.js';

export const GP: StandInStaffMember = {
  uid: '555000000101',
  givenName: 'Asha',
  familyName: 'Patel',
  email: 'asha.patel@example.nhs.uk',
  roles: [{ person_roleid: '555000000901', org_code: 'Y90001', role_code: 'S8000:G8000:R8000', role_name: '"Clinical":"Clinical Provision":"General Medical Practitioner"' }],
  orgs: [{ org_code: 'Y90001', org_name: 'Riverside Surgery' }],
};

export const HEALTH_VISITOR_AND_NURSE: StandInStaffMember = {
  uid: '555000000102',
  givenName: 'Tom',
  familyName: 'O\'Neill <Jr>',
  email: 'tom.oneill@example.nhs.uk',
  roles: [
    { person_roleid: '555000000911', org_code: 'Y90002', role_code: 'S8000:G8000:R8001', role_name: '"Clinical":"Clinical Provision":"Nurse"' },
    { person_roleid: '555000000912', person_orgid: '555000000812', org_code: 'Y90003', role_code: 'S8000:G8000:R8003', role_name: '"Clinical":"Clinical Provision":"Health Visitor"', activity_codes: ['B0264'] },
  ],
  orgs: [
    { org_code: 'Y90002', org_name: 'Northfield Children\'s Hospital' },
    { org_code: 'Y90003', org_name: 'Eastside Community Health' },
  ],
};

export const PARENT_P9: StandInFamilyMember = {
  sub: 'nhs-login-sub-p9',
  givenName: 'Maya',
  familyName: 'Hughes',
  email: 'maya.hughes@example.com',
  phone: '+447700900001',
  nhsNumber: '9990000018',
  birthdate: '1988-04-12',
  identityLevel: 'P9',
};

export const PARENT_P5: StandInFamilyMember = {
  sub: 'nhs-login-sub-p5',
  givenName: 'Leon',
  familyName: 'Hughes',
  email: 'leon.hughes@example.com',
  phone: '+447700900002',
  nhsNumber: '9990000026',
  birthdate: '1986-09-30',
  identityLevel: 'P5',
};
