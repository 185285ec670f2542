import type { CareTeam } from '@medplum/fhirtypes';
import { currentTeam } from '../../children/care-team.js';
import { notFound } from '../outcome.js';
import * as store from '../store.js';
import { patientParam } from './common.js';
import { seeChild } from './access.js';
import type { Reading, ResourceHandler } from './handler.js';

/**
 * The child's care team (everyone whose membership gives them a relationship
 * with the child: key workers, action owners, clinicians) as one CareTeam,
 * whose id is the child's. Read only: membership comes from Joinery's pages.
 */
async function careTeamOf(r: Reading, childId: string): Promise<CareTeam[]> {
  if (!(await store.patientById(r.tx, childId))) throw notFound();
  await seeChild(r, childId, 'Care team (FHIR CareTeam)');
  const team = await currentTeam(r.tx, childId);
  return [{
    resourceType: 'CareTeam',
    id: childId,
    status: 'active',
    name: 'Care team',
    subject: { reference: `Patient/${childId}` },
    participant: team.map((m) => ({
      role: [{ text: m.role_in_team }],
      member: { reference: `Practitioner/${m.professional_id}`, display: m.name },
      onBehalfOf: { reference: `Organization/${m.organisation_id}`, display: m.organisation_name },
    })),
  }];
}

export const careTeamHandler: ResourceHandler = {
  type: 'CareTeam',
  writable: false,
  documentation: 'The child’s care team: each member with their role in the team and organisation. The id is the child’s. Read only.',
  searchParams: [{ name: 'patient', type: 'reference', documentation: 'Required: the child (Patient/<id>).' }],
  async read(r, id) {
    const [team] = await careTeamOf(r, id);
    return team;
  },
  search: async (r, query, p) => {
    const all = await careTeamOf(r, patientParam(query)!);
    return { resources: all.slice(p.offset, p.offset + p.count), total: all.length };
  },
  everything: careTeamOf,
};
