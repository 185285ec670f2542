import crypto from 'node:crypto';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import { auditListedChildren } from '../platform/access/door.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { childNames } from '../children/service.js';
import { londonDateAndTime, londonToUtc } from '../platform/time/form-dates.js';
import { longDate } from '../platform/time/calendar-days.js';
import { clinicPolicy, type SessionRoles } from './policy.js';
import { readSession, type SessionInput } from './session-input.js';
import { bankHolidaysBetween } from '../platform/time/working-days.js';
import * as store from './store.js';

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** How far back the clinics page shows sessions that have happened. */
const RECENT_DAYS = 60;

export const rolesOf = (actor: Actor, s: store.SessionRow): SessionRoles => ({
  runsSession: actor.professionalId === s.paediatrician_id || actor.professionalId === s.gp_id,
  leadsCluster: actor.professionalId === s.lead_paediatrician_id,
});

/** When a session ends: the end of its last slot. */
export const sessionEnds = (s: store.SessionRow) => new Date(new Date(s.starts_at).getTime() + s.slot_minutes * s.slot_count * 60_000);

/**
 * The session, if the actor may do what `decide` asks. With `forUpdate` the
 * session row stays locked to the end of the transaction (see store.sessionById).
 */
export async function sessionFor(
  tx: Tx, actor: Actor, id: string, decide: (r: SessionRoles) => ReturnType<typeof clinicPolicy.viewSession>, { forUpdate = false }: { forUpdate?: boolean } = {},
) {
  const session = await store.sessionById(tx, actor.icsId, id, forUpdate);
  if (!session) throw new NotFoundError();
  const roles = rolesOf(actor, session);
  const decision = decide(roles);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return { session, roles, why: decision.why };
}

/** Sessions the actor sees from RECENT_DAYS ago on: the whole ICS's for an administrator, else those they run or lead. */
export async function sessionsOf(tx: Tx, actor: Actor, today: string) {
  const decision = clinicPolicy.listSessions(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const everyClinic = clinicPolicy.seeEveryClinic(actor).allowed;
  const sessions = await store.sessionsFrom(tx, actor.icsId, addDays(today, -RECENT_DAYS), everyClinic ? null : actor.professionalId);
  const canSetUp = everyClinic || clinicPolicy.setUpSession(actor, (await store.clustersFor(tx, actor.icsId, actor.professionalId)).length > 0).allowed;
  return { sessions, canSetUp };
}

/** What the set-up form offers: the hubs the actor may set clinics up for, their practices and GPs, and the ICS's paediatricians. */
export async function sessionChoices(tx: Tx, actor: Actor) {
  const clusters = await store.clustersFor(tx, actor.icsId, clinicPolicy.seeEveryClinic(actor).allowed ? null : actor.professionalId);
  const decision = clinicPolicy.setUpSession(actor, clusters.length > 0);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const ids = clusters.map((c) => c.id);
  const clinicians = await store.cliniciansOf(tx, actor.icsId, ids);
  return {
    clusters, practices: await store.practicesOf(tx, actor.icsId, ids),
    gps: clinicians.filter((c) => c.role === 'gp'), paediatricians: clinicians.filter((c) => c.role === 'paediatrician'),
  };
}

type Warning = { code: string; text: string };

/** The warnings one confirmation answers: the same warnings, not whatever the form says next. */
const confirmationOf = (warnings: Warning[]) => warnings.map((w) => w.code).sort().join(' ');

/**
 * A clinic that may be a mistake: on a weekend or bank holiday, or when one
 * of its clinicians already has a clinic then. It is set up only once the
 * person confirms these warnings; the form says each and asks.
 */
export class ClinicWarnings extends ValidationError {
  readonly warnings: string[];
  readonly confirmation: string;
  constructor(warnings: Warning[]) {
    super({ confirm: 'Check the warnings, then confirm to set up the clinic anyway' });
    this.warnings = warnings.map((w) => w.text);
    this.confirmation = confirmationOf(warnings);
  }
}

const hhmm = (at: string | Date) => londonDateAndTime(at).time;

async function warningsFor(tx: Tx, actor: Actor, input: SessionInput, startsAt: string): Promise<Warning[]> {
  const warnings: Warning[] = [];
  const weekday = new Date(`${input.date}T00:00:00Z`).getUTCDay();
  const [holiday] = bankHolidaysBetween(input.date, input.date);
  if (weekday === 0 || weekday === 6) warnings.push({ code: `weekend:${input.date}`, text: `${longDate(input.date)} is a ${weekday === 0 ? 'Sunday' : 'Saturday'}.` });
  else if (holiday) warnings.push({ code: `bank-holiday:${input.date}`, text: `${longDate(input.date)} is a bank holiday (${holiday.title}).` });
  const endsAt = new Date(Date.parse(startsAt) + input.slotMinutes * input.slotCount * 60_000).toISOString();
  const clinicians = [input.paediatricianId, input.gpId].filter((id): id is string => Boolean(id));
  for (const s of await store.overlappingSessions(tx, actor.icsId, clinicians, startsAt, endsAt)) {
    const names = [...new Set([s.paediatrician_id, s.gp_id].filter((id) => id && clinicians.includes(id)).map((id) => (id === s.gp_id ? s.gp_name : s.paediatrician_name!)))];
    warnings.push({
      code: `overlap:${s.id}`,
      text: `${names.join(' and ')} already ${names.length > 1 ? 'have' : 'has'} a clinic from ${hhmm(s.starts_at)} to ${hhmm(sessionEnds(s))} on ${longDate(londonDateAndTime(s.starts_at).date)} at ${s.venue_name} (${s.cluster_name}).`,
    });
  }
  return warnings;
}

/**
 * Sets up one clinic session and cuts it into equal slots, in one go. The
 * venue must be a practice of the hub and the GP must work at one of them;
 * the paediatrician (joint clinics) may come from anywhere in the ICS.
 */
export async function setUpSession(tx: Tx, actor: Actor, raw: unknown, now = new Date()): Promise<string> {
  const { date: today, time: nowTime } = londonDateAndTime(now);
  const choices = await sessionChoices(tx, actor);
  const input = readSession(raw, today, nowTime);
  const cluster = choices.clusters.find((c) => c.id === input.clusterId);
  const fields: FieldErrors = {};
  if (!cluster) fields.clusterId = 'Select a hub you set up clinics for';
  else {
    const venue = choices.practices.find((p) => p.id === input.venueId);
    if (!venue) fields.venueId = 'Select a practice from the list';
    else if (venue.cluster_id !== cluster.id) fields.venueId = `${venue.name} is not in ${cluster.name}: select one of its practices`;
    const gp = choices.gps.find((g) => g.id === input.gpId);
    if (!gp) fields.gpId = 'Select a GP from the list';
    else if (gp.cluster_id !== cluster.id) fields.gpId = `${gp.name} does not work at a practice in ${cluster.name}: select one who does`;
  }
  if (input.paediatricianId && !choices.paediatricians.some((p) => p.id === input.paediatricianId)) fields.paediatricianId = 'Select a paediatrician from the list';
  if (Object.keys(fields).length) throw new ValidationError(fields);

  const startsAt = londonToUtc(input.date, input.hour, input.minute);
  const warnings = await warningsFor(tx, actor, input, startsAt);
  if (warnings.length && input.confirm !== confirmationOf(warnings)) throw new ClinicWarnings(warnings);
  const id = crypto.randomUUID();
  const slots = Array.from({ length: input.slotCount }, (_, i) => ({
    id: crypto.randomUUID(), startsAt: new Date(Date.parse(startsAt) + i * input.slotMinutes * 60_000).toISOString(),
  }));
  await store.insertSession(tx, actor, {
    id, clusterId: cluster!.id, venueId: input.venueId, startsAt, slotMinutes: input.slotMinutes, slotCount: input.slotCount, format: input.format,
    paediatricianId: input.paediatricianId ?? null, gpId: input.gpId,
  }, slots);
  const why = clinicPolicy.setUpSession(actor, true);
  await recordAudit(tx, actor, { action: 'clinic.set-up', what: `Clinic of ${input.slotCount} appointments set up for ${cluster!.name} on ${longDate(input.date)}`, why: why.allowed ? why.why : null, details: { sessionId: id } });
  return id;
}

/**
 * A session with its slots and who is booked into each (name, NHS number,
 * urgency). Every child shown is audited as read by the actor, in one batch.
 */
export async function openSession(tx: Tx, actor: Actor, id: string) {
  const { session, roles, why } = await sessionFor(tx, actor, id, (r) => clinicPolicy.viewSession(actor, r));
  const slots = await store.slotsOf(tx, actor.icsId, id);
  const booked = slots.filter((s) => s.child_id);
  const names = new Map((await childNames(tx, actor.icsId, booked.map((s) => s.child_id!))).map((c) => [c.id, c]));
  const when = longDate(londonDateAndTime(session.starts_at).date);
  await auditListedChildren(tx, actor, why, booked.map((s) => ({
    childId: s.child_id!, action: 'clinic.list', what: `Booked into the ${session.cluster_name} clinic on ${when}`, details: { sessionId: id, bookingId: s.booking_id },
  })));
  return {
    session, slots: slots.map((s) => ({ ...s, child: s.child_id ? names.get(s.child_id)! : null })),
    can: {
      book: clinicPolicy.book(actor).allowed && !session.cancelled_at,
      recordOutcome: clinicPolicy.recordOutcome(actor, roles).allowed,
      cancel: clinicPolicy.cancelSession(actor, roles).allowed && !session.cancelled_at && sessionEnds(session).getTime() > Date.now(),
    },
  };
}

/**
 * Cancels a session that has no children booked into it. A session with
 * bookings is refused: each child must be moved to another clinic first, by
 * the administrator who can tell the family, rather than silently dropped
 * back onto the waiting list.
 */
export async function cancelSession(tx: Tx, actor: Actor, id: string, now = new Date()): Promise<void> {
  // Locked before the bookings are counted: a booking in flight holds the session FOR SHARE, so it lands first (and is counted) or waits and finds the clinic cancelled.
  const { session, why } = await sessionFor(tx, actor, id, (r) => clinicPolicy.cancelSession(actor, r), { forUpdate: true });
  if (session.cancelled_at) throw new ConflictError('This clinic is already cancelled.');
  if (sessionEnds(session).getTime() <= now.getTime()) throw new ConflictError('This clinic has already happened, so it cannot be cancelled.');
  const live = (await store.slotsOf(tx, actor.icsId, id)).filter((s) => s.state === 'booked').length;
  if (live > 0) throw new ConflictError(`${live} ${live === 1 ? 'child is' : 'children are'} still booked into this clinic. Move ${live === 1 ? 'them' : 'each of them'} to another clinic first, then cancel it.`);
  if (!(await store.cancelSession(tx, actor.icsId, id))) throw new ConflictError('This clinic is already cancelled.');
  await recordAudit(tx, actor, { action: 'clinic.cancel', what: `Clinic cancelled: ${session.cluster_name}, ${longDate(londonDateAndTime(session.starts_at).date)}`, why, details: { sessionId: id } });
}
