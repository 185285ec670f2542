import type { CareTeam } from '@medplum/fhirtypes';
import { currentTeam, currentTeamsOfEach, type TeamMember } from '../../children/service.js';
import { caseTeam, caseTeamsOfChild, caseTeamsOfEach } from '../../mdt/service.js';
import { MDT_ACCESS_DAYS } from '../../mdt/service.js';
import { pageOf, patientParam } from './common.js';
import { seeChild, seePatient } from './access.js';
import type { ChunkReading, Reading, ResourceHandler } from './handler.js';

/**
 * The child's care team (everyone whose membership gives them a relationship
 * with the child: key workers, clinicians) as one CareTeam,
 * whose id is the child's, and each MDT case as a CareTeam of the meeting's
 * members. Read only: membership comes from Joinery's pages.
 */
const MDT_CATEGORY = { coding: [{ system: 'http://loinc.org', code: 'LA28865-6', display: 'Multidisciplinary care team' }], text: 'MDT case discussion' };

/** One MDT case as a CareTeam: the meeting's members, for the time membership gives them access. */
type CaseTeam = NonNullable<Awaited<ReturnType<typeof caseTeam>>>;

function mdtTeam(t: CaseTeam): CareTeam {
  const start = new Date(t.starts_at);
  return {
    resourceType: 'CareTeam',
    id: t.case_id,
    status: t.status === 'discussed' ? 'inactive' : 'active',
    category: [MDT_CATEGORY],
    name: `${t.title}, ${t.cluster_name}`,
    subject: { reference: `Patient/${t.child_id}` },
    period: { start: start.toISOString(), end: new Date(start.getTime() + MDT_ACCESS_DAYS * 86_400_000).toISOString() },
    participant: t.members.map((m) => ({
      role: [{ text: m.chair ? 'Chair' : 'Member' }],
      member: { reference: `Practitioner/${m.id}`, display: m.name },
      onBehalfOf: { reference: `Organization/${m.organisation_id}`, display: m.organisation_name },
    })),
  };
}

/** The child's own care team, then each MDT case they are listed for. */
function teamsOf(childId: string, team: TeamMember[], cases: CaseTeam[]): CareTeam[] {
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
  }, ...cases.map(mdtTeam)];
}

async function careTeamOf(r: Reading, childId: string): Promise<CareTeam[]> {
  await seePatient(r, childId, 'Care team and MDT cases (FHIR CareTeam)');
  return teamsOf(childId, await currentTeam(r.tx, r.actor.icsId, childId), await caseTeamsOfChild(r.tx, r.actor.icsId, childId));
}

/** Every child of an export's chunk: two statements for all of them. */
async function careTeamsOfChunk(r: ChunkReading): Promise<CareTeam[]> {
  const childIds = r.accesses.map((a) => a.childId);
  const teams = await currentTeamsOfEach(r.tx, r.actor.icsId, childIds);
  const cases = await caseTeamsOfEach(r.tx, r.actor.icsId, childIds);
  return childIds.flatMap((id) => teamsOf(id, teams.get(id) ?? [], cases.filter((c) => c.child_id === id)));
}

export const careTeamHandler: ResourceHandler = {
  type: 'CareTeam',
  writable: false,
  documentation: 'The child’s care team (id = the child’s) and each MDT case the child is listed for (id = the case’s; the meeting’s members, for the weeks membership gives access). Read only.',
  searchParams: [{ name: 'patient', type: 'reference', documentation: 'Required: the child (Patient/<id>).' }],
  async read(r, id) {
    // A child's id names their care team; an MDT case's id names that case's team.
    const mdt = await caseTeam(r.tx, r.actor.icsId, id);
    if (mdt) {
      await seeChild(r, mdt.child_id, 'MDT case team (FHIR CareTeam)');
      return mdtTeam(mdt);
    }
    const [team] = await careTeamOf(r, id);
    return team;
  },
  search: async (r, query, p) => pageOf(await careTeamOf(r, patientParam(query)!), p),
  everything: careTeamOf,
  everyChild: careTeamsOfChunk,
};
