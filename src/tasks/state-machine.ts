import type { TaskStatus } from './schema.js';

/**
 * Every move a task may make, in one place. Done is final (a new task is
 * agreed instead); a cancelled task may be reopened. Each move that needs
 * words says which: finishing records the outcome, cancelling and reopening
 * a reason.
 */
export const TASK_MOVES: Record<TaskStatus, readonly TaskStatus[]> = {
  ready: ['in-progress', 'done', 'cancelled'],
  'in-progress': ['ready', 'done', 'cancelled'],
  done: [],
  cancelled: ['ready'],
};

export const STATUS_LABELS: Record<TaskStatus, string> = {
  ready: 'To do',
  'in-progress': 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** What a move needs written down, as the form asks for it. */
export function noteNeeded(from: TaskStatus, to: TaskStatus): { label: string; missing: string } | null {
  if (to === 'done') return { label: 'Outcome', missing: 'Enter the outcome: what was done and what happened' };
  if (to === 'cancelled') return { label: 'Reason for cancelling', missing: 'Enter why the action is cancelled' };
  if (from === 'cancelled' && to === 'ready') return { label: 'Reason for reopening', missing: 'Enter why the action is reopened' };
  return null;
}

/** Null when the move is allowed; otherwise why not, in words. */
export function refusedMove(from: TaskStatus, to: TaskStatus): string | null {
  if (TASK_MOVES[from].includes(to)) return null;
  if (from === to) return `The action is already ${STATUS_LABELS[from].toLowerCase()}.`;
  if (from === 'done') return 'A done action cannot change: agree a new action instead.';
  return `An action that is ${STATUS_LABELS[from].toLowerCase()} cannot become ${STATUS_LABELS[to].toLowerCase()}.`;
}
