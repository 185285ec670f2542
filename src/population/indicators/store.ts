import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../../platform/db/client.js';
import type { Actor } from '../../platform/access/actor.js';
import type { Indicator } from './definitions.js';

/** The ICS's own indicators' queries; the built-in ones are data (definitions.ts). */

/** Who added each of the ICS's own indicators, and when. */
export const whoAdded = (tx: Tx, icsId: string) =>
  rows<{ id: string; changed_by_name: string; changed_at: string }>(tx, sql`SELECT id, changed_by_name, changed_at FROM indicator_definition WHERE ics_id = ${icsId}::uuid`);

/** Adds an indicator, recording who by; false when the ICS already has one with its id (nothing is written). */
export async function insertIndicator(tx: Tx, actor: Actor, input: Omit<Indicator, 'builtIn'>): Promise<boolean> {
  const done = await rows(tx, sql`INSERT INTO indicator_definition (ics_id, id, name, description, numerator, denominator, unit, improvement, target, target_source, changed_by, changed_by_name)
    VALUES (${actor.icsId}::uuid, ${input.id}, ${input.name}, ${input.description}, ${input.numerator}, ${input.denominator}, ${input.unit}, ${input.improvement},
            ${input.target}, ${input.targetSource}, ${actor.professionalId}::uuid, ${actor.name})
    ON CONFLICT (ics_id, id) DO NOTHING RETURNING id`);
  return done.length > 0;
}
