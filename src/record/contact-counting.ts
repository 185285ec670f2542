import type { Tx } from '../platform/db/client.js';
import type { ContactInput } from './entry-input.js';

/**
 * One set of facts about a child's attendances (docs/decisions/0012): a
 * contact recorded here is counted by the population (case finding, the
 * dashboards) as the same row. Population reads the record, so it is the
 * higher capability: the root hands its counter over (src/relationships.ts)
 * rather than the record importing it.
 */
export type CountableContact = Pick<ContactInput, 'type' | 'startedAt' | 'endedAt' | 'organisationId' | 'reasonCode' | 'emergency'> & {
  contactId: string;
  childId: string;
};
export type ContactCounter = (tx: Tx, icsId: string, contacts: CountableContact[]) => Promise<unknown>;

let counter: ContactCounter | undefined;

/** Called once at start by the composition root. */
export function countContactsWith(count: ContactCounter): void {
  counter = count;
}

/** Counts contacts just recorded, in the recorder's transaction; refuses to record uncounted. */
export function countRecordedContacts(tx: Tx, icsId: string, contacts: CountableContact[]): Promise<unknown> {
  if (!counter) throw new Error('No contact counter: the composition root must call countContactsWith');
  return counter(tx, icsId, contacts);
}
