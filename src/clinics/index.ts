// What other capabilities may know of clinics without asking a service: types.
export type { BookingState, ClinicFormat, ClinicNext } from './schema.js';
