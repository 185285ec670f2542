import { isAdviceLinkHolder, type Actor } from './actor.js';
import { allow, deny, type Decision } from './decision.js';
import { RELATIONSHIP_LABELS, type Relationship } from './relationship-kinds.js';

/**
 * What the holder of a one-time advice link may do (issue 18): read the one
 * sending the link was made for, as the family's page shows it, print it and
 * say whether it helped. Nothing else of the child, ever: every professional
 * and family rule refuses a link holder, and the link's relationship is
 * asked only for a link holder. Each rule denies unless it allows.
 */

/** Reasons as the access log records them; the family's page says each in its own words. */
export const NOT_LINK_HOLDER = 'Only the holder of a link to advice sent to the family opens it.';
export const LINK_GONE = 'The link is not the family’s current link to this advice.';
export const LINK_EXPIRED = 'The link to this advice has expired.';
export const LINK_ON_ANOTHER_DEVICE = 'The link to this advice was opened on another phone or computer.';
export const LINK_NOT_OPENED_HERE = 'The link to this advice has not been opened on this phone or computer.';

/** The link holder's relationship to the sending, or the refusal: no link, an expired one, one another device holds. */
function heldLink(actor: Actor, relationships: Relationship[]): Relationship | string {
  if (!isAdviceLinkHolder(actor)) return NOT_LINK_HOLDER;
  const link = relationships.find((r) => r.kind === 'advice-link' && r.adviceLink?.sendingId === actor.adviceLink.sendingId);
  if (!link?.adviceLink) return LINK_GONE;
  if (link.adviceLink.expired) return LINK_EXPIRED;
  if (link.adviceLink.bound && !link.adviceLink.thisDevice) return LINK_ON_ANOTHER_DEVICE;
  return link;
}

const why = (r: Relationship) => `${RELATIONSHIP_LABELS[r.kind]}: ${r.detail}`;

export const adviceLinkPolicy = {
  /** Open the advice as sent (its page and its PDF): the first device to open the link, then only that device, until it expires. */
  openSentAdvice(actor: Actor, relationships: Relationship[]): Decision {
    const held = heldLink(actor, relationships);
    return typeof held === 'string' ? deny(held) : allow(why(held));
  },

  /** Say whether the advice helped: only the device that has opened the link, while it works. */
  answerSentAdvice(actor: Actor, relationships: Relationship[]): Decision {
    const held = heldLink(actor, relationships);
    if (typeof held === 'string') return deny(held);
    return held.adviceLink!.thisDevice ? allow(why(held)) : deny(LINK_NOT_OPENED_HERE);
  },
};
