// Moved to platform/http/csv.ts; kept only until src/population imports it from there.
export * from '../platform/http/csv.js';
