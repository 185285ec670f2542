import crypto from 'node:crypto';
import type { Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';
import { defaultResponses, seedPathways } from './pathways.js';
import type { WardResponses } from './schema.js';

export type WardSetUp = {
  icsId: string; name: string; nursingTeamId: string; consultantId: string; capacity: number;
  /** Who an unacknowledged escalation goes to, first to last. */
  rota: string[];
  responses?: WardResponses;
  /** The ward's id: the generator passes one from its seed, so the same seed makes the same ICS. */
  id?: string;
};

/**
 * Opens an ICS's virtual ward with its starting pathways, the ICS's response
 * timers (the shipped ones unless given) and its step-up rota. The generator
 * and tests call it; an administration page is for a later session.
 */
export async function setUpWard(tx: Tx, w: WardSetUp): Promise<string> {
  if (!w.rota.length) throw new Error('A virtual ward needs at least one person on its escalation rota.');
  await seedPathways(tx, w.icsId);
  const id = w.id ?? crypto.randomUUID();
  await bulkInsert(tx, 'virtual_ward', [{
    ics_id: w.icsId, id, name: w.name, nursing_team_id: w.nursingTeamId, consultant_id: w.consultantId, capacity: w.capacity, responses: w.responses ?? defaultResponses(),
  }]);
  await bulkInsert(tx, 'ward_rota', w.rota.map((professionalId, position) => ({ ics_id: w.icsId, ward_id: id, position, professional_id: professionalId })));
  return id;
}
