import crypto from 'node:crypto';
import { z } from 'zod';
import type { Database, Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { rows } from '../platform/db/client.js';
import { sql } from 'drizzle-orm';
import type { ChildAccess } from '../platform/access/door.js';
import { auditChild } from '../platform/access/door.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { fieldErrors, optionalText } from '../platform/http/validate.js';
import { FEEDBACK_LINK_DAYS, FFT_ANSWER_LABELS, FFT_ANSWERS, FFT_QUESTION, SERVICE_NAMES, type FeedbackService } from './index.js';
import { FEEDBACK_VIEW, feedbackPolicy } from './policy.js';
import { recommendingSeries, type SeriesFilter } from './recommending.js';
import * as store from './store.js';

export type { FeedbackEvent } from './store.js';

const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{40,50}$/;

/**
 * A one-time feedback link for the family after a hub service, under the
 * access that recorded the service. The token is returned once, to print on
 * the letter and show on the page; only its hash is kept. Null when the event
 * already has a link (an outcome is recorded once).
 */
export async function offerFeedback(tx: Tx, access: ChildAccess, event: store.FeedbackEvent, given?: string): Promise<string | null> {
  // A caller may give the token when it can show the family the link again without keeping it (advice derives it from its own link).
  if (given !== undefined && !TOKEN.test(given)) throw new Error('A feedback token is 40 to 50 URL-safe characters.');
  const token = given ?? crypto.randomBytes(32).toString('base64url');
  const id = crypto.randomUUID();
  if (!(await store.insertLink(tx, access, id, hashOf(token), event, FEEDBACK_LINK_DAYS))) return null;
  await auditChild(tx, access, { action: 'feedback.offer', what: `Feedback link for the family (${SERVICE_NAMES[event.serviceKind]})`, details: { linkId: id, serviceKind: event.serviceKind } });
  return token;
}

/**
 * When the family is given a new link to what the feedback was offered for
 * (advice re-sent because theirs was lost), the unanswered offer moves to the
 * new token: the old one stops, and the family can still answer once.
 */
export async function offerFeedbackAgain(tx: Tx, access: ChildAccess, event: Pick<store.FeedbackEvent, 'serviceKind' | 'sourceId'>, token: string): Promise<boolean> {
  if (!TOKEN.test(token)) throw new Error('A feedback token is 40 to 50 URL-safe characters.');
  const id = await store.rekeyLink(tx, access, event.serviceKind, event.sourceId, hashOf(token), FEEDBACK_LINK_DAYS);
  if (!id) return false;
  await auditChild(tx, access, { action: 'feedback.offer', what: `Feedback link for the family given again (${SERVICE_NAMES[event.serviceKind]})`, details: { linkId: id, serviceKind: event.serviceKind } });
  return true;
}

/**
 * A feedback link for a service given to the child's family, at the hub of
 * the child's registered practice (a child in no hub has no hub to tell).
 */
export async function offerFeedbackAtChildsHub(tx: Tx, access: ChildAccess, event: Omit<store.FeedbackEvent, 'clusterId'>): Promise<string | null> {
  const hub = await store.childsHub(tx, access);
  return hub ? offerFeedback(tx, access, { ...event, clusterId: hub }) : null;
}

/** An open offer as the family's page lists it: the service and its date, nothing more. */
export type FamilyOffer = { id: string; service: string; eventDate: string };

/**
 * The child's open offers that this signed-in family member may answer: the
 * service must be one their grant lets them see, and, for a parent or carer,
 * not about something the young person keeps from them (keptFromThem: the
 * sources they hid, the family capability's to say).
 */
export async function familyOffers(tx: Tx, access: ChildAccess, keptFromThem: Set<string>): Promise<(FamilyOffer & { link: store.OpenLink })[]> {
  const open = await store.openLinksOfChild(tx, access);
  return open.filter((l) => feedbackPolicy.answerAsFamily(access.actor, access.relationships, l.service_kind).allowed && !keptFromThem.has(l.source_id))
    .map((l) => ({ id: l.id, service: SERVICE_NAMES[l.service_kind], eventDate: l.event_date, link: l }));
}

/** The one open offer a family member asked to answer, or not found (someone else answered it, it expired, or it is not theirs to see). */
export async function familyOffer(tx: Tx, access: ChildAccess, linkId: string, keptFromThem: Set<string>): Promise<FamilyOffer & { link: store.OpenLink }> {
  const found = (await familyOffers(tx, access, keptFromThem)).find((o) => o.id === linkId);
  if (!found) throw new NotFoundError();
  return found;
}

/**
 * A signed-in family member answers an offer on their own pages: the same
 * answer as through the letter's link, using the link up in the same
 * transaction; audited as theirs, anonymous answers keeping no link.
 */
export async function answerAsFamily(tx: Tx, access: ChildAccess, linkId: string, raw: unknown, keptFromThem: Set<string>): Promise<void> {
  const offer = await familyOffer(tx, access, linkId, keptFromThem);
  const parsed = answerForm.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  if (!(await store.useLink(tx, access.actor.icsId, offer.link.id))) throw new NotFoundError();
  await store.insertResponse(tx, access.actor.icsId, {
    id: crypto.randomUUID(), link: offer.link, answer: parsed.data.answer, freeText: parsed.data.comments, anonymous: parsed.data.anonymous === 'yes',
  });
  await auditChild(tx, access, {
    action: 'family.give-feedback', what: `Feedback given (${offer.service})`,
    details: { linkId: offer.link.id, serviceKind: offer.link.service_kind, view: FEEDBACK_VIEW[offer.link.service_kind] },
  });
}

/** The answer form's choices, as the page shows them with what was typed. */
export function answerItems(values: { answer: string; anonymous: string }) {
  return {
    answerItems: FFT_ANSWERS.map((a) => ({ value: a, text: FFT_ANSWER_LABELS[a], checked: values.answer === a })),
    anonymousItems: [{ value: 'yes', text: 'Yes, keep my answer anonymous' }, { value: 'no', text: 'No, you may know who sent it' }].map((i) => ({ ...i, checked: values.anonymous === i.value })),
  };
}

/** Where a link stands, and all the page may say of it: the service and the date, never the child. */
export type LinkState =
  | { state: 'unknown' }
  | { state: 'used' | 'expired'; service: string }
  | { state: 'open'; service: string; eventDate: string };

/** Finds a link by its token before anyone is known: the ICS from the hash alone, then the link in that ICS. */
async function findLink(db: Database, token: string): Promise<{ icsId: string; link: store.LinkRow } | null> {
  if (!TOKEN.test(token)) return null;
  const hash = hashOf(token);
  const [found] = await db.platform((tx) => rows<{ ics_id: string | null }>(tx, sql`SELECT joinery_feedback_link_lookup(${hash}) AS ics_id`));
  const icsId = found?.ics_id;
  if (!icsId) return null;
  const link = await db.tenant(icsId, (tx) => store.linkByHash(tx, icsId, hash));
  return link ? { icsId, link } : null;
}

function stateOf(link: store.LinkRow): LinkState {
  const service = SERVICE_NAMES[link.service_kind];
  if (link.used) return { state: 'used', service };
  if (link.expired) return { state: 'expired', service };
  return { state: 'open', service, eventDate: link.event_date };
}

export async function feedbackLink(db: Database, token: string): Promise<LinkState> {
  const found = await findLink(db, token);
  return found ? stateOf(found.link) : { state: 'unknown' };
}

const answerForm = z.object({
  answer: z.enum(FFT_ANSWERS, { error: 'Select how your experience was' }),
  comments: optionalText('what you want to tell us', { max: 2000, multiline: true }).transform((v) => v ?? ''),
  anonymous: z.enum(['yes', 'no'], { error: 'Select whether we may know who you are' }),
});

/**
 * Keeps a family's answer and uses the link up, in one transaction: a second
 * answer through the same link finds it used. Anonymous answers keep no link
 * to the family or child.
 */
export async function answerFeedback(db: Database, token: string, raw: unknown): Promise<LinkState> {
  const found = await findLink(db, token);
  if (!found) return { state: 'unknown' };
  const before = stateOf(found.link);
  if (before.state !== 'open') return before;
  const parsed = answerForm.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const used = await db.tenant(found.icsId, async (tx) => {
    if (!(await store.useLink(tx, found.icsId, found.link.id))) return false;
    await store.insertResponse(tx, found.icsId, {
      id: crypto.randomUUID(), link: found.link, answer: parsed.data.answer, freeText: parsed.data.comments, anonymous: parsed.data.anonymous === 'yes',
    });
    return true;
  });
  return used ? before : { state: 'used', service: before.service };
}

/** The share who would recommend, by hub and service over time, as the ICS sees it (small numbers suppressed where the role requires). */
export async function recommendation(tx: Tx, actor: Actor, filter: SeriesFilter, today: string) {
  const holds = feedbackPolicy.viewRecommendation(actor);
  if (!holds.allowed) throw new ForbiddenError(holds.reason);
  const hubs = await store.clusters(tx, actor.icsId);
  return { hubs, ...(await recommendingSeries(tx, actor, filter, today)) };
}

/** What families wrote about one hub, for its lead paediatrician: no child named, the text as written. */
export async function hubComments(tx: Tx, actor: Actor, hubId: string) {
  const hub = (await store.clusters(tx, actor.icsId)).find((c) => c.id === hubId);
  if (!hub) throw new NotFoundError();
  const holds = feedbackPolicy.readHubComments(actor, hub);
  if (!holds.allowed) throw new ForbiddenError(holds.reason);
  return { hub, comments: await store.commentsFor(tx, actor.icsId, hubId, 200) };
}

export { SERVICE_NAMES, FFT_QUESTION, type FeedbackService };

/** The lines a letter carries to hand the family their link: printed, so the whole address is spelled out. */
export function feedbackLetterLines(origin: string, token: string): { text: string; heading?: boolean }[] {
  return [
    { text: 'Tell us how we did', heading: true },
    { text: `We would like to know how it went for you. Go to ${origin}/feedback/${token} to answer one question: it takes about 2 minutes. The link works once and lasts ${FEEDBACK_LINK_DAYS / 7} weeks.` },
  ];
}
