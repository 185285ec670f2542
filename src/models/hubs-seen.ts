import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { hubsLedBy } from '../organisations/service.js';
import { modelsPolicy } from './policy.js';
import { hubsOfIcs, type HubRow } from './standards-data.js';

/**
 * The hubs whose standards, checklist and teaching an actor sees: every hub
 * for the register's keepers, the hubs they lead for a paediatrician; anyone
 * else is refused with the policy's reason.
 */
export async function hubsSeen(tx: Tx, actor: Actor): Promise<{ hubs: HubRow[]; led: string[]; whole: boolean; why: string }> {
  const led = actor.role === 'paediatrician' ? (await hubsLedBy(tx, actor.icsId, actor.professionalId)).map((h) => h.id) : [];
  const all = await hubsOfIcs(tx, actor.icsId);
  const whole = modelsPolicy.viewRegister(actor);
  const hubs = all.filter((h) => modelsPolicy.seeHub(actor, h.id, led).allowed);
  if (hubs.length === 0) {
    const refused = modelsPolicy.seeHub(actor, '', led);
    throw new ForbiddenError(actor.role === 'paediatrician' ? 'You lead no hub, so there are no hub standards, checklist or teaching to show you.' : refused.allowed ? 'The ICS has no hubs yet.' : refused.reason);
  }
  return { hubs, led, whole: whole.allowed, why: whole.allowed ? whole.why : 'lead paediatrician of the hub' };
}

/** Refuses a record for a hub unless the policy allows it; the reason the audit keeps. */
export function mayRecordFor(actor: Actor, hubId: string, led: readonly string[]): string {
  const d = modelsPolicy.recordForHub(actor, hubId, led);
  if (!d.allowed) throw new ForbiddenError(d.reason);
  return d.why;
}
