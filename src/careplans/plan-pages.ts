import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../platform/http/errors.js';
import { ageOn } from '../children/index.js';
import { childNames, ownerOptions, teams } from '../children/service.js';
import * as plans from './service.js';
import { savedFirstByAnother, showTypedAgain } from '../platform/http/typed-again.js';

/**
 * What every care plan page shares: where the plan lives, the child's
 * heading, the people to choose a key worker or action owner from, the
 * notice after a change, and how a refused form is answered.
 */

export const planHref = (childId: string) => `/children/${childId}/care-plan`;

const NOTICES: Record<string, string> = {
  started: 'The care plan has been started. It is a draft until the key worker signs it off with the family.',
  saved: 'The care plan has been changed. It is a draft again until the key worker signs it off with the family.',
  goal: 'The goal has been saved.',
  removed: 'The goal has been removed.',
  action: 'The action has been added. It is on the owner’s task list.',
  agreed: 'The care plan has been signed off.',
};

/** The notice for `?saved=…` after a change; anything else in the query shows none. */
export const noticeOf = (req: FastifyRequest) => {
  const saved = (req.query as Record<string, unknown> | undefined)?.saved;
  return typeof saved === 'string' && Object.hasOwn(NOTICES, saved) ? NOTICES[saved] : undefined;
};

export type ChildHeading = Awaited<ReturnType<typeof childHeading>>;

/** The child the page is about, as its heading names them. */
export async function childHeading(tx: Tx, icsId: string, childId: string, today: string) {
  const [c] = await childNames(tx, icsId, [childId]);
  if (!c) throw new NotFoundError();
  return { id: c.id, name: `${c.given_name} ${c.family_name}`, listName: `${c.family_name.toUpperCase()}, ${c.given_name}`, nhsNumber: c.nhs_number, dateOfBirth: c.date_of_birth, age: ageOn(c.date_of_birth, new Date(`${today}T12:00:00Z`)) };
}

/** Who can be key worker or own an action: the child's care team first, then everyone else, grouped and labelled (children's "who will do it"). */
export const peopleItems = (tx: Tx, icsId: string, childId: string, current: string) => ownerOptions(tx, icsId, childId, current);

/** The teams that can own an action, none chosen until one is. */
export async function teamItems(tx: Tx, current: string) {
  return [{ value: '', text: 'Select a team', selected: true }, ...(await teams(tx)).map((t) => ({ value: t.id, text: t.name, selected: t.id === current }))];
}

/** The plan as someone about to change it sees it: there must be one, and they must be allowed to change it now. */
export async function editablePlan(tx: Tx, actor: Actor, childId: string) {
  const view = await plans.viewPlan(tx, actor, childId);
  if (!view.plan) throw new NotFoundError();
  if (!view.can.edit) throw new ForbiddenError(view.frozen ?? 'Your role does not change care plans.');
  return view;
}

/** A form's page again, with the service's and the date boxes' messages (400), or the conflict page (409). */
export async function formFailure(reply: FastifyReply, error: unknown, childId: string, render: (fields: FieldErrors) => Promise<Record<string, unknown>>, template: string) {
  // Someone saved the plan first: the form again with what this person typed, at the plan's new version, their plan a link beside it.
  if (savedFirstByAnother(error)) return showTypedAgain(reply, template, await render({}), error, { href: planHref(childId), text: 'See the care plan as they saved it' });
  if (error instanceof ConflictError) {
    return reply.code(409).page('careplans/views/conflict.njk', { title: 'The care plan has changed', message: error.message, backHref: planHref(childId) });
  }
  if (!(error instanceof ValidationError)) throw error;
  return reply.code(400).page(template, await render(error.fields));
}
