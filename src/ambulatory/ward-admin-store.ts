import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';
import type { Actor } from '../platform/access/actor.js';
import type { WardResponses } from './schema.js';

/** The SQL behind the ward's set-up pages (ward-admin.ts): pathways and their versions, timers, the rota and its candidates, and the change history. No child's data. */

export type PathwayValues = {
  name: string; inclusion: string[]; exclusion: string[]; observations: string[]; observeEveryHours: number; expectedStayDays: number; dischargeCriteria: string[]; active: boolean;
};
type By = { id: string; name: string };

const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

async function insertVersion(tx: Tx, icsId: string, id: string, version: number, p: PathwayValues, by: By) {
  await tx.execute(sql`INSERT INTO ward_pathway_version (ics_id, pathway_id, version, name, inclusion, exclusion, observations, observe_every_hours, expected_stay_days,
      discharge_criteria, active, saved_by, saved_by_name)
    VALUES (${icsId}::uuid, ${id}, ${version}, ${p.name}, ${json(p.inclusion)}, ${json(p.exclusion)}, ${json(p.observations)}, ${p.observeEveryHours}, ${p.expectedStayDays},
      ${json(p.dischargeCriteria)}, ${p.active}, ${by.id}::uuid, ${by.name})`);
}

export async function insertPathway(tx: Tx, icsId: string, id: string, p: PathwayValues, by: By) {
  await tx.execute(sql`INSERT INTO ward_pathway (ics_id, id, name, inclusion, exclusion, observations, observe_every_hours, expected_stay_days, discharge_criteria, active, version)
    VALUES (${icsId}::uuid, ${id}, ${p.name}, ${json(p.inclusion)}, ${json(p.exclusion)}, ${json(p.observations)}, ${p.observeEveryHours}, ${p.expectedStayDays},
      ${json(p.dischargeCriteria)}, ${p.active}, 1)`);
  await insertVersion(tx, icsId, id, 1, p, by);
}

/** The next version of a pathway, only from the version the editor saw: null when someone saved first (or there is no such pathway). */
export async function updatePathway(tx: Tx, icsId: string, id: string, seen: number, p: PathwayValues, by: By): Promise<number | null> {
  const [saved] = await rows<{ version: number }>(tx, sql`UPDATE ward_pathway SET name = ${p.name}, inclusion = ${json(p.inclusion)}, exclusion = ${json(p.exclusion)},
      observations = ${json(p.observations)}, observe_every_hours = ${p.observeEveryHours}, expected_stay_days = ${p.expectedStayDays},
      discharge_criteria = ${json(p.dischargeCriteria)}, active = ${p.active}, version = version + 1
    WHERE ics_id = ${icsId}::uuid AND id = ${id} AND version = ${seen} RETURNING version`);
  if (!saved) return null;
  await insertVersion(tx, icsId, id, saved.version, p, by);
  return saved.version;
}

export const pathwayVersions = (tx: Tx, icsId: string, id: string) =>
  rows<{ version: number; name: string; observe_every_hours: number; expected_stay_days: number; active: boolean; saved_by_name: string; saved_at: string }>(tx, sql`
    SELECT version, name, observe_every_hours, expected_stay_days, active, saved_by_name, saved_at FROM ward_pathway_version WHERE ics_id = ${icsId}::uuid AND pathway_id = ${id} ORDER BY version DESC`);

export async function wardVersion(tx: Tx, icsId: string, wardId: string): Promise<number> {
  return (await rows<{ version: number }>(tx, sql`SELECT version FROM virtual_ward WHERE ics_id = ${icsId}::uuid AND id = ${wardId}::uuid`))[0].version;
}

/** New timers from the ward's version the editor saw: false when someone changed the ward first. */
export async function setResponses(tx: Tx, icsId: string, wardId: string, seen: number, responses: WardResponses): Promise<boolean> {
  return (await rows(tx, sql`UPDATE virtual_ward SET responses = ${json(responses)}, version = version + 1
    WHERE ics_id = ${icsId}::uuid AND id = ${wardId}::uuid AND version = ${seen} RETURNING id`)).length === 1;
}

/** A new capacity from the ward's version the editor saw: false when someone changed the ward first. */
export async function setCapacity(tx: Tx, icsId: string, wardId: string, seen: number, capacity: number): Promise<boolean> {
  return (await rows(tx, sql`UPDATE virtual_ward SET capacity = ${capacity}, version = version + 1
    WHERE ics_id = ${icsId}::uuid AND id = ${wardId}::uuid AND version = ${seen} RETURNING id`)).length === 1;
}

/** The rota replaced as a whole, from the ward's version the editor saw: false when someone changed the ward first. */
export async function setRota(tx: Tx, icsId: string, wardId: string, seen: number, people: string[]): Promise<boolean> {
  if ((await rows(tx, sql`UPDATE virtual_ward SET version = version + 1 WHERE ics_id = ${icsId}::uuid AND id = ${wardId}::uuid AND version = ${seen} RETURNING id`)).length !== 1) return false;
  await tx.execute(sql`DELETE FROM ward_rota WHERE ics_id = ${icsId}::uuid AND ward_id = ${wardId}::uuid`);
  await bulkInsert(tx, 'ward_rota', people.map((professionalId, position) => ({ ics_id: icsId, ward_id: wardId, position, professional_id: professionalId })));
  return true;
}

/** Who may be on the rota: the ICS's active community children's nurses and paediatricians (those who may acknowledge on the ward). */
export const rotaCandidates = (tx: Tx) =>
  rows<{ id: string; name: string; role: string; organisation_name: string }>(tx, sql`SELECT p.id, p.name, p.role, o.name AS organisation_name
    FROM professional p JOIN organisation o ON o.ics_id = p.ics_id AND o.id = p.organisation_id
    WHERE p.active AND p.role IN ('care-coordinator', 'paediatrician') ORDER BY p.name, p.id`);

export async function recordChange(tx: Tx, actor: Actor, wardId: string, setting: 'responses' | 'rota' | 'capacity', before: unknown, after: unknown) {
  await tx.execute(sql`INSERT INTO ward_setting_change (ics_id, id, ward_id, setting, before, after, changed_by, changed_by_name)
    VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${wardId}::uuid, ${setting}, ${json(before)}, ${json(after)}, ${actor.professionalId}::uuid, ${actor.name})`);
}

export const settingChanges = (tx: Tx, icsId: string, wardId: string, limit = 20) =>
  rows<{ setting: 'responses' | 'rota' | 'capacity'; before: unknown; after: unknown; changed_by_name: string; saved_at: string }>(tx, sql`
    SELECT setting, before, after, changed_by_name, saved_at FROM ward_setting_change WHERE ics_id = ${icsId}::uuid AND ward_id = ${wardId}::uuid ORDER BY saved_at DESC, id LIMIT ${limit}`);
