import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { auditChild, openChild } from '../platform/access/door.js';
import { NotFoundError } from '../platform/http/errors.js';
import type { LetterDocument } from '../platform/http/pdf.js';
import { recordPolicy } from './policy.js';
import { refuseChangeWhileFrozen } from '../platform/access/freeze.js';

/**
 * Letters filed in a child's record: MDT outcome, referral, advice and clinic
 * letters. Filed as sent, never changed; listed on the record page and read one
 * at a time (audited).
 */

export type LetterRow = { id: string; title: string; source: string; filed_by_name: string; filed_at: string };

/** Files a letter in the child's record; the actor must have a relationship with the child. */
export async function fileLetter(tx: Tx, actor: Actor, childId: string, letter: LetterDocument, from: { source: string; sourceId?: string }): Promise<string> {
  const access = await openChild(tx, actor, childId, { rule: recordPolicy.viewRecord, refused: 'file a letter in the shared record' });
  await refuseChangeWhileFrozen(tx, access, 'file a letter in the shared record');
  const id = crypto.randomUUID();
  await tx.execute(sql`INSERT INTO record_letter (ics_id, id, child_id, title, body, source, source_id, filed_by, filed_by_name, filed_by_organisation_id)
    VALUES (${actor.icsId}::uuid, ${id}::uuid, ${childId}::uuid, ${letter.title}, ${JSON.stringify(letter)}::jsonb, ${from.source}, ${from.sourceId ?? null}::uuid,
            ${actor.professionalId}::uuid, ${actor.name}, ${actor.organisationId}::uuid)`);
  await auditChild(tx, access, { action: 'record.file-letter', what: `Letter filed: ${letter.title}`, details: { letterId: id } });
  return id;
}

/** The child's letters, newest first (titles and dates only): for a page whose own read is audited. */
export function lettersOfChild(tx: Tx, icsId: string, childId: string, limit = 50): Promise<LetterRow[]> {
  return rows<LetterRow>(
    tx,
    sql`SELECT id, title, source, filed_by_name, filed_at FROM record_letter
         WHERE ics_id = ${icsId}::uuid AND child_id = ${childId}::uuid ORDER BY filed_at DESC, id LIMIT ${limit}`,
  );
}

/** One letter of this child, as sent. */
export async function letterOfChild(tx: Tx, icsId: string, childId: string, letterId: string) {
  const [found] = await rows<LetterRow & { body: LetterDocument }>(
    tx,
    sql`SELECT id, title, source, filed_by_name, filed_at, body FROM record_letter
         WHERE ics_id = ${icsId}::uuid AND id = ${letterId}::uuid AND child_id = ${childId}::uuid`,
  );
  if (!found) throw new NotFoundError();
  return found;
}

/**
 * The latest letter filed from one source (a clinic booking, an MDT case), as
 * sent: for the page that sent it, which checks access and audits itself.
 */
export async function letterFiledFrom(tx: Tx, icsId: string, source: string, sourceId: string): Promise<{ body: LetterDocument; filed_at: string | Date } | undefined> {
  const [found] = await rows<{ body: LetterDocument; filed_at: string | Date }>(
    tx,
    sql`SELECT body, filed_at FROM record_letter
         WHERE ics_id = ${icsId}::uuid AND source = ${source} AND source_id = ${sourceId}::uuid ORDER BY filed_at DESC LIMIT 1`,
  );
  return found;
}
