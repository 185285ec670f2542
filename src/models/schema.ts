import { pgTable, uuid, text, timestamp, integer, jsonb, primaryKey } from 'drizzle-orm/pg-core';
import type { Configuration, Mechanism, ModelType } from './index.js';

/**
 * A care model in the ICS's register: what kind it is, how it is set up
 * (attributes comparable between models), the mechanisms it should work by
 * and its logic model (indicator ids expected to move early, and the final
 * outcomes). name is the same name care_model_implementation records the
 * model's hub starts under, so the register and the evaluation meet on it.
 */
export const careModel = pgTable(
  'care_model',
  {
    icsId: uuid('ics_id').notNull(),
    name: text('name').notNull(),
    title: text('title').notNull(),
    type: text('type').$type<ModelType>().notNull(),
    configuration: jsonb('configuration').$type<Partial<Configuration>>().notNull(),
    mechanisms: jsonb('mechanisms').$type<Mechanism[]>().notNull(),
    earlyIndicators: jsonb('early_indicators').$type<string[]>().notNull(),
    finalOutcomes: jsonb('final_outcomes').$type<string[]>().notNull(),
    /** Bumped by every save: a save from a stale page is refused (409). */
    version: integer('version').notNull().default(1),
    changedBy: uuid('changed_by'),
    changedByName: text('changed_by_name').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.name] })],
);
