import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import { bulkInsert } from '../platform/db/bulk.js';
import { readJson } from '../platform/data-files.js';
import { OBSERVATION_FIELDS } from './observation-set.js';
import type { WardResponses } from './schema.js';

/**
 * The starting pathways and response timers (data/virtual-ward-pathways.json),
 * checked on load: an observation the chart does not know, or a level with
 * no timer, fails at start rather than leaving a child unobserved.
 */

const words = z.array(z.string().min(1)).min(1);
const response = z.object({ response: z.string().min(1), minutes: z.number().int().min(1).max(24 * 60) });
const fileShape = z.object({
  responses: z.object({ low: response, medium: response, high: response, emergency: response }),
  pathways: z.array(z.object({
    id: z.string().regex(/^[a-z-]+$/), name: z.string().min(1), inclusion: words, exclusion: words,
    observations: z.array(z.string().refine((f) => OBSERVATION_FIELDS.includes(f), { error: (i) => `"${String(i.input)}" is not an observation joinery pews reads` })).min(1),
    observeEveryHours: z.number().int().min(1).max(48), expectedStayDays: z.number().int().min(1).max(60), dischargeCriteria: words,
  })).min(1),
});

/** Who saved a pathway's first version: the shipped starting data, not a person. */
export const STARTING_DATA = 'Joinery (starting pathways)';

export type WardStartingData = z.infer<typeof fileShape>;

let loaded: WardStartingData | undefined;
export function wardStartingData(): WardStartingData {
  loaded ??= fileShape.parse(readJson('virtual-ward-pathways.json'));
  return loaded;
}

export const defaultResponses = (): WardResponses => wardStartingData().responses;

/** Gives a new ICS the starting pathways; an ICS that has pathways keeps its own. */
export async function seedPathways(tx: Tx, icsId: string): Promise<number> {
  if ((await rows(tx, sql`SELECT 1 FROM ward_pathway WHERE ics_id = ${icsId}::uuid LIMIT 1`)).length) return 0;
  const all = wardStartingData().pathways;
  const rowsOf = all.map((p) => ({
    ics_id: icsId, id: p.id, name: p.name, inclusion: p.inclusion, exclusion: p.exclusion, observations: p.observations,
    observe_every_hours: p.observeEveryHours, expected_stay_days: p.expectedStayDays, discharge_criteria: p.dischargeCriteria,
  }));
  await bulkInsert(tx, 'ward_pathway', rowsOf);
  // Each starts as its version 1, which episodes referred to it keep until the ICS saves another.
  await bulkInsert(tx, 'ward_pathway_version', rowsOf.map(({ id, ...p }) => ({ ...p, pathway_id: id, version: 1, active: true, saved_by: null, saved_by_name: STARTING_DATA })));
  return all.length;
}
