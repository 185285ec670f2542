import type { Appointment, AppointmentParticipant, Location } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import type { BookingState, ClinicFormat } from '../../clinics/index.js';
import { codeParam, instant, pageOf } from './common.js';
import { seeFound, seePatient } from './access.js';
import { inChildOrder, ofChunk } from './chunk.js';
import type { ChunkReading, Reading, ResourceHandler } from './handler.js';
import { basedOnParam, idsMatch, searchedFor } from './service-request.js';

/**
 * A child's booking into a hub or cluster clinic as an Appointment (id = the
 * booking's), based on the referral it was booked for. Read only: clinics are
 * booked on Joinery's pages, where double booking is refused.
 */

const WHAT = 'Clinic appointments (FHIR Appointment)';

/** A moved booking is cancelled: the new time is a booking (an Appointment) of its own. */
const STATUS: Record<BookingState, Appointment['status']> = { booked: 'booked', seen: 'fulfilled', 'did-not-attend': 'noshow', moved: 'cancelled', cancelled: 'cancelled' };
const STATUSES = ['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'checked-in', 'waitlist'] as const;

const FORMAT: Record<ClinicFormat, string> = { joint: 'Joint clinic: a paediatrician and a GP together', gpwsi: 'Clinic with a GP with a special interest' };

type BookingRow = {
  id: string; referral_id: string; child_id: string; state: BookingState; booked_at: string; end_note: string | null; starts_at: string;
  slot_minutes: number; format: ClinicFormat; paediatrician_id: string | null; paediatrician_name: string | null;
  gp_id: string; gp_name: string; venue_id: string; venue_name: string;
};

/** `chunk`: every child of a Bulk Data export's chunk, their doors opened by the caller. */
async function bookings(r: Reading, f: { id?: string; childId?: string; referralId?: string; chunk?: ChunkReading }): Promise<BookingRow[]> {
  return rows<BookingRow>(
    r.tx,
    // The names looked up for each booking found (keys that must exist), as for referrals: joined, an unanalysed
    // professional or organisation table made a chunk's read 1.8 s (decision 0045).
    sql`SELECT b.id, b.referral_id, b.child_id, b.state, b.booked_at, b.end_note, s.starts_at, cs.slot_minutes, cs.format,
               cs.paediatrician_id, (SELECT pd.name FROM professional pd WHERE pd.ics_id = cs.ics_id AND pd.id = cs.paediatrician_id) AS paediatrician_name,
               cs.gp_id, (SELECT gp.name FROM professional gp WHERE gp.ics_id = cs.ics_id AND gp.id = cs.gp_id) AS gp_name,
               cs.venue_id, (SELECT v.name FROM organisation v WHERE v.ics_id = cs.ics_id AND v.id = cs.venue_id) AS venue_name
          FROM clinic_booking b
          JOIN clinic_slot s ON s.ics_id = b.ics_id AND s.id = b.slot_id
          JOIN clinic_session cs ON cs.ics_id = s.ics_id AND cs.id = s.session_id
         WHERE ${idsMatch(r, 'b', [[sql`b.id`, f.id], [sql`b.child_id`, f.childId], [sql`b.referral_id`, f.referralId]])} AND ${ofChunk('b', f.chunk)}
         ORDER BY s.starts_at, b.booked_at, b.id`,
  );
}

const clinician = (id: string, name: string, role: string): AppointmentParticipant => ({
  type: [{ text: role }], actor: { reference: `Practitioner/${id}`, display: name }, required: 'required', status: 'accepted',
});

function toFhir(b: BookingRow): Appointment {
  const start = new Date(b.starts_at);
  // A session with live bookings cannot be cancelled (clinics/sessions.ts), so the booking's state says it all.
  const status = STATUS[b.state];
  // Appointment.participant cannot name an Organization, so the venue is a Location run by the practice.
  const venue: Location = { resourceType: 'Location', id: 'venue', name: b.venue_name, managingOrganization: { reference: `Organization/${b.venue_id}`, display: b.venue_name } };
  const cancelled = b.state === 'moved' ? 'Moved to another time' : 'Cancelled';
  return {
    resourceType: 'Appointment',
    id: b.id,
    contained: [venue],
    status,
    // Cancellation reasons are only for cancelled appointments (FHIR invariant app-4).
    ...(status === 'cancelled' ? { cancelationReason: { text: b.end_note ? `${cancelled}: ${b.end_note}` : cancelled } } : {}),
    description: FORMAT[b.format],
    start: start.toISOString(),
    end: new Date(start.getTime() + b.slot_minutes * 60_000).toISOString(),
    minutesDuration: b.slot_minutes,
    created: instant(b.booked_at),
    ...(status === 'noshow' && b.end_note ? { comment: b.end_note } : {}),
    basedOn: [{ reference: `ServiceRequest/${b.referral_id}` }],
    participant: [
      { actor: { reference: `Patient/${b.child_id}` }, required: 'required', status: 'accepted' },
      ...(b.paediatrician_id ? [clinician(b.paediatrician_id, b.paediatrician_name!, 'Paediatrician')] : []),
      clinician(b.gp_id, b.gp_name, b.format === 'gpwsi' ? 'GP with a special interest' : 'GP'),
      { actor: { reference: '#venue', display: b.venue_name }, required: 'required', status: 'accepted' },
    ],
  };
}

async function ofChild(r: Reading, childId: string): Promise<Appointment[]> {
  await seePatient(r, childId, WHAT);
  return (await bookings(r, { childId })).map(toFhir);
}

export const appointmentHandler: ResourceHandler = {
  type: 'Appointment',
  writable: false,
  documentation: 'Bookings into hub and cluster clinics, based on the referral (ServiceRequest); a moved booking is cancelled and its new time is another Appointment. Read only.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'The child (Patient/<id>): required unless based-on is given.' },
    { name: 'status', type: 'token', documentation: 'booked, fulfilled (seen), noshow (did not attend) or cancelled (moved or cancelled).' },
    basedOnParam,
  ],
  read: async (r, id) => toFhir(await seeFound(r, bookings(r, { id }), WHAT)),
  async search(r, query, page) {
    const status = codeParam(query, 'status', STATUSES);
    const all = (await bookings(r, await searchedFor(r, query, WHAT))).map(toFhir);
    return pageOf(all.filter((a) => !status || a.status === status), page);
  },
  everything: ofChild,
  everyChild: async (r) => inChildOrder(r, await bookings(r, { chunk: r })).map(toFhir),
};
