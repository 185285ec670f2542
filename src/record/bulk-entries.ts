import crypto from 'node:crypto';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditEachChild, openEachChild, type ChildAccess, type EachOpening } from '../platform/access/door.js';
import { ConflictError } from '../platform/http/errors.js';
import { recordPolicy } from './policy.js';
import { writableWhileFrozen } from '../platform/access/freeze.js';
import { readEntryInput, type EntryInput } from './entry-input.js';
import * as bulk from './bulk-store.js';
import { beforeBirth, ENTRY_CONFLICTS, sameEntry, savedEntryAudit } from './entry-rules.js';

export type Saved = { id: string; outcome: 'created' | 'updated' | 'unchanged' } | { error: Error };
type Change = 'created' | 'updated';

/**
 * saveEntry (service.ts) for many of a feed's entries at once: the same
 * checks, outcomes, rows, history and audit, in a few statements per batch
 * instead of a dozen per entry. Each item succeeds or fails on its own (a
 * refusal is its `error`, nothing written for it); `check` may veto a
 * create or update before anything is written (a client's scope, say).
 * A database error is thrown: the caller rolls the whole batch back.
 */
export async function saveEntries(
  tx: Tx, actor: Actor, items: { childId: string; raw: EntryInput | unknown }[],
  opts: { check?: (index: number, change: Change) => Error | undefined } = {},
): Promise<Saved[]> {
  const results: Saved[] = new Array(items.length);
  const inputs = items.map((item, i) => {
    try {
      return readEntryInput(item.raw);
    } catch (e) {
      results[i] = { error: e as Error };
      return undefined;
    }
  });
  const decisions = await decide(tx, actor, [...new Set(items.filter((_, i) => inputs[i]).map((item) => item.childId))]);

  let pending: number[] = [];
  items.forEach((item, i) => {
    if (!inputs[i]) return;
    const decision = decisions.get(item.childId)!;
    const early = decision instanceof Error ? decision : beforeBirth(decision, { startedOn: inputs[i]!.startedOn, endedOn: inputs[i]!.endedOn });
    if (early) results[i] = { error: early };
    else pending.push(i);
  });
  const batch: Batch = { items, inputs, results, access: (i) => decisions.get(items[i].childId) as ChildAccess, check: opts.check };
  // One source identifier twice in a batch: the second is saved after the first, as it would be one at a time.
  while (pending.length) {
    const seen = new Set<string>();
    const round: number[] = [];
    const later: number[] = [];
    for (const i of pending) {
      const key = bulk.keyOfSource(inputs[i]!);
      if (key && seen.has(key)) later.push(i);
      else {
        if (key) seen.add(key);
        round.push(i);
      }
    }
    await saveRound(tx, actor, round, batch);
    pending = later;
  }
  return results;
}

/**
 * Whether the actor may record in each child's record: the door's checks for
 * the whole batch (the child exists, recordPolicy.recordEntry, then the
 * freeze), each refusal audited as saveEntry's is and that child's items' answer.
 */
function decide(tx: Tx, actor: Actor, childIds: string[]): Promise<Map<string, EachOpening>> {
  return openEachChild(tx, actor, childIds, {
    rule: (a, relationships) => recordPolicy.recordEntry(a, relationships, null),
    refused: 'add a record entry',
    furtherRefusals: (allowed) => writableWhileFrozen(tx, actor, allowed),
  });
}

type Batch = {
  items: { childId: string }[]; inputs: (EntryInput | undefined)[]; results: Saved[]; access: (i: number) => ChildAccess;
  check?: (index: number, change: Change) => Error | undefined;
};

/** Items whose source identifiers differ: finds what exists, then inserts, updates, history and audit in one statement each. */
async function saveRound(tx: Tx, actor: Actor, round: number[], b: Batch): Promise<void> {
  const sources = round.flatMap((i) => (bulk.keyOfSource(b.inputs[i]!) ? [{ system: b.inputs[i]!.sourceSystem!, id: b.inputs[i]!.sourceId! }] : []));
  const found = await bulk.entriesBySource(tx, actor.icsId, sources);
  const creates: { i: number; id: string }[] = [];
  const updates: { i: number; existing: bulk.WrittenEntry }[] = [];
  for (const i of round) {
    const input = b.inputs[i]!;
    const key = bulk.keyOfSource(input);
    const existing = key ? found.get(key) : undefined;
    const change: Change | 'unchanged' = !existing ? 'created' : sameEntry(existing, input) ? 'unchanged' : 'updated';
    const refusal = existing && existing.child_id !== b.items[i].childId ? new ConflictError(ENTRY_CONFLICTS.otherChild)
      : existing && existing.kind !== input.kind ? new ConflictError(ENTRY_CONFLICTS.kind)
      : change !== 'unchanged' ? b.check?.(i, change) : undefined;
    if (refusal) b.results[i] = { error: refusal };
    else if (change === 'unchanged') b.results[i] = { id: existing!.id, outcome: 'unchanged' };
    else if (change === 'created') creates.push({ i, id: crypto.randomUUID() });
    else updates.push({ i, existing: existing! });
  }
  // The rows come back from their writes (RETURNING): their history snapshots and audit need no read after.
  const inserted = await bulk.insertEntries(tx, actor, creates.map(({ i, id }) => ({ id, childId: b.items[i].childId, input: b.inputs[i]! })));
  const changed = await bulk.updateEntries(tx, actor.icsId, updates.map(({ i, existing }) => ({ existing, input: b.inputs[i]! })));
  for (const u of updates) if (!changed.has(u.existing.id)) b.results[u.i] = { error: new ConflictError(ENTRY_CONFLICTS.concurrent) };

  const written = [...creates.map((c) => ({ i: c.i, id: c.id, outcome: 'created' as const })),
    ...updates.filter((u) => changed.has(u.existing.id)).map((u) => ({ i: u.i, id: u.existing.id, outcome: 'updated' as const }))]
    .sort((x, y) => x.i - y.i);
  if (!written.length) return;
  const entries = written.map((w) => {
    const entry = (w.outcome === 'created' ? inserted : changed).get(w.id);
    if (!entry) throw new Error(`record entry ${w.id} was written but not returned`);
    return entry;
  });
  await bulk.writeHistories(tx, actor, entries);
  await auditEachChild(tx, written.map((w, n) => ({ access: b.access(w.i), entry: savedEntryAudit(entries[n], w.outcome) })));
  for (const w of written) b.results[w.i] = { id: w.id, outcome: w.outcome };
}
