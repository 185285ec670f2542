import type { Encounter } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import { ACT_CODE, WARD_VISIT_SYSTEM } from '../codes.js';
import { dateRange, instant, patientParam, tokenParam } from './common.js';
import { seeFound, seePatient } from './access.js';
import type { ExtraSource } from './alongside.js';
import type { Reading } from './handler.js';
import { visits, type VisitRow } from './virtual-ward-rows.js';

/**
 * A virtual ward visit as an Encounter (id = the visit's): class HH (home
 * health) for a home visit, VR (virtual) for a video call, part of the
 * child's EpisodeOfCare. Planned until someone records it done; a visit
 * still due when the stay ended was cancelled.
 */

const WHAT = 'Virtual ward visits (FHIR Encounter)';

const KIND = {
  home: { class: 'HH', classDisplay: 'home health', words: 'Virtual ward home visit' },
  video: { class: 'VR', classDisplay: 'virtual', words: 'Virtual ward video review' },
} as const;

function status(v: VisitRow): Encounter['status'] {
  if (v.done_at) return 'finished';
  return v.episode_state === 'discharged' || v.episode_state === 'declined' ? 'cancelled' : 'planned';
}

export function visitEncounter(v: VisitRow): Encounter {
  const k = KIND[v.kind];
  const at = instant(v.done_at ?? v.due_at);
  return {
    resourceType: 'Encounter',
    id: v.id,
    status: status(v),
    class: { system: ACT_CODE, code: k.class, display: k.classDisplay },
    type: [{ coding: [{ system: WARD_VISIT_SYSTEM, code: v.kind, display: k.words }], text: k.words }],
    subject: { reference: `Patient/${v.child_id}` },
    episodeOfCare: [{ reference: `EpisodeOfCare/${v.episode_id}` }],
    ...(v.done_by ? { participant: [{ individual: { reference: `Practitioner/${v.done_by}`, display: v.done_by_name ?? undefined } }] } : {}),
    period: { start: at, ...(v.done_at ? { end: at } : {}) },
    serviceProvider: { reference: `Organization/${v.nursing_team_id}` },
  };
}

async function ofChild(r: Reading, childId: string): Promise<Encounter[]> {
  await seePatient(r, childId, WHAT);
  return (await visits(r, { childId })).map(visitEncounter);
}

export const wardVisits: ExtraSource = {
  owns: async (r, id) => (await rows(r.tx, sql`SELECT 1 FROM ward_visit WHERE ics_id = ${r.actor.icsId}::uuid AND id = ${id}::uuid`)).length > 0,
  read: async (r, id) => visitEncounter(await seeFound(r, visits(r, { id }), WHAT)),
  async search(r, query) {
    const type = tokenParam(query, 'type', [WARD_VISIT_SYSTEM]);
    const { from, to } = dateRange(query, 'date');
    const all = await ofChild(r, patientParam(query)!);
    if (type === null || (type !== undefined && type !== 'home' && type !== 'video')) return [];
    const day = (e: Encounter) => e.period!.start!.slice(0, 10);
    return all.filter((e) => (!type || e.type![0].coding![0].code === type) && (!from || day(e) >= from) && (!to || day(e) <= to));
  },
  everything: ofChild,
  everyChild: async (r) => (await visits(r, { childIds: r.accesses.map((a) => a.childId) })).map(visitEncounter),
  readOnly: 'Virtual ward visits are scheduled and recorded on Joinery’s pages; they are read only here.',
  documentation: `Also the virtual ward’s visits: class HH (home) or VR (video), typed in ${WARD_VISIT_SYSTEM}, part of the EpisodeOfCare; read only.`,
};
