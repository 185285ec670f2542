import { describe, expect, it } from 'vitest';
import type { Tx } from '../platform/db/client.js';
import { BatchWriter } from './writer.js';

describe('BatchWriter', () => {
  it('lets a listening server answer between statements, though the database answers on promises alone', async () => {
    let serverTurn = false;
    // What each statement saw: whether the event loop had had a turn (a request answered) before it ran.
    const seen: boolean[] = [];
    const tx = { execute: async () => void seen.push(serverTurn) } as unknown as Tx;
    const writer = new BatchWriter(tx, ['child', 'record_entry']);
    writer.add('child', { id: 'a' });
    writer.add('record_entry', { id: 'b' });
    setImmediate(() => (serverTurn = true));
    await writer.close();
    expect(seen).toEqual([false, true]);
  });
});
