import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { inTenant, type AppDeps } from '../platform/http/app.js';
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { RefusedAccess } from '../platform/access/refused-access.js';
import { SENSITIVE_REVEAL_HOURS } from './service.js';
import { CHILD_HEADING_SHOWN, childContext, type ChildContext } from './record-page.js';

/**
 * How every shared record page reaches its child: the record's door is
 * opened once for the request (a refusal is audited and shown with the offer
 * of emergency access); a change the record then refuses (a frozen record, a
 * role that does not record) rolls the change back, keeps its audit and is
 * shown on the "cannot change" page.
 */

export const recordHref = (childId: string) => `/children/${childId}/record`;

/** A refusal of a change the actor may otherwise see. */
export type Refused = { refused: string };
export const refusedBy = (v: unknown): v is Refused => typeof v === 'object' && v !== null && 'refused' in v;
export const refusal = (reason: string): Refused => ({ refused: reason });

/**
 * Runs fn for a child whose record the actor may see, in one transaction.
 * What the page shows of the child is audited (`shown`; null when fn's reads
 * audit it).
 */
export async function forChild<T>(
  deps: AppDeps, req: FastifyRequest, childId: string, fn: (tx: Tx, actor: Actor, ctx: ChildContext) => Promise<T>,
  shown: string | null = CHILD_HEADING_SHOWN,
): Promise<T | Refused> {
  let opened = false;
  try {
    return await inTenant(deps, req, async (tx, actor) => {
      const ctx = await childContext(tx, actor, childId, shown);
      opened = true;
      return fn(tx, actor, ctx);
    });
  } catch (error) {
    // Refused the record itself: the error page offers emergency access where allowed.
    if (!opened || !(error instanceof RefusedAccess)) throw error;
    if (error.childId === childId) return refusal(error.message);
    // An entry id of another child's record, under this child's address: as if it did not exist.
    if (error.childId) throw new NotFoundError();
    throw error;
  }
}

export function cannotChange(reply: FastifyReply, childId: string, reason: string) {
  return reply.code(403).page('record/views/cannot-change.njk', { title: 'You cannot change this record', reason, childId, backHref: recordHref(childId) });
}

/** 409: someone else changed the entry after it was opened; nothing was saved. */
export function conflictPage(reply: FastifyReply, childId: string, message: string, entryId?: string) {
  const base = recordHref(childId);
  return reply.code(409).page('record/views/conflict.njk', {
    title: 'Someone else changed this entry',
    message,
    editHref: entryId ? `${base}/entries/${entryId}/edit` : undefined,
    historyHref: entryId ? `${base}/entries/${entryId}` : undefined,
    backHref: base,
  });
}

/** A service's ValidationError or ConflictError, turned into something the route shows on its own page. */
export function asFieldErrors(error: unknown): { serviceFields: FieldErrors } | { conflict: string } {
  if (error instanceof ValidationError) return { serviceFields: error.fields };
  if (error instanceof ConflictError) return { conflict: error.message };
  throw error;
}

/** Messages after a change, chosen by a fixed word in the query (nothing typed is reflected back). */
const NOTICES: Record<string, string> = {
  entry: 'The entry has been saved.',
  contact: 'The contact has been recorded.',
  revealed: `Sensitive entries you may see are shown for ${SENSITIVE_REVEAL_HOURS} hour. Your reason has been recorded, and a privacy officer will review it.`,
  frozen: 'The record is frozen. Only your team can change it until the freeze is lifted.',
  lifted: 'The freeze has been lifted.',
};
export const noticeOf = (query: unknown) => {
  const saved = (query as Record<string, unknown> | undefined)?.saved;
  return typeof saved === 'string' && Object.hasOwn(NOTICES, saved) ? NOTICES[saved] : undefined;
};

/** What was typed, cut short, to show again on a form that failed. */
export const typed = (v: unknown, max = 600) => (typeof v === 'string' ? v.slice(0, max) : '');
