import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, type TaskStatus } from './schema.js';
import { noteNeeded, refusedMove, TASK_MOVES } from './state-machine.js';

/** Every legal move, written out from the issue (ready, in progress, done, cancelled with reasons). */
const LEGAL: [TaskStatus, TaskStatus][] = [
  ['ready', 'in-progress'], ['ready', 'done'], ['ready', 'cancelled'],
  ['in-progress', 'ready'], ['in-progress', 'done'], ['in-progress', 'cancelled'],
  ['cancelled', 'ready'],
];

describe('task state machine', () => {
  const all = TASK_STATUSES.flatMap((from) => TASK_STATUSES.map((to) => [from, to] as const));

  it.each(all)('%s → %s', (from, to) => {
    const legal = LEGAL.some(([f, t]) => f === from && t === to);
    expect(TASK_MOVES[from].includes(to)).toBe(legal);
    const refused = refusedMove(from, to);
    if (legal) expect(refused).toBeNull();
    else expect(refused!.length).toBeGreaterThan(10);
  });

  it('asks for an outcome when done, and a reason when cancelled or reopened', () => {
    expect(noteNeeded('ready', 'done')?.label).toBe('Outcome');
    expect(noteNeeded('in-progress', 'cancelled')?.label).toBe('Reason for cancelling');
    expect(noteNeeded('cancelled', 'ready')?.label).toBe('Reason for reopening');
    expect(noteNeeded('ready', 'in-progress')).toBeNull();
  });
});
