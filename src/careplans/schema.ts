import { pgTable, uuid, text, timestamp, date, integer, jsonb, primaryKey, foreignKey, index, uniqueIndex, boolean, check } from 'drizzle-orm/pg-core';
import { whoChanged } from '../platform/db/who-changed.js';
import { sql } from 'drizzle-orm';
import { child } from '../children/schema.js';
import { professional } from '../organisations/schema.js';

/** The agencies that plan together around a child; each sees the parts of a plan meant for it. */
export { AGENCIES, type Agency } from '../platform/access/roles.js';
import type { Agency } from '../platform/access/roles.js';

export const PLAN_STATUSES = ['draft', 'agreed', 'closed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * A child-centred, multi-agency care plan. A child has at most one open plan.
 * Any change returns an agreed plan to draft until the key worker signs it
 * off again with the family; every version is kept in care_plan_version.
 * Whom beyond health the plan is shared with is not the plan's own: it is
 * the child's current consent to share (children's consent_current, decision
 * record 0011), so a withdrawal takes effect for the plan at once.
 */
export const carePlan = pgTable(
  'care_plan',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    childId: uuid('child_id').notNull(),
    status: text('status').$type<PlanStatus>().notNull(),
    title: text('title').notNull(),
    whatMatters: text('what_matters').notNull(),
    strengths: text('strengths').notNull(),
    needs: text('needs').notNull(),
    atSchool: text('at_school').notNull().default(''),
    contingencyWhatToDo: text('contingency_what_to_do').notNull(),
    contingencyWhoToCall: text('contingency_who_to_call').notNull(),
    keyWorkerId: uuid('key_worker_id').notNull(),
    reviewOn: date('review_on').notNull(),
    agreedVersion: integer('agreed_version'),
    agreedBy: uuid('agreed_by'),
    agreedAt: timestamp('agreed_at', { withTimezone: true }),
    familyAgreement: text('family_agreement'),
    version: integer('version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    uniqueIndex('care_plan_open_child_idx').on(t.icsId, t.childId).where(sql`status <> 'closed'`),
    index('care_plan_key_worker_idx').on(t.icsId, t.keyWorkerId),
    index('care_plan_review_idx').on(t.icsId, t.reviewOn),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.keyWorkerId], foreignColumns: [professional.icsId, professional.id] }),
  ],
);

/** A goal in the plan, with how progress towards it is measured, and the agency that leads on it. */
export const carePlanGoal = pgTable(
  'care_plan_goal',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    planId: uuid('plan_id').notNull(),
    agency: text('agency').$type<Agency>().notNull(),
    goal: text('goal').notNull(),
    measure: text('measure').notNull(),
    targetOn: date('target_on'),
    progress: text('progress').notNull().default(''),
    position: integer('position').notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('care_plan_goal_plan_idx').on(t.icsId, t.planId),
    foreignKey({ columns: [t.icsId, t.planId], foreignColumns: [carePlan.icsId, carePlan.id] }),
  ],
);

/** Every version of a plan as it stood, with who made it and a summary of what changed. */
export const carePlanVersion = pgTable(
  'care_plan_version',
  {
    icsId: uuid('ics_id').notNull(),
    planId: uuid('plan_id').notNull(),
    version: integer('version').notNull(),
    ...whoChanged(),
    change: text('change').notNull(),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.planId, t.version] }),
    foreignKey({ columns: [t.icsId, t.planId], foreignColumns: [carePlan.icsId, carePlan.id] }),
  ],
);

/** Who in the family does an action of the plan: the parent or carer, or the young person. */
export const FAMILY_ACTION_OWNERS = ['parent-or-carer', 'young-person'] as const;
export type FamilyActionOwner = (typeof FAMILY_ACTION_OWNERS)[number];

/**
 * An action of the plan that is the family's to do (give the inhaler twice a
 * day, book the eye test). The family sees it on their pages and marks it
 * done; the care team sees that on the plan. A young person's action they
 * asked to keep private is never shown to a proxy.
 */
export const carePlanFamilyAction = pgTable(
  'care_plan_family_action',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    planId: uuid('plan_id').notNull(),
    childId: uuid('child_id').notNull(),
    description: text('description').notNull(),
    owner: text('owner').$type<FamilyActionOwner>().notNull(),
    privateToYoungPerson: boolean('private_to_young_person').notNull().default(false),
    dueOn: date('due_on'),
    addedBy: uuid('added_by').notNull(),
    addedByName: text('added_by_name').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneByName: text('done_by_name'),
  },
  (t) => [
    primaryKey({ columns: [t.icsId, t.id] }),
    index('care_plan_family_action_plan_idx').on(t.icsId, t.planId),
    foreignKey({ columns: [t.icsId, t.planId], foreignColumns: [carePlan.icsId, carePlan.id] }),
    foreignKey({ columns: [t.icsId, t.childId], foreignColumns: [child.icsId, child.id] }),
    foreignKey({ columns: [t.icsId, t.addedBy], foreignColumns: [professional.icsId, professional.id] }),
    check('care_plan_family_action_owner_check', sql`${t.owner} IN ('parent-or-carer', 'young-person')`),
    check('care_plan_family_action_private_check', sql`NOT ${t.privateToYoungPerson} OR ${t.owner} = 'young-person'`),
  ],
);
