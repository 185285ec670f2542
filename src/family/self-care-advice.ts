import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../platform/db/client.js';
import { auditChild, checkedAccess, openChild, type ChildAccess } from '../platform/access/door.js';
import { familyPolicy } from '../platform/access/family-policy.js';
import { actorRoleName } from '../platform/access/actor.js';
import { NotFoundError, ValidationError } from '../platform/http/errors.js';
import type { FamilyMember } from '../platform/http/family-session.js';
import { adviceSentTo, familyAnswersHelpful, sendingAsFamilyReadsIt } from '../advice/service.js';
import { inFamilyTenant } from './actors.js';
import { readsAsProxy } from './reading-as.js';
import * as store from './store.js';

/**
 * The self-care advice professionals sent the family, on the family's own
 * pages: the list of sendings and each one to read, red first, as the advice
 * capability lays it out. A proxy needs "advice" in their grant. Advice sent
 * while the record was frozen is left out, like every other family list.
 */

export type AdviceSent = { id: string; sentOn: string; sentBy: string; titles: string[]; hidden: boolean };

/** The sendings whose time falls inside one of the child's freezes (a frozen record's items never reach the family). */
async function sentWhileFrozen(tx: Tx, access: ChildAccess, sent: { id: string; sent_at: string }[]): Promise<Set<string>> {
  const { actor, childId } = checkedAccess(tx, access);
  if (!sent.length) return new Set();
  const found = await rows<{ id: string }>(tx, sql`SELECT s.id FROM jsonb_to_recordset(${JSON.stringify(sent)}::jsonb) AS s(id text, sent_at timestamptz)
     WHERE EXISTS (SELECT 1 FROM record_freeze f WHERE f.ics_id = ${actor.icsId}::uuid AND f.child_id = ${childId}::uuid AND s.sent_at >= f.frozen_at AND (f.lifted_at IS NULL OR s.sent_at < f.lifted_at))`);
  return new Set(found.map((r) => r.id));
}

/** The advice the family member may read: never what was sent during a freeze, and for a proxy never what the young person keeps from their parents. */
export async function adviceList(tx: Tx, access: ChildAccess, forProxy: boolean): Promise<AdviceSent[]> {
  const sent = await adviceSentTo(tx, access);
  const frozen = await sentWhileFrozen(tx, access, sent);
  const hidden = await store.hiddenIds(tx, access, 'advice');
  return sent.filter((s) => !frozen.has(s.id) && !(forProxy && hidden.has(s.id))).map((s) => ({
    id: s.id, sentOn: s.sent_at.slice(0, 10), sentBy: `${s.sent_by_name} (${actorRoleName(s.sent_by_role)})`, titles: s.pages.map((p) => p.title), hidden: hidden.has(s.id),
  }));
}

const READ_AS = {
  page: { action: 'family.read-advice', what: 'Advice' },
  pdf: { action: 'family.print-advice', what: 'Advice printed (PDF)' },
} as const;

/** The sending, when the family member may see it: never one sent during a freeze, or one a young person keeps from a proxy. */
async function sendingTheyMaySee(tx: Tx, access: ChildAccess, sendingId: string): Promise<void> {
  if (!(await adviceList(tx, access, readsAsProxy(access, 'advice'))).some((s) => s.id === sendingId)) throw new NotFoundError();
}

/** One sending, to read in full (or print) on the family's pages; not found when it is not one the family member may see. */
export async function familyAdvice(db: Database, member: FamilyMember, childId: string, sendingId: string, as: keyof typeof READ_AS = 'page') {
  return inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.viewAdvice, refused: 'advice (family page)' });
    await sendingTheyMaySee(tx, access, sendingId);
    const view = await sendingAsFamilyReadsIt(tx, access, sendingId);
    if (!view) throw new NotFoundError();
    await auditChild(tx, access, { action: READ_AS[as].action, what: `${READ_AS[as].what}: ${view.pages.map((p) => p.title).join('; ')}`, details: { sendingId } });
    return { child: access.child, view };
  });
}

/** "Did this advice help?" from the family's own pages: whoever may read the sending may answer, for one of its pages; audited. */
export async function familyAdviceHelpful(db: Database, member: FamilyMember, childId: string, sendingId: string, input: { page?: unknown; helpful?: unknown }) {
  const helpful = input.helpful === 'yes' ? true : input.helpful === 'no' ? false : null;
  if (helpful === null || typeof input.page !== 'string') throw new ValidationError({ helpful: 'Choose yes or no' });
  const pageId = input.page;
  return inFamilyTenant(db, member, async (tx, actor) => {
    const access = await openChild(tx, actor, childId, { rule: familyPolicy.answerAdvice, refused: 'say whether advice helped (family page)' });
    await sendingTheyMaySee(tx, access, sendingId);
    const title = await familyAnswersHelpful(tx, access, sendingId, pageId, helpful);
    if (!title) throw new NotFoundError();
    await auditChild(tx, access, {
      action: 'family.advice-helpful', what: `Said the advice ${helpful ? 'helped' : 'did not help'}: ${title}`, details: { sendingId, pageId, helpful },
    });
  });
}
