// Moved to src/platform/time/form-dates.ts; kept only until src/population imports it from there.
export * from '../platform/time/form-dates.js';
