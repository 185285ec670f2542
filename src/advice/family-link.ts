import crypto from 'node:crypto';
import type { Database, Tx } from '../platform/db/client.js';
import { ADVICE_LINK_ROLE, type Actor } from '../platform/access/actor.js';
import { adviceLinkPolicy, LINK_EXPIRED, LINK_NOT_OPENED_HERE, LINK_ON_ANOTHER_DEVICE } from '../platform/access/advice-link-policy.js';
import { auditChild, openChild, refuseChild, type ChildAccess, type Opening } from '../platform/access/door.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { tokenHash } from '../platform/http/session.js';
import { ACTION_WORDS, bandFor, forAgeWords, type AdviceAction, type AgeBand } from './page-format.js';
import * as store from './store.js';

/**
 * The page a family opens from their one-time link, without signing in. The
 * link's hash finds the sending; whoever holds the link is an actor of their
 * own (the advice link holder), whose one relationship is to that sending,
 * so every open passes the door and is audited like any other read. The
 * first device to open it is remembered (a cookie of its own, kept hashed)
 * and only that device may open it again. It shows the pages as sent, the
 * child's first name, the note and the practice's number as sent: nothing
 * else of the record.
 */

export type LinkAnswer =
  | { kind: 'not-found' }
  | { kind: 'expired' }
  | { kind: 'other-device' }
  | { kind: 'open'; view: FamilyView; newDevice: string | null };

export type FamilyAction = { text: string; href: string | null };
export type FamilyPage = {
  pageId: string; title: string; version: number; demonstration: boolean; helpful: boolean | null;
  /** Who the band sent is for: "under 3 months old". */
  forAge: string;
  red: string[]; amber: string[]; green: string[]; atHome: string[]; whatToExpect: string; seekHelpAgain: string;
  redActions: FamilyAction[]; amberActions: FamilyAction[]; greenActions: FamilyAction[]; sources: string[];
};
export type FamilyView = { sendingId: string; firstName: string; note: string | null; sentOn: string; pages: FamilyPage[] };

/** Each action as a link a phone can follow; the practice's only when the record had a number. */
function actionLinks(actions: AdviceAction[], practice: { name: string | null; phone: string | null }): FamilyAction[] {
  return actions.map((a) => {
    if (a === '999') return { text: ACTION_WORDS[a], href: 'tel:999' };
    if (a === '111') return { text: ACTION_WORDS[a], href: 'tel:111' };
    if (a === 'practice') {
      const name = practice.name ? ` (${practice.name}${practice.phone ? `, ${practice.phone}` : ''})` : '';
      return { text: `${ACTION_WORDS[a]}${name}`, href: practice.phone ? `tel:${practice.phone.replace(/[^0-9+]/g, '')}` : null };
    }
    return { text: ACTION_WORDS[a], href: null };
  });
}

/** One page as a family reads it: the band sent, with its actions as links (the practice's number from the record). */
export function familyPageOf(
  page: { pageId: string; title: string; version: number; demonstration: boolean; sources: string[] }, band: AgeBand,
  practice: { name: string | null; phone: string | null }, helpful: boolean | null = null,
): FamilyPage {
  return {
    ...page, helpful, forAge: forAgeWords(band),
    red: band.red, amber: band.amber, green: band.green, atHome: band.atHome, whatToExpect: band.whatToExpect, seekHelpAgain: band.seekHelpAgain,
    redActions: actionLinks(band.actions.red, practice), amberActions: actionLinks(band.actions.amber, practice), greenActions: actionLinks(band.actions.green, practice),
  };
}

function familyPage(row: Awaited<ReturnType<typeof store.pagesOfSending>>[number], practice: { name: string | null; phone: string | null }): FamilyPage {
  // The band that was sent, found by its range in the version that was sent.
  const band = bandFor(row.age_bands, row.from_months) as AgeBand;
  return familyPageOf({ pageId: row.page_id, title: row.title, version: row.version, demonstration: row.demonstration, sources: row.sources }, band, practice, row.helpful);
}

const deviceHash = (device: string) => crypto.createHash('sha256').update(`advice-device\u0000${device}`).digest('hex');

/** A stable id for a link holder in the audit (the actor column), made from the sending: one link holder per sending. */
function linkHolderId(sendingId: string): string {
  const h = crypto.createHash('sha256').update(`advice-link:${sendingId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Whoever holds this link, on this device, as the door knows them: no name, no organisation, one sending. */
function linkHolder(icsId: string, sendingId: string, token: string, device: string | undefined): Actor {
  return {
    icsId, professionalId: linkHolderId(sendingId), name: 'Advice link holder', email: '', role: ADVICE_LINK_ROLE,
    organisationId: icsId, organisationName: 'Holder of a one-time advice link',
    adviceLink: { sendingId, tokenHash: tokenHash(token), deviceHash: device ? deviceHash(device) : null },
  };
}

/** Why the link is closed, from the door's refusal: the family's page says each in its own words. */
function closedBy(reason: string): Exclude<LinkAnswer['kind'], 'open'> {
  if (reason === LINK_EXPIRED) return 'expired';
  if (reason === LINK_ON_ANOTHER_DEVICE || reason === LINK_NOT_OPENED_HERE) return 'other-device';
  return 'not-found';
}

/**
 * Runs fn as the link's holder in the link's ICS, through the door to the
 * child the advice was sent for (this rule, refusals audited); a link that
 * never existed finds no ICS and no child, so nothing is audited.
 */
async function asLinkHolder<T>(
  db: Database, token: string, device: string | undefined, opening: Omit<Opening, 'audit'>, fn: (tx: Tx, access: ChildAccess) => Promise<T>,
): Promise<T | Exclude<LinkAnswer['kind'], 'open'>> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return 'not-found';
  const owner = await db.platform((tx) => store.linkOwner(tx, tokenHash(token)));
  if (!owner) return 'not-found';
  try {
    return await db.tenant(owner.ics_id, async (tx) => {
      const childId = await store.childOfSending(tx, owner.ics_id, owner.id);
      if (!childId) return 'not-found' as const;
      return fn(tx, await openChild(tx, linkHolder(owner.ics_id, owner.id, token, device), childId, opening));
    });
  } catch (error) {
    if (error instanceof RefusedAccess) return closedBy(error.message);
    throw error;
  }
}

const OPENED_AS = {
  page: { action: 'advice.link-open', what: 'Advice opened from the family’s one-time link' },
  pdf: { action: 'advice.link-pdf', what: 'Advice printed from the family’s one-time link (PDF)' },
} as const;

/**
 * Opens a link through the door: a link nobody has opened binds to this
 * device (a new device value is returned for the cookie); a bound one opens
 * only for its device. Each open is audited with the pages shown.
 */
export async function openLink(db: Database, token: string, device: string | undefined, as: keyof typeof OPENED_AS = 'page'): Promise<LinkAnswer> {
  const answer = await asLinkHolder(db, token, device, { rule: adviceLinkPolicy.openSentAdvice, refused: 'Open advice sent to the family' }, async (tx, access) => {
    const sending = await store.linkedSending(tx, access);
    if (!sending) return 'not-found' as const;
    let newDevice: string | null = null;
    if (sending.device_hash === null) {
      newDevice = crypto.randomBytes(32).toString('base64url');
      if (!(await store.bindDevice(tx, access, deviceHash(newDevice)))) await refuseChild(tx, access, LINK_ON_ANOTHER_DEVICE, 'Open advice sent to the family');
    } else {
      await store.countOpen(tx, access);
    }
    const practice = { name: sending.practice_name, phone: sending.practice_phone };
    const pages = (await store.pagesOfSending(tx, access)).map((row) => familyPage(row, practice));
    await auditChild(tx, access, {
      ...OPENED_AS[as], what: `${OPENED_AS[as].what}: ${pages.map((p) => `${p.title} (version ${p.version})`).join('; ')}`, details: { sendingId: sending.id },
    });
    return { kind: 'open' as const, newDevice, view: { sendingId: sending.id, firstName: access.child.given_name, note: sending.note, sentOn: sending.sent_at.slice(0, 10), pages } };
  });
  return typeof answer === 'string' ? { kind: answer } : answer;
}

/** "Did this help?": through the door, only from the device the link is bound to, while the link works; audited. */
export async function answerHelpful(db: Database, token: string, device: string | undefined, pageId: string, helpful: boolean): Promise<boolean> {
  const done = await asLinkHolder(db, token, device, { rule: adviceLinkPolicy.answerSentAdvice, refused: 'Answer whether advice helped' }, async (tx, access) => {
    const title = await store.answerHelpful(tx, access, pageId, helpful);
    if (!title) return false;
    await auditChild(tx, access, {
      action: 'advice.link-helpful', what: `The family said the advice ${helpful ? 'helped' : 'did not help'}: ${title}`, details: { sendingId: access.actor.adviceLink!.sendingId, pageId, helpful },
    });
    return true;
  });
  return done === true;
}

/**
 * One sending as the family reads it on their own signed-in pages, for an
 * access the door opened to the child: the same pages, red first, without the
 * one-time link's device binding. Reading it counts as opened in the ICS's
 * figures and on the child's record. Undefined when it is not this child's.
 */
export async function sendingAsFamilyReadsIt(tx: Tx, access: ChildAccess, sendingId: string): Promise<FamilyView | undefined> {
  const sending = await store.sendingOfChild(tx, access, sendingId);
  if (!sending) return undefined;
  await store.markRead(tx, access, sendingId);
  const practice = { name: sending.practice_name, phone: sending.practice_phone };
  const pages = (await store.pagesOfSending(tx, access, sendingId)).map((row) => familyPage(row, practice));
  return { sendingId, firstName: access.child.given_name, note: sending.note, sentOn: sending.sent_at.slice(0, 10), pages };
}

/**
 * "Did this help?" from the family's own pages, for an access the door opened
 * to the child (the caller audits it); the page's title, or undefined when the
 * page is not one of this child's sending.
 */
export const familyAnswersHelpful = (tx: Tx, access: ChildAccess, sendingId: string, pageId: string, helpful: boolean) =>
  store.answerHelpful(tx, access, pageId, helpful, sendingId);
