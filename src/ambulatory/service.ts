// The ambulatory capability's public face: PEWS scoring (the command line and the pages use the same code),
// and the children's virtual ward: referring onto a pathway, acceptance, observations and escalations,
// the caseload, visits and discharge. Each job lives in its own file.
export { readObservationSet, type ObservationSet } from './observation-set.js';
export { assessPews, pewsChartUsed } from './pews.js';
export { referToWard, pathwayChoices, SOURCE_WORDS, type ReferInput } from './refer.js';
export { decideEpisode, startOnWard, HOME_CHECKS } from './acceptance.js';
export { recordObservations, saveObservations, type Recorder } from './observations.js';
export { acknowledgeEscalation } from './escalations.js';
export { wardClockJob } from './step-up-job.js';
export { wardCaseload } from './caseload.js';
export { dischargeFromWard, dischargeLetter, OUTCOME_WORDS } from './discharge.js';
export { episodePage, scheduleVisit, recordVisit } from './episode-page.js';
export { setUpWard, type WardSetUp } from './ward-setup.js';
export { carerForm, carerRecordsObservations, wardStayForCarer, CARER_FIELDS, type CarerRecorded } from './carer-observations.js';
export { formValues, observationsFrom } from './observation-form.js';
