import type { BookingState } from './schema.js';

/** Where a booking stands, as it reads after "This appointment is already …": words, never a code. */
export const BOOKING_STATE_WORDS: Record<BookingState, string> = {
  booked: 'booked',
  seen: 'recorded as seen',
  'did-not-attend': 'recorded as did not attend',
  moved: 'moved to another appointment',
  cancelled: 'cancelled',
};
