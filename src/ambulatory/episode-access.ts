import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { openChild, type ChildAccess, type ChildRule } from '../platform/access/door.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';
import { ConflictError, NotFoundError } from '../platform/http/errors.js';
import { refusedMove, type EpisodeState } from './episode-states.js';
import * as store from './store.js';

/** One episode through the door to its child, for one action; 404 when there is no such episode. */
export async function openEpisode(tx: Tx, actor: Actor, episodeId: string, rule: ChildRule, refused: string): Promise<{ access: ChildAccess; episode: store.EpisodeRow }> {
  const childId = await store.episodeChild(tx, actor.icsId, episodeId);
  if (!childId) throw new NotFoundError();
  const access = await openChild(tx, actor, childId, { rule, refused });
  return { access, episode: (await store.episode(tx, access, episodeId))! };
}

/**
 * Moves the episode, refusing an illegal move, a stale form (the version the
 * person saw) or a frozen record; `set` adds the columns the move records.
 */
export async function moveEpisode(tx: Tx, access: ChildAccess, e: store.EpisodeRow, to: EpisodeState, version: number, set: SQL = sql``): Promise<void> {
  const illegal = refusedMove(e.state, to);
  if (illegal) throw new ConflictError(illegal);
  if (version !== e.version) throw new ConflictError('Someone else changed this stay on the virtual ward since you opened it. Nothing was saved: look at it again.', e.version);
  await refuseChangeWhileFrozen(tx, access, 'change a stay on the virtual ward');
  if (!(await store.moveEpisode(tx, access, e.id, { state: e.state, version }, to, set))) {
    throw new ConflictError('Someone else changed this stay on the virtual ward just now. Nothing was saved: look at it again.', e.version + 1);
  }
}
