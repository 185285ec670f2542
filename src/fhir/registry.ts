import { allergyHandler } from './resources/allergy-intolerance.js';
import { appointmentHandler } from './resources/appointment.js';
import { auditEventHandler } from './resources/audit-event.js';
import { carePlanHandler, goalHandler } from './resources/care-plan.js';
import { careTeamHandler } from './resources/care-team.js';
import { communicationHandler } from './resources/communication.js';
import { consentHandler } from './resources/consent.js';
import { conditionHandler } from './resources/condition.js';
import { alongside } from './resources/alongside.js';
import { encounterHandler } from './resources/encounter.js';
import { episodeOfCareHandler } from './resources/episode-of-care.js';
import { flagHandler } from './resources/flag.js';
import type { ResourceHandler } from './resources/handler.js';
import { immunizationHandler } from './resources/immunization.js';
import { medicationRequestHandler, medicationStatementHandler } from './resources/medication.js';
import { observationHandler } from './resources/observation.js';
import { organizationHandler } from './resources/organization.js';
import { patientHandler } from './resources/patient.js';
import { practitionerHandler } from './resources/practitioner.js';
import { procedureHandler } from './resources/procedure.js';
import { questionnaireResponseHandler } from './resources/questionnaire-response.js';
import { relatedPersonHandler } from './resources/related-person.js';
import { serviceRequestHandler } from './resources/service-request.js';
import { isWardObservationId, wardObservations } from './resources/ward-observations.js';
import { wardEscalations } from './resources/ward-escalations.js';
import { wardVisits } from './resources/ward-visits.js';

/** Every resource type the interface serves, in the order an import writes them (what others refer to first). */
export const HANDLERS: ResourceHandler[] = [
  organizationHandler, practitionerHandler, patientHandler, relatedPersonHandler, alongside(flagHandler, wardEscalations), alongside(encounterHandler, wardVisits),
  conditionHandler, allergyHandler, medicationRequestHandler, medicationStatementHandler, immunizationHandler, procedureHandler,
  alongside(observationHandler, wardObservations), careTeamHandler, carePlanHandler, goalHandler, serviceRequestHandler, appointmentHandler, communicationHandler, auditEventHandler,
  consentHandler, questionnaireResponseHandler, episodeOfCareHandler,
];

const byType = new Map(HANDLERS.map((h) => [h.type, h]));

export const handlerFor = (type: string): ResourceHandler | undefined => byType.get(type);

/** Where a type comes in an import: organisations, then patients, then what refers to them. */
export const importRank = (type: string): number => {
  const i = HANDLERS.findIndex((h) => h.type === type);
  return i < 0 ? HANDLERS.length : i;
};

/** Ids of most types are Joinery's UUIDs; carers join two, audit events are numbers. */
export function plausibleId(type: string, id: string): boolean {
  if (type === 'RelatedPerson') return /^[0-9a-f]{64}$/.test(id);
  if (type === 'AuditEvent') return /^\d{1,18}$/.test(id);
  // A part of a virtual ward observation set: the set's id and the part (…-hr).
  if (type === 'Observation' && isWardObservationId(id.toLowerCase())) return true;
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id);
}
