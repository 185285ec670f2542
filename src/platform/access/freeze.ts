import { sql, type SQL } from 'drizzle-orm';
import { rows, setFreezeChecked, type Tx } from '../db/client.js';
import { isSystem, type Actor } from './actor.js';
import { refuseChild, type ChildAccess } from './door.js';

/**
 * A record frozen during a safeguarding investigation. While it is frozen
 * nothing changes the child's data (identity, carers, flags, entries,
 * contacts, letters, care team, care plan, actions) except the people of the
 * team that froze it. A system is never that team, even one recording for
 * the same organisation: the investigators are people.
 *
 * writableWhileFrozen is the one check every write of a child's data makes.
 * The database holds the application to it: a write to a frozen child's data
 * in a transaction that has not passed this check for that child is refused
 * (migration 0029), so a new write path that forgets it fails safe.
 *
 * It lives in platform because every capability that writes a child's data
 * asks it (children, record, care plans, tasks…); the record capability
 * freezes and lifts, and the freeze table is platform's (schema.ts here).
 */

const uuids = (ids: string[]) => sql`${sql.param(ids)}::uuid[]`;

/** The child's active freeze (the latest), with who froze it, or undefined. */
export async function activeFreeze(tx: Tx, icsId: string, childId: string) {
  const [found] = await rows<{ id: string; reason: string; frozen_at: string; frozen_by_organisation_id: string; frozen_by_name: string | null }>(
    tx,
    sql`SELECT f.id, f.reason, f.frozen_at, f.frozen_by_organisation_id, p.name AS frozen_by_name FROM record_freeze f
          LEFT JOIN professional p ON p.ics_id = f.ics_id AND p.id = f.frozen_by
         WHERE f.ics_id = ${icsId}::uuid AND f.child_id = ${childId}::uuid AND f.lifted_at IS NULL ORDER BY f.frozen_at DESC LIMIT 1`,
  );
  return found;
}

/** Each child's active freeze (the latest, as activeFreeze): child id → the organisation that froze it. */
export async function activeFreezes(tx: Tx, icsId: string, childIds: string[]): Promise<Map<string, string>> {
  if (!childIds.length) return new Map();
  const found = await rows<{ child_id: string; frozen_by_organisation_id: string }>(
    tx,
    sql`SELECT DISTINCT ON (child_id) child_id, frozen_by_organisation_id FROM record_freeze
         WHERE ics_id = ${icsId}::uuid AND child_id = ANY(${uuids(childIds)}) AND lifted_at IS NULL ORDER BY child_id, frozen_at DESC`,
  );
  return new Map(found.map((f) => [f.child_id, f.frozen_by_organisation_id]));
}

const FROZEN = 'This record is frozen during a safeguarding investigation';

/** Why the actor may not change a child's data frozen by this organisation; null when they may (or it is not frozen). */
export function freezeRefusal(actor: Actor, frozenByOrganisationId: string | null | undefined): string | null {
  if (!frozenByOrganisationId) return null;
  if (isSystem(actor)) return `${FROZEN}: no system can change it until the freeze is lifted, only the people of the team that froze it.`;
  if (actor.organisationId !== frozenByOrganisationId) return `${FROZEN}: only the team that froze it can change it.`;
  return null;
}

/**
 * Checks that the actor may change each child's data as far as freezes go:
 * child id → the reason when they may not. The children they may change
 * despite a freeze are marked, for this transaction only, as checked, so
 * the database lets their writes through.
 */
export async function writableWhileFrozen(tx: Tx, actor: Actor, childIds: string[]): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  const passed: string[] = [];
  for (const [childId, frozenBy] of await activeFreezes(tx, actor.icsId, [...new Set(childIds)])) {
    const reason = freezeRefusal(actor, frozenBy);
    if (reason) refused.set(childId, reason);
    else passed.push(childId);
  }
  if (passed.length) {
    const [{ checked }] = await rows<{ checked: string | null }>(tx, sql`SELECT nullif(current_setting('app.freeze_checked', true), '') AS checked`);
    await setFreezeChecked(tx, [...(checked ? checked.split(',') : []), ...passed]);
  }
  return refused;
}

/** writableWhileFrozen for a change the door has let through: a refusal (403, audited) with the reason, `what` the refused change. */
export async function refuseChangeWhileFrozen(tx: Tx, access: ChildAccess, what: string): Promise<void> {
  const reason = (await writableWhileFrozen(tx, access.actor, [access.childId])).get(access.childId);
  if (reason) await refuseChild(tx, access, reason, what);
}

/**
 * SQL: the item of table alias `row` stamped `at` was recorded while the
 * child's record was frozen. Families never see such items (issue 16), so
 * every list a family member reaches filters with it. Beside an OR, pass the
 * ICS: PostgreSQL may run the EXISTS once, hashed, without the correlation,
 * and Citus then needs the ICS named as a value (decision 0028).
 */
export const recordedWhileFrozen = (row: string, childId: SQL, at: SQL, icsId?: string) => sql`EXISTS (SELECT 1 FROM record_freeze f
  WHERE ${icsId === undefined ? sql`` : sql`f.ics_id = ${icsId}::uuid AND `}f.ics_id = ${sql.raw(row)}.ics_id
  AND f.child_id = ${childId} AND ${at} >= f.frozen_at AND (f.lifted_at IS NULL OR ${at} < f.lifted_at))`;
