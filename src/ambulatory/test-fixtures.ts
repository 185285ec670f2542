import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import type { TestJoinery } from '../../test/joinery.js';
import { actorFor } from '../../test/actors.js';
import { decideEpisode, startOnWard } from './acceptance.js';
import { referToWard } from './refer.js';

/** What the virtual ward tests share: the demo ward's people, children of the demo GP, and a child referred, accepted and started. */

export const inIcs = <T>(j: TestJoinery, fn: (tx: Tx) => Promise<T>) => j.db.tenant(j.ics.icsId, fn);

export type Ward = { gp: Actor; nurse: Actor; consultant: Actor; outsider: Actor; rota: { position: number; professional_id: string; name: string }[] };

export async function demoWard(j: TestJoinery): Promise<Ward> {
  const rota = await rows<{ position: number; professional_id: string; name: string }>(j.db.owner, sql`SELECT r.position, r.professional_id, p.name
    FROM ward_rota r JOIN professional p ON p.ics_id = r.ics_id AND p.id = r.professional_id WHERE r.ics_id = ${j.ics.icsId}::uuid ORDER BY r.position`);
  return {
    gp: await actorFor(j.db, 'gp@demo.joinery.test'), nurse: await actorFor(j.db, 'care-coordinator@demo.joinery.test'),
    consultant: await actorFor(j.db, 'paediatrician@demo.joinery.test'), outsider: await actorFor(j.db, 'health-visitor@demo.joinery.test'), rota,
  };
}

/** The professional at a rota position, signed in as a service test does. */
export async function actorOnRota(j: TestJoinery, w: Ward, position: number): Promise<Actor> {
  const [p] = await rows<{ email: string }>(j.db.owner, sql`SELECT email FROM professional WHERE id = ${w.rota[position].professional_id}::uuid`);
  return actorFor(j.db, p.email);
}

/**
 * A child of the demo GP's practice under 13 (with `toddler`, aged between
 * 1½ and 4½: well inside the PEWS 1–4 years band today), with no CP-IS flag,
 * no social worker and never on the ward.
 */
export async function plainChild(j: TestJoinery, gp: Actor, opts: { toddler?: boolean } = {}): Promise<string> {
  const age = opts.toddler
    ? sql`c.date_of_birth BETWEEN current_date - interval '4 years 6 months' AND current_date - interval '1 year 6 months'`
    : sql`c.date_of_birth > current_date - interval '13 years'`;
  // The ICS's social workers first: a correlated subquery joining a reference table does not run on Citus.
  const socialWorkers = (await rows<{ id: string }>(j.db.owner, sql`SELECT id FROM professional WHERE ics_id = ${gp.icsId}::uuid AND role = 'social-worker'`)).map((p) => p.id);
  const found = await rows<{ id: string }>(j.db.owner, sql`SELECT c.id FROM child c WHERE c.ics_id = ${gp.icsId}::uuid AND c.registered_practice_id = ${gp.organisationId}::uuid
    AND ${age}
    AND NOT EXISTS (SELECT 1 FROM child_flag f WHERE f.ics_id = ${gp.icsId}::uuid AND f.ics_id = c.ics_id AND f.child_id = c.id)
    AND NOT EXISTS (SELECT 1 FROM care_team_member m WHERE m.ics_id = ${gp.icsId}::uuid AND m.ics_id = c.ics_id AND m.child_id = c.id
      AND m.professional_id = ANY(${sql.param(socialWorkers)}::uuid[]))
    AND NOT EXISTS (SELECT 1 FROM ward_episode e WHERE e.ics_id = ${gp.icsId}::uuid AND e.ics_id = c.ics_id AND e.child_id = c.id)
    ORDER BY c.id LIMIT 1`);
  return found[0].id;
}

export const ACCEPT_ALL = {
  decision: 'accept', criteriaMet: 'yes', phone: 'yes', transport: 'yes', adultPresent: 'yes', languageNeedsMet: 'yes', consent: 'yes',
  consentGivenBy: 'Sam Parent (mother)', carerWorseLevel: 'high',
} as const;

/** Referred by the GP onto a pathway, accepted by the nurse with every check, and started on the ward at `at`. */
export async function onWard(j: TestJoinery, w: Ward, childId: string, pathwayId = 'bronchiolitis', at = new Date()): Promise<string> {
  const id = await inIcs(j, (tx) => referToWard(tx, w.gp, childId, { pathwayId, source: 'gp', reason: 'Day 4 of bronchiolitis, feeding two thirds of usual.' }, at));
  await inIcs(j, (tx) => decideEpisode(tx, w.nurse, id, { ...ACCEPT_ALL, version: 1 }, at));
  await inIcs(j, (tx) => startOnWard(tx, w.nurse, id, 2, at));
  return id;
}

export const episodeState = async (j: TestJoinery, id: string) =>
  (await rows<{ state: string; version: number }>(j.db.owner, sql`SELECT state, version FROM ward_episode WHERE id = ${id}::uuid`))[0];
