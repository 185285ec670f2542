import { sql } from 'drizzle-orm';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { recordAudit } from '../platform/audit/audit.js';
import { ForbiddenError, type FieldErrors } from '../platform/http/errors.js';
import { readDateParts, type DateParts } from '../platform/time/form-dates.js';
import { populationPolicy } from '../population/service.js';
import { hubsSeen } from './hubs-seen.js';
import { modelsPolicy } from './policy.js';
import { standardOf } from './standards.js';
import { standardsReport } from './standards-report.js';

/** The standards page: the hubs the actor sees, small numbers withheld as on every population page. */
export async function standardsView(tx: Tx, actor: Actor, today: string) {
  const seen = await hubsSeen(tx, actor);
  const hideSmall = !populationPolicy.seeSmallNumbers(actor).allowed;
  const report = await standardsReport(tx, actor.icsId, { today, hideSmall, hubIds: seen.hubs.map((h) => h.id) });
  await recordAudit(tx, actor, { action: 'models.standards-viewed', what: 'Child health standards by hub', why: seen.why, details: { hubs: seen.hubs.length } });
  return { ...report, hubs: seen.hubs, canAttest: modelsPolicy.keepRegister(actor).allowed };
}

export const ATTEST_FIELDS = ['standard', 'hub', 'status', 'evidence', 'attestedOn'] as const;
export type AttestForm = { standard: string; hub: string; status: string; evidence: string; attestedOn: DateParts };

/**
 * The ICS's attestation for a standard in a hub, with its evidence and date:
 * what answers the standard where Joinery holds no data. Kept beside the
 * earlier ones, never over them.
 */
export async function attestStandard(tx: Tx, actor: Actor, form: AttestForm, today: string): Promise<{ fields: FieldErrors } | { saved: true }> {
  const keep = modelsPolicy.keepRegister(actor);
  if (!keep.allowed) throw new ForbiddenError(keep.reason);
  const seen = await hubsSeen(tx, actor);
  const fields: FieldErrors = {};
  const standard = standardOf(form.standard);
  if (!standard) fields.standard = 'Select the standard';
  const hub = seen.hubs.find((h) => h.id === form.hub);
  if (!hub) fields.hub = 'Select the hub';
  if (!['met', 'partly', 'not-met'].includes(form.status)) fields.status = 'Select met, partly met or not met';
  const evidence = form.evidence.trim();
  if (!evidence) fields.evidence = 'Enter the evidence: what shows the standard is met or not';
  else if (evidence.length > 2000) fields.evidence = 'The evidence must be 2,000 characters or fewer';
  const on = readDateParts(form.attestedOn, 'The date of the attestation');
  if (on.error) fields.attestedOn = on.error;
  else if (!on.iso) fields.attestedOn = 'Enter the date of the attestation';
  else if (on.iso > today) fields.attestedOn = 'The date of the attestation must be today or in the past';
  if (Object.keys(fields).length || !standard || !hub || !on.iso) return { fields };
  await tx.execute(sql`INSERT INTO standard_attestation (ics_id, id, standard_id, cluster_id, status, evidence, attested_on, recorded_by, recorded_by_name)
                       VALUES (${actor.icsId}::uuid, ${crypto.randomUUID()}::uuid, ${standard.id}, ${hub.id}::uuid, ${form.status}, ${evidence}, ${on.iso}::date,
                               ${actor.professionalId}::uuid, ${actor.name})`);
  await recordAudit(tx, actor, { action: 'models.standard-attested', what: `${standard.title}: attested ${form.status} for ${hub.name}`, why: keep.why, details: { standard: standard.id, hub: hub.id } });
  return { saved: true };
}
