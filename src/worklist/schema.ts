import { pgTable, uuid, text, timestamp, jsonb, primaryKey, index } from 'drizzle-orm/pg-core';

/**
 * An item on a professional's worklist (a notification that waits to be acted
 * on). Items stay until marked done, so nothing is lost while someone is away.
 */
export const worklistItem = pgTable(
  'worklist_item',
  {
    icsId: uuid('ics_id').notNull(),
    id: uuid('id').notNull(),
    professionalId: uuid('professional_id').notNull(),
    kind: text('kind').notNull(),
    childId: uuid('child_id'),
    title: text('title').notNull(),
    link: text('link'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.id] }), index('worklist_open_idx').on(t.icsId, t.professionalId, t.doneAt, t.createdAt)],
);
