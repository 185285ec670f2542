import type { Tx } from '../platform/db/client.js';
import type { ChildAccess } from '../platform/access/door.js';

/**
 * The family's one-time Friends and Family Test link on an MDT outcome
 * letter. Feedback stands above the MDT (its dashboards read the MDT's
 * figures), so the MDT cannot import it: the composition root (src/app.ts)
 * hands over the link maker at start, as it does for clinic letters' twin.
 */
export type MdtFeedbackEvent = { serviceKind: 'mdt-outcome'; sourceId: string; clusterId: string; eventDate: string };
export type FeedbackLinkMaker = (tx: Tx, access: ChildAccess, event: MdtFeedbackEvent, origin: string) => Promise<{ text: string; heading?: boolean }[]>;

let maker: FeedbackLinkMaker | null = null;

export function offerMdtFeedbackWith(make: FeedbackLinkMaker): void {
  maker = make;
}

/** The letter's lines that hand the family their link; none when no link maker was handed over (a service used without the app). */
export function feedbackLines(tx: Tx, access: ChildAccess, event: MdtFeedbackEvent, origin: string): Promise<{ text: string; heading?: boolean }[]> {
  return maker ? maker(tx, access, event, origin) : Promise.resolve([]);
}
