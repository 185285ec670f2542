/**
 * The register of care models: its code lists and types, for the command
 * line and other capabilities. What they may call is in service.ts.
 */

export const MODEL_TYPES = {
  'child-health-hub': 'Child health hub',
  'cluster-clinic': 'Cluster clinic',
  'advice-line': 'Advice and guidance line',
  'virtual-ward': 'Virtual ward',
  'mdt-care-planning': 'MDT care planning',
  other: 'Other',
} as const;
export type ModelType = keyof typeof MODEL_TYPES;

/** The mechanisms the seed papers name by which integrated care is meant to work. */
export const MECHANISMS = {
  'shared-responsibility': 'Shared responsibility between GP and paediatrician',
  'upskilling-gps': 'Upskilling GPs and practice staff',
  relationships: 'Relationships between professionals',
  'closer-to-home': 'Specialist care closer to home',
} as const;
export type Mechanism = keyof typeof MECHANISMS;

export const STAFF_GROUPS = {
  gp: 'GPs',
  'practice-nurse': 'Practice nurses',
  paediatrician: 'Paediatricians',
  'health-visitor': 'Health visitors',
  'community-nurse': 'Community children’s nurses',
  dietitian: 'Dietitians',
  'mental-health': 'Mental health (CAMHS)',
  'social-care': 'Social care',
  pharmacist: 'Pharmacists',
  education: 'Education',
} as const;
export type StaffGroup = keyof typeof STAFF_GROUPS;

/**
 * How a model is set up, as attributes that can be put side by side. A
 * number left out is not known (null), never zero.
 */
export type Configuration = {
  practices: number | null;
  children: number | null;
  /** Paediatrician sessions (half days) a month given to the model. */
  paediatricianSessionsPerMonth: number | null;
  jointClinicEveryWeeks: number | null;
  mdtEveryWeeks: number | null;
  /** The hours within which an advice request is promised an answer. */
  adviceResponseHours: number | null;
  staffGroups: StaffGroup[];
  practiceChampions: number | null;
  /** When it runs, in words (e.g. weekdays 9 to 5). */
  hours: string;
  fundingPerYear: number | null;
  /** The day the model began, as the ICS describes it (ISO date); the hubs' own starts are recorded beside. */
  startDate: string | null;
  lead: string;
};

/** The numeric attributes, in the order the comparison shows them, with their words and unit. */
export const NUMERIC_ATTRIBUTES = [
  ['practices', 'Practices covered', ''],
  ['children', 'Children covered', ''],
  ['paediatricianSessionsPerMonth', 'Paediatrician sessions a month', ''],
  ['jointClinicEveryWeeks', 'Joint clinic every', 'weeks'],
  ['mdtEveryWeeks', 'MDT meeting every', 'weeks'],
  ['adviceResponseHours', 'Advice answered within', 'hours'],
  ['practiceChampions', 'Practice champions', ''],
  ['fundingPerYear', 'Funding a year (£)', ''],
] as const satisfies readonly (readonly [keyof Configuration, string, string])[];

export type RegisteredHub = { clusterId: string; hub: string; start: string; rampMonths: number };

/** What describes a model: as typed in the register's form or read from an import. */
export type ModelDescription = {
  name: string;
  title: string;
  type: ModelType;
  configuration: Configuration;
  mechanisms: Mechanism[];
  earlyIndicators: string[];
  finalOutcomes: string[];
};

/** A model as the register shows and exports it. */
export type RegisteredModel = ModelDescription & {
  hubs: RegisteredHub[];
  version: number;
  /** False for a model recorded as started in hubs but not yet described in the register. */
  described: boolean;
};

export const EXPORT_FORMAT = 'joinery-care-model-register';

/** The integration checklist's placeholder items, for the demo generator. */
export { PLACEHOLDER_ITEMS, AREAS } from './checklist-items.js';
