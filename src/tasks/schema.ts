import { pgTable, uuid, text, timestamp, date, integer, primaryKey, foreignKey, index } from 'drizzle-orm/pg-core';
import { whoChanged } from '../platform/db/who-changed.js';
import { child } from '../children/schema.js';
import { organisation, professional } from '../organisations/schema.js';

export const TASK_STATUSES = ['ready', 'in-progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Where an action was agreed: in a child's care plan, or at an MDT meeting. */
export const TASK_SOURCES = ['care-plan', 'mdt'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

/**
 * An action for one child: who does what by when. The owner is a person or a
 * team (an organisation); the accountable professional (the key worker, or
 * whoever brought the case to the MDT) stays answerable for it. The status
 * moves only as the task state machine allows; each move is in task_event.
 */
export const task = pgTable(
  'task',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    source: text('source').$type<TaskSource>().notNull(),
    sourceId: uuid('source_id').notNull(),
    agency: text('agency').notNull(),
    description: text('description').notNull(),
    ownerProfessionalId: uuid('owner_professional_id'),
    ownerOrganisationId: uuid('owner_organisation_id'),
    accountableProfessionalId: uuid('accountable_professional_id').notNull(),
    dueOn: date('due_on').notNull(),
    status: text('status').$type<TaskStatus>().notNull(),
    outcome: text('outcome'),
    version: integer('version').notNull(),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('task_owner_idx').on(t.icsId, t.ownerProfessionalId, t.status, t.dueOn),
    index('task_team_idx').on(t.icsId, t.ownerOrganisationId, t.status, t.dueOn),
    index('task_accountable_idx').on(t.icsId, t.accountableProfessionalId, t.status, t.dueOn),
    index('task_source_idx').on(t.icsId, t.sourceId),
    index('task_child_idx').on(t.icsId, t.childId),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.ownerProfessionalId], foreignColumns: [professional.icsId, professional.id] }),
    foreignKey({ columns: [t.icsId, t.ownerOrganisationId], foreignColumns: [organisation.icsId, organisation.id] }),
    foreignKey({ columns: [t.icsId, t.accountableProfessionalId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/** Each move of a task's status, with who, when and why (a cancellation's reason, a completion's outcome). */
export const taskEvent = pgTable(
  'task_event',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    taskId: uuid('task_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    note: text('note'),
    ...whoChanged(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('task_event_task_idx').on(t.icsId, t.taskId, t.changedAt),
    foreignKey({ columns: [t.icsId, t.taskId], foreignColumns: [task.icsId, task.id] }),
  ],
);
