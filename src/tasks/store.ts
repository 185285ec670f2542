import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { hasRelationshipSql } from '../platform/access/relationship.js';
import { bulkInsert } from '../platform/db/bulk.js';
import type { TaskSource, TaskStatus } from './schema.js';

export type TaskRow = {
  id: string; child_id: string; source: TaskSource; source_id: string; agency: string; description: string;
  owner_professional_id: string | null; owner_name: string | null; owner_organisation_id: string | null; owner_team_name: string | null;
  accountable_professional_id: string; accountable_name: string; due_on: string; status: TaskStatus; outcome: string | null; version: number;
  created_at: string; updated_at: string;
};

/** Why a task is on someone's list: it is theirs, their team's, or escalated to them because it is overdue. */
export type TaskWhy = 'owner' | 'team' | 'accountable' | 'cluster-lead';

/** Days overdue before an action reaches the cluster lead (it reaches the accountable professional at once). */
export const CLUSTER_LEAD_AFTER_DAYS = 14;

const COLUMNS = sql`t.id, t.child_id, t.source, t.source_id, t.agency, t.description, t.owner_professional_id, op.name AS owner_name,
  t.owner_organisation_id, oo.name AS owner_team_name, t.accountable_professional_id, ap.name AS accountable_name, t.due_on, t.status,
  t.outcome, t.version, t.created_at, t.updated_at`;
const JOINS = sql`LEFT JOIN professional op ON op.ics_id = t.ics_id AND op.id = t.owner_professional_id
  LEFT JOIN organisation oo ON oo.ics_id = t.ics_id AND oo.id = t.owner_organisation_id
  JOIN professional ap ON ap.ics_id = t.ics_id AND ap.id = t.accountable_professional_id`;

/** Whose list a task row `t` is on, strongest reason first; SQL so that paging counts only the actor's tasks. */
export function whySql(actor: Actor, today: string): SQL {
  return sql`CASE
    WHEN t.owner_professional_id = ${actor.professionalId}::uuid THEN 'owner'
    WHEN t.owner_professional_id IS NULL AND t.owner_organisation_id = ${actor.organisationId}::uuid THEN 'team'
    WHEN t.accountable_professional_id = ${actor.professionalId}::uuid AND t.due_on < ${today}::date THEN 'accountable'
    WHEN t.due_on < ${today}::date - ${CLUSTER_LEAD_AFTER_DAYS}::int AND ${hasRelationshipSql('cluster-lead', actor, sql`t.child_id`)} THEN 'cluster-lead'
  END`;
}

export type TaskFilter = { due: 'all' | 'overdue' | 'this-week'; limit: number; offset: number; matching?: SQL };

/**
 * The ids of the open tasks on the actor's list. Each branch is its own
 * indexed lookup (owner, team, accountable, the hub lead's children), so the
 * cost follows the actor's tasks, not every open task in the ICS.
 */
function myOpenTaskIds(actor: Actor, today: string): SQL {
  const open = sql`status IN ('ready', 'in-progress')`;
  const ics = sql`ics_id = ${actor.icsId}::uuid`;
  return sql`SELECT id FROM task WHERE ${ics} AND owner_professional_id = ${actor.professionalId}::uuid AND ${open}
    UNION SELECT id FROM task WHERE ${ics} AND owner_organisation_id = ${actor.organisationId}::uuid AND owner_professional_id IS NULL AND ${open}
    UNION SELECT id FROM task WHERE ${ics} AND accountable_professional_id = ${actor.professionalId}::uuid AND ${open} AND due_on < ${today}::date
    UNION SELECT lt.id FROM task lt WHERE lt.ics_id = ${actor.icsId}::uuid AND lt.status IN ('ready', 'in-progress') AND lt.due_on < ${today}::date - ${CLUSTER_LEAD_AFTER_DAYS}::int
      AND ${hasRelationshipSql('cluster-lead', actor, sql`lt.child_id`)}`;
}

export async function tasksFor(tx: Tx, actor: Actor, today: string, f: TaskFilter) {
  const due = f.due === 'overdue' ? sql`AND t.due_on < ${today}::date`
    : f.due === 'this-week' ? sql`AND t.due_on >= ${today}::date AND t.due_on < ${today}::date + 7` : sql``;
  const mine = sql`t.ics_id = ${actor.icsId}::uuid AND t.id IN (${myOpenTaskIds(actor, today)})`;
  const list = await rows<TaskRow & { why: TaskWhy; total: number }>(
    tx,
    sql`SELECT ${COLUMNS}, ${whySql(actor, today)} AS why, count(*) OVER ()::int AS total FROM task t ${JOINS}
         WHERE ${mine} ${due} AND ${f.matching ?? sql`true`} ORDER BY t.due_on, t.created_at, t.id LIMIT ${f.limit} OFFSET ${f.offset}`,
  );
  const [counts] = await rows<{ open: number; overdue: number; this_week: number }>(
    tx,
    sql`SELECT count(*)::int AS open, count(*) FILTER (WHERE t.due_on < ${today}::date)::int AS overdue,
               count(*) FILTER (WHERE t.due_on >= ${today}::date AND t.due_on < ${today}::date + 7)::int AS this_week
          FROM task t WHERE ${mine}`,
  );
  return { tasks: list, total: list[0]?.total ?? (f.offset ? -1 : 0), counts };
}

export async function taskById(tx: Tx, actor: Actor, id: string, today: string) {
  const [found] = await rows<TaskRow & { why: TaskWhy | null }>(
    tx,
    sql`SELECT ${COLUMNS}, ${whySql(actor, today)} AS why FROM task t ${JOINS} WHERE t.ics_id = ${actor.icsId}::uuid AND t.id = ${id}::uuid`,
  );
  return found;
}

/** A care plan's or meeting's actions, open ones first. */
export function tasksOfSource(tx: Tx, icsId: string, sourceId: string) {
  return rows<TaskRow>(
    tx,
    sql`SELECT ${COLUMNS} FROM task t ${JOINS} WHERE t.ics_id = ${icsId}::uuid AND t.source_id = ${sourceId}::uuid
         ORDER BY (t.status IN ('done', 'cancelled')), t.due_on, t.created_at, t.id`,
  );
}

export function taskEvents(tx: Tx, icsId: string, taskId: string) {
  return rows<{ from_status: TaskStatus | null; to_status: TaskStatus; note: string | null; changed_by_name: string; changed_at: string }>(
    tx,
    sql`SELECT from_status, to_status, note, changed_by_name, changed_at FROM task_event WHERE ics_id = ${icsId}::uuid AND task_id = ${taskId}::uuid ORDER BY changed_at, id`,
  );
}

export function openTasksOfChild(tx: Tx, icsId: string, childId: string) {
  return rows<TaskRow>(
    tx,
    sql`SELECT ${COLUMNS} FROM task t ${JOINS} WHERE t.ics_id = ${icsId}::uuid AND t.child_id = ${childId}::uuid AND t.status IN ('ready', 'in-progress') ORDER BY t.due_on, t.id LIMIT 50`,
  );
}

/** An action as agreed in a plan or a meeting, with its id already chosen. */
export type TaskToAdd = {
  id: string; childId: string; source: TaskSource; sourceId: string; agency: string; description: string;
  owner: { kind: 'professional' | 'organisation'; id: string }; accountableProfessionalId: string; dueOn: string;
};

/** Adds agreed actions, each ready to start, with the first line of its history saying who agreed it. */
export async function insertTasks(tx: Tx, actor: Actor, tasks: TaskToAdd[]): Promise<void> {
  const now = new Date().toISOString();
  await bulkInsert(tx, 'task', tasks.map((t) => ({
    ics_id: actor.icsId, id: t.id, child_id: t.childId, source: t.source, source_id: t.sourceId, agency: t.agency, description: t.description,
    owner_professional_id: t.owner.kind === 'professional' ? t.owner.id : null, owner_organisation_id: t.owner.kind === 'organisation' ? t.owner.id : null,
    accountable_professional_id: t.accountableProfessionalId, due_on: t.dueOn, status: 'ready', outcome: null, version: 1,
    created_by: actor.professionalId, created_at: now, updated_at: now,
  })));
  await bulkInsert(tx, 'task_event', tasks.map((t) => ({
    ics_id: actor.icsId, id: crypto.randomUUID(), task_id: t.id, from_status: null, to_status: 'ready', note: null,
    changed_by: actor.professionalId, changed_by_name: actor.name, changed_at: now,
  })));
}

/**
 * Moves an action to a new status if it is still at the version the actor
 * saw, recording the move in its history; false when someone else changed it
 * first. Finishing it keeps the note as its outcome.
 */
export async function moveStatus(tx: Tx, actor: Actor, task: { id: string; status: TaskStatus; version: number }, to: TaskStatus, note: string | null): Promise<boolean> {
  const moved = await rows(tx, sql`UPDATE task SET status = ${to}, outcome = ${to === 'done' ? note : sql`outcome`},
      version = version + 1, updated_at = now() WHERE ics_id = ${actor.icsId}::uuid AND id = ${task.id}::uuid AND version = ${task.version} RETURNING id`);
  if (moved.length === 0) return false;
  await tx.execute(sql`INSERT INTO task_event (ics_id, id, task_id, from_status, to_status, note, changed_by, changed_by_name, changed_at)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${task.id}::uuid, ${task.status}, ${to}, ${note},
            ${actor.professionalId}::uuid, ${actor.name}, clock_timestamp())`);
  return true;
}

/** Makes the actor the owner of a team's action, only while nobody owns it and it is at the version they saw; false otherwise. */
export async function takeOwnership(tx: Tx, actor: Actor, id: string, version: number): Promise<boolean> {
  const taken = await rows<{ id: string }>(tx, sql`UPDATE task SET owner_professional_id = ${actor.professionalId}::uuid, version = version + 1, updated_at = now()
     WHERE ics_id = ${actor.icsId}::uuid AND id = ${id}::uuid AND version = ${version} AND owner_professional_id IS NULL RETURNING id`);
  return taken.length > 0;
}
