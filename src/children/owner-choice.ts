import type { Tx } from '../platform/db/client.js';
import { CARING_ROLES, ROLES } from '../platform/access/roles.js';
import { colleagues, currentTeam } from './care-team.js';

/**
 * "Who will do it": the people offered when an action is given to someone
 * (a care plan's action, an MDT meeting's action). The child's care team
 * comes first, then any group the caller knows (a meeting's attendees), then
 * everyone else who cares for children, so an action for a toddler does not
 * go to an unrelated school's SENCO by a slip down a list of hundreds.
 * Choosing someone outside those groups stays possible, once confirmed.
 */

export const CARE_TEAM_GROUP = 'This child’s care team';
export const EVERYONE_ELSE_GROUP = 'Everyone else';

/** A select option, with the label of the group it is listed under. */
export type OwnerOption = { value: string; text: string; selected: boolean; group?: string };

/** A further group of people to offer after the care team, such as a meeting's attendees; `note` follows each name, for lists read without their groups. */
export type KnownGroup = { label: string; note: string; ids: string[] };

const described = (p: { name: string; role: string; organisation_name: string }) => `${p.name}, ${ROLES[p.role as keyof typeof ROLES] ?? p.role}, ${p.organisation_name}`;

/** The people to choose from, grouped and labelled, each once, with `current` chosen. */
export async function ownerOptions(tx: Tx, icsId: string, childId: string, current: string, also: KnownGroup[] = []): Promise<OwnerOption[]> {
  const team = await currentTeam(tx, icsId, childId);
  const everyone = await colleagues(tx, icsId, CARING_ROLES);
  const byId = new Map(everyone.map((p) => [p.id, p]));
  const listed = new Set<string>();
  const options: OwnerOption[] = [{ value: '', text: 'Select a person', selected: !current }];
  const add = (group: string, note: string, people: { id: string; name: string; role: string; organisation_name: string }[]) => {
    for (const p of people) {
      if (listed.has(p.id)) continue;
      listed.add(p.id);
      options.push({ value: p.id, text: `${described(p)}${note ? ` (${note})` : ''}`, selected: p.id === current, group });
    }
  };
  add(CARE_TEAM_GROUP, 'care team', team.map((m) => ({ id: m.professional_id, name: m.name, role: m.role, organisation_name: m.organisation_name })));
  for (const g of also) add(g.label, g.note, g.ids.flatMap((id) => byId.get(id) ?? []));
  add(EVERYONE_ELSE_GROUP, '', everyone);
  return options;
}

/** Whether the person is in the child's care team or among the other people given (a meeting's attendees). */
export async function knownToChild(tx: Tx, icsId: string, childId: string, professionalId: string, also: string[] = []): Promise<boolean> {
  if (also.includes(professionalId)) return true;
  return (await currentTeam(tx, icsId, childId)).some((m) => m.professional_id === professionalId);
}

/**
 * What a form says when the person chosen is outside the child's care team
 * (and outside `alsoOutside`, such as "did not attend this meeting"): the
 * choice stands only when confirmed.
 */
export const confirmOutsider = (name: string, alsoOutside = '') =>
  `${name} is not in this child’s care team${alsoOutside ? ` and ${alsoOutside}` : ''}. Choose someone who is, or confirm that ${name} should do it.`;
