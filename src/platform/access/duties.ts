import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/client.js';
import type { Actor } from './actor.js';
import { CARING_ROLES, type Role } from './roles.js';
import { recordAudit } from '../audit/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';

/**
 * Separation of duties. One administrator alone could make a GP account,
 * sign in with it and read records; so a second person checks every change
 * that gives someone a clinical role (or an administrator's or privacy
 * officer's, the people who do the checking), and every FHIR client that may
 * write. Each ICS chooses how:
 *
 * - 'approval': the account or client cannot be used (sign-in and tokens are
 *   refused) until a different administrator approves it;
 * - 'review': it works at once, but is flagged on the account and queued on
 *   the privacy officer's page until they have reviewed it.
 *
 * Every step is audited.
 */
export const DUTY_MODES = {
  approval: 'A second administrator must approve it before it can be used',
  review: 'It can be used at once, and the privacy officer reviews it afterwards',
} as const;
export type DutyMode = keyof typeof DUTY_MODES;
export const isDutyMode = (v: unknown): v is DutyMode => typeof v === 'string' && Object.prototype.hasOwnProperty.call(DUTY_MODES, v);

/** Roles whose accounts a second person checks: those who read children's records, those who check others, and the clinician who approves families' advice. */
export const CHECKED_ROLES: readonly Role[] = [...CARING_ROLES, 'admin', 'privacy-officer', 'clinical-lead'];

/** Scopes that let a client change records (SMART v2 c, u or d; v1 write or *). */
export const writesRecords = (scopes: readonly string[]) => scopes.some((s) => {
  const access = s.slice(s.lastIndexOf('.') + 1);
  return access === 'write' || access === '*' || (access !== 'read' && /[cud]/.test(access));
});

/** The ICS's mode; 'review' until an administrator chooses. */
export async function dutyMode(tx: Tx, icsId: string): Promise<DutyMode> {
  const [found] = await rows<{ mode: string }>(tx, sql`SELECT mode FROM ics_duty_setting WHERE ics_id = ${icsId}::uuid`);
  return isDutyMode(found?.mode) ? found.mode : 'review';
}

export async function setDutyMode(tx: Tx, actor: Actor, why: string, mode: unknown): Promise<void> {
  if (!isDutyMode(mode)) throw new ValidationError({ mode: 'Select how a second person checks clinical accounts and FHIR clients that can write' });
  const before = await dutyMode(tx, actor.icsId);
  if (before === mode) return;
  await tx.execute(sql`INSERT INTO ics_duty_setting (ics_id, mode, changed_by, changed_at) VALUES (${actor.icsId}::uuid, ${mode}, ${actor.professionalId}::uuid, now())
    ON CONFLICT (ics_id) DO UPDATE SET mode = excluded.mode, changed_by = excluded.changed_by, changed_at = excluded.changed_at`);
  await recordAudit(tx, actor, {
    action: 'admin.duty-mode-changed', what: `Second-person checks changed: ${DUTY_MODES[mode]}`, why, details: { before, after: mode },
  });
}

export type DutySubject = { professionalId: string } | { fhirClientId: string };

/** Opens a check on a change just made, in the ICS's mode, and audits it; returns the mode. `actor` made the change. */
export async function openDutyCheck(tx: Tx, actor: Actor, why: string, subject: DutySubject, what: string): Promise<DutyMode> {
  const mode = await dutyMode(tx, actor.icsId);
  const id = crypto.randomUUID();
  const professionalId = 'professionalId' in subject ? subject.professionalId : null;
  const clientId = 'fhirClientId' in subject ? subject.fhirClientId : null;
  await tx.execute(sql`INSERT INTO duty_check (ics_id, id, professional_id, fhir_client_id, what, mode, requested_by, requested_by_name)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${professionalId}::uuid, ${clientId}::uuid, ${what}, ${mode}, ${actor.professionalId}::uuid, ${actor.name})`);
  await recordAudit(tx, actor, {
    action: 'admin.duty-check-opened',
    what: `${what}: ${mode === 'approval' ? 'waiting for a second administrator to approve it' : 'queued for the privacy officer to review'}`,
    why, details: { dutyCheckId: id, mode, professionalId, fhirClientId: clientId },
  });
  return mode;
}

/** Whether an account or client is waiting for approval, and so may not be used. */
export async function awaitingApproval(tx: Tx, icsId: string, subject: DutySubject): Promise<boolean> {
  const match = 'professionalId' in subject ? sql`professional_id = ${subject.professionalId}::uuid` : sql`fhir_client_id = ${subject.fhirClientId}::uuid`;
  return (await rows(tx, sql`SELECT 1 FROM duty_check WHERE ics_id = ${icsId}::uuid AND ${match} AND mode = 'approval' AND decided_at IS NULL LIMIT 1`)).length > 0;
}

export type DutyCheckRow = {
  id: string; what: string; mode: DutyMode; requested_by: string | null; requested_by_name: string; requested_at: string;
  professional_id: string | null; fhir_client_id: string | null; subject_name: string | null;
};

/** Checks not yet decided, oldest first: those waiting for approval, or for the privacy officer's review. */
export function openDutyChecks(tx: Tx, icsId: string, mode: DutyMode): Promise<DutyCheckRow[]> {
  return rows<DutyCheckRow>(tx, sql`SELECT d.id, d.what, d.mode, d.requested_by, d.requested_by_name, d.requested_at, d.professional_id, d.fhir_client_id,
           coalesce(p.name, c.name) AS subject_name
      FROM duty_check d
      LEFT JOIN professional p ON p.ics_id = d.ics_id AND p.id = d.professional_id
      LEFT JOIN fhir_client c ON c.ics_id = d.ics_id AND c.id = d.fhir_client_id
     WHERE d.ics_id = ${icsId}::uuid AND d.decided_at IS NULL AND d.mode = ${mode}
     ORDER BY d.requested_at, d.id LIMIT 200`);
}

/** Open checks by account, for the flag on the users list and an account's page. */
export async function openChecksByAccount(tx: Tx, icsId: string, professionalIds: readonly string[]): Promise<Map<string, DutyMode>> {
  if (professionalIds.length === 0) return new Map();
  const found = await rows<{ professional_id: string; mode: DutyMode }>(tx, sql`SELECT professional_id, min(mode) AS mode FROM duty_check
     WHERE ics_id = ${icsId}::uuid AND decided_at IS NULL AND professional_id IN (${sql.join(professionalIds.map((id) => sql`${id}::uuid`), sql`, `)}) GROUP BY professional_id`);
  // 'approval' sorts before 'review': an account waiting for both shows as waiting for approval.
  return new Map(found.map((f) => [f.professional_id, f.mode]));
}

/**
 * Decides an open check: an approval by a different administrator, or a
 * review by the privacy officer. Asking again, or in the wrong mode, is
 * refused; approving one's own change is refused and audited (so the
 * refusal is returned, not thrown: a throw would roll its audit back).
 */
export async function decideDutyCheck(tx: Tx, actor: Actor, why: string, id: string, as: DutyMode): Promise<{ refused: string } | null> {
  const [found] = await rows<{ what: string; mode: DutyMode; requested_by: string | null; decided_at: string | null; professional_id: string | null; fhir_client_id: string | null }>(
    tx, sql`SELECT what, mode, requested_by, decided_at, professional_id, fhir_client_id FROM duty_check WHERE ics_id = ${actor.icsId}::uuid AND id = ${id}::uuid FOR UPDATE`,
  );
  if (!found || found.mode !== as) throw new NotFoundError();
  if (found.decided_at) throw new ConflictError(as === 'approval' ? 'This has already been approved.' : 'This has already been reviewed.');
  const details = { dutyCheckId: id, professionalId: found.professional_id, fhirClientId: found.fhir_client_id };
  if (as === 'approval' && found.requested_by === actor.professionalId) {
    await recordAudit(tx, actor, { action: 'admin.duty-self-approval-refused', what: `Refused: approving their own change (${found.what})`, why, details });
    return { refused: 'You made this change, so you cannot approve it. Another administrator must approve it.' };
  }
  await tx.execute(sql`UPDATE duty_check SET decided_by = ${actor.professionalId}::uuid, decided_by_name = ${actor.name}, decided_at = now()
    WHERE ics_id = ${actor.icsId}::uuid AND id = ${id}::uuid`);
  await recordAudit(tx, actor, {
    action: as === 'approval' ? 'admin.duty-approved' : 'privacy.duty-reviewed',
    what: `${as === 'approval' ? 'Approved' : 'Reviewed'}: ${found.what}`, why, details,
  });
  return null;
}
