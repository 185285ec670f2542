import type { Tx } from '../db/client.js';
import type { Actor } from './actor.js';
import { recordAudit, type AuditEntry } from '../audit/audit.js';
import { ForbiddenError } from '../http/errors.js';

/**
 * A refusal of a child's data, already audited. Thrown, not returned: the
 * tenant transaction rolls back everything else the request wrote, writes
 * this audit again after the rollback and commits it (platform/db/client.ts,
 * keepingOnlyWhatIsKept), so the privacy officer sees every attempt and
 * nothing is half-written. The page offers emergency access when the actor
 * may take it and it would let them through (never once the door has opened).
 */
export class RefusedAccess extends ForbiddenError {
  readonly #actor: Actor;
  readonly #audit: AuditEntry;

  constructor(reason: string, readonly childId: string, readonly canBreakGlass: boolean, actor: Actor, audit: AuditEntry) {
    super(reason);
    this.#actor = actor;
    this.#audit = audit;
  }

  /** The audit of the refusal, written again after the work it stopped was rolled back. */
  keepAfterRollback(tx: Tx): Promise<void> {
    return recordAudit(tx, this.#actor, this.#audit);
  }

  /** What the refusal's audit says was refused. */
  get refused(): string {
    return this.#audit.what;
  }
}
