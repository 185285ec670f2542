import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditListedChildren } from '../platform/access/door.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { hubsLedBy } from '../organisations/service.js';
import { childNames } from '../children/service.js';
import { londonToday } from '../platform/time/form-dates.js';
import { workingDaysBetween } from '../platform/time/working-days.js';
import { isLate } from './labels.js';
import * as q from './list-queries.js';
import { referralPolicy } from './policy.js';

/**
 * The referral lists: what a GP sent, what waits for a paediatrician's triage,
 * and what is late in the hubs a lead paediatrician runs. Each is one query
 * for a page (with its total), one for the children's names, and one audit
 * batch naming every child shown.
 */

export const PAGE_SIZE = 25;

type Listed = Awaited<ReturnType<typeof q.sentBy>>;

/**
 * Names the children of one or more lists (one query) and audits each child
 * shown (one batch); adds whether each is late and how long it has waited.
 */
async function named(tx: Tx, actor: Actor, today: string, why: string, lists: { found: Listed; what: string }[]) {
  const all = lists.flatMap((l) => l.found);
  const names = new Map((await childNames(tx, actor.icsId, [...new Set(all.map((r) => r.child_id))])).map((c) => [c.id, c]));
  await auditListedChildren(tx, actor, why, lists.flatMap((l) => l.found.map((r) => ({ childId: r.child_id, action: 'referral.list', what: l.what, details: { referralId: r.id } }))));
  return lists.map((l) => l.found.map(({ total: _, ...r }) => ({
    ...r, child: names.get(r.child_id)!, late: isLate(r, today),
    lateBy: isLate(r, today) ? workingDaysBetween(r.due_on, today) : 0,
    waitingDays: workingDaysBetween(londonToday(new Date(r.created_at)), today),
  })));
}

const pageOf = (page: number) => ({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });

export async function sentList(tx: Tx, actor: Actor, today: string, page: number) {
  const found = await q.sentBy(tx, actor, pageOf(page));
  const [items] = await named(tx, actor, today, 'sent the referral', [{ found, what: 'Listed among your referrals and questions' }]);
  return { total: found[0]?.total ?? 0, items };
}

export async function triageList(tx: Tx, actor: Actor, today: string, page: number, words?: string) {
  const decision = referralPolicy.triage(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const waiting = await q.awaitingTriage(tx, actor, today, pageOf(page), words);
  const answered = await q.adviceGiven(tx, actor, today, { limit: PAGE_SIZE, offset: 0 });
  const [w, a] = await named(tx, actor, today, 'senior decision-maker, hub lead or triage cover', [
    { found: waiting, what: 'Listed for triage' }, { found: answered, what: 'Listed as advice given' },
  ]);
  return { total: waiting[0]?.total ?? 0, waiting: w, answeredTotal: answered[0]?.total ?? 0, answered: a };
}

export async function lateList(tx: Tx, actor: Actor, today: string, page: number) {
  const hubs = await hubsLedBy(tx, actor.icsId, actor.professionalId);
  if (hubs.length === 0) return { hubs, total: 0, items: [] };
  const found = await q.lateInHubsLedBy(tx, actor, today, pageOf(page));
  const [items] = await named(tx, actor, today, 'lead paediatrician of the hub', [{ found, what: 'Listed as late in your hub' }]);
  return { hubs, total: found[0]?.total ?? 0, items };
}
