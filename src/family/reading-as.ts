import type { ChildAccess } from '../platform/access/door.js';
import { usableGrant } from '../platform/access/family-policy.js';
import type { FamilyView } from '../platform/access/relationship-kinds.js';

/**
 * Whether the family member reads this view as a parent or carer (a proxy)
 * rather than as the young person through their own access: a proxy is kept
 * from what the young person keeps private. When no grant is usable the
 * answer is "proxy", the safer reading.
 */
export function readsAsProxy(access: ChildAccess, view: FamilyView | null): boolean {
  const r = usableGrant(access.actor, access.relationships, view);
  return typeof r === 'string' || r.kind === 'proxy';
}
