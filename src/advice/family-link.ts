import crypto from 'node:crypto';
import type { Database, Tx } from '../platform/db/client.js';
import { checkedAccess, type ChildAccess } from '../platform/access/door.js';
import { tokenHash } from '../platform/http/session.js';
import { ACTION_WORDS, bandFor, type AdviceAction, type AgeBand } from './page-format.js';
import * as store from './store.js';

/**
 * The page a family opens from their one-time link, without signing in. The
 * link's hash finds the sending; the first device to open it is remembered
 * (a cookie of its own, kept hashed) and only that device may open it again.
 * It shows the pages as sent, the child's first name and the note: nothing
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
    ...page, helpful,
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

/** Finds the sending behind a link and runs fn in its ICS; null for a link that never existed. */
async function inLinkIcs<T>(db: Database, token: string, fn: (tx: Parameters<Parameters<Database['tenant']>[1]>[0], id: string) => Promise<T>): Promise<T | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const owner = await db.platform((tx) => store.linkOwner(tx, tokenHash(token)));
  if (!owner) return null;
  return db.tenant(owner.ics_id, (tx) => fn(tx, owner.id));
}

/**
 * Opens a link: a link nobody has opened binds to this device (a new device
 * value is returned for the cookie); a bound one opens only for its device.
 */
export async function openLink(db: Database, token: string, device: string | undefined): Promise<LinkAnswer> {
  const answer = await inLinkIcs(db, token, async (tx, id): Promise<LinkAnswer> => {
    const sending = await store.sendingForLink(tx, id);
    if (!sending) return { kind: 'not-found' };
    if (sending.expired) return { kind: 'expired' };
    let newDevice: string | null = null;
    if (sending.device_hash === null) {
      newDevice = crypto.randomBytes(32).toString('base64url');
      if (!(await store.bindDevice(tx, id, deviceHash(newDevice)))) return { kind: 'other-device' };
    } else if (!device || sending.device_hash !== deviceHash(device)) {
      return { kind: 'other-device' };
    } else {
      await store.countOpen(tx, id);
    }
    const practice = { name: sending.practice_name, phone: sending.practice_phone };
    const pages = (await store.pagesOfSending(tx, id)).map((row) => familyPage(row, practice));
    return { kind: 'open', newDevice, view: { sendingId: id, firstName: sending.given_name, note: sending.note, sentOn: sending.sent_at.slice(0, 10), pages } };
  });
  return answer ?? { kind: 'not-found' };
}

/** "Did this help?": only from the device the link is bound to, while the link works. */
export async function answerHelpful(db: Database, token: string, device: string | undefined, pageId: string, helpful: boolean): Promise<boolean> {
  const done = await inLinkIcs(db, token, async (tx, id) => {
    const sending = await store.sendingForLink(tx, id);
    if (!sending || sending.expired || !device || sending.device_hash !== deviceHash(device)) return false;
    return store.answerHelpful(tx, id, pageId, helpful);
  });
  return done ?? false;
}

/**
 * One sending as the family reads it on their own signed-in pages, for an
 * access the door opened to the child: the same pages, red first, without the
 * one-time link's device binding. Undefined when it is not this child's.
 */
export async function sendingAsFamilyReadsIt(tx: Tx, access: ChildAccess, sendingId: string): Promise<FamilyView | undefined> {
  const { childId } = checkedAccess(tx, access);
  const sending = await store.sendingForLink(tx, sendingId);
  if (!sending || sending.child_id !== childId) return undefined;
  const practice = { name: sending.practice_name, phone: sending.practice_phone };
  const pages = (await store.pagesOfSending(tx, sendingId)).map((row) => familyPage(row, practice));
  return { sendingId, firstName: sending.given_name, note: sending.note, sentOn: sending.sent_at.slice(0, 10), pages };
}
