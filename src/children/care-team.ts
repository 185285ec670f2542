import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import { legitimateRelationships, type Relationship } from '../platform/access/relationship.js';
import { policy, type Decision } from '../platform/access/policy.js';
import { ForbiddenError, NotFoundError } from '../platform/http/errors.js';
import { refuseIfFrozen } from '../record/freeze.js';

/**
 * Joining and reading a child's care team, for the capabilities that put
 * people into it (a care plan's key worker and action owners, MDT members).
 * Membership is the legitimate relationship, so every join is audited.
 */

export type TeamMember = { professional_id: string; name: string; role: string; role_in_team: string; organisation_id: string; organisation_name: string };

export function currentTeam(tx: Tx, childId: string): Promise<TeamMember[]> {
  return rows<TeamMember>(
    tx,
    sql`SELECT DISTINCT ON (p.id) p.id AS professional_id, p.name, p.role, m.role_in_team, o.id AS organisation_id, o.name AS organisation_name
          FROM care_team_member m
          JOIN professional p ON p.ics_id = m.ics_id AND p.id = m.professional_id
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
         WHERE m.child_id = ${childId}::uuid AND m.ended_at IS NULL
         ORDER BY p.id, m.started_at`,
  );
}

/** Adds the professional to the child's care team unless they are already in it; says whether they joined. */
export async function joinCareTeam(tx: Tx, actor: Actor, childId: string, professionalId: string, roleInTeam: string, why: string): Promise<boolean> {
  const already = await rows(
    tx,
    sql`SELECT 1 FROM care_team_member WHERE child_id = ${childId}::uuid AND professional_id = ${professionalId}::uuid AND ended_at IS NULL`,
  );
  if (already.length) return false;
  await refuseIfFrozen(tx, actor, childId);
  await tx.execute(sql`INSERT INTO care_team_member (ics_id, id, child_id, professional_id, role_in_team)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${childId}::uuid, ${professionalId}::uuid, ${roleInTeam})`);
  await recordAudit(tx, actor, { childId, action: 'care-team.join', what: `Added to the care team as ${roleInTeam}`, why, details: { professionalId } });
  return true;
}

export type Colleague = { id: string; name: string; role: string; organisation_id: string; organisation_name: string };

/** Active professionals of caring roles in the ICS, to choose a key worker or an action's owner from. */
export function colleagues(tx: Tx, roles: readonly string[]): Promise<Colleague[]> {
  return rows<Colleague>(
    tx,
    sql`SELECT p.id, p.name, p.role, o.id AS organisation_id, o.name AS organisation_name FROM professional p
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
         WHERE p.active AND p.role IN (${sql.join(roles.map((r) => sql`${r}`), sql`, `)}) ORDER BY o.name, p.name LIMIT 2000`,
  );
}

/** A professional by id, if active in this ICS. */
export async function professionalById(tx: Tx, id: string): Promise<Colleague | undefined> {
  const [found] = await rows<Colleague>(
    tx,
    sql`SELECT p.id, p.name, p.role, o.id AS organisation_id, o.name AS organisation_name FROM professional p
          JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id WHERE p.id = ${id}::uuid AND p.active`,
  );
  return found;
}

/** Children's names and NHS numbers, for lists that name each child (a task list). */
export function childNames(tx: Tx, ids: string[]): Promise<{ id: string; given_name: string; family_name: string; nhs_number: string | null; date_of_birth: string }[]> {
  if (!ids.length) return Promise.resolve([]);
  return rows(
    tx,
    sql`SELECT id, given_name, family_name, nhs_number, date_of_birth FROM child WHERE id IN (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`,
  );
}

export type Team = { id: string; name: string; kind: string };

/** Organisations an action can be given to as a team (anyone there may take it on). */
export function teams(tx: Tx): Promise<Team[]> {
  return rows<Team>(tx, sql`SELECT id, name, kind FROM organisation WHERE kind <> 'ics-body' ORDER BY name LIMIT 2000`);
}

export async function teamById(tx: Tx, id: string): Promise<Team | undefined> {
  const [found] = await rows<Team>(tx, sql`SELECT id, name, kind FROM organisation WHERE id = ${id}::uuid AND kind <> 'ics-body'`);
  return found;
}

/**
 * Who may end someone's membership of a child's care team: the member
 * themselves, or a professional who cares for the child through a standing
 * relationship (not emergency access). Ending it ends the access it gave.
 */
export function mayEndMembership(actor: Actor, relationships: Relationship[], memberId: string): Decision {
  const view = policy.viewChildSummary(actor, relationships);
  if (!view.allowed) return view;
  if (actor.professionalId === memberId) return { allowed: true, why: 'leaving the care team' };
  if (relationships.every((r) => r.kind === 'break-glass')) return { allowed: false, reason: 'Emergency access does not let you change the care team.' };
  return view;
}

export async function endMembership(tx: Tx, actor: Actor, childId: string, professionalId: string): Promise<void> {
  const decision = mayEndMembership(actor, await legitimateRelationships(tx, actor, childId), professionalId);
  if (!decision.allowed) throw new ForbiddenError(decision.reason, childId);
  await refuseIfFrozen(tx, actor, childId);
  const ended = await rows<{ role_in_team: string }>(
    tx,
    sql`UPDATE care_team_member SET ended_at = now() WHERE child_id = ${childId}::uuid AND professional_id = ${professionalId}::uuid AND ended_at IS NULL RETURNING role_in_team`,
  );
  if (!ended.length) throw new NotFoundError();
  await recordAudit(tx, actor, { childId, action: 'care-team.end', what: `Care team membership ended (${ended.map((e) => e.role_in_team).join(', ')})`, why: decision.why, details: { professionalId } });
}
