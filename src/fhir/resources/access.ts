import { policy } from '../../platform/access/policy.js';
import { legitimateRelationships } from '../../platform/access/relationship.js';
import { recordAuditMany } from '../../platform/audit/audit.js';
import { ForbiddenError } from '../../platform/http/errors.js';
import { notFound } from '../outcome.js';
import * as store from '../store.js';
import type { Reading } from './handler.js';

/**
 * The actor may see this child's record (a legitimate relationship, as the
 * pages require); the read is audited. Returns why it was allowed.
 */
export async function seeChild(r: Reading, childId: string, what: string, action = 'fhir.read'): Promise<string> {
  const decision = policy.viewChildSummary(r.actor, await legitimateRelationships(r.tx, r.actor, childId));
  if (!decision.allowed) throw new ForbiddenError(decision.reason, childId);
  await recordAuditMany(r.tx, r.actor, [{ childId, action, what, why: decision.why }]);
  return decision.why;
}

/** As seeChild, for a child named in a search: 404 when there is no such child (or they are another ICS's). */
export async function seePatient(r: Reading, childId: string, what: string): Promise<void> {
  if (!(await store.patientById(r.tx, childId))) throw notFound();
  await seeChild(r, childId, what);
}
