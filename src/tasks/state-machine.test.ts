import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, type TaskStatus } from './schema.js';
import { noteNeeded, refusedMove, TASK_MOVES } from './state-machine.js';

/** Every legal move, written out from the issue (ready, in progress, done, cancelled with reasons). */
const LEGAL: [TaskStatus, TaskStatus][] = [
  ['ready', 'in-progress'], ['ready', 'done'], ['ready', 'cancelled'],
  ['in-progress', 'ready'], ['in-progress', 'done'], ['in-progress', 'cancelled'],
  ['cancelled', 'ready'],
];

/** Every other move, with the words the person who tried it reads: what the action is now, and what they may do instead. */
const REFUSED: Record<string, string> = {
  'ready → ready': 'The action is already to do.',
  'in-progress → in-progress': 'The action is already in progress.',
  'done → done': 'The action is already done.',
  'cancelled → cancelled': 'The action is already cancelled.',
  'done → ready': 'A done action cannot change: agree a new action instead.',
  'done → in-progress': 'A done action cannot change: agree a new action instead.',
  'done → cancelled': 'A done action cannot change: agree a new action instead.',
  'cancelled → in-progress': 'An action that is cancelled cannot become in progress.',
  'cancelled → done': 'An action that is cancelled cannot become done.',
};

describe('task state machine', () => {
  const all = TASK_STATUSES.flatMap((from) => TASK_STATUSES.map((to) => [from, to] as const));

  it.each(all)('%s → %s', (from, to) => {
    const legal = LEGAL.some(([f, t]) => f === from && t === to);
    expect(TASK_MOVES[from].includes(to)).toBe(legal);
    const refused = refusedMove(from, to);
    if (legal) expect(refused).toBeNull();
    else expect(refused).toBe(REFUSED[`${from} → ${to}`]);
  });

  it('names a refusal for every move that is not legal, and only those', () => {
    expect(Object.keys(REFUSED).length + LEGAL.length).toBe(TASK_STATUSES.length ** 2);
    for (const [from, to] of LEGAL) expect(REFUSED[`${from} → ${to}`]).toBeUndefined();
  });

  it('asks for an outcome when done, and a reason when cancelled or reopened', () => {
    expect(noteNeeded('ready', 'done')?.label).toBe('Outcome');
    expect(noteNeeded('in-progress', 'cancelled')?.label).toBe('Reason for cancelling');
    expect(noteNeeded('cancelled', 'ready')?.label).toBe('Reason for reopening');
    expect(noteNeeded('ready', 'in-progress')).toBeNull();
  });
});
