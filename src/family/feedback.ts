import type { Database, Tx } from '../platform/db/client.js';
import { openChild, type ChildAccess } from '../platform/access/door.js';
import { familyPolicy } from '../platform/access/family-policy.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { answerAsFamily, familyOffer, familyOffers } from '../feedback/service.js';
import { inFamilyTenant } from './actors.js';
import { readsAsProxy } from './reading-as.js';
import * as store from './store.js';

/**
 * "Tell us how we did" on the family's own pages: the Friends and Family
 * Test offers still open for the child (after a hub clinic, a team meeting,
 * advice or care at home), answered signed in with the same question as the
 * letter's link. A parent or carer is never asked about what the young person
 * keeps from them.
 */

const keptFrom = async (tx: Tx, access: ChildAccess) => (readsAsProxy(access, null) ? store.hiddenSources(tx, access) : new Set<string>());

/** The offers the child's page lists for this family member: the service and its date. */
export async function feedbackOffersOnPage(tx: Tx, access: ChildAccess) {
  return (await familyOffers(tx, access, await keptFrom(tx, access))).map(({ id, service, eventDate }) => ({ id, service, eventDate }));
}

const openForFeedback = (tx: Tx, actor: Parameters<typeof openChild>[1], childId: string) =>
  openChild(tx, actor, childId, { rule: familyPolicy.viewCareTeam, refused: 'feedback (family page)' });

/** One open offer, for its answer page; not found when it is answered, expired or not theirs to answer. */
export async function feedbackOffer(db: Database, member: FamilyMember, childId: string, linkId: string) {
  return inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openForFeedback(tx, actor, childId);
    const { service, eventDate } = await familyOffer(tx, access, linkId, await keptFrom(tx, access));
    return { child: access.child, service, eventDate };
  });
}

/** The family member's answer, kept and the offer used up in one transaction. */
export async function giveFeedback(db: Database, member: FamilyMember, childId: string, linkId: string, body: unknown): Promise<void> {
  await inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openForFeedback(tx, actor, childId);
    await answerAsFamily(tx, access, linkId, body, await keptFrom(tx, access));
  });
}
