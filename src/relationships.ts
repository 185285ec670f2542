import { composeChildAccess } from './platform/access/composition.js';
import { breakGlass, careTeam, childIdentities, childIdentity, childIdentitySql, registration } from './children/relationship.js';
import { clusterLead } from './organisations/relationship.js';
import { referralRelationship } from './referrals/relationship.js';
import { bookedIntoYourClinicSql } from './clinics/relationship.js';
import { mdtCase } from './mdt/relationship.js';
import { actionOwner } from './tasks/relationship.js';
import { countContactsWith } from './record/service.js';
import { countContacts } from './population/service.js';
import { virtualWardCaseload } from './ambulatory/relationship.js';
import { familyGrants } from './family/relationship.js';
import { adviceLinkHolder } from './advice/relationship.js';

/**
 * The composition root of the access door: how a child is found, and every
 * capability's relationships, strongest first (the first is the `why` a
 * decision carries). Called by the app, the command line, benches and the
 * test databases before anything opens a child.
 */
export function registerChildAccess(): void {
  composeChildAccess({
    identify: childIdentity,
    identifySql: childIdentitySql,
    identifyEach: childIdentities,
    relationships: [registration, careTeam, clusterLead, referralRelationship([bookedIntoYourClinicSql]), mdtCase, actionOwner, virtualWardCaseload, breakGlass,
      // Asked only for family members (NHS login), and only these for them.
      familyGrants,
      // Asked only for the holder of a one-time advice link, and only this for them.
      adviceLinkHolder],
  });
  // One set of facts (docs/decisions/0012): every contact recorded is counted by the population as it is written.
  countContactsWith(countContacts);
}
