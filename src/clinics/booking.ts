import crypto from 'node:crypto';
import { z } from 'zod';
import { databaseError, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, auditListedChildren, openChild, type ChildAccess } from '../platform/access/door.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { parseInput, text } from '../platform/http/validate.js';
import { childNames } from '../children/service.js';
import { hubById } from '../organisations/service.js';
import { londonDateAndTime, londonToday } from '../platform/time/form-dates.js';
import { longDate } from '../platform/time/calendar-days.js';
import { moveReferral, referralById } from '../referrals/service.js';
import type { ReferralRow, ReferralState } from '../referrals/index.js';
import { STATE_LABELS, URGENCY_LABELS } from '../referrals/index.js';
import { pageWindow } from '../platform/http/paging.js';
import { addToWorklists, doneForEveryone, openItemsOfKind } from '../worklist/service.js';
import { clinicPolicy } from './policy.js';
import { BOOKING_STATE_WORDS } from './labels.js';
import * as store from './store.js';

/**
 * Booking children into hub clinics, by the hub clinic administrator: the
 * list of who is waiting, choosing a slot, moving an appointment and
 * recording that a child did not attend. A slot is held by at most one
 * booking, and a referral has at most one live booking: the database's
 * partial unique indexes guarantee both, so two administrators booking at
 * once can never double-book; the one who loses is told (409).
 */

export const SLOT_TAKEN = 'That slot was just taken by another booking. Nothing was saved: choose another appointment.';
const REFERRAL_TAKEN = 'This child was just booked by someone else. Nothing of yours was saved: open the booking list again to see it.';

/** Turns a unique-index refusal of a booking into the 409 the person reads. */
function refusedBooking(error: unknown): never {
  const e = databaseError(error);
  if (e.code !== '23505') throw error;
  throw new ConflictError(e.message.includes('clinic_booking_referral_live_idx') ? REFERRAL_TAKEN : SLOT_TAKEN);
}

async function insertBooking(tx: Tx, actor: Actor, slotId: string, r: ReferralRow): Promise<string> {
  const id = crypto.randomUUID();
  await store.insertBooking(tx, actor, { id, slotId, referralId: r.id, childId: r.child_id }).catch(refusedBooking);
  return id;
}

function mayBook(actor: Actor) {
  const decision = clinicPolicy.book(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision.why;
}

/** The door to the referral's child, for someone mayBook has already let book (a role, not a relationship to the child). */
const openForBooking = (tx: Tx, actor: Actor, r: ReferralRow): Promise<ChildAccess> =>
  openChild(tx, actor, r.child_id, { rule: () => clinicPolicy.book(actor), refused: 'booking a clinic appointment' });

/** The day of a clinic as people read it: "23 November 2026" (London time). */
const clinicDay = (at: string | Date) => longDate(londonDateAndTime(at).date);

/**
 * The slot a child may be booked into, or why not: it must exist, be in the
 * hub the referral went to, in a session not cancelled, still to come, and free.
 */
async function bookableSlot(tx: Tx, actor: Actor, slotId: string, r: ReferralRow, now: Date) {
  // Holds the session FOR SHARE: it cannot be cancelled until this booking lands or fails.
  const found = await store.slotById(tx, actor.icsId, slotId);
  if (!found) throw new ValidationError({ slotId: 'Select an appointment from the list' });
  const { slot, session } = found;
  if (session.cluster_id !== r.cluster_id) throw new ValidationError({ slotId: `That appointment is at a ${session.cluster_name} clinic, but this child’s referral is to another hub: choose one of its own clinics.` });
  if (session.cancelled_at) throw new ValidationError({ slotId: 'That clinic has been cancelled: choose another appointment.' });
  if (new Date(slot.starts_at).getTime() <= now.getTime()) throw new ValidationError({ slotId: 'That appointment time has already passed: choose one still to come.' });
  if (slot.taken) throw new ConflictError(SLOT_TAKEN);
  return { slot, session };
}

/** Worklist items for the session's clinicians and (unless told already) the referring GP. */
async function tellReferrerAndClinicians(tx: Tx, actor: Actor, r: ReferralRow, session: store.SessionRow, title: string, referrer = true) {
  const clinicians = [session.paediatrician_id, session.gp_id].filter((id): id is string => !!id && id !== r.referrer_id);
  await addToWorklists(tx, actor.icsId, [
    ...(referrer ? [{ professionalId: r.referrer_id, kind: 'clinic-booking', childId: r.child_id, title, link: `/referrals/${r.id}` }] : []),
    ...clinicians.map((professionalId) => ({ professionalId, kind: 'clinic-booking', childId: r.child_id, title, link: `/clinics/${session.id}` })),
  ]);
}

const bookShape = z.object({
  slotId: z.guid({ error: 'Select an appointment' }),
  version: z.coerce.number({ error: 'Reload the page and try again' }).int().positive().optional(),
});

/**
 * Books a referral waiting for a clinic into a slot: the booking and the
 * referral's move to booked land together or not at all. A child who missed
 * their appointment is offered another in the same step. Without a version
 * the referral's current one is used (a caller that has just read it).
 *
 * bookReferral(tx, actor, referralId, { slotId, version? }, now?) → booking id
 */
export async function bookReferral(tx: Tx, actor: Actor, referralId: string, raw: unknown, now = new Date()): Promise<string> {
  const why = mayBook(actor);
  const input = parseInput(bookShape, raw);
  const r = await referralById(tx, actor.icsId, referralId);
  if (!r) throw new NotFoundError();
  if (r.state !== 'awaiting-booking' && r.state !== 'did-not-attend') {
    throw new ConflictError(`This referral is not waiting for a clinic (its status is “${STATE_LABELS[r.state]}”). Nothing was saved.`);
  }
  const { slot, session } = await bookableSlot(tx, actor, input.slotId, r, now);
  const today = londonToday(now);
  let version = input.version ?? r.version;
  if (r.state === 'did-not-attend') await moveReferral(tx, actor, r.id, { to: 'awaiting-booking', version: version++ }, today);
  const id = await insertBooking(tx, actor, slot.id, r);
  await moveReferral(tx, actor, r.id, { to: 'booked', version }, today);
  await tellReferrerAndClinicians(tx, actor, r, session, `Booked: ${session.cluster_name} clinic at ${session.venue_name}, ${clinicDay(slot.starts_at)}`);
  await auditChild(tx, await openForBooking(tx, actor, r), { action: 'clinic.book', what: `Booked into the ${session.cluster_name} clinic on ${clinicDay(slot.starts_at)}`, why, details: { bookingId: id, referralId: r.id } });
  return id;
}

const moveShape = bookShape.extend({ reason: text('the reason for moving the appointment', { max: 1000, multiline: true }) });

/** The booking, if it is still booked, with its referral. */
async function liveBooking(tx: Tx, actor: Actor, bookingId: string) {
  const booking = await store.bookingById(tx, actor.icsId, bookingId);
  if (!booking) throw new NotFoundError();
  if (booking.state !== 'booked') throw new ConflictError(`This appointment is already ${BOOKING_STATE_WORDS[booking.state]}. Nothing was saved.`);
  const r = (await referralById(tx, actor.icsId, booking.referral_id))!;
  return { booking, r };
}

/**
 * Moves a child's appointment to another slot, with the reason: the old
 * booking is kept as moved (freeing its slot), the new one made, and the
 * referral records the reschedule.
 */
export async function rescheduleBooking(tx: Tx, actor: Actor, bookingId: string, raw: unknown, now = new Date()): Promise<string> {
  const why = mayBook(actor);
  const input = parseInput(moveShape, raw);
  const { booking, r } = await liveBooking(tx, actor, bookingId);
  if (input.slotId === booking.slot_id) throw new ValidationError({ slotId: 'The child is already booked into this appointment: choose another.' });
  const { slot, session } = await bookableSlot(tx, actor, input.slotId, r, now);
  if (!(await store.endBooking(tx, actor, booking.id, { state: 'moved', note: input.reason }))) throw new ConflictError('Someone else changed this appointment just now. Nothing of yours was saved.');
  const id = await insertBooking(tx, actor, slot.id, r);
  await moveReferral(tx, actor, r.id, { to: 'booked', note: input.reason, version: input.version ?? r.version }, londonToday(now));
  const old = (await store.sessionById(tx, actor.icsId, booking.session_id))!;
  const title = `Moved: ${session.cluster_name} clinic now at ${session.venue_name}, ${clinicDay(slot.starts_at)}`;
  await tellReferrerAndClinicians(tx, actor, r, session, title);
  if (old.id !== session.id) await tellReferrerAndClinicians(tx, actor, r, old, `Moved out of your clinic on ${clinicDay(booking.slot_starts_at)}`, false);
  // A family's request to change this appointment (on the administrators' worklists) is answered by the move.
  await doneForEveryone(tx, actor.icsId, `/clinics/bookings/${booking.id}/reschedule`);
  await auditChild(tx, await openForBooking(tx, actor, r), { action: 'clinic.reschedule', what: `Appointment moved from ${clinicDay(booking.slot_starts_at)} to ${clinicDay(slot.starts_at)}: ${input.reason}`, why, details: { from: booking.id, to: id } });
  return id;
}

/**
 * Records that the child did not come: once the appointment has begun, the
 * booking and the referral both say so, and the referring GP and the
 * clinicians are told. The slot stays used; the child waits to be offered
 * another appointment (booking them again does that).
 */
export async function recordDidNotAttend(tx: Tx, actor: Actor, bookingId: string, raw: unknown, now = new Date()): Promise<string> {
  const why = mayBook(actor);
  const { version } = parseInput(bookShape.pick({ version: true }), raw);
  const { booking, r } = await liveBooking(tx, actor, bookingId);
  if (new Date(booking.slot_starts_at).getTime() > now.getTime()) throw new ConflictError('This appointment has not begun yet: record that the child did not attend once it has.');
  if (!(await store.endBooking(tx, actor, booking.id, { state: 'did-not-attend' }))) throw new ConflictError('Someone else changed this appointment just now. Nothing of yours was saved.');
  await moveReferral(tx, actor, r.id, { to: 'did-not-attend', version: version ?? r.version }, londonToday(now));
  const session = (await store.sessionById(tx, actor.icsId, booking.session_id))!;
  await tellReferrerAndClinicians(tx, actor, r, session, `Did not attend: ${session.cluster_name} clinic, ${clinicDay(booking.slot_starts_at)}`);
  await auditChild(tx, await openForBooking(tx, actor, r), { action: 'clinic.did-not-attend', what: `Did not attend the ${session.cluster_name} clinic on ${clinicDay(booking.slot_starts_at)}`, why, details: { bookingId } });
  return session.id;
}

/** Children shown per page of the booking list. */
const WAITING_PAGE = 50;

/**
 * Referrals waiting for a clinic across the ICS, most urgent and longest
 * waiting first, each child named (name and NHS number only: the
 * administrator books, and does not read the record). Each child shown is
 * audited, in one batch. A page past the end shows the last page, and says so.
 */
export async function waitingList(tx: Tx, actor: Actor, page = 1, now = new Date()) {
  const why = mayBook(actor);
  const window = pageWindow(await store.countWaitingForClinic(tx, actor.icsId), page, WAITING_PAGE);
  const waiting = await store.waitingForClinic(tx, actor.icsId, window);
  const names = new Map((await childNames(tx, actor.icsId, waiting.map((w) => w.child_id))).map((c) => [c.id, c]));
  await auditListedChildren(tx, actor, why, waiting.map((w) => ({ childId: w.child_id, action: 'clinic.waiting-list', what: `Waiting for a ${w.cluster_name} clinic`, details: { referralId: w.id } })));
  const list = waiting.map((w) => ({
    ...w, child: names.get(w.child_id)!, urgencyLabel: URGENCY_LABELS[w.urgency],
    waitingDays: Math.max(0, Math.floor((now.getTime() - new Date(w.referred_at).getTime()) / 86_400_000)),
  }));
  return { waiting: list, window, pastEnd: window.total > 0 && page > window.page, changeRequests: await changeRequests(tx, actor, why) };
}

/**
 * Families' requests to change an appointment, from their own pages: on the
 * administrator's worklist until the booking is moved. Each names its child
 * (name and NHS number, as the waiting list does: the administrator moves
 * the booking), audited as shown.
 */
async function changeRequests(tx: Tx, actor: Actor, why: string) {
  const requests = await openItemsOfKind(tx, actor, 'family-change-request', why);
  const named = new Map((await childNames(tx, actor.icsId, [...new Set(requests.flatMap((r) => (r.child_id ? [r.child_id] : [])))])).map((c) => [c.id, c]));
  await auditListedChildren(tx, actor, why, requests.flatMap((r) => (r.child_id ? [{
    childId: r.child_id, action: 'clinic.change-request-list', what: 'Named in families’ requests to change an appointment', details: { itemId: r.id },
  }] : [])));
  return requests.map((r) => ({ ...r, child: r.child_id ? named.get(r.child_id) ?? null : null }));
}

/** Referral states a slot may be chosen in: waiting for a clinic, or booked (to move the appointment). */
const CHOOSING: ReadonlySet<ReferralState> = new Set<ReferralState>(['awaiting-booking', 'did-not-attend', 'booked']);

/**
 * The choices for one referral, once the actor may book: the child, the live
 * booking (`live` when the caller has just read it), and the hub's free
 * slots. Any other referral is refused before its child is read or audited.
 */
async function choicesFor(tx: Tx, actor: Actor, why: string, referralId: string, live?: store.BookingRow) {
  const r = await referralById(tx, actor.icsId, referralId);
  if (!r) throw new NotFoundError();
  if (!CHOOSING.has(r.state)) throw new ConflictError(`This referral is not waiting for a clinic (its status is “${STATE_LABELS[r.state]}”), so there is no appointment to choose.`);
  const [child] = await childNames(tx, actor.icsId, [r.child_id]);
  const booking = live ?? (await store.liveBookingOf(tx, actor.icsId, r.id));
  const session = booking ? await store.sessionById(tx, actor.icsId, booking.session_id) : undefined;
  await auditChild(tx, await openForBooking(tx, actor, r), { action: 'clinic.choose-slot', what: 'Choosing a clinic appointment', why, details: { referralId } });
  const hub = (await hubById(tx, actor.icsId, r.cluster_id))!;
  return { referral: r, hub: hub.name, child, booking, session, slots: await store.freeSlots(tx, actor.icsId, r.cluster_id), urgencyLabel: URGENCY_LABELS[r.urgency] };
}

/** What the administrator needs to choose a slot for one referral: the child, any live booking, and the hub's free slots. */
export async function slotChoices(tx: Tx, actor: Actor, referralId: string) {
  return choicesFor(tx, actor, mayBook(actor), referralId);
}

/** Choosing a new slot for a booked child: the same choices, for the booking's referral. */
export async function rescheduleChoices(tx: Tx, actor: Actor, bookingId: string) {
  const why = mayBook(actor);
  const booking = await store.bookingById(tx, actor.icsId, bookingId);
  if (!booking) throw new NotFoundError();
  return choicesFor(tx, actor, why, booking.referral_id, booking.state === 'booked' ? booking : undefined);
}
