/**
 * Care plans, tasks and MDT briefs: a professional's task list with 500 open
 * tasks (serially and under load), a care plan page with 50 or more versions,
 * and the briefs for an MDT meeting with 8 children. Works on a reused bench
 * database: tasks are topped up to exactly 500, the plan only to 50 versions,
 * and each run schedules a fresh meeting.
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rows, type Database } from '../src/platform/db/client.js';
import { bulkInsert } from '../src/platform/db/bulk.js';
import type { Actor } from '../src/platform/access/actor.js';
import { londonToday } from '../src/platform/time/form-dates.js';
import { isoDate, parseIsoDate } from '../src/platform/time/calendar-days.js';
import { taskList } from '../src/tasks/service.js';
import { addGoal, revisePlan } from '../src/careplans/service.js';
import { openPlan } from '../src/careplans/store.js';
import { bringCase, hubsToSchedule, meetingBriefs, scheduleMeetings } from '../src/mdt/service.js';
import { TestClient } from '../test/http.js';
import { actorFor } from '../test/actors.js';
import { summarise, timeEach } from './stats.js';
import { page, underLoad } from './load.js';

export type CareBenchOptions = { baseUrl: string; icsId: string; password: string; loadSeconds: number; domain?: string };

const OPEN_TASKS = 500;
const PLAN_VERSIONS = 50;
const BRIEF_CHILDREN = 8;
const HEALTH_ROLES = ['care-coordinator', 'school-nurse', 'paediatrician', 'health-visitor', 'camhs-clinician', 'gp', 'practice-nurse'];

const addDays = (iso: string, days: number) => isoDate(parseIsoDate(iso) + days);


// ---------------------------------------------------------------- 1. task list

/** The actor's open tasks as their task list counts them (the service's own counts). */
async function openTaskCounts(db: Database, actor: Actor, today: string) {
  return (await db.tenant(actor.icsId, (tx) => taskList(tx, actor, today, { due: 'all', page: 1 }))).counts;
}

/**
 * Tops the professional's task list up to exactly OPEN_TASKS open tasks:
 * actions of real care plans (the plan's child, the plan's key worker
 * accountable), owned by the professional, due from 60 days ago to 120 ahead.
 */
async function giveOpenTasks(db: Database, actor: Actor, today: string): Promise<number> {
  const before = (await openTaskCounts(db, actor, today)).open;
  const needed = OPEN_TASKS - before;
  if (needed < 0) throw new Error(`${actor.email} already has ${before} open tasks, more than ${OPEN_TASKS}`);
  if (needed === 0) return 0;
  const plans = await rows<{ id: string; child_id: string; key_worker_id: string; key_worker_name: string }>(
    db.owner,
    sql`SELECT p.id, p.child_id, p.key_worker_id, kw.name AS key_worker_name FROM care_plan p
          JOIN professional kw ON kw.ics_id = p.ics_id AND kw.id = p.key_worker_id
         WHERE p.ics_id = ${actor.icsId}::uuid AND p.status <> 'closed' AND p.key_worker_id <> ${actor.professionalId}::uuid
         ORDER BY p.id LIMIT 250`,
  );
  if (plans.length === 0) throw new Error('no open care plans to hang tasks on');
  const now = new Date().toISOString();
  const made = Array.from({ length: needed }, (_, k) => {
    const plan = plans[(before + k) % plans.length];
    return { id: crypto.randomUUID(), plan, dueOn: addDays(today, -60 + Math.floor((k * 181) / needed)) };
  });
  await bulkInsert(db.owner, 'task', made.map((t, k) => ({
    ics_id: actor.icsId, id: t.id, child_id: t.plan.child_id, source: 'care-plan', source_id: t.plan.id, agency: 'social-care',
    description: `Bench action ${before + k + 1}: visit the family and update the plan`, owner_professional_id: actor.professionalId,
    owner_organisation_id: null, accountable_professional_id: t.plan.key_worker_id, due_on: t.dueOn, status: k % 4 === 0 ? 'in-progress' : 'ready',
    outcome: null, version: 1, created_by: t.plan.key_worker_id, created_at: now, updated_at: now,
  })));
  await bulkInsert(db.owner, 'task_event', made.map((t) => ({
    ics_id: actor.icsId, id: crypto.randomUUID(), task_id: t.id, from_status: null, to_status: 'ready', note: null,
    changed_by: t.plan.key_worker_id, changed_by_name: t.plan.key_worker_name, changed_at: now,
  })));
  await db.owner.execute(sql`ANALYZE task`);
  return needed;
}

async function taskListBench(db: Database, app: FastifyInstance, opts: CareBenchOptions, domain: string) {
  const email = `social-worker@${domain}`;
  const actor = await actorFor(db, email);
  const today = londonToday();
  const added = await giveOpenTasks(db, actor, today);
  const counts = await openTaskCounts(db, actor, today);
  if (counts.open !== OPEN_TASKS) throw new Error(`${email} has ${counts.open} open tasks, not ${OPEN_TASKS}`);
  const [{ n: allTasks }] = await rows<{ n: number }>(db.owner, sql`SELECT count(*)::int AS n FROM task`);
  console.log(`\nTask list: ${email} with ${counts.open} open tasks (${counts.overdue} overdue, ${counts.this_week} due this week; ` +
    `${added} added this run), ${allTasks.toLocaleString('en-GB')} tasks in the database`);

  const client = await new TestClient(app).signIn(email, opts.password);
  const first = await page(client, '/tasks');
  if (!first.includes('/tasks?due=all&amp;page=2') && !first.includes('/tasks?due=all&page=2')) throw new Error('the task list has no second page');
  console.log(summarise(`task list (${OPEN_TASKS} open tasks)`, await timeEach(200, () => page(client, '/tasks'))));
  console.log(summarise(`task list, overdue (${counts.overdue} overdue)`, await timeEach(200, () => page(client, '/tasks?due=overdue'))));
  console.log(summarise(`task list, page 5 (${OPEN_TASKS} open tasks)`, await timeEach(200, () => page(client, '/tasks?page=5'))));

  await underLoad(`task list (${OPEN_TASKS} open tasks)`, { db, target: { perSecond: 150, p95: 100 }, data: `${allTasks.toLocaleString('en-GB')} tasks`, baseUrl: opts.baseUrl, client, seconds: opts.loadSeconds, paths: () => '/tasks' });
}

// ---------------------------------------------------------------- 2. care plan with 50 versions

/**
 * A child's open plan kept by a health demo user (who can sign in), the one
 * with the most versions so a reused database finds last run's plan again.
 * Failing that, a plan in the hub the demo paediatrician leads, which they
 * make theirs through revisePlan.
 */
async function choosePlan(db: Database, icsId: string, domain: string) {
  const [kept] = await rows<{ child_id: string; email: string }>(
    db.owner,
    sql`SELECT p.child_id, kw.email FROM care_plan p JOIN professional kw ON kw.ics_id = p.ics_id AND kw.id = p.key_worker_id
         WHERE p.ics_id = ${icsId}::uuid AND p.status <> 'closed' AND kw.email = kw.role || '@' || ${domain}
           AND kw.role IN (${sql.join(HEALTH_ROLES.map((r) => sql`${r}`), sql`, `)})
         ORDER BY p.version DESC, p.id LIMIT 1`,
  );
  if (kept) return { childId: kept.child_id, email: kept.email, makeKeyWorker: false };
  const email = `paediatrician@${domain}`;
  const [inHub] = await rows<{ child_id: string }>(
    db.owner,
    sql`SELECT p.child_id FROM care_plan p JOIN child c ON c.ics_id = p.ics_id AND c.id = p.child_id
          JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
          JOIN cluster cl ON cl.ics_id = cp.ics_id AND cl.id = cp.cluster_id
          JOIN professional lead ON lead.ics_id = cl.ics_id AND lead.id = cl.lead_paediatrician_id
         WHERE p.ics_id = ${icsId}::uuid AND p.status <> 'closed' AND lead.email = ${email}
         ORDER BY p.version DESC, p.id LIMIT 1`,
  );
  if (!inHub) throw new Error('no open care plan for a demo health professional');
  return { childId: inHub.child_id, email, makeKeyWorker: true };
}

/** Revises the plan through the care plan service until it has at least PLAN_VERSIONS versions. */
async function growPlan(db: Database, actor: Actor, childId: string, makeKeyWorker: boolean): Promise<{ version: number; made: number }> {
  const today = londonToday();
  let made = 0;
  for (;;) {
    const plan = await db.tenant(actor.icsId, (tx) => openPlan(tx, actor.icsId, childId));
    if (!plan) throw new Error(`child ${childId} has no open care plan`);
    if (plan.version >= PLAN_VERSIONS && (!makeKeyWorker || plan.key_worker_id === actor.professionalId)) return { version: plan.version, made };
    const next = plan.version + 1;
    if (next % 10 === 0 && plan.key_worker_id === actor.professionalId) {
      await db.tenant(actor.icsId, (tx) => addGoal(tx, actor, childId, {
        agency: 'health', goal: `Review ${next}: fewer unplanned hospital visits this term`, measure: 'Unplanned attendances counted at each review',
        targetOn: addDays(today, 120), progress: '',
      }, plan.version, today));
    } else {
      // Moving the review date a day each time: "Changed: Review date", as a busy plan's history often reads.
      await db.tenant(actor.icsId, (tx) => revisePlan(tx, actor, childId, {
        title: plan.title, whatMatters: plan.what_matters, strengths: plan.strengths, needs: plan.needs, atSchool: plan.at_school,
        contingencyWhatToDo: plan.contingency_what_to_do, contingencyWhoToCall: plan.contingency_who_to_call,
        keyWorkerId: actor.professionalId, reviewOn: addDays(today, 90 + (next % 2)),
      }, plan.version, today));
    }
    made++;
  }
}

async function carePlanPageBench(db: Database, app: FastifyInstance, opts: CareBenchOptions, domain: string) {
  const chosen = await choosePlan(db, opts.icsId, domain);
  const actor = await actorFor(db, chosen.email);
  const t0 = performance.now();
  const { version, made } = await growPlan(db, actor, chosen.childId, chosen.makeKeyWorker);
  const growSeconds = (performance.now() - t0) / 1000;
  const [size] = await rows<{ versions: number; goals: number; actions: number; snapshot_kb: number }>(
    db.owner,
    sql`SELECT (SELECT count(*)::int FROM care_plan_version v WHERE v.ics_id = ${opts.icsId}::uuid AND v.ics_id = p.ics_id AND v.plan_id = p.id) AS versions,
               (SELECT count(*)::int FROM care_plan_goal g WHERE g.ics_id = ${opts.icsId}::uuid AND g.ics_id = p.ics_id AND g.plan_id = p.id AND g.removed_at IS NULL) AS goals,
               (SELECT count(*)::int FROM task t WHERE t.ics_id = ${opts.icsId}::uuid AND t.ics_id = p.ics_id AND t.source_id = p.id) AS actions,
               (SELECT round(sum(pg_column_size(v.snapshot)) / 1024.0)::int FROM care_plan_version v
                 WHERE v.ics_id = ${opts.icsId}::uuid AND v.ics_id = p.ics_id AND v.plan_id = p.id) AS snapshot_kb
          FROM care_plan p WHERE p.ics_id = ${opts.icsId}::uuid AND p.child_id = ${chosen.childId}::uuid AND p.status <> 'closed'`,
  );
  console.log(`\nCare plan: ${size.versions} versions (${made} made this run through the service in ${growSeconds.toFixed(1)} s, ` +
    `${made ? ((growSeconds * 1000) / made).toFixed(1) : '-'} ms each), ${size.goals} goals, ${size.actions} actions, ` +
    `${size.snapshot_kb} KiB of version snapshots; viewed by ${chosen.email} (key worker)`);
  const client = await new TestClient(app).signIn(chosen.email, opts.password);
  const base = `/children/${chosen.childId}/care-plan`;
  console.log(summarise(`care plan page (${version} versions)`, await timeEach(200, () => page(client, base))));
  console.log(summarise(`care plan versions list (${version} versions)`, await timeEach(200, () => page(client, `${base}/versions`))));
  console.log(summarise('care plan version 25 (with changes)', await timeEach(200, () => page(client, `${base}/versions/25`))));
}

// ---------------------------------------------------------------- 3. MDT briefs

async function briefsBench(db: Database, app: FastifyInstance, opts: CareBenchOptions, domain: string) {
  const email = `paediatrician@${domain}`;
  const lead = await actorFor(db, email);
  const today = londonToday();
  const [hub] = await db.tenant(lead.icsId, (tx) => hubsToSchedule(tx, lead));
  if (!hub) throw new Error(`${email} leads no hub`);
  // Tomorrow: a case can only be brought to a meeting that has not started.
  const [meetingId] = await db.tenant(lead.icsId, (tx) => scheduleMeetings(tx, lead, {
    clusterId: hub.id, title: `Bench MDT ${new Date().toISOString().slice(0, 19)}`, firstDate: addDays(today, 1), time: '13:30',
    durationMinutes: '120', repeatWeeks: '4', count: '1', maxCases: String(BRIEF_CHILDREN), venue: 'Hub meeting room and video call',
  }, today));
  // Children of the hub's practices, those with a care plan and the fullest records first, as the lead would bring.
  const children = await rows<{ id: string }>(
    db.owner,
    sql`SELECT c.id FROM child c JOIN cluster_practice cp ON cp.ics_id = c.ics_id AND cp.practice_id = c.registered_practice_id
         WHERE cp.ics_id = ${lead.icsId}::uuid AND cp.cluster_id = ${hub.id}::uuid
         ORDER BY EXISTS (SELECT 1 FROM care_plan p WHERE p.ics_id = c.ics_id AND p.child_id = c.id AND p.status <> 'closed') DESC,
                  (SELECT count(*) FROM record_entry e WHERE e.ics_id = c.ics_id AND e.child_id = c.id) DESC, c.id
         LIMIT ${BRIEF_CHILDREN}`,
  );
  if (children.length < BRIEF_CHILDREN) throw new Error(`${hub.name} has only ${children.length} children`);
  for (const c of children) {
    await db.tenant(lead.icsId, (tx) => bringCase(tx, lead, meetingId, {
      childId: c.id, question: 'Frequent unplanned care and a care plan that is not holding: what should change?', source: 'nomination',
    }));
  }
  const t0 = performance.now();
  const direct = await db.tenant(lead.icsId, (tx) => meetingBriefs(tx, lead, meetingId, today));
  const once = performance.now() - t0;
  if (direct.briefs.length !== BRIEF_CHILDREN) throw new Error(`meeting has ${direct.briefs.length} briefs, not ${BRIEF_CHILDREN}`);
  const sum = (f: (b: (typeof direct.briefs)[number]) => number) => direct.briefs.reduce((a, b) => a + f(b), 0);
  console.log(`\nMDT briefs: ${BRIEF_CHILDREN} children of ${hub.name} brought by ${email}: ${sum((b) => b.conditions.length)} active problems, ` +
    `${sum((b) => b.unscheduled.contacts.length)} unscheduled contacts, ${sum((b) => (b.plan?.plan ? 1 : 0))} care plans, ${sum((b) => b.actions.length)} open actions`);
  const client = await new TestClient(app).signIn(email, opts.password);
  console.log(summarise(`MDT briefs page (${BRIEF_CHILDREN} children)`, await timeEach(100, () => page(client, `/mdt/${meetingId}/briefs`))));
  console.log(`meetingBriefs service call (${BRIEF_CHILDREN} children), first: ${once.toFixed(1)} ms`);
  console.log(summarise(`meetingBriefs service (${BRIEF_CHILDREN} children)`, await timeEach(20, () => db.tenant(lead.icsId, (tx) => meetingBriefs(tx, lead, meetingId, today)))));
}

export async function carePlanBench(db: Database, app: FastifyInstance, opts: CareBenchOptions) {
  const domain = opts.domain ?? 'bench.joinery.test';
  await taskListBench(db, app, opts, domain);
  await carePlanPageBench(db, app, opts, domain);
  await briefsBench(db, app, opts, domain);
}
