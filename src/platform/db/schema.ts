// Every table, for drizzle-kit and typed queries. Capabilities own their tables; this only gathers them.
export * from '../../organisations/schema.js';
export * from '../../children/schema.js';
export * from '../audit/schema.js';
export * from '../access/schema.js';
export * from '../http/schema.js';
export * from '../auth/schema.js';
export * from '../../record/schema.js';
export * from '../../worklist/schema.js';
export * from '../../fhir/schema.js';
export * from '../../careplans/schema.js';
export * from '../../tasks/schema.js';
export * from '../../mdt/schema.js';
export * from '../../referrals/schema.js';
export * from '../../clinics/schema.js';
export * from '../../letters/schema.js';
export * from '../../population/schema.js';
export * from '../../safety/schema.js';
