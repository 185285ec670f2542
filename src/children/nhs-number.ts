// Moved to src/platform/identity/nhs-number.ts; kept only until src/population imports it from there.
export * from '../platform/identity/nhs-number.js';
