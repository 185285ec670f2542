// What the commands (serve, synth) use of the generator.
export { DEFAULT_DEMO_EMAIL_DOMAIN, generateIcs } from './generate.js';
export { DEFAULT_EFFECTS, InterventionError, checkIntervention, clusterCountFor, loadInterventionFile, type Intervention } from './intervention.js';
export { historyMonths, monthOfDays, monthText, parseMonth } from './months.js';
