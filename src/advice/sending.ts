import crypto from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { Relationship } from '../platform/access/relationship.js';
import { auditChild, checkedAccess, openChild, type ChildAccess } from '../platform/access/door.js';
import { NotFoundError, ValidationError } from '../platform/http/errors.js';
import { newToken, tokenHash } from '../platform/http/session.js';
import { advicePolicy } from './policy.js';
import { ageInMonths, bandFor, bandWords } from './page-format.js';
import { inDate } from './library.js';
import * as store from './store.js';
import type { AdviceSource } from './schema.js';
import { offerFeedback, offerFeedbackAgain } from '../feedback/service.js';

/**
 * Sending advice pages to a child's family, from the child's page or a
 * triage decision: the pages offered are those approved, in date, with a
 * band for the child's age today; what is posted is checked again, so a page
 * past its review date (H035) or a band that no longer fits the child's age
 * (H034) is refused, never sent.
 */

/** How long a family's one-time link works. */
export const LINK_DAYS = 28;

/**
 * The family's Friends and Family Test link for advice, made from their
 * advice link: their page can offer it every time it opens without either
 * token being kept, and the feedback link does not lead back to the advice.
 */
export const feedbackTokenOf = (adviceToken: string) => crypto.createHash('sha256').update(`advice-feedback\u0000${adviceToken}`).digest('base64url');

/** A page offered for this child: its latest approved version and the band for the child's age. */
export type Offer = { pageId: string; version: number; title: string; fromMonths: number; toMonths: number; band: string; choice: string };

/** "fever:4:0-3": the page, version and band the professional saw, so a change since is caught rather than sent unseen. */
export const choiceOf = (o: { pageId: string; version: number; fromMonths: number; toMonths: number }) => `${o.pageId}:${o.version}:${o.fromMonths}-${o.toMonths}`;

export async function offersFor(tx: Tx, icsId: string, dateOfBirth: string, today: string): Promise<Offer[]> {
  const age = ageInMonths(dateOfBirth, today);
  return (await store.latestApprovedVersions(tx, icsId)).flatMap((row) => {
    const band = inDate(row, today) ? bandFor(row.age_bands, age) : undefined;
    if (!band) return [];
    const offer = { pageId: row.page_id, version: row.version, title: row.title, fromMonths: band.fromMonths, toMonths: band.toMonths, band: bandWords(band) };
    return [{ ...offer, choice: choiceOf(offer) }];
  });
}

const sendShape = z.object({
  pages: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.string().regex(/^[a-z0-9-]{1,60}:\d{1,6}:\d{1,3}-\d{1,3}$/, 'Choose pages from the list'))
    .min(1, 'Choose at least one advice page').max(10, 'Choose up to 10 advice pages')),
  note: z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), z.string().max(1000, 'The note must be 1000 characters or fewer')
    .refine((v) => ![...v].some((c) => c.charCodeAt(0) < 32 && c !== '\n' && c !== '\r'), 'The note must not include hidden characters').optional()),
});

export type SendInput = { pages?: unknown; note?: unknown };

/**
 * Where the advice was sent from, and the decision it went with: a triage
 * decision's referral, an MDT outcome's case. Each caller (the child's page,
 * triage, an MDT outcome) sends through sendAdvice with its own.
 */
export type SentFrom = { source: AdviceSource; referralId?: string | null; mdtCaseId?: string | null };
export type Sent = { id: string; token: string; expiresAt: Date; titles: string[] };

/** What the page shows whoever just sent advice (advice/views/family-link.njk): the family's one-time link, once. */
export type FamilyLink = { heading: string; url: string; expiresAt: Date };
export const familyLinkOf = (publicUrl: string, heading: string, made: { token: string; expiresAt: Date }): FamilyLink =>
  ({ heading, url: `${publicUrl}/advice/${made.token}`, expiresAt: made.expiresAt });

/** How the child's advice page names where each sending came from (the child's page itself needs no words). */
export const SENT_FROM_WORDS: Record<AdviceSource, string> = {
  'child-page': '', triage: ', from triage', mdt: ', with an MDT outcome', 'virtual-ward-discharge': ', at discharge from care at home',
};

/**
 * Checks each chosen page against the library and the child's age now;
 * every problem is one message on the `pages` field. Pages left unchanged
 * are returned as sent.
 */
async function checkChoices(tx: Tx, access: ChildAccess, choices: string[], today: string) {
  const age = ageInMonths(access.child.date_of_birth, today);
  const approved = new Map((await store.latestApprovedVersions(tx, access.actor.icsId)).map((r) => [r.page_id, r]));
  const problems: string[] = [];
  const pages: (store.NewSending['pages'][number] & { title: string })[] = [];
  for (const choice of [...new Set(choices)]) {
    const [pageId, version, band] = choice.split(':');
    const [fromMonths, toMonths] = band.split('-').map(Number);
    const row = approved.get(pageId);
    if (!row) {
      problems.push(`There is no approved advice page ${pageId}`);
      continue;
    }
    if (!inDate(row, today)) problems.push(`${row.title} is past its review date (${row.review_by}) and cannot be sent until it is approved again`);
    else if (row.version !== Number(version)) problems.push(`${row.title} has changed since you chose it (now version ${row.version}): check it and choose again`);
    else {
      const fits = bandFor(row.age_bands, age);
      if (!fits || fits.fromMonths !== fromMonths || fits.toMonths !== toMonths) {
        problems.push(`The ${fromMonths} to ${toMonths} months advice in ${row.title} is not for a child of ${age} months${fits ? `: send the ${bandWords(fits)} advice` : ''}`);
      } else pages.push({ pageId, version: row.version, fromMonths, toMonths, title: row.title });
    }
  }
  if (problems.length) throw new ValidationError({ pages: problems.join('. ') });
  return pages;
}

/**
 * Sends pages to the family through the door (advicePolicy.send), audited
 * with what was sent; the link's token is returned once, only its hash kept.
 * The practice's name and number are copied from the record as they are now.
 */
export async function sendAdvice(
  tx: Tx, actor: Actor, childId: string, input: SendInput, where: SentFrom, today: string, now = new Date(),
): Promise<Sent> {
  const parsed = sendShape.safeParse(input);
  if (!parsed.success) throw new ValidationError(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'pages'), i.message]).reverse()));
  const access = await openChild(tx, actor, childId, { rule: advicePolicy.send, refused: 'Send advice to the family' });
  return sendOpened(tx, access, parsed.data.pages, parsed.data.note ?? null, where, today, now);
}

async function sendOpened(
  tx: Tx, access: ChildAccess, choices: string[], note: string | null, where: SentFrom, today: string, now: Date,
): Promise<Sent> {
  const pages = await checkChoices(tx, access, choices, today);
  const token = newToken();
  const expiresAt = new Date(now.getTime() + LINK_DAYS * 86_400_000);
  const id = crypto.randomUUID();
  await store.insertSending(tx, access, {
    id, note, source: where.source, referralId: where.referralId ?? null, mdtCaseId: where.mdtCaseId ?? null, practice: await store.practiceOf(tx, access), tokenHash: tokenHash(token), expiresAt, pages,
  });
  // The family can tell the hub how the advice was for them (service 'advice'); a child in no hub has no hub to tell.
  const hub = await store.hubOf(tx, access);
  if (hub) await offerFeedback(tx, access, { serviceKind: 'advice', sourceId: id, clusterId: hub, eventDate: today }, feedbackTokenOf(token));
  const titles = pages.map((p) => `${p.title} (version ${p.version}, ${p.fromMonths} to ${p.toMonths} months)`);
  await auditChild(tx, access, {
    action: 'advice.send', what: `Advice sent to the family: ${titles.join('; ')}${note ? ', with a note' : ''}`,
    details: { sendingId: id, source: where.source, referralId: where.referralId ?? null, mdtCaseId: where.mdtCaseId ?? null, pages: pages.map(({ pageId, version }) => ({ pageId, version })) },
  });
  return { id, token, expiresAt, titles };
}

/** Whether this actor may send advice to the family through these relationships: a page that offers advice beside its own work asks first. */
export const maySendAdvice = (actor: Actor, relationships: Relationship[]) => advicePolicy.send(actor, relationships).allowed;

/** Whether a triage decision's or an MDT outcome's post names any pages: it sends only when it does. */
export const choosesPages = (input: SendInput) => [input.pages ?? []].flat().some((p) => typeof p === 'string' && p !== '');

/**
 * The advice sent to a child's family, for any page that has opened the door
 * to the child (the record, the family's own pages): what, which version,
 * by whom, when, whether opened and found helpful.
 */
export async function adviceSentTo(tx: Tx, access: ChildAccess): Promise<store.SentRow[]> {
  checkedAccess(tx, access);
  return store.sentTo(tx, access);
}

/** The child's advice page for a professional: what was sent, and (when they may send) what can be sent for the child's age today. */
export async function childAdvice(tx: Tx, actor: Actor, childId: string, today: string) {
  const access = await openChild(tx, actor, childId, {
    rule: advicePolicy.viewSent, refused: 'See the advice sent to the family', audit: { action: 'advice.view-sent', what: 'Advice sent to the family' },
  });
  const maySend = advicePolicy.send(actor, access.relationships).allowed;
  return {
    child: access.child, ageMonths: ageInMonths(access.child.date_of_birth, today),
    sent: await adviceSentTo(tx, access), offers: maySend ? await offersFor(tx, access.actor.icsId, access.child.date_of_birth, today) : [], maySend,
  };
}

/**
 * A new one-time link for advice already sent (sent from triage, or the
 * family lost theirs): the old link stops working and the new one may be
 * opened by a new device. Shown once to the professional; only its hash is kept.
 */
export async function issueLink(tx: Tx, actor: Actor, childId: string, sendingId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const access = await openChild(tx, actor, childId, { rule: advicePolicy.send, refused: 'Give the family a link to advice' });
  const token = newToken();
  const expiresAt = new Date(now.getTime() + LINK_DAYS * 86_400_000);
  if (!(await store.replaceLink(tx, access, sendingId, tokenHash(token), expiresAt))) throw new NotFoundError();
  await auditChild(tx, access, { action: 'advice.link', what: 'A new one-time link to advice sent to the family', details: { sendingId } });
  // The feedback offer follows the link (its token is derived from the link's), unless the family already answered.
  await offerFeedbackAgain(tx, access, { serviceKind: 'advice', sourceId: sendingId }, feedbackTokenOf(token));
  return { token, expiresAt };
}

/**
 * Advice sent, by id, child or referral, for the FHIR API's Communication,
 * which opens the door to each child itself before it shows a row.
 */
export const sentForFhir = (tx: Tx, icsId: string, f: store.SentMatch) => store.sentMatching(tx, icsId, f);
