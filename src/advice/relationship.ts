import { sql } from 'drizzle-orm';
import { isAdviceLinkHolder } from '../platform/access/actor.js';
import type { RelationshipSupplier } from '../platform/access/relationship.js';

/**
 * The holder of a one-time advice link and the child it was sent for: one
 * row when the link they hold is still the sending's link (a link replaced
 * since holds nothing), with the facts the link policy decides from (expired,
 * opened by a device, by this one). Never standing: a link holder lists no
 * children.
 */
export const adviceLinkHolder: RelationshipSupplier = {
  kinds: ['advice-link'],
  adviceLink: true,
  withChild(actor, childId) {
    if (!isAdviceLinkHolder(actor)) return null;
    const { sendingId, tokenHash, deviceHash } = actor.adviceLink;
    return sql`SELECT 'advice-link' AS kind, 'advice sent on ' || to_char(s.sent_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS detail,
        json_build_object('sendingId', s.id, 'expired', s.link_expires_at <= now(), 'bound', s.device_hash IS NOT NULL,
          'thisDevice', s.device_hash IS NOT NULL AND s.device_hash = ${deviceHash}) AS facts
      FROM advice_sending s WHERE s.ics_id = ${actor.icsId}::uuid AND s.id = ${sendingId}::uuid AND s.child_id = ${childId} AND s.token_hash = ${tokenHash}`;
  },
  standing: () => null,
};
