/** Code systems, identifier systems and extensions the FHIR interface speaks. */

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
/** A school's DfE Unique Reference Number, as UK Core and NHS England's immunisation feeds name it. */
export const SCHOOL_URN_SYSTEM = 'https://fhir.hl7.org.uk/Id/urn-school-number';
export const SNOMED = 'http://snomed.info/sct';
export const DMD = 'https://dmd.nhs.uk';
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const ETHNIC_CATEGORY_URL = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory';
export const ETHNIC_CATEGORY_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland';

/** Joinery's own definitions, for what no standard code system says. */
export const JOINERY = 'https://joinery.nhs.example/fhir';
export const JOINERY_CS = `${JOINERY}/CodeSystem`;
export const JOINERY_SD = `${JOINERY}/StructureDefinition`;
export const CONTACT_TYPE_SYSTEM = `${JOINERY_CS}/contact-type`;
export const FLAG_KIND_SYSTEM = `${JOINERY_CS}/safeguarding-flag`;
export const ORGANISATION_KIND_SYSTEM = `${JOINERY_CS}/organisation-kind`;
export const SENSITIVE_SYSTEM = `${JOINERY_CS}/sensitive-category`;
export const AUDIT_ACTION_SYSTEM = `${JOINERY_CS}/audit-action`;
export const IDENTITY_STATUS_SYSTEM = `${JOINERY_CS}/identity-status`;
export const PROFESSIONAL_ID_SYSTEM = `${JOINERY}/Id/professional`;
/** A professional's NHS CIS2 (Spine Directory Service) user id, 12 digits. */
export const SDS_USER_ID_SYSTEM = 'https://fhir.nhs.uk/Id/sds-user-id';
export const CLIENT_ID_SYSTEM = `${JOINERY}/Id/fhir-client`;
export const PARENTAL_RESPONSIBILITY_URL = `${JOINERY_SD}/parental-responsibility`;
/** A parent's or carer's proxy access to the child's information online, as a professional granted it (read only). */
export const PROXY_ACCESS_URL = `${JOINERY_SD}/proxy-access`;
export const PROBLEM_SIGNIFICANCE_URL = `${JOINERY_SD}/problem-significance`;
export const MEDICATION_COURSE_URL = `${JOINERY_SD}/medication-course`;

export const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
export const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
export const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
export const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
export const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
export const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const ACT_PRIORITY = 'http://terminology.hl7.org/CodeSystem/v3-ActPriority';
export const ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
export const FLAG_CATEGORY = 'http://terminology.hl7.org/CodeSystem/flag-category';
export const MEDICATION_REQUEST_COURSE = 'http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const HL7_ORGANIZATION_TYPE = 'http://terminology.hl7.org/CodeSystem/organization-type';
export const ODS_ROLE_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/organisation-role';
export const AGENCY_SYSTEM = `${JOINERY_CS}/agency`;
export const CARE_PLAN_REVIEW_URL = `${JOINERY_SD}/care-plan-review-date`;
export const REFERRAL_KIND_SYSTEM = `${JOINERY_CS}/referral-kind`;
export const VITAL_SIGNS_CATEGORY = 'vital-signs';
export const EPISODE_OF_CARE_TYPE = 'http://terminology.hl7.org/CodeSystem/episodeofcare-type';
export const WARD_PATHWAY_SYSTEM = `${JOINERY_CS}/virtual-ward-pathway`;
export const WARD_VISIT_SYSTEM = `${JOINERY_CS}/virtual-ward-visit`;
export const WARD_ESCALATION_SYSTEM = `${JOINERY_CS}/virtual-ward-escalation`;
export const WARD_OUTCOME_SYSTEM = `${JOINERY_CS}/virtual-ward-outcome`;
export const PEWS_SCORE_SYSTEM = `${JOINERY_CS}/early-warning-score`;
export const WARD_OUTCOME_URL = `${JOINERY_SD}/virtual-ward-outcome`;
