import type { ContactType, EntryKind, SensitiveCategory } from './schema.js';

/** Words for the shared record's codes, as a clinician reads them. */

export const SENSITIVE_LABELS: Record<SensitiveCategory, string> = {
  'sexual-health': 'Sexual health',
  'termination-of-pregnancy': 'Termination of pregnancy',
  fertility: 'Fertility treatment',
  'gender-reassignment': 'Gender reassignment',
  'confidential-from-parents': 'The young person asked to keep this from their parents or carers',
};

export const CONTACT_TYPE_LABELS: Record<ContactType, string> = {
  ed: 'Emergency department',
  'urgent-care': 'Urgent care',
  'out-of-hours': 'Out of hours',
  admission: 'Hospital admission',
  outpatient: 'Outpatient appointment',
  gp: 'GP appointment',
  community: 'Community health',
  'mental-health': 'Mental health',
  'social-care': 'Social care',
};

/** What one entry of each kind is called in a sentence: "Add an allergy". */
export const KIND_NOUNS: Record<EntryKind, { one: string; article: 'a' | 'an' }> = {
  allergy: { one: 'allergy or adverse reaction', article: 'an' },
  medication: { one: 'medicine', article: 'a' },
  problem: { one: 'problem or significant history', article: 'a' },
  procedure: { one: 'procedure', article: 'a' },
  immunisation: { one: 'immunisation', article: 'an' },
  observation: { one: 'observation', article: 'an' },
  'anticipatory-care': { one: 'piece of anticipatory care information', article: 'a' },
  'communication-need': { one: 'communication need or reasonable adjustment', article: 'a' },
};

/** The description field's label for each kind. */
export const DISPLAY_LABELS: Record<EntryKind, { label: string; hint: string }> = {
  allergy: { label: 'Substance or allergy', hint: 'For example, Allergy to peanut, or Penicillin' },
  medication: { label: 'Medicine', hint: 'Name, strength and form, for example Salbutamol 100 micrograms inhaler' },
  problem: { label: 'Problem or diagnosis', hint: 'For example, Asthma, or Fractured left wrist' },
  procedure: { label: 'Procedure', hint: 'For example, Tonsillectomy' },
  immunisation: { label: 'Vaccine', hint: 'Type its name, or leave this empty and select a routine vaccine from the list below' },
  observation: { label: 'What was observed or measured', hint: 'For example, Body weight' },
  'anticipatory-care': { label: 'Summary', hint: 'A short title, for example What to do in a seizure' },
  'communication-need': { label: 'Communication need', hint: 'For example, Uses British Sign Language' },
};

/** Status words; a kind may give a status its own words (a medicine "completed" is a finished course). */
const STATUS_WORDS: Record<string, string> = {
  active: 'Active',
  inactive: 'Inactive',
  resolved: 'Resolved',
  stopped: 'Stopped',
  completed: 'Completed',
  'not-done': 'Not given',
  final: 'Final',
  preliminary: 'Preliminary (not final)',
  registered: 'Registered (no result yet)',
  amended: 'Amended',
  corrected: 'Corrected',
  cancelled: 'Cancelled',
  'on-hold': 'On hold',
  draft: 'Draft (not yet authorised)',
  intended: 'Intended (not yet started)',
  'not-taken': 'Not taken',
  unknown: 'Status unknown',
  'entered-in-error': 'Entered in error',
};
const KIND_STATUS_WORDS: Partial<Record<EntryKind, Record<string, string>>> = {
  medication: { active: 'Current', completed: 'Course completed' },
  immunisation: { completed: 'Given' },
  problem: { resolved: 'Past (resolved)' },
};

export function statusLabel(kind: EntryKind, status: string): string {
  return KIND_STATUS_WORDS[kind]?.[status] ?? STATUS_WORDS[status] ?? status;
}

/** The tag colour for a status: what is current stands out, what is over is grey. */
export function statusTagClass(status: string): string {
  if (status === 'active') return 'nhsuk-tag--green';
  if (status === 'not-done' || status === 'entered-in-error') return 'nhsuk-tag--red';
  if (['preliminary', 'registered', 'unknown', 'on-hold', 'draft', 'intended'].includes(status)) return 'nhsuk-tag--yellow';
  return 'nhsuk-tag--grey';
}

export const SEVERITY_LABELS: Record<string, string> = { mild: 'Mild', moderate: 'Moderate', severe: 'Severe' };
export const ALLERGY_CATEGORY_LABELS: Record<string, string> = {
  food: 'Food', medication: 'Medicine', environment: 'Environment (for example pollen, animals)', biologic: 'Biological product (for example a vaccine or blood product)',
};
export const COURSE_LABELS: Record<string, string> = { repeat: 'Repeat (continuing)', acute: 'Acute (a single course)' };
export const SIGNIFICANCE_LABELS: Record<string, string> = { major: 'Major', minor: 'Minor' };

export const SCHEDULE_STATUS_LABELS: Record<string, { text: string; classes: string }> = {
  given: { text: 'Given', classes: 'nhsuk-tag--green' },
  due: { text: 'Due', classes: 'nhsuk-tag--yellow' },
  overdue: { text: 'Overdue', classes: 'nhsuk-tag--red' },
  'not-yet-due': { text: 'Not yet due', classes: 'nhsuk-tag--grey' },
};
