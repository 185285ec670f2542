import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';

export type HandoverRow = { control_id: string; in_place: boolean; note: string; version: number; changed_by_name: string; changed_at: string };

/** The ICS's answers so far. */
export function handoverAnswers(tx: Tx, icsId: string): Promise<HandoverRow[]> {
  return rows<HandoverRow>(tx, sql`SELECT control_id, in_place, note, version, changed_by_name, changed_at FROM safety_handover_check WHERE ics_id = ${icsId}::uuid`);
}

/**
 * Records an answer made from `expectedVersion` (0: none yet; saved answers start at 1).
 * One statement, so of two answers from the same version only one lands; null when another came first.
 */
export async function saveHandoverAnswer(tx: Tx, actor: Actor, controlId: string, answer: { inPlace: boolean; note: string }, expectedVersion: number): Promise<number | null> {
  const [saved] = await rows<{ version: number }>(tx, sql`
    INSERT INTO safety_handover_check (ics_id, control_id, in_place, note, version, changed_by, changed_by_name)
    VALUES (${actor.icsId}::uuid, ${controlId}, ${answer.inPlace}, ${answer.note}, 1, ${actor.professionalId}::uuid, ${actor.name})
    ON CONFLICT (ics_id, control_id) DO UPDATE SET in_place = EXCLUDED.in_place, note = EXCLUDED.note, version = safety_handover_check.version + 1,
      changed_by = EXCLUDED.changed_by, changed_by_name = EXCLUDED.changed_by_name, changed_at = EXCLUDED.changed_at
    WHERE safety_handover_check.version = ${expectedVersion}
    RETURNING version`);
  return saved?.version ?? null;
}
