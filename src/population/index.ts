/**
 * Population health's types and code lists, for other capabilities, the
 * command line and the generator. What they may call is in service.ts.
 */
export type { Indicator } from './indicators/definitions.js';
export { UNIT_WORDS } from './indicators/definitions.js';
export { DIABETES_TECHNOLOGY } from './measures.js';
export { SUPPRESSED_WORDS, type SumRule } from './suppression.js';
export type { MonthRange } from './rollups/rollup.js';
export { METHODS } from './evaluation/result.js';
export type { CoverageResult, SimulationOptions } from './evaluation/simulate.js';
export { EFFECT_ON, POPULATION_ACTIVITY, type PopulationActivity } from './activity-rates.js';
export type { OwnPatch, PopulationAction } from './policy.js';
export type { PointType } from './spc.js';
