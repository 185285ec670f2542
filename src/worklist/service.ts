import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { NotFoundError } from '../platform/http/errors.js';
import * as store from './store.js';

export type { NewWorklistItem, WorklistItem } from './store.js';

/** Puts items on professionals' worklists, in the caller's transaction (so they land with the event that caused them). */
export async function addToWorklists(tx: Tx, icsId: string, items: store.NewWorklistItem[]): Promise<void> {
  await store.insertItems(tx, icsId, items);
}

/** The actor's own items still waiting, oldest first: nothing drops off until it is done. */
export function openItems(tx: Tx, actor: Actor, limit = 200): Promise<store.WorklistItem[]> {
  return store.openItemsOf(tx, actor.professionalId, limit);
}

/** Marks one of the actor's own items done; anyone else's, or one already done, is not found. */
export async function markDone(tx: Tx, actor: Actor, id: string): Promise<void> {
  if (!(await store.markItemDone(tx, actor.professionalId, id))) throw new NotFoundError();
}
