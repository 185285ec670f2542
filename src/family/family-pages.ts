import { z } from 'zod';
import type { Database, Tx } from '../platform/db/client.js';
import { auditChild, auditEachChild, openChild, openEachChild, type ChildAccess } from '../platform/access/door.js';
import { familyPolicy, usableGrant } from '../platform/access/family-policy.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { NotFoundError, ValidationError } from '../platform/http/errors.js';
import { parseInput } from '../platform/http/validate.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { addToWorklists } from '../worklist/service.js';
import { longDate } from '../platform/time/calendar-days.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import * as store from './store.js';
import { familyActors, inFamilyTenant } from './actors.js';
import { familyThreads, responseDays } from './questions.js';
import { adviceList } from './self-care-advice.js';
import { readsAsProxy } from './reading-as.js';
import { feedbackOffersOnPage } from './feedback.js';
import { familyActionsFor } from '../careplans/service.js';
import { wardStayForCarer } from '../ambulatory/service.js';

/**
 * The family's own pages: the children a signed-in parent, carer or young
 * person may see, and for each what their grant opens. Every read goes
 * through the door with the family member as actor, and is audited.
 */

export type HomeChild = { childId: string; name: string; ownAccess: boolean; refused: string | null };

/** The children this person has been granted access to, each opened by the door (or with the words saying why not). */
export async function familyHome(db: Database, member: FamilyMember): Promise<HomeChild[]> {
  if (member.identityLevel !== 'P9') return [];
  const out: HomeChild[] = [];
  for (const actor of await familyActors(db, member)) {
    await db.tenant(actor.icsId, async (tx) => {
      const listed = await store.grantedChildren(tx, actor.icsId, member.nhsNumber, member.birthdate);
      const opened = await openEachChild(tx, actor, listed.map((c) => c.child_id), { rule: familyPolicy.viewCareTeam, refused: 'family home page' });
      const audits: { access: ChildAccess; entry: { action: string; what: string } }[] = [];
      for (const c of listed) {
        const door = opened.get(c.child_id);
        if (door instanceof NotFoundError || !door) continue;
        const refused = door instanceof Error ? door.message : null;
        if (!(door instanceof Error)) audits.push({ access: door, entry: { action: 'family.list-children', what: 'Named on the family home page' } });
        out.push({ childId: c.child_id, name: `${c.given_name} ${c.family_name}`, ownAccess: c.kind === 'own-access', refused });
      }
      await auditEachChild(tx, audits);
    });
  }
  return out;
}

/** Whether what the access opened is a parent's or carer's proxy (kept from what the young person hid), not the young person's own. */

/** One section of the child's page, read and audited only when the family member's grant includes it. */
async function section<T>(tx: Tx, access: ChildAccess, rule: keyof typeof familyPolicy, what: string, read: () => Promise<T>): Promise<T | null> {
  const decision = familyPolicy[rule](access.actor, access.relationships);
  if (!decision.allowed) return null;
  const found = await read();
  await auditChild(tx, access, { action: `family.${rule}`, what, why: decision.why });
  return found;
}

export async function familyChildPage(db: Database, member: FamilyMember, childId: string) {
  return inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.viewCareTeam, refused: 'family page', audit: { action: 'family.view-care-team', what: 'Care team (family page)' } });
    const team = await store.careTeam(tx, access);
    const appointments = await section(tx, access, 'viewAppointments', 'Upcoming appointments (family page)', () => store.upcomingAppointments(tx, access, readsAsProxy(access, 'appointments')));
    const plan = await section(tx, access, 'viewPlan', 'Care plan, family version', () => store.plan(tx, access));
    const letters = await section(tx, access, 'viewLetters', 'Letters (family page)', () => store.letters(tx, access, readsAsProxy(access, 'letters')));
    const threads = await section(tx, access, 'viewMessages', 'Questions to the care team', () => familyThreads(tx, access));
    const advice = await section(tx, access, 'viewAdvice', 'Advice sent to the family (family page)', () => adviceList(tx, access, readsAsProxy(access, 'advice')));
    const actions = plan ? await familyActionsFor(tx, access, readsAsProxy(access, 'plan')) : [];
    const wardStay = await wardStayForCarer(tx, access);
    const feedback = await feedbackOffersOnPage(tx, access);
    return {
      child: { id: access.child.id, givenName: access.child.given_name, familyName: access.child.family_name },
      ownAccess: !readsAsProxy(access, null),
      canHide: familyPolicy.hideFromParents(actor, access.relationships).allowed,
      canSeeWhoHasLooked: familyPolicy.viewWhoHasLooked(actor, access.relationships).allowed,
      teamRows: team.map((m) => ({ key: { text: m.name }, value: { text: `${m.role_in_team}, ${m.organisation_name}` } })),
      responseDays: await responseDays(tx, access.actor.icsId),
      appointments: appointments?.map((a) => ({ ...a, when: whenOf(a.starts_at) })) ?? null,
      plan: plan === null ? null : (plan ?? false), letters, threads, advice, wardStay, feedback,
      actions: actions.map((a) => ({ ...a, mine: a.owner === (readsAsProxy(access, 'plan') ? 'parent-or-carer' : 'young-person') })),
    };
  });
}

export async function familyLetter(db: Database, member: FamilyMember, childId: string, letterId: string) {
  return inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.viewLetters, refused: 'letter (family page)' });
    const found = await store.letter(tx, access, readsAsProxy(access, 'letters'), letterId);
    if (!found) throw new NotFoundError();
    await auditChild(tx, access, { action: 'family.read-letter', what: `Letter: ${found.title}` });
    return { child: access.child, letter: found };
  });
}

const HIDEABLE_WORDS = { letter: 'A letter', appointment: 'An appointment', advice: 'Advice sent to the family' } as const;

const hideInput = z.object({
  kind: z.enum(['letter', 'appointment', 'advice'], { error: 'Choose what to keep private' }),
  itemId: z.uuid({ error: 'Choose what to keep private' }),
  show: z.enum(['yes', 'no']).optional(),
});

/** A young person with their own access keeps a letter, an appointment or advice from their parents, or shows it to them again. */
export async function hideFromParents(db: Database, member: FamilyMember, childId: string, body: unknown): Promise<void> {
  const input = parseInput(hideInput, body);
  await inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.hideFromParents, refused: 'keep an item from parents' });
    const theirs = input.kind === 'advice'
      ? (await adviceList(tx, access, false)).some((s) => s.id === input.itemId)
      : await store.isFamilyItem(tx, access, input.kind, input.itemId);
    if (!theirs) throw new ValidationError({ itemId: 'That item is not one of yours' });
    await refuseChangeWhileFrozen(tx, access, 'keep an item from parents');
    if (input.show === 'yes') await store.showItemAgain(tx, access, input.kind, input.itemId);
    else await store.hideItem(tx, access, input.kind, input.itemId);
    await auditChild(tx, access, {
      action: input.show === 'yes' ? 'family.show-to-parents' : 'family.hide-from-parents',
      what: `${HIDEABLE_WORDS[input.kind]} ${input.show === 'yes' ? 'shown to parents again' : 'kept from parents'} by the young person`,
      details: { kind: input.kind, itemId: input.itemId },
    });
  });
}

const changeInput = z.object({
  bookingId: z.uuid({ error: 'Choose the appointment' }),
  reason: z.string({ error: 'Tell the hub why you need to change it' }).trim().min(1, 'Tell the hub why you need to change it').max(600, 'Use 600 characters or fewer'),
});

/** Who in the family asks, for the hub's administrators: their name and how they are related to the child. */
function whoAsks(access: ChildAccess): string {
  const r = usableGrant(access.actor, access.relationships, 'appointments');
  if (typeof r === 'string') return access.actor.name;
  return `${access.actor.name} (${r.detail === 'themself' ? 'the young person' : `the child’s ${r.detail}`})`;
}

/** One of the child's upcoming appointments the family may ask to change, through the door; undefined when it is not theirs to see. */
async function appointmentOf(tx: Tx, access: ChildAccess, bookingId: string) {
  return (await store.upcomingAppointments(tx, access, readsAsProxy(access, 'appointments'))).find((a) => a.id === bookingId);
}

const whenOf = (startsAt: string | Date) => `${longDate(londonDateAndTime(startsAt).date)} at ${londonDateAndTime(startsAt).time}`;

/**
 * The appointment the "ask to change" page is about, its time and place, so
 * the family knows which one they are asking about; null when it is not one
 * of theirs. Opened by the door like the request itself: a paused proxy gets
 * the neutral refusal, not the form.
 */
export async function appointmentToChange(db: Database, member: FamilyMember, childId: string, bookingId: string): Promise<{ when: string; place: string } | null> {
  return inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.askToChangeAppointment, refused: 'ask to change an appointment' });
    const booking = await appointmentOf(tx, access, bookingId);
    if (!booking) return null;
    await auditChild(tx, access, { action: 'family.view-appointment-to-change', what: `Appointment to change on ${londonDateAndTime(booking.starts_at).date}`, details: { bookingId } });
    return { when: whenOf(booking.starts_at), place: booking.place };
  });
}

/** "Ask to change": a request on the hub clinic administrators' worklists, with the family's reason. */
export async function askToChangeAppointment(db: Database, member: FamilyMember, childId: string, body: unknown): Promise<void> {
  const input = parseInput(changeInput, body);
  await inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.askToChangeAppointment, refused: 'ask to change an appointment' });
    const booking = await appointmentOf(tx, access, input.bookingId);
    if (!booking) throw new ValidationError({ bookingId: 'Choose one of the upcoming appointments' });
    const when = londonDateAndTime(booking.starts_at);
    await addToWorklists(tx, actor.icsId, (await store.hubAdministrators(tx, actor.icsId)).map((professionalId) => ({
      professionalId, kind: 'family-change-request', childId,
      title: `${whoAsks(access)} asks to change the appointment on ${longDate(when.date)} at ${when.time} (${booking.place}): ${input.reason}`,
      link: `/clinics/bookings/${booking.id}/reschedule`, details: { bookingId: booking.id },
    })));
    await auditChild(tx, access, { action: 'family.ask-to-change-appointment', what: `Asked to change the appointment on ${when.date}`, details: { bookingId: booking.id } });
  });
}
