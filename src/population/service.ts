/**
 * Population health's public face. Other capabilities, the command line and
 * the generator use population only through this file, index.ts (types and
 * code lists) and schema.ts (tables, for foreign keys and the generator's
 * writes). Pages and their rules live in the sub-folders: activity-import,
 * rollups, dashboards, indicators, case-finding and evaluation.
 */

/** Who may do what with population health (navigation and the home page ask it too). */
export { populationPolicy } from './policy.js';

// Hospital and GP activity, imported from a file on the command line.
export { ActivityFileError, DEFAULT_SOURCE, importActivity, readActivityHeader, rejectFileFor } from './activity-import/import-activity.js';
/** England's clock, by which activity rows and ambulatory observations are dated and children's ages counted. */
export { ageOn, londonDate, londonWallToUtc, parseOccurredAt } from './activity-import/activity-row.js';

// The rollups every dashboard reads: the generator rolls up what it writes.
export { activityMonths, refreshAreaTotals, rollUpEverything, rollUpWardStay } from './rollups/rollup.js';

// Indicators: the built-in and the ICS's own.
export { listIndicators } from './indicators/definitions.js';
export { addIndicator } from './indicators/service.js';

// Statistical process control, and keeping small numbers from identifying a child.
export { spc } from './spc.js';
export { isSmallNumber, withheldFigures } from './suppression.js';

// Evaluating a care model, and how often its intervals hold the truth over simulated ICSs.
export { careModels, type CareModel } from './evaluation/care-models.js';
export { CannotEvaluateError, evaluateModel, modelMonthlySums, UnknownIndicatorError, UnknownModelError, type ModelMonthlySums } from './evaluation/evaluate.js';
export { coverage, SIMULATION_DEFAULTS } from './evaluation/simulate.js';
export { poissonDraw } from './evaluation/poisson.js';
export { normalCdf, studentTQuantile } from './evaluation/distributions.js';
export { monthDate, monthIndex } from './evaluation/months.js';

/** How often children use services: the truth the generator draws activity from and the evaluation's simulation tests against. */
export { effectMultiplier, monthlyRate, seasonal } from './activity-rates.js';

// Charts other capabilities' population pages draw the same way (feedback's SPC chart).
export { trendChart, trendMark, xmrChart, type TrendChartInput, type XmrChartInput, type ChartSvgs } from './charts.js';
export { variationWords } from './spc-words.js';
export { SUPPRESSED_WORDS } from './suppression.js';
/** The record's contacts, counted as activity as they are recorded (pages, FHIR): see docs/decisions/0012. */
export { COUNTED_CONTACT_TYPES, countContacts, type RecordedContact } from './counted-contacts.js';
