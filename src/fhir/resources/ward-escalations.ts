import type { Flag } from '@medplum/fhirtypes';
import { sql } from 'drizzle-orm';
import { rows } from '../../platform/db/client.js';
import { FLAG_CATEGORY, WARD_ESCALATION_SYSTEM } from '../codes.js';
import { instant, patientParam, single } from './common.js';
import { seeFound, seePatient } from './access.js';
import type { ExtraSource } from './alongside.js';
import type { Reading } from './handler.js';
import { escalations, type EscalationRow } from './virtual-ward-rows.js';

/**
 * An escalation on the virtual ward as a Flag (id = the escalation's): its
 * level as the code, active until someone acknowledges it (or the stay ends),
 * then inactive. The reasons and the response due go in the text.
 */

const WHAT = 'Virtual ward escalations (FHIR Flag)';

const LEVEL_WORDS: Record<string, string> = {
  low: 'Low', medium: 'Medium', high: 'High', emergency: 'Emergency', none: 'None',
};

const ended = (x: EscalationRow) => x.acknowledged_at !== null || x.episode_state === 'discharged';

export function escalationFlag(x: EscalationRow): Flag {
  const words = `${LEVEL_WORDS[x.level] ?? x.level} escalation on the virtual ward`;
  return {
    resourceType: 'Flag',
    id: x.id,
    status: ended(x) ? 'inactive' : 'active',
    category: [{ coding: [{ system: FLAG_CATEGORY, code: 'clinical', display: 'Clinical' }], text: 'Virtual ward escalation' }],
    code: { coding: [{ system: WARD_ESCALATION_SYSTEM, code: x.level, display: words }], text: `${words}: ${x.reasons.join('; ')}. Response: ${x.response}, due by ${instant(x.response_due_at)}, by ${x.owner_name}.` },
    subject: { reference: `Patient/${x.child_id}` },
    period: { start: instant(x.raised_at), ...(x.acknowledged_at ? { end: instant(x.acknowledged_at) } : {}) },
  };
}

async function ofChild(r: Reading, childId: string): Promise<Flag[]> {
  await seePatient(r, childId, WHAT);
  return (await escalations(r, { childId })).map(escalationFlag);
}

export const wardEscalations: ExtraSource = {
  owns: async (r, id) => (await rows(r.tx, sql`SELECT 1 FROM ward_escalation WHERE ics_id = ${r.actor.icsId}::uuid AND id = ${id}::uuid`)).length > 0,
  read: async (r, id) => escalationFlag(await seeFound(r, escalations(r, { id }), WHAT)),
  async search(r, query) {
    const status = single(query, 'status');
    return (await ofChild(r, patientParam(query)!)).filter((f) => !status || f.status === status);
  },
  everything: ofChild,
  everyChild: async (r) => (await escalations(r, { childIds: r.accesses.map((a) => a.childId) })).map(escalationFlag),
  readOnly: 'Virtual ward escalations are raised by observations and acknowledged on Joinery’s pages; they are read only here.',
  documentation: `Also the virtual ward’s escalations, the level coded in ${WARD_ESCALATION_SYSTEM} (low, medium, high, emergency): active until acknowledged; read only.`,
};
