import type { FastifyRequest } from 'fastify';
import { inTenant, type RouteModule } from '../platform/http/app.js';
import { bodyOf, queryOf } from '../platform/http/form-body.js';
import { ConflictError, ValidationError } from '../platform/http/errors.js';
import { errorSummary, idParam } from '../platform/http/validate.js';
import { readListQuery } from '../platform/http/list-search.js';
import { listHref } from '../platform/http/paging.js';
import { londonToday } from '../platform/time/form-dates.js';
import { STATUS_LABELS, TASK_MOVES, noteNeeded } from './state-machine.js';
import { CLUSTER_LEAD_AFTER_DAYS, moveTask, openTask, takeTask, taskList, type TaskWhy } from './service.js';
import type { TaskStatus } from './schema.js';

/** A professional's task list across all children, and one action with its history and what can happen to it next. */

const DUE_FILTERS = { all: 'All open actions', overdue: 'Overdue', 'this-week': 'Due in the next 7 days' } as const;
type Due = keyof typeof DUE_FILTERS;

const WHY_LABELS: Record<TaskWhy, string> = {
  owner: 'Yours',
  team: 'Your team’s',
  accountable: 'Overdue: you are accountable',
  'cluster-lead': `Overdue over ${CLUSTER_LEAD_AFTER_DAYS} days: escalated to you as cluster lead`,
};

const MOVE_WORDS: Record<TaskStatus, string> = { ready: 'Back to to do', 'in-progress': 'Started', done: 'Done', cancelled: 'Cancelled' };


export const taskRoutes: RouteModule = (app, deps) => {
  app.get('/tasks', async (req, reply) => {
    const q = queryOf(req);
    const due: Due = typeof q.due === 'string' && Object.hasOwn(DUE_FILTERS, q.due) ? (q.due as Due) : 'all';
    const page = typeof q.page === 'string' && /^\d{1,5}$/.test(q.page) && Number(q.page) > 0 ? Number(q.page) : 1;
    const today = londonToday();
    const search = readListQuery(q);
    const invalid = Object.keys(search.fields).length > 0;
    const list = await inTenant(deps, req, (tx, actor) => taskList(tx, actor, today, { due, page, search: { words: search.words, refused: invalid } }));
    const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
    const href = (p: number) => listHref('/tasks', { due, q: search.typed, page: p });
    return reply.code(invalid ? 400 : 200).page('tasks/views/task-list.njk', {
      title: 'Your tasks',
      typed: search.typed, searched: Boolean(search.words), fields: search.fields, errors: errorSummary(search.fields, ['q']),
      tasks: list.tasks.map((t) => ({ ...t, overdue: t.due_on < today, whyLabel: WHY_LABELS[t.why], statusLabel: STATUS_LABELS[t.status] })),
      counts: list.counts, total: list.total, due, page, pages,
      filters: Object.entries(DUE_FILTERS).map(([value, text]) => ({ value, text, current: value === due, href: listHref('/tasks', { due: value, q: search.typed }) })),
      previous: page > 1 ? { href: href(page - 1) } : undefined,
      next: page < pages ? { href: href(page + 1) } : undefined,
    });
  });

  const taskPage = async (req: FastifyRequest, id: string, opts: { fields?: Record<string, string>; values?: Record<string, string>; conflict?: string } = {}) => {
    const today = londonToday();
    const { task, child, events, canWork } = await inTenant(deps, req, (tx, actor) => openTask(tx, actor, id, today));
    const moves = TASK_MOVES[task.status].map((to) => ({ value: to, text: MOVE_WORDS[to], checked: opts.values?.to === to, note: noteNeeded(task.status, to) }));
    const fields = opts.fields ?? {};
    return {
      title: `Action for ${child.given_name} ${child.family_name}`,
      task, child, canWork, moves, overdue: task.due_on < today && ['ready', 'in-progress'].includes(task.status),
      statusLabel: STATUS_LABELS[task.status], events: events.map((e) => ({ ...e, from: e.from_status ? STATUS_LABELS[e.from_status] : null, to: STATUS_LABELS[e.to_status] })),
      values: opts.values ?? {}, fields, conflict: opts.conflict,
      errors: ['to', 'note', 'version'].filter((k) => fields[k]).map((k) => ({ text: fields[k], href: k === 'to' ? `#to-${moves[0]?.value ?? ''}` : `#${k}` })),
      isTeamTask: task.why === 'team',
      backHref: '/tasks',
    };
  };

  app.get('/tasks/:id', async (req, reply) => {
    const id = idParam(req.params);
    return reply.page('tasks/views/task.njk', await taskPage(req, id));
  });

  app.post('/tasks/:id', async (req, reply) => {
    const id = idParam(req.params);
    const body = bodyOf(req);
    try {
      await inTenant(deps, req, (tx, actor) => moveTask(tx, actor, id, body, londonToday()));
    } catch (error) {
      const values = { to: typeof body.to === 'string' ? body.to.slice(0, 20) : '', note: typeof body.note === 'string' ? body.note.slice(0, 2000) : '' };
      if (error instanceof ValidationError) return reply.code(400).page('tasks/views/task.njk', await taskPage(req, id, { fields: error.fields, values }));
      if (error instanceof ConflictError) return reply.code(409).page('tasks/views/task.njk', await taskPage(req, id, { conflict: error.message, values }));
      throw error;
    }
    return reply.redirect(`/tasks/${id}?saved=1`, 303);
  });

  app.post('/tasks/:id/take', async (req, reply) => {
    const id = idParam(req.params);
    // A colleague who took it first is a 409 with their name (the error page), not a 500 or a silent overwrite.
    await inTenant(deps, req, (tx, actor) => takeTask(tx, actor, id, bodyOf(req), londonToday()));
    return reply.redirect(`/tasks/${id}`, 303);
  });
};
