import type { FastifyReply } from 'fastify';
import { ConflictError } from './errors.js';

/**
 * Two tabs, or two people, changing one thing: the second to save is refused
 * (optimistic locking), but what they typed is not thrown away. Every form
 * answers such a refusal the same way: the same page again (409), showing the
 * thing as it now stands with the change that won, the person's typed text
 * kept in the form, and the version it now has, so one press sends it again.
 * The layout shows the banner that says so (`typedAgain`).
 */

/** Whether the refusal was someone else saving first, so the typed form can be shown again. */
export const savedFirstByAnother = (error: unknown): error is ConflictError => error instanceof ConflictError && error.latestVersion !== undefined;

/**
 * The form page again, as `page` builds it from the person's typed values, at
 * the version that won; `theirs` links to the change that won where the form
 * page does not show it, opening beside the form so nothing typed is lost.
 */
export function showTypedAgain(reply: FastifyReply, template: string, page: Record<string, unknown>, error: ConflictError, theirs?: { href: string; text: string }) {
  return reply.code(409).page(template, { ...page, version: String(error.latestVersion), typedAgain: { message: error.message, theirs } });
}
