import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { NotFoundError } from '../platform/http/errors.js';
import { auditListedChildren } from '../platform/access/door.js';
import * as store from './store.js';

export type { NewWorklistItem, WorklistItem } from './store.js';

/** Puts items on professionals' worklists, in the caller's transaction (so they land with the event that caused them). */
export async function addToWorklists(tx: Tx, icsId: string, items: store.NewWorklistItem[]): Promise<void> {
  await store.insertItems(tx, icsId, items);
}

/**
 * The actor's own items still waiting, oldest first: nothing drops off until
 * it is done. Each child the list names is audited as shown, once.
 */
export async function openItems(tx: Tx, actor: Actor, limit = 200): Promise<store.WorklistItem[]> {
  const items = await store.openItemsOf(tx, actor, limit);
  const named = new Map(items.filter((i) => i.child_id && i.child_name).map((i) => [i.child_id!, i]));
  await auditListedChildren(tx, actor, 'on your worklist', [...named.values()].map((i) => ({
    childId: i.child_id!, action: 'worklist.list', what: `Named on your worklist: ${i.title}`,
  })));
  return items;
}

/** Marks one of the actor's own items done; anyone else's, or one already done, is not found. */
export async function markDone(tx: Tx, actor: Actor, id: string): Promise<void> {
  if (!(await store.markItemDone(tx, actor.professionalId, id))) throw new NotFoundError();
}
