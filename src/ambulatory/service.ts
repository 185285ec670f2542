// What the command line uses of ambulatory care: reading an observation set and scoring PEWS.
export { readObservationSet, type ObservationSet } from './observation-set.js';
export { assessPews } from './pews.js';
