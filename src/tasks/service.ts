import crypto from 'node:crypto';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, auditListedChildren, checkedAccess, openChild, refuseChild, type ChildAccess } from '../platform/access/door.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import { fieldErrors, optionalText } from '../platform/http/validate.js';
import { childMatchesSql, childNames } from '../children/service.js';
import { eachWordMatches } from '../platform/http/list-search.js';
import { refuseChangeWhileFrozen, writableWhileFrozen } from '../platform/access/freeze.js';
import { TASK_STATUSES } from './schema.js';
import { noteNeeded, refusedMove, STATUS_LABELS } from './state-machine.js';
import * as store from './store.js';
import { LISTED_WORDS, taskPolicy } from './policy.js';

export type { TaskRow, TaskWhy, TaskFilter } from './store.js';
export { CLUSTER_LEAD_AFTER_DAYS } from './store.js';

/** An action agreed in a plan or a meeting, before it has an id: for the child whose door the caller opened to agree it. */
export type NewTask = Omit<store.TaskToAdd, 'id' | 'childId'> & { access: ChildAccess };

/**
 * Adds actions agreed in a plan or a meeting, each under the access the
 * caller opened to its child (to change the plan, to record the meeting),
 * and audited through it. A frozen child refuses them all: the refusal is
 * audited against that child and nothing is written.
 */
export async function createTasks(tx: Tx, tasks: NewTask[]): Promise<string[]> {
  if (!tasks.length) return [];
  const { actor } = checkedAccess(tx, tasks[0].access);
  if (tasks.some((t) => checkedAccess(tx, t.access).actor !== actor)) throw new Error('Actions agreed together are agreed by one person.');
  const frozen = await writableWhileFrozen(tx, actor, tasks.map((t) => t.access.childId));
  for (const t of tasks) {
    const reason = frozen.get(t.access.childId);
    if (reason) await refuseChild(tx, t.access, reason, 'agreeing an action');
  }
  const made = tasks.map(({ access, ...t }) => ({ id: crypto.randomUUID(), childId: access.childId, access, ...t }));
  await store.insertTasks(tx, actor, made);
  for (const t of made) {
    await auditChild(tx, t.access, { action: 'task.create', what: `Action agreed (${t.source}): due ${t.dueOn}`, details: { taskId: t.id } });
  }
  return made.map((t) => t.id);
}

/** A plan's or meeting's actions; the caller has checked access and audits the page. */
export const tasksOfSource = store.tasksOfSource;

const PAGE = 50;

/**
 * The actor's task list: their own and their team's open actions, and overdue
 * ones escalated to them. Each child named on the page is audited as shown.
 */
export async function taskList(tx: Tx, actor: Actor, today: string, filter: { due: store.TaskFilter['due']; page: number; search?: { words?: string; refused: boolean } }) {
  const holds = taskPolicy.holdTaskList(actor);
  if (!holds.allowed) throw new ForbiddenError(holds.reason);
  // A search: every word in what is to be done, or the child's name or NHS number. One that was refused lists (and audits) nobody.
  const words = filter.search?.words;
  const matching = filter.search?.refused ? sql`false` : words ? eachWordMatches(words, [sql`t.description`], (w) => childMatchesSql(actor.icsId, sql`t.child_id`, w)) : undefined;
  const { tasks, total, counts } = await store.tasksFor(tx, actor, today, { due: filter.due, limit: PAGE, offset: (filter.page - 1) * PAGE, matching });
  const children = new Map((await childNames(tx, actor.icsId, [...new Set(tasks.map((t) => t.child_id))])).map((c) => [c.id, c]));
  // Each child once, under the strongest reason the list shows them for.
  await auditListedChildren(tx, actor, 'on your task list', [...new Map(tasks.map((t) => [t.child_id, t])).values()].map((t) => ({
    childId: t.child_id, action: 'task.list', what: 'Named in your task list', why: LISTED_WORDS[t.why],
  })));
  return { tasks: tasks.map((t) => ({ ...t, child: children.get(t.child_id)! })), total, counts, pageSize: PAGE };
}

/** Who may see an action: those it is listed for, and anyone who may see the child. Opens the door to the action's child. */
async function openAction(tx: Tx, actor: Actor, id: string, today: string, read?: Awaited<ReturnType<typeof store.taskById>>) {
  const task = read ?? (await store.taskById(tx, actor, id, today));
  if (!task) throw new NotFoundError();
  const access = await openChild(tx, actor, task.child_id, { rule: (a, relationships) => taskPolicy.viewTask(a, task.why, relationships), refused: 'an action' });
  return { task, access, canWork: taskPolicy.workOnTask(actor, task.why).allowed };
}

export async function openTask(tx: Tx, actor: Actor, id: string, today: string) {
  const { task, access, canWork } = await openAction(tx, actor, id, today);
  const [child] = await childNames(tx, actor.icsId, [task.child_id]);
  await auditChild(tx, access, { action: 'task.read', what: 'Action opened', details: { taskId: id } });
  return { task, child, events: await store.taskEvents(tx, actor.icsId, id), canWork };
}

/** Another change landed between opening the action and saving this one. */
const staleAction = () => new ConflictError('Someone else changed this action after you opened it. Reload it to see what they did.');

/** The version of the action the form was opened at. */
const versionSeen = z.coerce.number({ error: 'Reload the action and try again' }).int().positive();

const moveShape = z.object({
  to: z.enum(TASK_STATUSES, { error: 'Select what has happened' }),
  note: optionalText('the note', { max: 1000, multiline: true }),
  version: versionSeen,
});

/**
 * Moves an action as the state machine allows, with the words the move needs;
 * a stale version (someone else moved it first) is refused with a conflict.
 */
export async function moveTask(tx: Tx, actor: Actor, id: string, raw: unknown, today: string) {
  const parsed = moveShape.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { to, note, version } = parsed.data;
  const { task, access } = await openAction(tx, actor, id, today);
  const work = taskPolicy.workOnTask(actor, task.why);
  if (!work.allowed) await refuseChild(tx, access, work.reason, 'moving an action');
  await refuseChangeWhileFrozen(tx, access, 'moving an action');
  const refused = refusedMove(task.status, to);
  if (refused) throw new ConflictError(refused);
  const needed = noteNeeded(task.status, to);
  if (needed && !note) throw new ValidationError({ note: needed.missing });
  if (task.version !== version) throw staleAction();
  if (!(await store.moveStatus(tx, actor, task, to, note ?? null))) throw staleAction();
  await auditChild(tx, access, {
    action: 'task.move', what: `Action: ${STATUS_LABELS[task.status]} → ${STATUS_LABELS[to]}`, details: { taskId: id },
  });
}

const takeShape = z.object({ version: versionSeen });

/**
 * A member of the owning team takes the action on, at the version they saw:
 * it becomes theirs (owning it is its own relationship; they do not join the
 * care team). The update lands
 * only while nobody owns the action, so of two people taking it at once
 * exactly one does and the other is told who did.
 */
export async function takeTask(tx: Tx, actor: Actor, id: string, raw: unknown, today: string) {
  const parsed = takeShape.safeParse(raw ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const found = await store.taskById(tx, actor, id, today);
  // Checked before access: once a colleague owns it, the action is no longer the team's, and the answer is who took it.
  if (found?.owner_professional_id) refuseTakenAction(actor, found);
  // The door decides on the same read: a colleague taking it after this read is caught by the versioned update below.
  const { task, access } = await openAction(tx, actor, id, today, found);
  const take = taskPolicy.takeTask(actor, task.why);
  if (!take.allowed) await refuseChild(tx, access, take.reason, 'taking on an action');
  await refuseChangeWhileFrozen(tx, access, 'taking on an action');
  if (task.version !== parsed.data.version) throw staleAction();
  if (!(await store.takeOwnership(tx, actor, id, task.version))) {
    const now = (await store.taskById(tx, actor, id, today))!;
    if (now.owner_professional_id) refuseTakenAction(actor, now);
    throw staleAction();
  }
  await auditChild(tx, access, { action: 'task.take', what: 'Took on an action given to their team', details: { taskId: id, version: task.version + 1 } });
}

/** Refuses to take an action somebody owns, saying who: the taker themselves or a colleague of the team who was quicker. */
function refuseTakenAction(actor: Actor, task: store.TaskRow): void {
  if (task.owner_professional_id === actor.professionalId) throw new ConflictError('You have already taken this action on.');
  if (task.owner_organisation_id === actor.organisationId) {
    throw new ConflictError(`Someone else took this action on first: ${task.owner_name ?? 'a colleague'} now owns it.`);
  }
}

/** A child's open actions, for a brief; the caller has checked access and audits its page. */
export const openTasksOfChild = store.openTasksOfChild;
