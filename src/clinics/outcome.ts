import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy, type Decision } from '../platform/access/policy.js';
import type { Relationship } from '../platform/access/relationship.js';
import { auditChild, openChild } from '../platform/access/door.js';
import { ConflictError, NotFoundError, type FieldErrors } from '../platform/http/errors.js';
import { optionalText, parseWithRules, text } from '../platform/http/validate.js';
import { childNames, currentTeam } from '../children/service.js';
import { currentTemplate, renderLetter } from '../letters/service.js';
import { fileLetter, letterFiledFrom } from '../record/service.js';
import { londonDateAndTime, londonToday } from '../platform/time/form-dates.js';
import { moveReferral, referralById } from '../referrals/service.js';
import type { ReferralState } from '../referrals/index.js';
import { addToWorklists } from '../worklist/service.js';
import { feedbackLetterLines, offerFeedback } from '../feedback/service.js';
import { BOOKING_STATE_WORDS } from './labels.js';
import { outcomeLetterValues } from './outcome-letter.js';
import { clinicPolicy, type SessionRoles } from './policy.js';
import { rolesOf } from './sessions.js';
import { CLINIC_NEXT, type ClinicFormat, type ClinicNext } from './schema.js';
import * as store from './store.js';

/**
 * After the clinic: the clinician records whether the child was seen jointly,
 * the plan and what happens next; the referral moves on; the outcome letter
 * is written from the ICS's template, filed in the child's record as sent and
 * put on the worklists of the GP and the care team. All in one transaction.
 */

/** The booking and its session, through the door to its child: the rule is how the actor stands to the session. */
async function bookingFor(tx: Tx, actor: Actor, bookingId: string, decide: (r: SessionRoles) => Decision) {
  const booking = await store.bookingById(tx, actor.icsId, bookingId);
  if (!booking) throw new NotFoundError();
  const session = await store.sessionById(tx, actor.icsId, booking.session_id);
  if (!session) throw new NotFoundError();
  const access = await openChild(tx, actor, booking.child_id, { rule: () => decide(rolesOf(actor, session)), refused: 'a clinic appointment' });
  return { booking, session, access };
}

const outcomeShape = z.object({
  seenJointly: z.enum(['yes', 'no'], { error: 'Say whether the paediatrician and the GP saw the child together' }).optional(),
  plan: text('the plan', { max: 5000, multiline: true }),
  next: z.enum(CLINIC_NEXT, { error: 'Select what happens next' }),
  service: optionalText('the service the child is referred to', { max: 200 }),
  version: z.coerce.number({ error: 'Reload the page and try again' }).int().positive(),
});

function readOutcome(raw: unknown, format: ClinicFormat) {
  return parseWithRules(outcomeShape, raw, (v) => {
    const fields: FieldErrors = {};
    if (format === 'joint' && !v.seenJointly) fields.seenJointly = 'Say whether the paediatrician and the GP saw the child together';
    if (v.next === 'referred-on' && !v.service) fields.service = 'Name the service the child is referred to';
    return fields;
  });
}

/** Where the referral goes for each decision, and what that move must record. */
const NEXT_MOVE: Record<ClinicNext, (plan: string, service: string | null) => { to: ReferralState; note?: string; service?: string }> = {
  'follow-up': (plan) => ({ to: 'awaiting-booking', note: plan }),
  discharged: (plan) => ({ to: 'closed', note: plan }),
  'referred-on': (_plan, service) => ({ to: 'referred-on', service: service ?? undefined }),
};

const notYet = (at: string | Date, now: Date) => new Date(at).getTime() > now.getTime();

/** The booking, child and question for the outcome form; opening it is a read of the child, audited. */
export async function outcomeForm(tx: Tx, actor: Actor, bookingId: string) {
  const { booking, session, access } = await bookingFor(tx, actor, bookingId, (r) => clinicPolicy.recordOutcome(actor, r));
  const r = (await referralById(tx, actor.icsId, booking.referral_id))!;
  const [child] = await childNames(tx, actor.icsId, [booking.child_id]);
  await auditChild(tx, access, { action: 'clinic.open-outcome', what: 'Clinic appointment opened to record the outcome', details: { bookingId } });
  return { booking, session, child, question: r.question, urgency: r.urgency, version: r.version };
}

/** Records what happened; the letter carries the family's one-time feedback link, its address starting `feedbackOrigin`. */
export async function recordClinicOutcome(tx: Tx, actor: Actor, bookingId: string, raw: unknown, now = new Date(), feedbackOrigin = ''): Promise<void> {
  const { booking, session, access } = await bookingFor(tx, actor, bookingId, (r) => clinicPolicy.recordOutcome(actor, r));
  if (booking.state !== 'booked') throw new ConflictError(`This appointment is already ${BOOKING_STATE_WORDS[booking.state]}. Nothing was saved.`);
  if (notYet(booking.slot_starts_at, now)) throw new ConflictError('This appointment has not begun yet: record what happened once the child has been seen.');
  const input = readOutcome(raw, session.format);
  const r = (await referralById(tx, actor.icsId, booking.referral_id))!;
  const today = londonToday(now);
  const seenJointly = session.format === 'joint' && input.seenJointly === 'yes';

  await moveReferral(tx, actor, r.id, { to: 'seen', note: input.plan, version: input.version }, today);
  const service = input.next === 'referred-on' ? input.service! : null;
  if (!(await store.endBooking(tx, actor, booking.id, { state: 'seen', seenJointly, plan: input.plan, next: input.next, nextService: service }))) {
    throw new ConflictError('Someone else recorded this appointment just now. Nothing of yours was saved.');
  }

  const [child] = await childNames(tx, actor.icsId, [booking.child_id]);
  const team = await currentTeam(tx, actor.icsId, booking.child_id);
  const seenBy = session.format === 'gpwsi' ? `${session.gp_name} (GP with a special interest)`
    : seenJointly ? `${session.paediatrician_name} (paediatrician) and ${session.gp_name} (GP), together` : actor.name;
  const letter = renderLetter(await currentTemplate(tx, actor.icsId, 'clinic-outcome'), outcomeLetterValues({
    child, hub: session.cluster_name, clinicDate: londonDateAndTime(booking.slot_starts_at).date, venue: session.venue_name, seenBy,
    question: r.question, plan: input.plan, next: input.next, service, careTeam: team.map((m) => `${m.name} (${m.organisation_name})`), clinician: actor.name,
  }));
  const clinicDate = londonDateAndTime(booking.slot_starts_at).date;
  const feedback = await offerFeedback(tx, access, { serviceKind: 'hub-clinic', sourceId: booking.id, clusterId: session.cluster_id, eventDate: clinicDate });
  if (feedback) letter.lines.push(...feedbackLetterLines(feedbackOrigin, feedback));
  // Filed while the referral is still open: the clinician's access to the child comes from it.
  await fileLetter(tx, actor, booking.child_id, letter, { source: 'clinic-outcome', sourceId: booking.id });
  await moveReferral(tx, actor, r.id, { ...NEXT_MOVE[input.next](input.plan, service), version: input.version + 1 }, today);

  const recipients = new Set([r.referrer_id, ...team.map((m) => m.professional_id)]);
  recipients.delete(actor.professionalId);
  const childName = `${child.given_name} ${child.family_name}`;
  await addToWorklists(tx, actor.icsId, [...recipients].map((professionalId) => ({
    professionalId, kind: 'clinic-letter', childId: booking.child_id, title: `Clinic letter for ${childName}`, link: `/clinics/bookings/${booking.id}/letter`,
  })));
  await auditChild(tx, access, { action: 'clinic.outcome', what: `Seen at the ${session.cluster_name} clinic; outcome letter sent (${input.next})`, details: { bookingId } });
}

/**
 * The outcome letter exactly as filed. The clinic's clinicians may read it;
 * so may anyone with a relationship with the child (the GP, the care team).
 */
export async function clinicLetter(tx: Tx, actor: Actor, bookingId: string) {
  const booking = await store.bookingById(tx, actor.icsId, bookingId);
  const filed = booking && (await letterFiledFrom(tx, actor.icsId, 'clinic-outcome', booking.id));
  if (!booking || !filed) throw new NotFoundError();
  const session = (await store.sessionById(tx, actor.icsId, booking.session_id))!;
  // The clinic's clinicians, else anyone who may see the child's summary.
  const rule = (a: Actor, relationships: Relationship[]): Decision => {
    const asClinician = clinicPolicy.recordOutcome(a, rolesOf(a, session));
    return asClinician.allowed ? asClinician : policy.viewChildSummary(a, relationships);
  };
  await openChild(tx, actor, booking.child_id, {
    rule, refused: 'a clinic outcome letter', audit: { action: 'clinic.read-letter', what: `Clinic outcome letter: ${filed.body.title}`, details: { bookingId } },
  });
  return { letter: filed.body, sentAt: filed.filed_at, childId: booking.child_id };
}
