import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, type AppDeps } from '../platform/http/app.js';
import { fieldList } from '../platform/http/form-body.js';
import { CARING_ROLES, ROLES } from '../platform/access/roles.js';
import { colleagues, teams } from '../children/service.js';

/** What the MDT pages share: the people and teams to choose from, a ticked list from a form, and the page for a change that could not be made. */

/** Every value a checkbox list sent (one or many). */
export const checked = (v: unknown): string[] => fieldList({ v }, 'v', 1000);

/** The professionals who care for children, as a select's options. */
export async function personItems(deps: AppDeps, req: FastifyRequest, current = '') {
  const people = await inTenant(deps, req, (tx, actor) => colleagues(tx, actor.icsId, CARING_ROLES));
  return [{ value: '', text: 'Select a person', selected: !current },
    ...people.map((p) => ({ value: p.id, text: `${p.name}, ${ROLES[p.role as keyof typeof ROLES] ?? p.role}, ${p.organisation_name}`, selected: p.id === current }))];
}

/** Teams in the same list as people: a team's value is marked, so one select asks "who will do it". */
export async function teamItems(deps: AppDeps, req: FastifyRequest) {
  const all = await inTenant(deps, req, (tx) => teams(tx));
  return all.map((t) => ({ value: `team:${t.id}`, text: `Team: ${t.name}`, selected: false }));
}

/** The owner a "who will do it" choice names: a team when marked so, otherwise a person. */
export const ownerOf = (value: string) => (value.startsWith('team:') ? { ownerKind: 'organisation', ownerId: value.slice(5) } : { ownerKind: 'professional', ownerId: value });

/** A change the meeting's state refuses (409), with the way back. */
export const conflictPage = (reply: FastifyReply, message: string, backHref: string) =>
  reply.code(409).page('mdt/views/conflict.njk', { title: 'That could not be done', message, backHref });
