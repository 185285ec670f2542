import { allergyHandler } from './resources/allergy-intolerance.js';
import { appointmentHandler } from './resources/appointment.js';
import { auditEventHandler } from './resources/audit-event.js';
import { carePlanHandler, goalHandler } from './resources/care-plan.js';
import { careTeamHandler } from './resources/care-team.js';
import { communicationHandler } from './resources/communication.js';
import { consentHandler } from './resources/consent.js';
import { conditionHandler } from './resources/condition.js';
import { encounterHandler } from './resources/encounter.js';
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

/** Every resource type the interface serves, in the order an import writes them (what others refer to first). */
export const HANDLERS: ResourceHandler[] = [
  organizationHandler, practitionerHandler, patientHandler, relatedPersonHandler, flagHandler, encounterHandler,
  conditionHandler, allergyHandler, medicationRequestHandler, medicationStatementHandler, immunizationHandler, procedureHandler,
  observationHandler, careTeamHandler, carePlanHandler, goalHandler, serviceRequestHandler, appointmentHandler, communicationHandler, auditEventHandler,
  consentHandler, questionnaireResponseHandler,
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
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id);
}
