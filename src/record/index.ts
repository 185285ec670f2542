// What other capabilities may know of the record without asking the service: types, code lists and labels.
export { KIND_NOUNS, SENSITIVE_LABELS } from './labels.js';
export { CONTACT_TYPES, NOT_ATTENDED, SENSITIVE_CATEGORIES, UNSCHEDULED_CONTACTS, type ContactType, type EntryKind, type SensitiveCategory } from './schema.js';
export { codeLists, isSnomedConceptId, medicine, observation, procedure, vaccine, type AllergyCode, type ContactReason, type Medicine } from './code-lists.js';
export { DMD, SNOMED } from './entries.js';
export { dueDays } from './immunisation-schedule.js';
export type { EntryInput } from './entry-input.js';
// An entry's own details in words (an observation's value, an allergy's reaction), for referrals that quote it.
export { detailLines } from './record-sections.js';
