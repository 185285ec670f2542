import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, checkedAccess, openChild, type ChildAccess } from '../platform/access/door.js';
import { NotFoundError, ValidationError } from '../platform/http/errors.js';
import { optionalText, text } from '../platform/http/validate.js';
import { careTeamPolicy } from './policy.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';

/**
 * Joining and reading a child's care team, for the capabilities that put
 * people into it (a care plan's key worker). Owning an action is a relationship
 * of its own (relationship.ts), not a place in the team.
 * Membership is the legitimate relationship, so every join is audited.
 */

export type TeamMember = { professional_id: string; name: string; role: string; role_in_team: string; organisation_id: string; organisation_name: string };

export async function currentTeam(tx: Tx, icsId: string, childId: string): Promise<TeamMember[]> {
  return (await currentTeamsOfEach(tx, icsId, [childId])).get(childId) ?? [];
}

/** currentTeam for many children at once (a Bulk Data export's chunk, their doors opened by the caller): child id → team. */
export async function currentTeamsOfEach(tx: Tx, icsId: string, childIds: readonly string[]): Promise<Map<string, TeamMember[]>> {
  const found = childIds.length ? await rows<TeamMember & { child_id: string }>(
    tx,
    sql`SELECT DISTINCT ON (m.child_id, p.id) m.child_id, p.id AS professional_id, p.name, p.role, m.role_in_team, o.id AS organisation_id, o.name AS organisation_name
          FROM care_team_member m
          JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
         WHERE m.ics_id = ${icsId}::uuid AND m.child_id = ANY(${`{${childIds.join(',')}}`}::uuid[]) AND m.ended_at IS NULL
         ORDER BY m.child_id, p.id, m.started_at`,
  ) : [];
  const out = new Map<string, TeamMember[]>();
  for (const { child_id, ...member } of found) out.set(child_id, [...(out.get(child_id) ?? []), member]);
  return out;
}

/**
 * Adds the professional to the child's care team unless they are already in
 * it, under the access that let the caller do so (a care plan's change); says whether they joined.
 */
export async function joinCareTeam(tx: Tx, access: ChildAccess, professionalId: string, roleInTeam: string): Promise<boolean> {
  const { actor, childId } = checkedAccess(tx, access);
  const already = await rows(
    tx,
    sql`SELECT 1 FROM care_team_member
         WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid AND professional_id = ${professionalId}::uuid AND ended_at IS NULL`,
  );
  if (already.length) return false;
  await refuseChangeWhileFrozen(tx, access, 'joining the care team');
  await tx.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, ${professionalId}::uuid, ${roleInTeam})`);
  await auditChild(tx, access, { action: 'care-team.join', what: `Added to the care team as ${roleInTeam}`, details: { professionalId } });
  return true;
}

export type Colleague = { id: string; name: string; role: string; organisation_id: string; organisation_name: string };

/** Active professionals of caring roles in the ICS, to choose a key worker or an action's owner from. */
export function colleagues(tx: Tx, icsId: string, roles: readonly string[]): Promise<Colleague[]> {
  return rows<Colleague>(
    tx,
    sql`SELECT p.id, p.name, p.role, o.id AS organisation_id, o.name AS organisation_name FROM professional p
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
         WHERE p.ics_id = ${icsId}::uuid AND p.active AND p.role IN (${sql.join(roles.map((r) => sql`${r}`), sql`, `)}) ORDER BY o.name, p.name LIMIT 2000`,
  );
}

/** A professional by id, if active in this ICS. */
export async function professionalById(tx: Tx, icsId: string, id: string): Promise<Colleague | undefined> {
  const [found] = await rows<Colleague>(
    tx,
    sql`SELECT p.id, p.name, p.role, o.id AS organisation_id, o.name AS organisation_name FROM professional p
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id WHERE p.ics_id = ${icsId}::uuid AND p.id = ${id}::uuid AND p.active`,
  );
  return found;
}

/** Children's names and NHS numbers, for lists that name each child (a task list). */
export function childNames(tx: Tx, icsId: string, ids: string[]): Promise<{ id: string; given_name: string; family_name: string; nhs_number: string | null; date_of_birth: string }[]> {
  if (!ids.length) return Promise.resolve([]);
  return rows(
    tx,
    sql`SELECT id, given_name, family_name, nhs_number, date_of_birth FROM child WHERE ics_id = ${icsId}::uuid AND id IN (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`,
  );
}

export type Team = { id: string; name: string; kind: string };

/** Organisations an action can be given to as a team (anyone there may take it on). */
export function teams(tx: Tx): Promise<Team[]> {
  return rows<Team>(tx, sql`SELECT id, name, kind FROM organisation WHERE kind <> 'ics-body' ORDER BY name LIMIT 2000`);
}

export async function teamById(tx: Tx, icsId: string, id: string): Promise<Team | undefined> {
  const [found] = await rows<Team>(tx, sql`SELECT id, name, kind FROM organisation WHERE ics_id = ${icsId}::uuid AND id = ${id}::uuid AND kind <> 'ics-body'`);
  return found;
}

type KeyWorkerLookup = (tx: Tx, icsId: string, childId: string) => Promise<string | null>;
let keyWorkerLookup: KeyWorkerLookup | undefined;

/**
 * Care plans name a child's key worker, and a key worker's membership may not
 * be ended here. Care plans stand on children, so children cannot import
 * them: the composition root (src/app.ts) hands this lookup over at start.
 */
export function findKeyWorkersWith(lookup: KeyWorkerLookup): void {
  keyWorkerLookup = lookup;
}

/** The key worker of the child's care plan, if any. Refuses to guess when no lookup was handed over. */
export function keyWorkerOf(tx: Tx, icsId: string, childId: string): Promise<string | null> {
  if (!keyWorkerLookup) throw new Error('No key worker lookup: the composition root must call findKeyWorkersWith');
  return keyWorkerLookup(tx, icsId, childId);
}

/** Opens the door to end this member's membership, as the care team policy decides from what the database says now. */
async function openToEnd(tx: Tx, actor: Actor, childId: string, memberId: string): Promise<ChildAccess> {
  const keyWorkerId = await keyWorkerOf(tx, actor.icsId, childId);
  return openChild(tx, actor, childId, {
    rule: (a, relationships) => careTeamPolicy.endMembership(a, relationships, { memberId, keyWorkerId }),
    refused: 'ending a care team membership',
  });
}

/**
 * What the page that ends a membership shows: the child's name and the
 * member's name and roles. Refused as ending it would be; audited.
 */
export async function membershipToEnd(tx: Tx, actor: Actor, childId: string, memberId: string) {
  const access = await openToEnd(tx, actor, childId, memberId);
  const [member] = await rows<{ name: string; roles_in_team: string; given_name: string; family_name: string }>(
    tx,
    sql`SELECT p.name, string_agg(m.role_in_team, ', ' ORDER BY m.started_at) AS roles_in_team, c.given_name, c.family_name
          FROM care_team_member m JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
          JOIN child c ON c.ics_id = m.ics_id AND c.id = m.child_id
         WHERE m.ics_id = ${actor.icsId}::uuid AND m.child_id = ${childId}::uuid AND m.professional_id = ${memberId}::uuid AND m.ended_at IS NULL
         GROUP BY p.name, c.given_name, c.family_name`,
  );
  if (!member) throw new NotFoundError();
  await auditChild(tx, access, { action: 'care-team.read', what: 'Care team membership to end', details: { professionalId: memberId } });
  return { ...member, leaving: memberId === actor.professionalId };
}

/**
 * Ends a professional's membership of the child's care team, as the care
 * team policy allows. Ending someone else's needs a stated reason; who ended
 * it, under which rule and why are audited in the same transaction.
 */
export async function endMembership(tx: Tx, actor: Actor, childId: string, professionalId: string, rawReason?: unknown): Promise<void> {
  const access = await openToEnd(tx, actor, childId, professionalId);
  const leaving = professionalId === actor.professionalId;
  const reason = (leaving ? optionalReason : requiredReason).safeParse(rawReason);
  if (!reason.success) throw new ValidationError({ reason: reason.error.issues[0].message });
  await refuseChangeWhileFrozen(tx, access, 'ending a care team membership');
  const ended = await rows<{ role_in_team: string }>(
    tx,
    sql`UPDATE care_team_member SET ended_at = now()
         WHERE ics_id = ${actor.icsId}::uuid AND child_id = ${childId}::uuid AND professional_id = ${professionalId}::uuid AND ended_at IS NULL
         RETURNING role_in_team`,
  );
  if (!ended.length) throw new NotFoundError();
  await auditChild(tx, access, {
    action: 'care-team.end', what: `Care team membership ended (${ended.map((e) => e.role_in_team).join(', ')})`,
    why: reason.data ? `${access.why}; reason: ${reason.data}` : access.why, details: { professionalId, ...(reason.data ? { reason: reason.data } : {}) },
  });
}

const requiredReason = text('why this membership is ending', { max: 500, multiline: true })
  .refine((v) => v.length >= 10, 'Enter why this membership is ending, in at least 10 characters');
const optionalReason = optionalText('why you are leaving', { max: 500, multiline: true });
