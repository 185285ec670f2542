import { pgTable, uuid, text, integer, boolean, primaryKey } from 'drizzle-orm/pg-core';
import { whoChanged } from '../platform/db/who-changed.js';

/**
 * A deploying ICS's answer for one DCB0160 control of the hazard log (a training,
 * configuration or local process control it owns): in place or not, and how.
 * No row means not yet confirmed. The control id is the hazard log's (H001-C4).
 */
export const safetyHandoverCheck = pgTable(
  'safety_handover_check',
  {
    icsId: uuid('ics_id').notNull(),
    controlId: text('control_id').notNull(),
    inPlace: boolean('in_place').notNull(),
    note: text('note').notNull(),
    version: integer('version').notNull(),
    ...whoChanged(),
  },
  (t) => [primaryKey({ columns: [t.icsId, t.controlId] })],
);
