// The clinics capability's public face: what another capability (or the command line) may ask of clinics.
// Its rules live in one file per job: sessions.ts (setting up and cancelling), booking.ts (booking, moving,
// did-not-attend, the waiting list) and outcome.ts (the outcome and its letter).
export { cancelSession, openSession, sessionChoices, sessionsOf, setUpSession } from './sessions.js';
export { bookReferral, recordDidNotAttend, rescheduleBooking, rescheduleChoices, slotChoices, waitingList } from './booking.js';
export { clinicLetter, outcomeForm, recordClinicOutcome } from './outcome.js';
