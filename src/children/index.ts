// What other capabilities may know of children without asking the service: types and code lists.
export { ETHNIC_CATEGORIES, FLAG_LABELS, ageOn } from './labels.js';
export { AGENCY_NAMES } from './consent-labels.js';
export { FLAG_KINDS, type FlagKind } from './schema.js';
export type { ChildIdentity } from './store.js';
// How an access log is filtered and its actions named: the privacy officer's log of the whole ICS reads the same.
export { accessLogHref, actionLabel, readAccessLogQuery, ACCESS_LOG_PAGE_SIZE, type AccessLogValues } from './access-log-filter.js';
