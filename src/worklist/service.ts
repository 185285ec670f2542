import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { auditListedChildren } from '../platform/access/door.js';
import { ForbiddenError, NotFoundError } from '../platform/http/errors.js';
import * as store from './store.js';

export type { NewWorklistItem, WorklistItem } from './store.js';

/** Puts items on professionals' worklists, in the caller's transaction (so they land with the event that caused them). */
export async function addToWorklists(tx: Tx, icsId: string, items: store.NewWorklistItem[]): Promise<void> {
  await store.insertItems(tx, icsId, items);
}

/**
 * The actor's own items still waiting, oldest first: nothing drops off until
 * it is done. Each child the page names (by name while the professional has
 * a relationship with them, or in the item's title, as a clinic letter's
 * does) is audited once, as every list that names children is.
 */
export async function openItems(tx: Tx, actor: Actor, limit = 200): Promise<store.WorklistItem[]> {
  const keeps = policy.keepWorklist(actor);
  if (!keeps.allowed) throw new ForbiddenError(keeps.reason);
  return listed(tx, actor, keeps.why, await store.openItemsOf(tx, actor, limit));
}

/**
 * The actor's open items of one kind, on the page that answers them (the
 * booking list answers families' requests to change an appointment), under
 * that page's own reason: a role without a worklist (the hub clinic
 * administrator) still sees what was sent to it there.
 */
export async function openItemsOfKind(tx: Tx, actor: Actor, kind: string, why: string, limit = 200): Promise<store.WorklistItem[]> {
  return listed(tx, actor, why, await store.openItemsOf(tx, actor, limit, kind));
}

/** Audits each child an item names, as shown to the actor for `why`. */
async function listed(tx: Tx, actor: Actor, why: string, items: store.WorklistItem[]): Promise<store.WorklistItem[]> {
  const children = [...new Set(items.flatMap((i) => (i.child_id && (i.child_name || i.title_names_child) ? [i.child_id] : [])))];
  await auditListedChildren(tx, actor, why, children.map((childId) => ({ childId, action: 'worklist.list', what: 'Named in your worklist' })));
  return items;
}

/** Marks one of the actor's own items done; anyone else's, or one already done, is not found. */
export async function markDone(tx: Tx, actor: Actor, id: string): Promise<void> {
  if (!(await store.markItemDone(tx, actor, id))) throw new NotFoundError();
}

/** Closes every professional's item linking to this page (a family's question one of them answered). */
export async function doneForEveryone(tx: Tx, icsId: string, link: string): Promise<void> {
  await store.markLinkDone(tx, icsId, link);
}
