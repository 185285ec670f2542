/**
 * The references each served type carries, by its R4 search parameter: the
 * element paths (dotted, arrays flattened) and the types Joinery can serve
 * there. Only elements a handler gives (its own mapping, or kept as sent and
 * re-pointed at Joinery's ids: as-sent.ts) are named, so `_include` and the
 * CapabilityStatement's searchInclude say the same, and no more than works.
 */
export type IncludePath = { paths: string[]; targets: string[] };

const CHILD = { paths: ['subject'], targets: ['Patient'] };
const WHO = ['Practitioner', 'Organization', 'Patient', 'RelatedPerson'];
/** A record entry's child and the encounter it was recorded in (Condition, Procedure, Observation, MedicationRequest). */
const ENTRY = { patient: CHILD, subject: CHILD, encounter: { paths: ['encounter'], targets: ['Encounter'] } };

export const INCLUDE_PATHS: Record<string, Record<string, IncludePath>> = {
  Patient: { 'general-practitioner': { paths: ['generalPractitioner'], targets: ['Organization'] } },
  RelatedPerson: { patient: { paths: ['patient'], targets: ['Patient'] } },
  Flag: { patient: CHILD, subject: CHILD, author: { paths: ['author'], targets: ['Organization', 'Practitioner'] } },
  Encounter: {
    patient: CHILD, subject: CHILD,
    'service-provider': { paths: ['serviceProvider'], targets: ['Organization'] },
    participant: { paths: ['participant.individual'], targets: ['Practitioner', 'RelatedPerson'] },
    practitioner: { paths: ['participant.individual'], targets: ['Practitioner'] },
    'episode-of-care': { paths: ['episodeOfCare'], targets: ['EpisodeOfCare'] },
  },
  Condition: { ...ENTRY, asserter: { paths: ['asserter'], targets: WHO } },
  AllergyIntolerance: {
    patient: { paths: ['patient'], targets: ['Patient'] },
    asserter: { paths: ['asserter'], targets: WHO }, recorder: { paths: ['recorder'], targets: WHO },
  },
  MedicationRequest: {
    ...ENTRY, requester: { paths: ['requester'], targets: WHO }, 'intended-performer': { paths: ['performer'], targets: WHO },
  },
  MedicationStatement: {
    patient: CHILD, subject: CHILD, context: { paths: ['context'], targets: ['Encounter', 'EpisodeOfCare'] }, source: { paths: ['informationSource'], targets: WHO },
  },
  Immunization: { patient: { paths: ['patient'], targets: ['Patient'] }, performer: { paths: ['performer.actor'], targets: ['Practitioner', 'Organization'] } },
  Procedure: { ...ENTRY, performer: { paths: ['performer.actor'], targets: WHO } },
  Observation: {
    ...ENTRY, performer: { paths: ['performer'], targets: WHO }, 'derived-from': { paths: ['derivedFrom'], targets: ['Observation'] },
  },
  CareTeam: { patient: CHILD, subject: CHILD, participant: { paths: ['participant.member'], targets: WHO } },
  CarePlan: { patient: CHILD, subject: CHILD, goal: { paths: ['goal'], targets: ['Goal'] }, performer: { paths: ['activity.detail.performer'], targets: WHO } },
  Goal: { patient: CHILD, subject: CHILD },
  ServiceRequest: { patient: CHILD, subject: CHILD, requester: { paths: ['requester'], targets: WHO }, performer: { paths: ['performer'], targets: WHO } },
  Appointment: {
    patient: { paths: ['participant.actor'], targets: ['Patient'] }, actor: { paths: ['participant.actor'], targets: WHO },
    practitioner: { paths: ['participant.actor'], targets: ['Practitioner'] }, 'based-on': { paths: ['basedOn'], targets: ['ServiceRequest'] },
  },
  Communication: {
    patient: CHILD, subject: CHILD, sender: { paths: ['sender'], targets: WHO }, 'based-on': { paths: ['basedOn'], targets: ['ServiceRequest'] },
  },
  AuditEvent: { patient: { paths: ['entity.what'], targets: ['Patient'] }, agent: { paths: ['agent.who'], targets: ['Practitioner'] } },
  Consent: { patient: { paths: ['patient'], targets: ['Patient'] } },
  EpisodeOfCare: {
    patient: { paths: ['patient'], targets: ['Patient'] }, organization: { paths: ['managingOrganization'], targets: ['Organization'] },
    'care-manager': { paths: ['careManager'], targets: ['Practitioner'] },
  },
};

/** What a reference search parameter can name, for `_revinclude`: the child, or a referral. */
export const REVINCLUDE_TARGETS: Record<string, string[]> = { patient: ['Patient'], subject: ['Patient'], 'based-on': ['ServiceRequest'] };
