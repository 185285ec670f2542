// What other capabilities may know of care plans without asking the service: agencies.
export { AGENCY_LABELS, agencyOf, agencyOfTeam } from './agencies.js';
export type { Agency } from './schema.js';
