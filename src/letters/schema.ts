import { pgTable, uuid, text, integer, primaryKey } from 'drizzle-orm/pg-core';
import { whoChanged } from '../platform/db/who-changed.js';

/**
 * The ICS's own wording for a kind of letter. No row means the shipped
 * default (templates.ts); each save is a new version, kept in the history.
 */
export const letterTemplate = pgTable(
  'letter_template',
  {
    icsId: uuid('ics_id').notNull(),
    kind: text('kind').notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    ...whoChanged(),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.kind, t.version] })],
);
