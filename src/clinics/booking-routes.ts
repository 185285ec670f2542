import type { FastifyReply } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { ConflictError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { bodyOf, field as str, pageNumber } from '../platform/http/form-body.js';
import { listHref, paginationLinks } from '../platform/http/paging.js';
import { URGENCY_TAGS } from '../referrals/index.js';
import { flag, refusedPage } from './form.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import { dateWithWeekday } from '../platform/time/due-words.js';
import * as booking from './booking.js';

/** The hub clinic administrator's pages: who is waiting, booking, moving an appointment, did not attend. */

const SLOT_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

type Choices = Awaited<ReturnType<typeof booking.slotChoices>>;

/**
 * The free appointments grouped by London day, soonest first: one heading
 * (a fieldset's legend) per day rather than one long list of radios, and
 * still one form that works without JavaScript.
 */
function slotsByDay(slots: Choices['slots'], chosen: string | undefined) {
  const days = new Map<string, { day: string; legend: string; items: unknown[] }>();
  for (const s of slots) {
    const { date, time } = londonDateAndTime(s.starts_at);
    if (!days.has(date)) days.set(date, { day: date, legend: dateWithWeekday(date), items: [] });
    days.get(date)!.items.push({
      value: s.id, text: `${time}, ${s.venue_name}`, checked: chosen === s.id,
      hint: { text: s.format === 'joint' ? `Joint clinic: ${s.paediatrician_name} and ${s.gp_name}` : `GP with a special interest: ${s.gp_name}` },
    });
  }
  return [...days.values()];
}
type Form = { action: string; moving: boolean; values: Record<string, string>; fields?: FieldErrors };

function choosePage(c: Choices, form: Form) {
  const fields = form.fields ?? {};
  const who = `${c.child.given_name} ${c.child.family_name}`;
  return {
    title: form.moving ? `Move ${who}’s appointment` : `Book a clinic for ${who}`, ...c, ...form, fields,
    errors: errorSummary(fields, ['slotId', 'reason', 'version']),
    slotDays: slotsByDay(c.slots, form.values.slotId),
    bookedAt: c.booking ? SLOT_TIME.format(new Date(c.booking.slot_starts_at)) : null,
    backHref: '/clinics/booking',
  };
}

export const bookingRoutes: RouteModule = (app, deps) => {
  app.get('/clinics/booking', async (req, reply) => {
    const { waiting, window, pastEnd, changeRequests } = await inTenant(deps, req, (tx, actor) => booking.waitingList(tx, actor, pageNumber(req)));
    return reply.page('clinics/views/waiting.njk', {
      title: 'Clinic booking', waiting, window, pastEnd, changeRequests, urgencyTags: URGENCY_TAGS, pageLinks: paginationLinks(window, (p) => listHref('/clinics/booking', { page: p })), booked: flag(req, 'booked'), moved: flag(req, 'moved'),
    });
  });

  /** Renders the choose-a-slot page again after a refusal: a field error (400) or, when nothing can be done with this choice, 409. */
  const refused = async (reply: FastifyReply, error: unknown, load: () => Promise<Choices>, form: Form) => {
    if (error instanceof ConflictError) return refusedPage(reply, error.message, form.action);
    if (!(error instanceof ValidationError)) throw error;
    return reply.code(400).page('clinics/views/choose-slot.njk', choosePage(await load(), { ...form, fields: error.fields }));
  };

  app.get('/clinics/referrals/:referralId/book', async (req, reply) => {
    const referralId = idParam(req.params, 'referralId');
    const c = await inTenant(deps, req, (tx, actor) => booking.slotChoices(tx, actor, referralId));
    return reply.page('clinics/views/choose-slot.njk', choosePage(c, { action: `/clinics/referrals/${referralId}/book`, moving: false, values: { slotId: '', version: String(c.referral.version) } }));
  });

  app.post('/clinics/referrals/:referralId/book', async (req, reply) => {
    const referralId = idParam(req.params, 'referralId');
    const b = bodyOf(req);
    const values = { slotId: str(b, 'slotId', 40), version: str(b, 'version', 12) };
    try {
      await inTenant(deps, req, (tx, actor) => booking.bookReferral(tx, actor, referralId, { slotId: values.slotId, version: values.version || undefined }));
    } catch (error) {
      return refused(reply, error, () => inTenant(deps, req, (tx, actor) => booking.slotChoices(tx, actor, referralId)),
        { action: `/clinics/referrals/${referralId}/book`, moving: false, values });
    }
    return reply.redirect('/clinics/booking?booked=1', 303);
  });

  app.get('/clinics/bookings/:id/reschedule', async (req, reply) => {
    const id = idParam(req.params);
    const c = await inTenant(deps, req, (tx, actor) => booking.rescheduleChoices(tx, actor, id));
    return reply.page('clinics/views/choose-slot.njk', choosePage(c, { action: `/clinics/bookings/${id}/reschedule`, moving: true, values: { slotId: '', reason: '', version: String(c.referral.version) } }));
  });

  app.post('/clinics/bookings/:id/reschedule', async (req, reply) => {
    const id = idParam(req.params);
    const b = bodyOf(req);
    const values = { slotId: str(b, 'slotId', 40), reason: str(b, 'reason', 2000), version: str(b, 'version', 12) };
    try {
      await inTenant(deps, req, (tx, actor) => booking.rescheduleBooking(tx, actor, id, { ...values, version: values.version || undefined }));
    } catch (error) {
      return refused(reply, error, () => inTenant(deps, req, (tx, actor) => booking.rescheduleChoices(tx, actor, id)),
        { action: `/clinics/bookings/${id}/reschedule`, moving: true, values });
    }
    return reply.redirect('/clinics/booking?moved=1', 303);
  });

  app.post('/clinics/bookings/:id/did-not-attend', async (req, reply) => {
    const id = idParam(req.params);
    const version = str(bodyOf(req), 'version', 12);
    let sessionId: string;
    try {
      sessionId = await inTenant(deps, req, (tx, actor) => booking.recordDidNotAttend(tx, actor, id, { version: version || undefined }));
    } catch (error) {
      if (error instanceof ConflictError || error instanceof ValidationError) {
        return refusedPage(reply, error instanceof ConflictError ? error.message : 'Reload the clinic and try again.', '/clinics/booking');
      }
      throw error;
    }
    return reply.redirect(`/clinics/${sessionId}?dna=1`, 303);
  });
};
