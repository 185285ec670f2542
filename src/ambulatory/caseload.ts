import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { hasRelationshipSql } from '../platform/access/relationship.js';
import { auditListedChildren } from '../platform/access/door.js';
import { ForbiddenError } from '../platform/http/errors.js';
import { londonDateAndTime } from '../platform/time/form-dates.js';
import { parseIsoDate } from '../platform/time/calendar-days.js';
import { LEVELS } from './pews-chart.js';
import { wardPolicy } from './policy.js';
import * as store from './store.js';

/**
 * The nursing team's caseload: every child on the ward they work on, with
 * pathway, day of stay, last observations and PEWS, open escalations with
 * the time left to respond, the next visit, and whether observations are
 * overdue by the pathway's frequency (itself an alert). It only reads: the
 * escalation clock (step-up-job.ts) makes the step-ups and alerts on a timer.
 * `now` is the clock (tests pass a fake one).
 */

export type Countdown = { minutes: number; overdue: boolean; words: string };

export function countdown(due: string | Date, now: Date): Countdown {
  const left = Math.round((new Date(due).getTime() - now.getTime()) / 60_000);
  const span = (m: number) => (m >= 120 ? `${Math.floor(m / 60)} hours ${m % 60} minutes` : `${m} minute${m === 1 ? '' : 's'}`);
  return left >= 0 ? { minutes: left, overdue: false, words: `${span(left)} left` } : { minutes: left, overdue: true, words: `overdue by ${span(-left)}` };
}

/** When observations are next due (from the last set, or from coming onto the ward), and whether that time has passed. */
export function observationsDue(row: Pick<store.CaseloadRow, 'state' | 'admitted_at' | 'last_observed_at' | 'observe_every_hours'>, now: Date) {
  const from = row.last_observed_at ?? row.admitted_at;
  if (!from || (row.state !== 'on-ward' && row.state !== 'escalated')) return null;
  const due = new Date(new Date(from).getTime() + row.observe_every_hours * 3_600_000);
  return { due, missed: due.getTime() < now.getTime(), countdown: countdown(due, now) };
}

/** Day 1 is the day the child came onto the ward (London days). */
export const dayOfStay = (admittedAt: string | null, now: Date) =>
  admittedAt ? parseIsoDate(londonDateAndTime(now).date) - parseIsoDate(londonDateAndTime(admittedAt).date) + 1 : null;

const rank = (level: string | null) => LEVELS.indexOf((level ?? 'none') as (typeof LEVELS)[number]);

export async function wardCaseload(tx: Tx, actor: Actor, now = new Date()) {
  const decision = wardPolicy.viewCaseload(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  const ward = await store.theWard(tx, actor.icsId);
  if (!ward) return { ward: null, children: [], wardRound: [], missed: 0, referred: 0 };
  const listed = await store.caseload(tx, actor.icsId, ward.id, (childId) => hasRelationshipSql('virtual-ward', actor, childId));
  await auditListedChildren(tx, actor, decision.why, listed.map((r) => ({ childId: r.child_id, action: 'ward.caseload', what: 'Listed on the virtual ward caseload' })));
  const children = listed.map((r) => ({
    ...r,
    day: dayOfStay(r.admitted_at, now),
    observations: observationsDue(r, now),
    escalations: r.open_escalations.map((x) => ({ ...x, countdown: countdown(x.due, now) })),
  }));
  // The consultant's daily round: every child on the ward, most worrying first (open escalation, then last PEWS), then longest stay.
  const wardRound = children.filter((c) => c.state === 'on-ward' || c.state === 'escalated').sort((a, b) =>
    Math.max(-1, ...b.escalations.map((x) => rank(x.level))) - Math.max(-1, ...a.escalations.map((x) => rank(x.level)))
    || (b.last_score ?? -1) - (a.last_score ?? -1) || (b.day ?? 0) - (a.day ?? 0));
  return {
    ward, children, wardRound, occupancy: wardRound.length,
    missed: children.filter((c) => c.observations?.missed).length, referred: children.filter((c) => c.state === 'referred').length,
  };
}
